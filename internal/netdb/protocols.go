package netdb

import "sync"

// Protocols is a protocols(5) database: names and aliases of IP protocol
// numbers.
type Protocols struct {
	numbers map[string]int // by name or alias; first line wins
	names   map[int]string // by number; first line wins
}

// ParseProtocols reads a protocols(5) file as glibc does: "name number
// aliases...", with '#' starting a comment. A number is read with strtoul
// into a C int, so "4294967295" is -1; lines glibc would reject are
// skipped.
func ParseProtocols(data []byte) *Protocols {
	p := &Protocols{numbers: map[string]int{}, names: map[int]string{}}
	eachLine(data, func(line string) {
		c := lineCursor{line}
		name := c.word(isSpace, true)
		n32, ok := c.number(isSpace, true, 10)
		if !ok {
			return
		}
		n := int(int32(n32))
		for _, alias := range append([]string{name}, c.aliases()...) {
			if _, dup := p.numbers[alias]; !dup {
				p.numbers[alias] = n
			}
		}
		if _, dup := p.names[n]; !dup {
			p.names[n] = name
		}
	})
	return p
}

// Number returns the protocol number of a name or alias, like
// getprotobyname. Names are case-sensitive.
func (p *Protocols) Number(name string) (int, bool) {
	n, ok := p.numbers[name]
	return n, ok
}

// Name returns the name of the first protocol with a number, like
// getprotobynumber.
func (p *Protocols) Name(number int) (string, bool) {
	name, ok := p.names[number]
	return name, ok
}

// NetbaseProtocols returns the protocols database embedded in this
// package, Debian netbase's /etc/protocols, parsed on first use.
func NetbaseProtocols() *Protocols { return parsedNetbaseProtocols() }

var parsedNetbaseProtocols = sync.OnceValue(func() *Protocols { return ParseProtocols(netbaseProtocols) })

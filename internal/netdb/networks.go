package netdb

import "strings"

// Networks is a networks(5) database: names of IPv4 network numbers.
type Networks struct {
	entries []network // in file order
}

type network struct {
	names  []string // name, then aliases
	number uint32
}

// ParseNetworks reads a networks(5) file as glibc does: "name number
// aliases...", '#' starting a comment. The number is padded with ".0"
// parts to four and read with inet_network, so "127" is 127.0.0.0 and a
// malformed number is 255.255.255.255.
func ParseNetworks(data []byte) *Networks {
	n := &Networks{}
	eachLine(data, func(line string) {
		c := lineCursor{line}
		name := c.word(isSpace, true)
		number := c.word(isSpace, true)
		if dots := strings.Count(number, "."); dots < 3 {
			number += strings.Repeat(".0", 3-dots)
		}
		n.entries = append(n.entries, network{
			names:  append([]string{name}, c.aliases()...),
			number: inetNetwork(number),
		})
	})
	return n
}

// Number returns the network number of a name or alias, ignoring case,
// like getnetbyname.
func (n *Networks) Number(name string) (uint32, bool) {
	for _, e := range n.entries {
		for _, alias := range e.names {
			if equalFoldASCII(alias, name) {
				return e.number, true
			}
		}
	}
	return 0, false
}

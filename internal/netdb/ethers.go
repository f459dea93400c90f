package netdb

// Ethers is an ethers(5) database: host names of Ethernet addresses.
type Ethers struct {
	entries []ether // in file order
}

type ether struct {
	addr [6]byte
	name string
}

// ParseEthers reads an ethers(5) file as glibc does: six hex numbers (each
// at most ff) separated by ':', then a name; '#' starts a comment and
// lines glibc would reject are skipped.
func ParseEthers(data []byte) *Ethers {
	e := &Ethers{}
	eachLine(data, func(line string) {
		c := lineCursor{line}
		var addr [6]byte
		for i := range addr {
			isEnd, swallow := isColon, false
			if i == len(addr)-1 {
				isEnd, swallow = isSpace, true
			}
			v, ok := c.number(isEnd, swallow, 16)
			if !ok || v > 0xff {
				return
			}
			addr[i] = byte(v)
		}
		e.entries = append(e.entries, ether{addr: addr, name: c.word(isSpace, true)})
	})
	return e
}

// Addr returns the Ethernet address of a host name, ignoring case, like
// glibc's ether_hostton.
func (e *Ethers) Addr(name string) ([6]byte, bool) {
	for _, x := range e.entries {
		if equalFoldASCII(x.name, name) {
			return x.addr, true
		}
	}
	return [6]byte{}, false
}

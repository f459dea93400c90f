package netdb

import (
	_ "embed"
	"sync"
)

// Services is a services(5) database: service names and aliases for
// ports of each transport protocol.
type Services struct {
	ports map[serviceKey]uint16 // by name or alias and protocol; first line wins
	names map[portKey]string    // by port and protocol; first line wins
}

type serviceKey struct{ name, proto string }

type portKey struct {
	port  uint16
	proto string
}

// ParseServices reads a services(5) file as glibc does: "name
// port/protocol aliases...", with '#' starting a comment. A port is read
// with strtoul in base 0 ("0x10" is 16) and truncated to 16 bits; lines
// that glibc would reject are skipped.
func ParseServices(data []byte) *Services {
	s := &Services{ports: map[serviceKey]uint16{}, names: map[portKey]string{}}
	eachLine(data, func(line string) {
		c := lineCursor{line}
		name := c.word(isSpace, true)
		port32, ok := c.number(isSlash, true, 0)
		if !ok {
			return
		}
		port := uint16(port32) // htons of the 32-bit value
		proto := c.word(isSpace, true)
		for _, n := range append([]string{name}, c.aliases()...) {
			if _, dup := s.ports[serviceKey{n, proto}]; !dup {
				s.ports[serviceKey{n, proto}] = port
			}
		}
		if _, dup := s.names[portKey{port, proto}]; !dup {
			s.names[portKey{port, proto}] = name
		}
	})
	return s
}

// Port returns the port of a service name or alias for a protocol such as
// "tcp", like getservbyname. Names are case-sensitive.
func (s *Services) Port(name, proto string) (uint16, bool) {
	port, ok := s.ports[serviceKey{name, proto}]
	return port, ok
}

// Name returns the name of the first service for a port and protocol,
// like getservbyport.
func (s *Services) Name(port uint16, proto string) (string, bool) {
	name, ok := s.names[portKey{port, proto}]
	return name, ok
}

// Debian netbase's /etc/services and /etc/protocols, the files tcpdump
// reads on Debian.
var (
	//go:embed netbase/services
	netbaseServices []byte
	//go:embed netbase/protocols
	netbaseProtocols []byte
)

// NetbaseServices returns the services database embedded in this package,
// Debian netbase's /etc/services, parsed on first use.
func NetbaseServices() *Services { return parsedNetbaseServices() }

var parsedNetbaseServices = sync.OnceValue(func() *Services { return ParseServices(netbaseServices) })

package printer

import (
	"bytes"
	"context"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/gotcpdump/gotcpdump/internal/netdb"
)

// port appends a TCP or UDP port as a name or a number. Names come from
// the embedded copy of Debian's /etc/services, which tcpdump reads there,
// so that output does not depend on the machine.
func (p *Printer) port(port uint16, proto string) {
	if !p.opts.Numeric {
		if name, ok := netdb.NetbaseServices().Name(port, proto); ok {
			p.str(name)
			return
		}
	}
	p.uint(uint64(port))
}

func (p *Printer) tcpPort(port uint16) { p.port(port, "tcp") }

func (p *Printer) udpPort(port uint16) { p.port(port, "udp") }

// protoName returns the name of an IP protocol number in the embedded
// copy of Debian's /etc/protocols.
func protoName(proto uint8) (string, bool) {
	return netdb.NetbaseProtocols().Name(int(proto))
}

// ip4 appends the IPv4 address in b[:4] as a host name or dotted quad.
func (p *Printer) ip4(b []byte) {
	if p.opts.Numeric {
		p.ip4Numeric(b)
		return
	}
	p.host(netip.AddrFrom4([4]byte(b[:4])))
}

func (p *Printer) ip4Numeric(b []byte) {
	for i := range 4 {
		if i > 0 {
			p.byte('.')
		}
		p.uint(uint64(b[i]))
	}
}

// ip6 appends the IPv6 address in b[:16] as a host name or in RFC 5952 form.
func (p *Printer) ip6(b []byte) {
	a := netip.AddrFrom16([16]byte(b[:16]))
	if p.opts.Numeric {
		p.line = a.AppendTo(p.line)
		return
	}
	p.host(a)
}

func (p *Printer) host(a netip.Addr) {
	name, ok := p.hosts[a]
	if !ok {
		name = a.String()
		if n, found := p.lookupAddr(a); found {
			name = n
		}
		p.hosts[a] = name
	}
	p.str(name)
}

func (p *Printer) lookupAddr(a netip.Addr) (string, bool) {
	if p.opts.LookupAddr != nil {
		return p.opts.LookupAddr(a)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	names, err := net.DefaultResolver.LookupAddr(ctx, a.String())
	if err != nil || len(names) == 0 {
		return "", false
	}
	return strings.TrimSuffix(names[0], "."), true
}

// mac appends the Ethernet address in b[:6]; without -n, the broadcast
// address is named and others carry their organisation.
func (p *Printer) mac(b []byte) {
	if !p.opts.Numeric && bytes.Equal(b[:6], broadcastMAC[:]) {
		p.str("Broadcast")
		return
	}
	p.linkAddr(b[:6])
	if !p.opts.Numeric {
		oui := uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2])
		name, ok := ouiNames[oui]
		if !ok {
			name = "Unknown"
		}
		p.str(" (oui ")
		p.str(name)
		p.byte(')')
	}
}

var broadcastMAC = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// linkAddr appends a link-level address of any length as colon-separated
// hex bytes.
func (p *Printer) linkAddr(b []byte) {
	for i, c := range b {
		if i > 0 {
			p.byte(':')
		}
		p.hex(uint64(c), 2)
	}
}

// interfaceName returns the name of the interface with the given index.
func (p *Printer) interfaceName(index uint32) string {
	if name, ok := p.ifaces[index]; ok {
		return name
	}
	var name string
	if p.opts.InterfaceName != nil {
		name = p.opts.InterfaceName(index)
	} else if ifi, err := net.InterfaceByIndex(int(index)); err == nil {
		name = ifi.Name
	}
	if name == "" {
		name = "?"
	}
	p.ifaces[index] = name
	return name
}

// netipAppend16 appends the IPv6 address in b[:16] numerically.
func netipAppend16(dst, b []byte) []byte {
	return netip.AddrFrom16([16]byte(b[:16])).AppendTo(dst)
}

package netdb

import (
	"context"
	"net"
	"net/netip"
)

// Resolver finds the addresses of a host name. network is "ip", "ip4" or
// "ip6". *net.Resolver is one; [Hosts] is another.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

var (
	_ Resolver = net.DefaultResolver
	_ Resolver = (*Hosts)(nil)
)

// Hosts is a hosts(5) file used as a [Resolver], for tests and for
// machines whose names must not depend on DNS.
type Hosts struct {
	entries []hostEntry // in file order
}

type hostEntry struct {
	addr  netip.Addr
	names []string // canonical name, then aliases
}

// ParseHosts reads a hosts(5) file: an IPv4 or IPv6 address, then names,
// '#' starting a comment. Lines without a valid address or a name are
// skipped.
func ParseHosts(data []byte) *Hosts {
	h := &Hosts{}
	eachLine(data, func(line string) {
		c := lineCursor{line}
		addr, err := netip.ParseAddr(c.word(isSpace, true))
		names := c.aliases()
		if err != nil || addr.Zone() != "" || len(names) == 0 {
			return
		}
		h.entries = append(h.entries, hostEntry{addr: addr, names: names})
	})
	return h
}

// LookupNetIP returns the addresses of every line that names host,
// ignoring case, in file order. An unknown name is a *net.DNSError with
// IsNotFound set, as from net.Resolver.
func (h *Hosts) LookupNetIP(_ context.Context, network, host string) ([]netip.Addr, error) {
	var addrs []netip.Addr
	for _, e := range h.entries {
		if network == "ip4" && !e.addr.Is4() || network == "ip6" && !e.addr.Is6() {
			continue
		}
		for _, name := range e.names {
			if equalFoldASCII(name, host) {
				addrs = append(addrs, e.addr)
				break
			}
		}
	}
	if len(addrs) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return addrs, nil
}

// Name returns the first name of the first line with an address, as
// getnameinfo answers from a hosts file.
func (h *Hosts) Name(addr netip.Addr) (string, bool) {
	for _, e := range h.entries {
		if e.addr == addr {
			return e.names[0], true
		}
	}
	return "", false
}

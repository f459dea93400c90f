package netdb

import (
	"context"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HostTimeout bounds a host name lookup in [DB.Host].
const HostTimeout = 5 * time.Second

// DB answers the name lookups of the filter compiler. Its methods are
// safe for concurrent use.
type DB struct {
	services  func() *Services
	protocols func() *Protocols
	networks  func() *Networks
	ethers    func() *Ethers
	hosts     Resolver
}

// Files holds the contents of the files a [DB] reads. A nil Services or
// Protocols stands for the embedded netbase copy; a nil Networks or Ethers
// for an empty file.
type Files struct {
	Services, Protocols, Networks, Ethers []byte
}

// New returns a DB that reads the given files and asks hosts for host
// names; with a nil hosts, only numeric host names resolve.
func New(files Files, hosts Resolver) *DB {
	services, protocols := NetbaseServices, NetbaseProtocols
	if files.Services != nil {
		services = sync.OnceValue(func() *Services { return ParseServices(files.Services) })
	}
	if files.Protocols != nil {
		protocols = sync.OnceValue(func() *Protocols { return ParseProtocols(files.Protocols) })
	}
	return &DB{
		services:  services,
		protocols: protocols,
		networks:  sync.OnceValue(func() *Networks { return ParseNetworks(files.Networks) }),
		ethers:    sync.OnceValue(func() *Ethers { return ParseEthers(files.Ethers) }),
		hosts:     hosts,
	}
}

// System returns a DB of this machine's /etc files, each read on first
// use, and of Go's resolver. An unreadable /etc/services or /etc/protocols
// is replaced by the embedded netbase copy; an unreadable /etc/networks or
// /etc/ethers is empty.
func System() *DB {
	return &DB{
		services: sync.OnceValue(func() *Services {
			if data, err := os.ReadFile("/etc/services"); err == nil {
				return ParseServices(data)
			}
			return NetbaseServices()
		}),
		protocols: sync.OnceValue(func() *Protocols {
			if data, err := os.ReadFile("/etc/protocols"); err == nil {
				return ParseProtocols(data)
			}
			return NetbaseProtocols()
		}),
		networks: sync.OnceValue(func() *Networks { return ParseNetworks(readOptional("/etc/networks")) }),
		ethers:   sync.OnceValue(func() *Ethers { return ParseEthers(readOptional("/etc/ethers")) }),
		hosts:    net.DefaultResolver,
	}
}

// readOptional returns a file's contents, or nothing when it cannot be
// read, as the C library treats a missing file as an empty one.
func readOptional(path string) []byte {
	data, _ := os.ReadFile(path)
	return data
}

// Transport is the transport protocol a port name stands for.
type Transport uint8

const (
	// AnyTransport is a name with the same port for tcp and udp, or a
	// number: "port" then matches tcp, udp and sctp (libpcap's PROTO_UNDEF).
	AnyTransport Transport = iota
	// TCP is a name that is a tcp service only, or whose udp port differs.
	TCP
	// UDP is a name that is a udp service only.
	UDP
)

func (t Transport) String() string {
	switch t {
	case AnyTransport:
		return "any"
	case TCP:
		return "tcp"
	case UDP:
		return "udp"
	}
	return "Transport(" + strconv.Itoa(int(t)) + ")"
}

// Port is a resolved port name.
type Port struct {
	Number    uint16
	Transport Transport
}

// PortRange is a resolved port range. First and Last are what libpcap
// computed, not yet checked: they may be negative or above 65535, and
// First may exceed Last.
type PortRange struct {
	First, Last int
	Transport   Transport
}

// Port resolves a port name or number as libpcap's pcap_nametoport does.
func (db *DB) Port(name string) (Port, error) {
	tcp, isTCP := db.servicePort(name, "tcp")
	udp, isUDP := db.servicePort(name, "udp")
	switch {
	case isTCP && isUDP && tcp == udp:
		return Port{tcp, AnyTransport}, nil
	case isTCP:
		return Port{tcp, TCP}, nil
	case isUDP:
		return Port{udp, UDP}, nil
	}
	return Port{}, &NotFoundError{Kind: "port", Name: name}
}

// servicePort is getaddrinfo's reading of a service for one protocol: a
// decimal number (as strtoul reads it into an int, which must not be
// negative; the empty string is 0), else a service name.
func (db *DB) servicePort(service, proto string) (uint16, bool) {
	if service == "" {
		return 0, true
	}
	if v, rest, ok := strtoul(service, 10); ok && rest == "" {
		if n := int32(uint32(v)); n >= 0 {
			return uint16(n), true
		}
	}
	return db.services().Port(service, proto)
}

// PortRange resolves "first-last" as libpcap 1.10.3's pcap_nametoportrange
// does: two numbers as scanf("%d-%d") reads them (with AnyTransport), else
// two [DB.Port] names split at the first '-'.
func (db *DB) PortRange(name string) (PortRange, error) {
	if first, rest, ok := scanfInt(name); ok && rest != "" && rest[0] == '-' {
		if last, _, ok := scanfInt(rest[1:]); ok {
			return PortRange{int(first), int(last), AnyTransport}, nil
		}
	}
	notFound := &NotFoundError{Kind: "port range", Name: name}
	before, after, ok := strings.Cut(name, "-")
	if !ok {
		return PortRange{}, notFound
	}
	first, err := db.Port(before)
	if err != nil {
		return PortRange{}, notFound
	}
	last, err := db.Port(after)
	if err != nil {
		return PortRange{}, notFound
	}
	t := first.Transport
	if last.Transport != t {
		t = AnyTransport
	}
	return PortRange{int(first.Number), int(last.Number), t}, nil
}

// IPProtocol returns the number of an IP protocol name, like
// pcap_nametoproto: getprotobyname's number, which a caller should still
// check against 0..255. A number of -1 is libpcap's "not found".
func (db *DB) IPProtocol(name string) (int, error) {
	if n, ok := db.protocols().Number(name); ok && n != -1 {
		return n, nil
	}
	return 0, &NotFoundError{Kind: "protocol", Name: name}
}

// Network returns the network "net NAME" matches, as gencode.c computes it
// from getnetbyname's number: shifted left until its top byte is not zero,
// with a mask of the bytes that were there. A network numbered 0 is
// unknown, as in libpcap.
func (db *DB) Network(name string) (addr, mask uint32, err error) {
	addr, ok := db.networks().Number(name)
	if !ok || addr == 0 {
		return 0, 0, &NotFoundError{Kind: "network", Name: name}
	}
	mask = 0xffffffff
	for addr&0xff000000 == 0 {
		addr <<= 8
		mask <<= 8
	}
	return addr, mask, nil
}

// EtherHost returns the Ethernet address of a host name, like
// ether_hostton.
func (db *DB) EtherHost(name string) ([6]byte, error) {
	if addr, ok := db.ethers().Addr(name); ok {
		return addr, nil
	}
	return [6]byte{}, &NotFoundError{Kind: "ether host", Name: name}
}

// Host returns every IPv4 and IPv6 address of a host name, as libpcap's
// getaddrinfo call finds them: an IPv4 address in any form inet_aton
// accepts ("10.1", "0x0a000001") or an IPv6 address is itself; anything
// else goes to the resolver, within [HostTimeout]. Addresses come in the
// resolver's order, IPv4 ones unmapped, without zones or repeats.
func (db *DB) Host(ctx context.Context, name string) ([]netip.Addr, error) {
	if v, ok := inetAtonExact(name); ok {
		return []netip.Addr{netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})}, nil
	}
	if a, err := netip.ParseAddr(name); err == nil && a.Is6() && a.Zone() == "" {
		return []netip.Addr{a}, nil
	}
	if db.hosts == nil {
		return nil, &NotFoundError{Kind: "host", Name: name}
	}
	ctx, cancel := context.WithTimeout(ctx, HostTimeout)
	defer cancel()
	found, err := db.hosts.LookupNetIP(ctx, "ip", name)
	if err != nil {
		return nil, &NotFoundError{Kind: "host", Name: name, Err: err}
	}
	addrs := make([]netip.Addr, 0, len(found))
	seen := map[netip.Addr]bool{}
	for _, a := range found {
		a = a.Unmap().WithZone("")
		if !seen[a] {
			seen[a] = true
			addrs = append(addrs, a)
		}
	}
	if len(addrs) == 0 {
		return nil, &NotFoundError{Kind: "host", Name: name}
	}
	return addrs, nil
}

package netdb_test

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/gotcpdump/gotcpdump/internal/netdb"
)

// FuzzParse reads arbitrary bytes as every kind of netdb file and looks a
// name up in each: no panics, and nothing is found that the file does not
// name.
func FuzzParse(f *testing.F) {
	for _, path := range []string{"testdata/quirks/services", "testdata/quirks/protocols", "testdata/quirks/networks",
		"testdata/quirks/ethers", "testdata/quirks/hosts", "netdbtest/hosts"} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "dup-name")
		f.Add(data, "MixedCase")
	}
	f.Add([]byte("a 1/tcp b\x00c 2/tcp\n"), "c")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		named := func(kind string, ok bool, foldCase bool) {
			if !ok {
				return
			}
			haystack, needle := data, []byte(name)
			if foldCase {
				haystack, needle = lowerASCII(haystack), lowerASCII(needle)
			}
			if !bytes.Contains(haystack, needle) {
				t.Errorf("%s %q found in a file that does not name it", kind, name)
			}
		}
		services := netdb.ParseServices(data)
		_, ok := services.Port(name, "tcp")
		named("service", ok, false)
		services.Name(80, "tcp")
		protocols := netdb.ParseProtocols(data)
		_, ok = protocols.Number(name)
		named("protocol", ok, false)
		protocols.Name(6)
		_, ok = netdb.ParseNetworks(data).Number(name)
		named("network", ok, true)
		_, ok = netdb.ParseEthers(data).Addr(name)
		named("ether host", ok, true)
		hosts := netdb.ParseHosts(data)
		_, err := hosts.LookupNetIP(context.Background(), "ip", name)
		named("host", err == nil, true)

		db := netdb.New(netdb.Files{Services: data, Protocols: data, Networks: data, Ethers: data}, hosts)
		db.Port(name)
		db.PortRange(name)
		db.IPProtocol(name)
		db.EtherHost(name)
		if addr, mask, err := db.Network(name); err == nil && (addr&^mask != 0 || addr>>24 == 0) {
			t.Errorf("Network(%q) = %08x/%08x: bits outside the mask or top byte zero", name, addr, mask)
		}
		db.Host(context.Background(), name)
	})
}

// lowerASCII lowers ASCII letters only, as strcasecmp compares.
func lowerASCII(b []byte) []byte {
	lower := bytes.Clone(b)
	for i, c := range lower {
		if 'A' <= c && c <= 'Z' {
			lower[i] = c + 'a' - 'A'
		}
	}
	return lower
}

var plainRange = regexp.MustCompile(`^([0-9]{1,9})-([0-9]{1,9})$`)

// FuzzLookup looks arbitrary names up in the embedded tables: no panics;
// plain numbers and addresses resolve to themselves.
func FuzzLookup(f *testing.F) {
	for _, q := range oracleQueries {
		for _, name := range q.names {
			f.Add(name)
		}
	}
	db := netdb.New(netdb.Files{}, nil)
	f.Fuzz(func(t *testing.T, name string) {
		if p, err := db.Port(name); err == nil && p.Transport == netdb.AnyTransport {
			if n, err := strconv.ParseUint(name, 10, 16); err == nil && uint64(p.Number) != n {
				t.Errorf("Port(%q) = %d", name, p.Number)
			}
		}
		r, err := db.PortRange(name)
		if m := plainRange.FindStringSubmatch(name); m != nil {
			first, _ := strconv.Atoi(m[1])
			last, _ := strconv.Atoi(m[2])
			if err != nil || r != (netdb.PortRange{First: first, Last: last, Transport: netdb.AnyTransport}) {
				t.Errorf("PortRange(%q) = %+v, %v", name, r, err)
			}
		}
		db.IPProtocol(name)
		addrs, err := db.Host(context.Background(), name)
		if a, perr := netip.ParseAddr(name); perr == nil && a.Zone() == "" {
			if err != nil || len(addrs) != 1 || addrs[0] != a {
				t.Errorf("Host(%q) = %v, %v; want itself", name, addrs, err)
			}
		} else if err != nil && !errors.Is(err, netdb.ErrNotFound) {
			t.Errorf("Host(%q) error %v is not ErrNotFound", name, err)
		}
	})
}

package netdb_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gotcpdump/gotcpdump/internal/netdb"
)

// resolverFunc adapts a function to netdb.Resolver.
type resolverFunc func(ctx context.Context, network, host string) ([]netip.Addr, error)

func (f resolverFunc) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return f(ctx, network, host)
}

func TestNotFoundErrors(t *testing.T) {
	dnsErr := &net.DNSError{Err: "no such host", Name: "h", IsNotFound: true}
	db := netdb.New(netdb.Files{}, resolverFunc(func(context.Context, string, string) ([]netip.Addr, error) {
		return nil, dnsErr
	}))
	lookups := []struct {
		kind   string
		lookup func() error
		cause  error
	}{
		{"port", func() error { _, err := db.Port("nope"); return err }, nil},
		{"port range", func() error { _, err := db.PortRange("nope-1"); return err }, nil},
		{"protocol", func() error { _, err := db.IPProtocol("nope"); return err }, nil},
		{"network", func() error { _, _, err := db.Network("nope"); return err }, nil},
		{"ether host", func() error { _, err := db.EtherHost("nope"); return err }, nil},
		{"host", func() error { _, err := db.Host(context.Background(), "nope"); return err }, dnsErr},
	}
	for _, l := range lookups {
		t.Run(l.kind, func(t *testing.T) {
			err := l.lookup()
			if !errors.Is(err, netdb.ErrNotFound) {
				t.Fatalf("error %v is not ErrNotFound", err)
			}
			var nf *netdb.NotFoundError
			if !errors.As(err, &nf) {
				t.Fatalf("error %v is not a *NotFoundError", err)
			}
			if diff := cmp.Diff(l.kind, nf.Kind); diff != "" {
				t.Errorf("Kind (-want +got):\n%s", diff)
			}
			if errors.Unwrap(err) != l.cause {
				t.Errorf("Unwrap = %v, want %v", errors.Unwrap(err), l.cause)
			}
		})
	}
}

func TestHostCleansResolverAnswers(t *testing.T) {
	db := netdb.New(netdb.Files{}, resolverFunc(func(_ context.Context, network, host string) ([]netip.Addr, error) {
		if network != "ip" {
			t.Errorf("network %q, want ip", network)
		}
		return []netip.Addr{
			netip.MustParseAddr("::ffff:10.0.0.1"), // net.Resolver's form of an IPv4 address
			netip.MustParseAddr("fe80::1%eth0"),
			netip.MustParseAddr("10.0.0.1"),
			netip.MustParseAddr("fe80::1"),
		}, nil
	}))
	got, err := db.Host(context.Background(), "h")
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Addr{netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("fe80::1")}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("Host (-want +got):\n%s", diff)
	}
}

func TestHostWithoutResolver(t *testing.T) {
	db := netdb.New(netdb.Files{}, nil)
	if got, err := db.Host(context.Background(), "10.1"); err != nil || len(got) != 1 || got[0] != netip.MustParseAddr("10.0.0.1") {
		t.Errorf(`Host("10.1") = %v, %v; want [10.0.0.1]`, got, err)
	}
	if _, err := db.Host(context.Background(), "localhost"); !errors.Is(err, netdb.ErrNotFound) {
		t.Errorf(`Host("localhost") error = %v, want ErrNotFound`, err)
	}
}

// TestHostTimeout checks that a resolver that never answers is given up
// on when the caller's context ends.
func TestHostTimeout(t *testing.T) {
	db := netdb.New(netdb.Files{}, resolverFunc(func(ctx context.Context, _, _ string) ([]netip.Addr, error) {
		if _, ok := ctx.Deadline(); !ok {
			t.Error("the resolver's context has no deadline")
		}
		<-ctx.Done()
		return nil, ctx.Err()
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := db.Host(ctx, "slow")
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, netdb.ErrNotFound) {
		t.Errorf("error = %v, want ErrNotFound wrapping context.DeadlineExceeded", err)
	}
}

func TestHostsFamilies(t *testing.T) {
	hosts := netdb.ParseHosts([]byte("10.0.0.1 a\nfd00::1 a A2\n10.0.0.2 b # c\nnot-an-address c\nfe80::1%eth0 d\n10.0.0.3\n"))
	tests := []struct {
		network, host string
		want          []string
	}{
		{"ip", "a", []string{"10.0.0.1", "fd00::1"}},
		{"ip4", "A", []string{"10.0.0.1"}},
		{"ip6", "a", []string{"fd00::1"}},
		{"ip", "a2", []string{"fd00::1"}},
		{"ip", "b", []string{"10.0.0.2"}},
		{"ip", "c", nil},
		{"ip", "d", nil},
		{"ip6", "b", nil},
	}
	for _, tt := range tests {
		t.Run(tt.network+"/"+tt.host, func(t *testing.T) {
			addrs, err := hosts.LookupNetIP(context.Background(), tt.network, tt.host)
			var got []string
			for _, a := range addrs {
				got = append(got, a.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("LookupNetIP (-want +got):\n%s", diff)
			}
			var dnsErr *net.DNSError
			if (tt.want == nil) != (errors.As(err, &dnsErr) && dnsErr.IsNotFound) {
				t.Errorf("error = %v", err)
			}
		})
	}
	if name, ok := hosts.Name(netip.MustParseAddr("fd00::1")); name != "a" || !ok {
		t.Errorf("Name(fd00::1) = %q, %v; want a", name, ok)
	}
}

func TestTransportString(t *testing.T) {
	got := []string{netdb.AnyTransport.String(), netdb.TCP.String(), netdb.UDP.String(), netdb.Transport(7).String()}
	if diff := cmp.Diff([]string{"any", "tcp", "udp", "Transport(7)"}, got); diff != "" {
		t.Errorf("String (-want +got):\n%s", diff)
	}
}

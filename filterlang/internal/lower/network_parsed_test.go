package lower_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gotcpdump/gotcpdump/filterlang/internal/lower"
	"github.com/gotcpdump/gotcpdump/internal/netdb"
)

// machineNames are the names of testdata/network.listings that come from
// the hosts, networks and ethers files of the machine libpcap ran on.
var machineNames = []string{"localhost", "loopback", "link-local", "foo", "no-such-host.invalid", "no-such-net"}

// TestNetworkListingsParsed compiles the expressions of the network
// listings from their text, through the parser and the grammar's mapping
// onto the generators, with this machine's names, and compares the
// unoptimised programs with libpcap's. Expressions with names from the
// machine's files are checked only where this machine resolves them as
// the one libpcap ran on.
func TestNetworkListingsParsed(t *testing.T) {
	listings, err := lower.ReadListings(filepath.Join("testdata", "network.listings"))
	if err != nil {
		t.Fatal(err)
	}
	sameNames := sameAnswers(netdb.System(), lower.OracleMachineNames())
	for key, want := range listings {
		t.Run(key, func(t *testing.T) {
			head, expr, ok := strings.Cut(key, ": ")
			if !ok {
				t.Fatalf("bad key %q", key)
			}
			if !sameNames && usesMachineNames(expr) {
				t.Skip("this machine's hosts, networks or ethers differ from those libpcap used")
			}
			got, _ := compiledListing(t, expr, listingOptions(t, head))
			lower.CheckGolden(t, key, want, got)
		})
	}
}

func usesMachineNames(expr string) bool {
	for _, w := range strings.Fields(expr) {
		for _, n := range machineNames {
			if w == n {
				return true
			}
		}
	}
	return false
}

// sameAnswers reports whether two databases answer alike for the names
// of the machine's files.
func sameAnswers(a, b *netdb.DB) bool {
	for _, n := range machineNames {
		ha, errA := a.Host(context.Background(), n)
		hb, errB := b.Host(context.Background(), n)
		if (errA == nil) != (errB == nil) || !slices.Equal(ha, hb) {
			return false
		}
		na, ma, errA := a.Network(n)
		nb, mb, errB := b.Network(n)
		if (errA == nil) != (errB == nil) || na != nb || ma != mb {
			return false
		}
		ea, errA := a.EtherHost(n)
		eb, errB := b.EtherHost(n)
		if (errA == nil) != (errB == nil) || ea != eb {
			return false
		}
	}
	return true
}

package lower_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/lower"
)

// TestListingsParsed compiles the expressions of the arithmetic and
// encapsulation listings from their text, through the parser and the
// grammar's mapping onto the generators, and compares the unoptimised
// programs with libpcap's. A live program the kernel would refuse must
// be refused.
func TestListingsParsed(t *testing.T) {
	for _, name := range []string{"arith.listings", "encap.listings"} {
		listings, err := lower.ReadListings(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		for key, want := range listings {
			t.Run(key, func(t *testing.T) {
				head, expr, ok := strings.Cut(key, ": ")
				if !ok {
					t.Fatalf("bad key %q", key)
				}
				opts := listingOptions(t, head)
				got, err := compiledListing(t, expr, opts)
				if opts.Target == filterlang.LinuxLive && !strings.HasPrefix(want, "error: ") && err != nil {
					// libpcap's program, which the kernel refuses.
					p, perr := cbpf.ParseFormat(want, cbpf.Decimal)
					if perr != nil {
						t.Fatal(perr)
					}
					if verr := p.Validate(cbpf.Linux); verr != nil {
						return
					}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("program differs from libpcap's (-libpcap +ours):\n%s", diff)
				}
			})
		}
	}
}

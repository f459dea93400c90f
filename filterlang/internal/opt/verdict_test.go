package opt_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/gotcpdump/gotcpdump/capture"
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang"
	"github.com/gotcpdump/gotcpdump/internal/linktype"
)

// pcapsDir holds the project's captures.
const pcapsDir = "../../../testdata/pcaps"

// readPackets returns the packets of every capture in pcapsDir by link
// type.
func readPackets(t *testing.T) map[layers.LinkType][][]byte {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(pcapsDir, "*.pcap*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatalf("no captures in %s", pcapsDir)
	}
	packets := map[layers.LinkType][][]byte{}
	for _, name := range names {
		r, err := capture.OpenFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for {
			data, ci, err := r.ReadPacketData()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			lt := r.Interfaces()[ci.InterfaceIndex].LinkType
			packets[lt] = append(packets[lt], data)
		}
		r.Close()
	}
	return packets
}

// corpusExprs returns the expressions of the project's corpus.
func corpusExprs(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(corpusPath)
	if err != nil {
		t.Fatal(err)
	}
	var exprs []string
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			exprs = append(exprs, line)
		}
	}
	return exprs
}

// TestOptimisedVerdicts runs every corpus expression, optimised and not,
// over the project's captures and checks the two programs agree on every
// packet. libpcap's optimiser may change a verdict (it folds an indirect
// load that fails at run time into a valid absolute one); a difference is
// accepted only where our programs, both ways, are libpcap's.
func TestOptimisedVerdicts(t *testing.T) {
	packets := readPackets(t)
	exprs := corpusExprs(t)
	goldens := map[[2]string]golden{}
	for _, g := range readGoldens(t) {
		goldens[[2]string{g.DLT, g.Expr}] = g
	}
	var programs, runs, libpcapDiffs int
	for lt, pkts := range packets {
		name, _, ok := linktype.Name(lt)
		if !ok {
			t.Fatalf("link type %d has no name", lt)
		}
		for _, expr := range exprs {
			opts := filterlang.Options{LinkType: lt, Netmask: filterlang.NetmaskUnknown, NoOptimize: true}
			unopt, err := filterlang.Compile(expr, opts)
			if err != nil {
				continue
			}
			opts.NoOptimize = false
			optimised, err := filterlang.Compile(expr, opts)
			if err != nil {
				if ce := (*filterlang.Error)(nil); !errors.As(err, &ce) || ce.Msg != "expression rejects all packets" {
					t.Errorf("%s %q: compiles unoptimised, but optimised: %v", name, expr, err)
				}
				continue
			}
			programs++
			u, o := newVM(t, unopt), newVM(t, optimised)
			for i, p := range pkts {
				runs++
				want, got := u.Run(p, len(p)), o.Run(p, len(p))
				if got == want {
					continue
				}
				g, ok := goldens[[2]string{name, expr}]
				if ok && g.Optimised == formatProgram(optimised) && g.Unoptimised == formatProgram(unopt) {
					libpcapDiffs++
					t.Logf("%s %q, packet %d of the %s captures: %d optimised, %d unoptimised, as with libpcap's programs",
						name, expr, i, name, got, want)
					break
				}
				t.Errorf("%s %q, packet %d of the %s captures: %d optimised, %d unoptimised\noptimised:   %s\nunoptimised: %s",
					name, expr, i, name, got, want, formatProgram(optimised), formatProgram(unopt))
				break
			}
		}
	}
	t.Logf("%d programs, %d runs each way; %d differing as libpcap's programs do", programs, runs, libpcapDiffs)
}

func newVM(t *testing.T, p cbpf.Program) *cbpf.VM {
	t.Helper()
	vm, err := cbpf.NewVM(p, cbpf.Libpcap)
	if err != nil {
		t.Fatal(err)
	}
	return vm
}

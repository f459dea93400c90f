package lower

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gotcpdump/gotcpdump/capture"
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
	"github.com/gotcpdump/gotcpdump/internal/linktype"
)

// libpcap's own filter tests (from its master branch) and their
// captures, read in place.
const libpcapTestsDir = "../../../../shared/pcaps/libpcap-filter-tests"

// verdictExprs are the expressions of libpcap's tests that this package's
// encapsulations answer, lowered as the grammar would.
var verdictExprs = map[string]func(c *Compiler) ir.Cond{
	"vxlan":     func(c *Compiler) ir.Cond { return c.Vxlan(0, false) },
	"vxlan 100": func(c *Compiler) ir.Cond { return c.Vxlan(100, true) },
	"vxlan 101": func(c *Compiler) ir.Cond { return c.Vxlan(101, true) },
	"vxlan and icmp[icmptype] == icmp-echo": func(c *Compiler) ir.Cond {
		return and(c.Vxlan(0, false), c.Relation(RelEQ, c.Load(QICMP, c.Loadi(0), 1), c.Loadi(8), false))
	},
	"vxlan 12345":     func(c *Compiler) ir.Cond { return c.Vxlan(12345, true) },
	"vxlan and vxlan": func(c *Compiler) ir.Cond { return and(c.Vxlan(0, false), c.Vxlan(0, false)) },
	"vxlan and tcp[0xab] == 0xcd": func(c *Compiler) ir.Cond {
		return and(c.Vxlan(0, false), c.Relation(RelEQ, c.Load(QTCP, c.Loadi(0xab), 1), c.Loadi(0xcd), false))
	},
	"geneve":    func(c *Compiler) ir.Cond { return c.Geneve(0, false) },
	"geneve 10": func(c *Compiler) ir.Cond { return c.Geneve(10, true) },
	"geneve 11": func(c *Compiler) ir.Cond { return c.Geneve(11, true) },
	"geneve and tcp src port 22": func(c *Compiler) ir.Cond {
		return and(c.Geneve(0, false), c.Ncode("", 22, Qual{Addr: QPort, Proto: QTCP, Dir: QSrc}))
	},
	"pppoed":      func(c *Compiler) ir.Cond { return c.Pppoed() },
	"pppoes":      func(c *Compiler) ir.Cond { return c.Pppoes(0, false) },
	"pppoes 0x3b": func(c *Compiler) ir.Cond { return c.Pppoes(0x3b, true) },
}

// capturedPacket is a packet as read from a capture.
type capturedPacket struct {
	data    []byte
	wireLen int
}

// readCapture returns the DLT, snapshot length and packets of a capture.
func readCapture(t *testing.T, path string) (dlt int, snapLen uint32, pkts []capturedPacket) {
	t.Helper()
	r, err := capture.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	dlt, ok := linktype.DLT(r.LinkType())
	if !ok {
		t.Fatalf("%s: unknown link type %d", path, r.LinkType())
	}
	for {
		data, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		pkts = append(pkts, capturedPacket{data, ci.Length})
	}
	return dlt, r.SnapLen(), pkts
}

// program lowers build for the link type and returns the unoptimised
// program.
func program(t *testing.T, cfg Config, build func(c *Compiler) ir.Cond) cbpf.Program {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var cond ir.Cond
	if err := c.Run(func() { cond = c.Finish(build(c)) }); err != nil {
		t.Fatal(err)
	}
	return ir.Emit(ir.Build(cond, cfg.SnapLen, 0))
}

func newVM(t *testing.T, p cbpf.Program) *cbpf.VM {
	t.Helper()
	vm, err := cbpf.NewVM(p, cbpf.Libpcap)
	if err != nil {
		t.Fatalf("%v\n%s", err, p.Format(cbpf.Text))
	}
	return vm
}

// TestEncapVerdicts runs the programs of libpcap's own tests of geneve,
// vxlan, pppoed and pppoes over their captures and compares each
// packet's verdict with libpcap's expectation: vxlan is in libpcap's
// master branch only, so this is where it meets its reference.
func TestEncapVerdicts(t *testing.T) {
	f, err := os.Open(filepath.Join(libpcapTestsDir, "apply_expectations.tsv"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("libpcap's filter tests are not in %s", libpcapTestsDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // the header
	ran := 0
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 3 {
			t.Fatalf("bad line %q", sc.Text())
		}
		file, expr, want := fields[0], fields[1], fields[2]
		build, ok := verdictExprs[expr]
		if !ok {
			continue
		}
		ran++
		t.Run(file+": "+expr, func(t *testing.T) {
			dlt, snapLen, pkts := readCapture(t, filepath.Join(libpcapTestsDir, file))
			vm := newVM(t, program(t, Config{DLT: dlt, SnapLen: snapLen, Netmask: NetmaskUnknown}, build))
			var got []string
			for _, p := range pkts {
				got = append(got, strconv.FormatUint(uint64(vm.Run(p.data, p.wireLen)), 10))
			}
			if diff := cmp.Diff(want, strings.Join(got, ",")); diff != "" {
				t.Errorf("verdicts differ from libpcap's (-libpcap +ours):\n%s", diff)
			}
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if ran == 0 {
		t.Fatal("no test of libpcap's applies here")
	}
}

// masterBlock is one of libpcap's accept tests with its listings.
type masterBlock struct {
	Name    string   `json:"name"`
	DLT     string   `json:"DLT"`
	Aliases []string `json:"aliases"`
	Unopt   string   `json:"unopt"`
}

// TestVxlanAgainstMaster runs libpcap master's unoptimised vxlan programs
// and ours side by side over the VXLAN capture and over variants of its
// packets with bytes changed at random (ports, flags, VNI, header
// lengths...), and requires the same verdict on every one.
func TestVxlanAgainstMaster(t *testing.T) {
	blocks := readMasterBlocks(t, "vxlan")
	_, _, pkts := readCapture(t, filepath.Join(libpcapTestsDir, "vxlan.pcap"))
	rng := rand.New(rand.NewPCG(7, 11))
	// Values that make fields match or just miss.
	values := []byte{0, 1, 0x08, 0x11, 0x12, 0xb5, 0x45, 0x46, 0x4f, 0x60, 0x81, 0x86, 0xdd, 0xff}
	var variants []capturedPacket
	for _, p := range pkts {
		variants = append(variants, p)
		for range 300 {
			v := capturedPacket{append([]byte(nil), p.data...), p.wireLen}
			for range 1 + rng.IntN(3) {
				v.data[rng.IntN(min(len(v.data), 120))] = values[rng.IntN(len(values))]
			}
			if rng.IntN(4) == 0 {
				v.data = v.data[:rng.IntN(len(v.data))]
			}
			variants = append(variants, v)
		}
	}
	for _, b := range blocks {
		for _, expr := range b.Aliases {
			t.Run(b.DLT+": "+expr, func(t *testing.T) {
				build, ok := verdictExprs[expr]
				if !ok {
					t.Fatalf("no lowering for %q", expr)
				}
				master, err := cbpf.Parse(b.Unopt)
				if err != nil {
					t.Fatalf("parse libpcap's listing: %v", err)
				}
				lt, ok := linktype.Parse(b.DLT)
				if !ok {
					t.Fatalf("unknown link type %s", b.DLT)
				}
				dlt, _ := linktype.DLT(lt)
				ours := program(t, Config{DLT: dlt, SnapLen: oracleSnapLen, Netmask: NetmaskUnknown}, build)
				want, got := newVM(t, master), newVM(t, ours)
				// The 802.11 programs read Ethernet frames as 802.11 ones:
				// meaningless, but the same for both.
				for i, p := range variants {
					if w, g := want.Run(p.data, p.wireLen), got.Run(p.data, p.wireLen); w != g {
						t.Fatalf("packet variant %d (% x): libpcap %d, ours %d\nours:\n%s", i, p.data, w, g, ours.Format(cbpf.Text))
					}
				}
			})
		}
	}
}

// readMasterBlocks returns the accept tests of libpcap's master branch
// whose name starts with prefix.
func readMasterBlocks(t *testing.T, prefix string) []masterBlock {
	t.Helper()
	f, err := os.Open(filepath.Join(libpcapTestsDir, "accept_blocks.json.gz"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("libpcap's filter tests are not in %s", libpcapTestsDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var all []masterBlock
	if err := json.NewDecoder(zr).Decode(&all); err != nil {
		t.Fatal(err)
	}
	var out []masterBlock
	for _, b := range all {
		if strings.HasPrefix(b.Name, prefix) {
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no %s tests in libpcap's accept tests", prefix)
	}
	return out
}

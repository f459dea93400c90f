package cbpf_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"
	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// benchCapture is the capture the VM benchmarks filter. Set
// GOTCPDUMP_BENCH_PCAP to a large realistic capture (see BENCHMARKS.md for
// how to generate the one the published figures use).
func benchCapture(b *testing.B) string {
	if p := os.Getenv("GOTCPDUMP_BENCH_PCAP"); p != "" {
		return p
	}
	p := filepath.Join("..", "testdata", "pcaps", "eth-ipv4-tcp-udp.pcap")
	if _, err := os.Stat(p); err != nil {
		b.Skip("no benchmark capture: set GOTCPDUMP_BENCH_PCAP")
	}
	return p
}

type benchPacket struct {
	data    []byte
	wireLen int
}

// loadPackets reads every packet of path into one arena, as libpcap's
// timing harness does, so streaming runs see the same memory traffic.
func loadPackets(b *testing.B, path string) []benchPacket {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	var arena []byte
	type span struct{ off, n, wire int }
	var spans []span
	for {
		data, ci, err := r.ZeroCopyReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		spans = append(spans, span{len(arena), len(data), ci.Length})
		arena = append(arena, data...)
	}
	pkts := make([]benchPacket, len(spans))
	for i, s := range spans {
		pkts[i] = benchPacket{arena[s.off : s.off+s.n : s.off+s.n], s.wire}
	}
	return pkts
}

// hotSample copies n packets spread evenly over pkts into a compact arena,
// to measure the VM without the cost of streaming through memory.
func hotSample(pkts []benchPacket, n int) []benchPacket {
	if n > len(pkts) {
		n = len(pkts)
	}
	var arena []byte
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i * len(pkts) / n
		arena = append(arena, pkts[idx[i]].data...)
	}
	out := make([]benchPacket, n)
	off := 0
	for i, j := range idx {
		d := pkts[j].data
		out[i] = benchPacket{arena[off : off+len(d) : off+len(d)], pkts[j].wireLen}
		off += len(d)
	}
	return out
}

// benchProgram is one libpcap-compiled filter of testdata/bench.
type benchProgram struct {
	name string // the file's stem: 01, 02...
	expr string
	prog cbpf.Program
}

func loadBenchPrograms(b *testing.B) []benchProgram {
	files, err := filepath.Glob(filepath.Join("testdata", "bench", "*.ddd"))
	if err != nil || len(files) == 0 {
		b.Fatal("no benchmark programs in testdata/bench")
	}
	var out []benchProgram
	for _, f := range files {
		expr, err := os.ReadFile(strings.TrimSuffix(f, ".ddd") + ".expr")
		if err != nil {
			b.Fatal(err)
		}
		text, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		prog, err := readDecimal(string(text))
		if err != nil {
			b.Fatalf("%s: %v", f, err)
		}
		out = append(out, benchProgram{filepath.Base(strings.TrimSuffix(f, ".ddd")), strings.TrimSpace(string(expr)), prog})
	}
	return out
}

func readDecimal(text string) (cbpf.Program, error) {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	var p cbpf.Program
	for _, l := range lines[1:] {
		var v [4]uint64
		for i, fld := range strings.Fields(l) {
			n, err := strconv.ParseUint(fld, 10, 32)
			if err != nil {
				return nil, err
			}
			v[i] = n
		}
		p = append(p, bpf.RawInstruction{Op: uint16(v[0]), Jt: uint8(v[1]), Jf: uint8(v[2]), K: uint32(v[3])})
	}
	return p, nil
}

// BenchmarkVM filters a capture with the libpcap-compiled programs of
// testdata/bench (named by file: 01 is testdata/bench/01.ddd), streaming
// over all packets and over a cache-resident sample ("hot"), with this
// package's VM and with x/net/bpf's for comparison. ns/pkt is the figure to
// compare with libpcap's bpf_filter: scripts/bench-vm.sh does that in one
// run (BENCHMARKS.md).
func BenchmarkVM(b *testing.B) {
	pkts := loadPackets(b, benchCapture(b))
	hot := hotSample(pkts, 2048)
	for _, bp := range loadBenchPrograms(b) {
		vm, err := cbpf.NewVM(bp.prog, cbpf.Libpcap)
		if err != nil {
			b.Fatal(err)
		}
		insns, _ := bpf.Disassemble(bp.prog)
		xvm, err := bpf.NewVM(insns)
		if err != nil {
			b.Fatal(err)
		}
		for _, set := range []struct {
			name string
			pkts []benchPacket
		}{{"stream", pkts}, {"hot", hot}} {
			// The loops are written out, without a function value per
			// packet, as libpcap's harness calls bpf_filter directly.
			b.Run(fmt.Sprintf("%s/%s/cbpf", bp.name, set.name), func(b *testing.B) {
				matches, n := 0, 0
				for b.Loop() {
					for i := range set.pkts {
						if vm.Run(set.pkts[i].data, set.pkts[i].wireLen) != 0 {
							matches++
						}
					}
					n += len(set.pkts)
				}
				report(b, matches, n, len(set.pkts))
			})
			b.Run(fmt.Sprintf("%s/%s/xnetbpf", bp.name, set.name), func(b *testing.B) {
				matches, n := 0, 0
				for b.Loop() {
					for i := range set.pkts {
						if r, _ := xvm.Run(set.pkts[i].data); r != 0 {
							matches++
						}
					}
					n += len(set.pkts)
				}
				report(b, matches, n, len(set.pkts))
			})
		}
	}
}

// report adds ns/pkt and the matches of one pass over the packets.
func report(b *testing.B, matches, n, perPass int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/pkt")
	b.ReportMetric(float64(matches)/float64(n)*float64(perPass), "matches")
}

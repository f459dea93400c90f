package translate_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/ebpf"
	"github.com/gotcpdump/gotcpdump/translate"
)

// benchFilter is one of the libpcap-compiled programs of
// cbpf/testdata/bench: 01 is 01.ddd, whose expression is in 01.expr.
type benchFilter struct {
	name, expr string
	prog       cbpf.Program
}

func benchFilters(b *testing.B) []benchFilter {
	b.Helper()
	const dir = "../cbpf/testdata/bench"
	files, err := filepath.Glob(filepath.Join(dir, "*.ddd"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no programs in %s", dir)
	}
	var out []benchFilter
	for _, f := range files {
		stem := strings.TrimSuffix(f, ".ddd")
		text, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		expr, err := os.ReadFile(stem + ".expr")
		if err != nil {
			b.Fatal(err)
		}
		p, err := cbpf.Parse(string(text))
		if err != nil {
			b.Fatalf("%s: %v", f, err)
		}
		out = append(out, benchFilter{filepath.Base(stem), strings.TrimSpace(string(expr)), p})
	}
	return out
}

// BenchmarkInProcess filters the Ethernet frames of testdata/pcaps (or,
// when GOTCPDUMP_BENCH_PCAP names a capture, its frames) with the
// programs of cbpf/testdata/bench, alternately in cbpf's VM ("cbpf") and
// translated for InProcess in ebpf's runtime ("ebpf"), as gotcpdump's
// --engine cbpf and ebpf do. ns/pkt is the figure to compare;
// scripts/bench-ebpf.sh prints the ratios.
func BenchmarkInProcess(b *testing.B) {
	frames := benchFrames(b)
	for _, f := range benchFilters(b) {
		cvm, err := cbpf.NewVM(f.prog, cbpf.Libpcap)
		if err != nil {
			b.Fatal(err)
		}
		insns, err := translate.Program(f.prog, translate.Options{Target: translate.InProcess, Semantics: cbpf.Libpcap})
		if err != nil {
			b.Fatal(err)
		}
		evm, err := ebpf.NewVM(insns, nil)
		if err != nil {
			b.Fatal(err)
		}
		// The loops are written out, without a function value per
		// packet, so that both engines pay only for their own call.
		b.Run(f.name+"/cbpf", func(b *testing.B) {
			matches, n := 0, 0
			for b.Loop() {
				for i := range frames {
					if cvm.Run(frames[i].data, frames[i].wireLen) != 0 {
						matches++
					}
				}
				n += len(frames)
			}
			reportPerPacket(b, matches, n, len(frames))
		})
		b.Run(f.name+"/ebpf", func(b *testing.B) {
			matches, n := 0, 0
			for b.Loop() {
				for i := range frames {
					r, err := evm.RunPacket(frames[i].data, uint32(frames[i].wireLen))
					if err != nil {
						b.Fatal(err)
					}
					if r != 0 {
						matches++
					}
				}
				n += len(frames)
			}
			reportPerPacket(b, matches, n, len(frames))
		})
	}
}

type benchFrame struct {
	data    []byte
	wireLen int
}

// benchFrames returns the frames to filter, copied into one arena.
func benchFrames(b *testing.B) []benchFrame {
	b.Helper()
	var set *frameSet
	if p := os.Getenv("GOTCPDUMP_BENCH_PCAP"); p != "" {
		set = readFrames(b, p)
	} else {
		set = readFrames(b, projectPcaps)
	}
	if set == nil || len(set.frames) == 0 {
		b.Skip("no Ethernet frames to filter")
	}
	var arena []byte
	for _, f := range set.frames {
		arena = append(arena, f.data...)
	}
	out := make([]benchFrame, len(set.frames))
	off := 0
	for i, f := range set.frames {
		n := len(f.data)
		out[i] = benchFrame{arena[off : off+n : off+n], n}
		off += n
	}
	return out
}

// reportPerPacket adds ns/pkt and the matches of one pass over the frames,
// which must be the same for both engines.
func reportPerPacket(b *testing.B, matches, n, perPass int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/pkt")
	b.ReportMetric(float64(matches)/float64(n)*float64(perPass), "matches")
}

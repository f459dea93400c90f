package translate_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/capture"
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/ebpf"
	"github.com/gotcpdump/gotcpdump/internal/randprog"
	"github.com/gotcpdump/gotcpdump/translate"
)

// packet is a packet as a capture holds it: the captured bytes and the
// length on the wire.
type packet struct {
	name    string
	data    []byte
	wireLen int
}

// allPackets returns every packet of every capture under dir, whatever
// its link type, and each of them cut short at a few lengths (the
// header lengths filters read and the bytes around the end), keeping
// its wire length, as a capture with a small snap length holds it.
func allPackets(t testing.TB, dir string) []packet {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.pcap*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []packet
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := capture.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for n := 1; ; n++ {
			d, ci, err := r.ReadPacketData()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: packet %d: %v", path, n, err)
			}
			name := filepath.Base(path) + "#" + strconv.Itoa(n)
			seen := map[int]bool{}
			for _, cut := range []int{len(d), len(d) - 1, len(d) / 2, 54, 34, 23, 14, 13, 1, 0} {
				if cut < 0 || cut > len(d) || seen[cut] {
					continue
				}
				seen[cut] = true
				out = append(out, packet{name + "[:" + strconv.Itoa(cut) + "]", d[:cut:cut], ci.Length})
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no packets in %s", dir)
	}
	return out
}

// compareInProcess runs p in cbpf's VM and, translated for InProcess, in
// the eBPF runtime over every packet, and reports the first packet whose
// results differ.
func compareInProcess(t *testing.T, name string, p cbpf.Program, sem cbpf.Semantics, pkts []packet) {
	t.Helper()
	cvm, err := cbpf.NewVM(p, sem)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	insns, err := translate.Program(p, translate.Options{Target: translate.InProcess, Semantics: sem})
	if errors.Is(err, translate.ErrUnsupported) {
		return
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	evm, err := ebpf.NewVM(insns, nil)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, pk := range pkts {
		want := cvm.RunMetadata(pk.data, pk.wireLen, metadata(translate.InProcess, pk.data, 0))
		got, err := evm.RunPacket(pk.data, uint32(pk.wireLen))
		if err != nil || got != uint64(want) {
			t.Fatalf("%s on %s: cbpf %d, ebpf %d (%v)\n%v\n%v", name, pk.name, want, got, err, p, insns)
		}
	}
}

// TestInProcessMatchesVM checks, result for result, that the eBPF
// runtime runs the InProcess translation of the filter corpus (both
// semantics) and of random programs as cbpf's VM runs the classic
// programs, over every packet of testdata/pcaps and cuts of them.
func TestInProcessMatchesVM(t *testing.T) {
	pkts := allPackets(t, projectPcaps)
	for _, set := range programSets(t) {
		t.Run(set.name, func(t *testing.T) {
			for _, np := range set.programs {
				compareInProcess(t, np.id, np.prog, set.semantics, pkts)
			}
		})
	}
	t.Run("random-loads", func(t *testing.T) {
		// Programs made mostly of packet loads and jumps, the idioms the
		// runtime fuses, at offsets around the packets' lengths.
		for i := range 500 {
			rng := rand.New(rand.NewPCG(uint64(i), 11))
			p := randprog.Generate(rng, randprog.Options{
				Semantics: cbpf.Libpcap, Kinds: randprog.Loads | randprog.Jumps | randprog.Moves | randprog.ALU,
				PacketLen: []int{14, 34, 54, 60, 100}[rng.IntN(5)], MaxLen: 48,
			})
			compareInProcess(t, "random-loads "+strconv.Itoa(i)+" (seed "+strconv.Itoa(i)+", 11)", p, cbpf.Libpcap, pkts)
		}
	})
}

// FuzzInProcess decodes bytes as a classic program (8 bytes an
// instruction, the sock_filter layout) and a packet, and checks that the
// program translated for InProcess returns in the eBPF runtime what the
// classic program returns in cbpf's VM.
func FuzzInProcess(f *testing.F) {
	f.Add([]byte{0x28, 0, 0, 0, 12, 0, 0, 0, 0x15, 0, 0, 1, 0, 8, 0, 0, 0x06, 0, 0, 0, 1, 0, 0, 0, 0x06, 0, 0, 0, 0, 0, 0, 0},
		[]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 8, 0, 0x45}, uint16(60))
	f.Add([]byte{0xb1, 0, 0, 0, 14, 0, 0, 0, 0x48, 0, 0, 0, 16, 0, 0, 0, 0x16, 0, 0, 0, 0, 0, 0, 0},
		bytes.Repeat([]byte{0x45}, 40), uint16(40))
	f.Fuzz(func(t *testing.T, code, data []byte, wireLen uint16) {
		var p cbpf.Program
		for len(code) >= 8 && len(p) < 64 {
			p = append(p, bpf.RawInstruction{
				Op: binary.LittleEndian.Uint16(code), Jt: code[2], Jf: code[3], K: binary.LittleEndian.Uint32(code[4:]),
			})
			code = code[8:]
		}
		for _, sem := range []cbpf.Semantics{cbpf.Libpcap, cbpf.Linux} {
			if p.Validate(sem) == nil {
				compareInProcess(t, sem.String(), p, sem, []packet{{"fuzz", data, int(wireLen)}})
			}
		}
	})
}

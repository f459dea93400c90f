package ebpf

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/cilium/ebpf/asm"

	"github.com/gotcpdump/gotcpdump/ebpf/conformance"
)

// TestCompiledMatchesInterpreter runs programs both as compiled steps and
// in the interpreter and compares the results: the conformance programs,
// random ones and the filters, over the packets of a capture.
func TestCompiledMatchesInterpreter(t *testing.T) {
	type input struct {
		insns asm.Instructions
		mem   [][]byte
	}
	var inputs []input
	files, _ := filepath.Glob(filepath.Join(conformanceDir, "*.data"))
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		c, err := conformance.Parse(string(text))
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, input{mustAssemble(t, c.Asm), [][]byte{c.Memory}})
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		inputs = append(inputs, input{randomProgram(rng), [][]byte{nil}})
	}
	var pkts [][]byte
	for _, p := range readPackets(t, filepath.Join(pcapDir, "eth-ipv4-tcp.pcap")) {
		pkts = append(pkts, p.data)
	}
	inputs = append(inputs, input{mustAssemble(t, tcpPort80), pkts}, input{mustAssemble(t, tcpPort80Direct), pkts})
	compiled := 0
	for i, in := range inputs {
		fast, err := NewVM(in.insns, nil)
		if err != nil {
			t.Fatalf("program %d: %v", i, err)
		}
		if fast.prog.compiled == nil {
			continue
		}
		compiled++
		slowProg := *fast.prog
		slowProg.compiled = nil
		slow, err := newVM(&slowProg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, mem := range in.mem {
			r1, err1 := fast.RunPacket(mem, uint32(len(mem)))
			r2, err2 := slow.RunPacket(mem, uint32(len(mem)))
			if r1 != r2 || (err1 == nil) != (err2 == nil) {
				t.Fatalf("program %d:\n%v\ncompiled: %#x, %v\ninterpreted: %#x, %v", i, in.insns, r1, err1, r2, err2)
			}
		}
	}
	t.Logf("%d of %d programs compiled", compiled, len(inputs))
}

// TestFusedMatchesInterpreter runs random programs made of the idioms
// compiled steps fuse both ways, over packets of every length up to 80
// bytes, in each calling convention: the packet's bounds in r1 and r2,
// its length in r2, a context in r1.
func TestFusedMatchesInterpreter(t *testing.T) {
	const seed = 5
	rng := rand.New(rand.NewPCG(seed, 6))
	mem := make([]byte, 80)
	for i := range mem {
		mem[i] = byte(rng.Uint32())
	}
	for i := range 3000 {
		insns := randomFilter(rng)
		fast, err := NewVM(insns, nil)
		if err != nil {
			t.Fatalf("program %d: %v\n%v", i, err, insns)
		}
		if fast.prog.compiled == nil {
			t.Fatalf("program %d was not compiled\n%v", i, insns)
		}
		slowProg := *fast.prog
		slowProg.compiled = nil
		slow, err := newVM(&slowProg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for n := range len(mem) + 1 {
			pkt := mem[:n:n]
			runs := []struct {
				name string
				run  func(vm *VM) (uint64, error)
			}{
				{"packet", func(vm *VM) (uint64, error) { return vm.RunPacket(pkt, uint32(n)) }},
				{"memory", func(vm *VM) (uint64, error) { return vm.Run(pkt) }},
				{"skb", func(vm *VM) (uint64, error) { return vm.RunSKB(pkt, &SKBMeta{NetworkOffset: 14}) }},
			}
			for _, r := range runs {
				r1, err1 := r.run(fast)
				r2, err2 := r.run(slow)
				if r1 != r2 || fmt.Sprint(err1) != fmt.Sprint(err2) {
					t.Fatalf("program %d (seed %d), %s run, %d bytes:\n%v\ncompiled: %#x, %v\ninterpreted: %#x, %v",
						i, seed, r.name, n, insns, r1, err1, r2, err2)
				}
			}
		}
	}
}

package ebpf

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	cebpf "github.com/cilium/ebpf"
)

// FuzzRun feeds raw instruction bytes through the checker and, when it
// accepts them, runs them in every context with a small budget: there
// must be no panic and no hang, and every error must be a *CheckError or
// a *RunError.
func FuzzRun(f *testing.F) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 8 {
		f.Add(marshalProgram(f, randomProgram(rng)), []byte{1, 2, 3, 4})
	}
	for _, src := range []string{tcpPort80, tcpPort80Direct, strings.Replace(counter, "KEY", "3", 1), "ldxdw %r0, [%r1+8]\nexit", "call local +1\nexit\nmov %r0, %r10\nexit"} {
		f.Add(marshalProgram(f, mustAssemble(f, src)), ipv4TCP)
	}
	m, err := NewMap(&cebpf.MapSpec{Name: "m", Type: cebpf.Hash, KeySize: 4, ValueSize: 8, MaxEntries: 8})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, code, mem []byte) {
		insns, err := unmarshalProgram(code)
		if err != nil {
			return
		}
		vm, err := NewVM(insns, &Options{Budget: 10_000, Maps: map[string]*Map{"m": m}})
		if err != nil {
			var ce *CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("NewVM error %v is not a *CheckError", err)
			}
			return
		}
		runs := []func() (uint64, error){
			func() (uint64, error) { return vm.Run(mem) },
			func() (uint64, error) { return vm.RunPacket(mem, uint32(len(mem))) },
			func() (uint64, error) { return vm.RunSKB(mem, &SKBMeta{NetworkOffset: 14}) },
			func() (uint64, error) { return vm.RunXDP(mem, &XDPMeta{}) },
		}
		for _, run := range runs {
			if _, err := run(); err != nil {
				var re *RunError
				if !errors.As(err, &re) {
					t.Fatalf("run error %v is not a *RunError", err)
				}
			}
		}
		// Compiled steps and the interpreter agree, for programs whose
		// result depends on nothing but their input.
		if vm.prog.compiled == nil || callsHelpers(vm.prog.slots) {
			return
		}
		slowProg := *vm.prog
		slowProg.compiled = nil
		slow, err := newVM(&slowProg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		pkt := append([]byte(nil), mem...)
		r1, err1 := vm.RunPacket(mem, 60)
		r2, err2 := slow.RunPacket(pkt, 60)
		if r1 != r2 || (err1 == nil) != (err2 == nil) {
			t.Fatalf("compiled: %#x, %v; interpreted: %#x, %v", r1, err1, r2, err2)
		}
	})
}

func callsHelpers(slots []slot) bool {
	for _, s := range slots {
		if s.op == opCallHelper || s.op == opCallReg {
			return true
		}
	}
	return false
}

package ir

import (
	"math/rand/v2"
	"testing"

	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// testByte is the test "packet byte i equals v".
func testByte(i, v uint32) *Test {
	return &Test{
		Stmts: []bpf.RawInstruction{{Op: 0x30, K: i}}, // ldb [i]
		Jump:  bpf.RawInstruction{Op: 0x15, K: v},     // jeq #v
	}
}

// eval is the reference meaning of a condition.
func eval(c Cond, pkt []byte) bool {
	switch c := c.(type) {
	case *Test:
		return uint32(pkt[c.Stmts[0].K]) == c.Jump.K
	case *And:
		return eval(c.X, pkt) && eval(c.Y, pkt)
	case *Or:
		return eval(c.X, pkt) || eval(c.Y, pkt)
	case *Not:
		return !eval(c.X, pkt)
	case Const:
		return bool(c)
	}
	panic("unknown condition")
}

// randomCond builds a random condition over the first 4 packet bytes
// with about n tests.
func randomCond(rng *rand.Rand, n int) Cond {
	if n <= 1 {
		switch rng.IntN(8) {
		case 0:
			return Const(rng.IntN(2) == 0)
		default:
			return testByte(uint32(rng.IntN(4)), uint32(rng.IntN(2)))
		}
	}
	l := 1 + rng.IntN(n-1)
	x, y := randomCond(rng, l), randomCond(rng, n-l)
	switch rng.IntN(5) {
	case 0:
		return &Not{x}
	case 1, 2:
		return &And{x, y}
	}
	return &Or{x, y}
}

// TestBuildAndEmit compiles random conditions, small and large enough to
// need trampolines, and checks the programs are valid for the kernel and
// agree with the conditions on every packet of 4 bits.
func TestBuildAndEmit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		size := 1 + rng.IntN(12)
		if i%10 == 0 {
			size = 200 + rng.IntN(400)
		}
		c := randomCond(rng, size)
		prog := Emit(Build(c, 1, 0))
		if err := prog.Validate(cbpf.Linux); err != nil {
			t.Fatalf("condition %d: %v\n%v", i, err, prog)
		}
		vm, err := cbpf.NewVM(prog, cbpf.Libpcap)
		if err != nil {
			t.Fatal(err)
		}
		for bits := range 16 {
			pkt := []byte{byte(bits & 1), byte(bits >> 1 & 1), byte(bits >> 2 & 1), byte(bits >> 3 & 1)}
			want := uint32(0)
			if eval(c, pkt) {
				want = 1
			}
			if got := vm.Run(pkt, 4); got != want {
				t.Fatalf("condition %d, packet %x: got %d, want %d", i, pkt, got, want)
			}
		}
	}
}

// TestTrampolines checks a jump over more than 255 instructions goes
// through a "ja".
func TestTrampolines(t *testing.T) {
	// (b0 == 1 and c1 and c2 ... ) or b1 == 1: the false edge of the first
	// test jumps over the whole chain.
	var chain Cond = testByte(0, 1)
	for range 300 {
		chain = &And{chain, testByte(2, 0)}
	}
	c := &Or{chain, testByte(1, 1)}
	prog := Emit(Build(c, 1, 0))
	jas := 0
	for _, ins := range prog {
		if ins.Op == 0x05 {
			jas++
		}
	}
	if jas == 0 {
		t.Fatalf("no trampoline in a %d-instruction program", len(prog))
	}
	vm, err := cbpf.NewVM(prog, cbpf.Linux)
	if err != nil {
		t.Fatal(err)
	}
	for _, pkt := range [][]byte{{1, 0, 0}, {1, 1, 1}, {0, 1, 0}, {0, 0, 0}, {1, 0, 1}} {
		want := uint32(0)
		if eval(c, pkt) {
			want = 1
		}
		if got := vm.Run(pkt, len(pkt)); got != want {
			t.Errorf("packet %x: got %d, want %d", pkt, got, want)
		}
	}
}

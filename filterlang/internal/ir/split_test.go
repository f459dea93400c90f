package ir

import (
	"math/rand/v2"
	"testing"

	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// chooseTest is a test with a diamond among its statements, as the live
// vlan test has: "byte 0 is 1 ? byte 1 : byte 2" compared with v.
func chooseTest(v uint32) *Test {
	return &Test{
		Stmts: []bpf.RawInstruction{
			{Op: 0x30, K: 0},               // ldb [0]
			{Op: 0x15, Jt: 0, Jf: 2, K: 1}, // jeq #1
			{Op: 0x30, K: 1},               // ldb [1]
			{Op: 0x05, K: 1},               // ja +1
			{Op: 0x30, K: 2},               // ldb [2]
		},
		Jump: bpf.RawInstruction{Op: 0x15, K: v},
	}
}

// TestSplit checks that splitting the jumps out of statements keeps the
// program's verdicts on every packet, and that a block whose statements
// jump backwards is left alone.
func TestSplit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		c := randomCond(rng, 1+i%6)
		c = &And{X: c, Y: &Or{X: chooseTest(uint32(rng.IntN(3))), Y: &Not{X: chooseTest(uint32(rng.IntN(3)))}}}
		want := Emit(Build(c, 1, 0))
		entry := Build(c, 1, 0)
		if !Split(entry) {
			t.Fatalf("condition %d: Split refuses forward jumps", i)
		}
		got := Emit(entry)
		for _, b := range Blocks(entry) {
			for _, s := range b.Stmts {
				if s.Op&0x07 == cbpf.ClassJMP {
					t.Fatalf("condition %d: a jump is left among the statements of block %d", i, b.ID)
				}
			}
		}
		wantVM, err := cbpf.NewVM(want, cbpf.Libpcap)
		if err != nil {
			t.Fatal(err)
		}
		gotVM, err := cbpf.NewVM(got, cbpf.Libpcap)
		if err != nil {
			t.Fatalf("condition %d: split program: %v\n%s", i, err, got.Format(cbpf.Text))
		}
		for p := range 256 {
			for _, n := range []int{4, 2, 1} { // whole and cut packets
				pkt := []byte{byte(p & 3), byte(p >> 2 & 3), byte(p >> 4 & 3), byte(p >> 6)}[:n]
				if w, g := wantVM.Run(pkt, 4), gotVM.Run(pkt, 4); w != g {
					t.Fatalf("condition %d, packet % x: split program returns %d, unsplit %d\nsplit:\n%sunsplit:\n%s",
						i, pkt, g, w, got.Format(cbpf.Text), want.Format(cbpf.Text))
				}
			}
		}
	}
	loop := &Test{
		Stmts: []bpf.RawInstruction{{Op: 0x30, K: 0}, {Op: 0x05, K: 0xffffffff}}, // ldb [0]; ja -1
		Jump:  bpf.RawInstruction{Op: 0x15, K: 1},
	}
	if Split(Build(loop, 1, 0)) {
		t.Error("Split accepts a backward jump")
	}
}

// TestEmitUncond checks that a block continuing unconditionally needs no
// jump before its successor and a "ja" elsewhere.
func TestEmitUncond(t *testing.T) {
	entry := Build(chooseTest(7), 1, 0)
	Split(entry)
	got := Emit(entry).Format(cbpf.Text)
	want := `(000) ldb      [0]
(001) jeq      #0x1             jt 2	jf 4
(002) ldb      [1]
(003) ja       5
(004) ldb      [2]
(005) jeq      #0x7             jt 6	jf 7
(006) ret      #1
(007) ret      #0
`
	if got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
}

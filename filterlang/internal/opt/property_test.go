package opt_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/opt"
)

// byteSource hands out random choices.
type byteSource struct{ rng *rand.Rand }

func (s *byteSource) next(n int) int { return s.rng.IntN(n) }

// randomTest is a test on the 4-byte packets of checkAgrees, in one of the
// shapes lowering produces and the optimiser rewrites: plain, masked,
// indirect, subtracted, and through a scratch cell.
//
// "and #m; jeq #0" is not among them: libpcap's optimiser turns it into
// "jset #m" with the edges swapped after computing the edge dominators of
// the pass, so in that pass a later test of the same value can be
// threaded the wrong way. Our optimiser does the same, as its programs
// must be libpcap's; a random graph shows the difference in verdicts
// (for instance with "ldb [1]; and #1; jeq #0" both at the root and
// further down, reached from the root's true edge). Nor are tests decided
// without the packet (constants, "jset #0"): when the root and the blocks
// after it become such tests, libpcap's final step skips them but keeps
// only the first and the last block's statements, dropping loads the
// tests after them read.
func randomTest(src *byteSource) *ir.Test {
	i := uint32(src.next(4))
	v := uint32(src.next(4))
	jumps := []uint16{0x15, 0x25, 0x35, 0x45} // jeq, jgt, jge, jset #k
	jump := bpf.RawInstruction{Op: jumps[src.next(len(jumps))], K: v}
	if jump.Op == 0x45 && v == 0 {
		jump.K = 1 // see below for jset #0
	}
	ldb := bpf.RawInstruction{Op: 0x30, K: i}
	var stmts []bpf.RawInstruction
	switch src.next(5) {
	case 0:
		stmts = []bpf.RawInstruction{ldb}
	case 1: // and #m; jset #k: "and #m; jeq #0" is left out (see randomTest)
		stmts = []bpf.RawInstruction{ldb, {Op: 0x54, K: uint32(1 + src.next(3))}}
		jump = bpf.RawInstruction{Op: 0x45, K: v}
	case 2: // ldx #i; ldb [x+0] becomes ldb [i]
		stmts = []bpf.RawInstruction{{Op: 0x01, K: i}, {Op: 0x50, K: 0}}
	case 3: // sub #k; jeq #v becomes jeq #v+k
		stmts = []bpf.RawInstruction{ldb, {Op: 0x14, K: uint32(src.next(3))}}
	case 4: // st then ldx of the same cell becomes tax
		m := uint32(src.next(16))
		stmts = []bpf.RawInstruction{ldb, {Op: 0x02, K: m}, {Op: 0x61, K: m}, {Op: 0x87}}
	}
	return &ir.Test{Stmts: stmts, Jump: jump}
}

// randomCond is a condition of about n tests.
func randomCond(src *byteSource, n int) ir.Cond {
	if n <= 1 {
		return randomTest(src)
	}
	l := 1 + src.next(n-1)
	x, y := randomCond(src, l), randomCond(src, n-l)
	switch src.next(5) {
	case 0:
		return &ir.Not{X: x}
	case 1, 2:
		return &ir.And{X: x, Y: y}
	}
	return &ir.Or{X: x, Y: y}
}

// checkAgrees optimises c's graph and compares the program with the
// unoptimised one on every packet of 4 bytes valued 0 to 3.
func checkAgrees(c ir.Cond) error {
	entry := ir.Build(c, 1, 0)
	unopt := ir.Emit(entry)
	optimised, err := opt.Optimize(entry)
	rejectsAll := errors.Is(err, opt.ErrRejectsAll)
	if err != nil && !rejectsAll {
		return err
	}
	u, err := cbpf.NewVM(unopt, cbpf.Libpcap)
	if err != nil {
		return err
	}
	var o *cbpf.VM
	var prog cbpf.Program
	if !rejectsAll {
		prog = ir.Emit(optimised)
		if err := prog.Validate(cbpf.Linux); err != nil {
			return fmt.Errorf("optimised program: %w\n%v", err, prog)
		}
		if o, err = cbpf.NewVM(prog, cbpf.Libpcap); err != nil {
			return err
		}
	}
	for bits := range 256 {
		pkt := []byte{byte(bits & 3), byte(bits >> 2 & 3), byte(bits >> 4 & 3), byte(bits >> 6 & 3)}
		want := u.Run(pkt, len(pkt))
		got := uint32(0)
		if o != nil {
			got = o.Run(pkt, len(pkt))
		}
		if got != want {
			return fmt.Errorf("packet %x: optimised %d, unoptimised %d\nunoptimised:\n%v\noptimised:\n%v", pkt, got, want, unopt, prog)
		}
	}
	return nil
}

// TestOptimisedAgrees checks on random conditions that optimising keeps
// every verdict. Rerun one with -run 'TestOptimisedAgrees/seed=N'.
func TestOptimisedAgrees(t *testing.T) {
	for seed := range uint64(400) {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			src := &byteSource{rng: rand.New(rand.NewPCG(seed, 7))}
			size := 1 + src.next(16)
			if seed%20 == 0 {
				size = 100 + src.next(200)
			}
			if err := checkAgrees(randomCond(src, size)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

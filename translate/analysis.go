package translate

import (
	"math/bits"
	"slices"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// The analysis splits the classic program into basic blocks after jump
// threading, finds the blocks that can run, the packet bytes each block
// reads at constant offsets (one bounds check per block covers them all)
// and the registers and scratch cells that may be read before they are
// written (they are zeroed first: the verifier refuses uninitialised
// reads, and cbpf's VM starts from zero).

// block is a basic block: instructions start..end, entered only at start.
type block struct {
	start, end int
	succ       []int  // instruction indices it continues at, jump threaded
	need       uint32 // end of the furthest constant-offset packet read, 0 for none
	checked    uint32 // bytes known to be in bounds on entry
	loopHead   bool   // the target of a backward jump
}

// cell numbers for the initialisation analysis: scratch words 0 to 15,
// then A and X.
const (
	cellA = cbpf.ScratchWords
	cellX = cbpf.ScratchWords + 1
)

// plan is the analysed program.
type plan struct {
	blocks   []*block // blocks that can run, in program order
	byStart  map[int]*block
	backward int    // index of the first backward jump that can run, or -1
	zero     uint32 // cells to zero on entry
}

func opClass(op uint16) uint16 { return op & 0x07 }
func opMode(op uint16) uint16  { return op & 0xe0 }
func opSize(op uint16) uint16  { return op & 0x18 }

// loadSize is the width in bytes of a load with the given size bits.
func loadSize(op uint16) uint32 {
	switch opSize(op) {
	case cbpf.SizeH:
		return 2
	case cbpf.SizeB:
		return 1
	}
	return 4
}

// jaTarget is where "ja" at i lands: libpcap adds in unsigned 32-bit
// arithmetic, so a large offset is a backward jump.
func (g *gen) jaTarget(i int) int { return int(uint32(i+1) + g.p[i].K) }

func (g *gen) isForwardJa(i int) bool {
	return g.p[i].Op == cbpf.ClassJMP|cbpf.JumpA && g.jaTarget(i) > i
}

// resolve follows forward "ja" chains from instruction t to the first
// instruction that does something.
func (g *gen) resolve(t int) int {
	for g.isForwardJa(t) {
		t = g.jaTarget(t)
	}
	return t
}

// endsBlock reports whether instruction i ends a basic block whatever
// follows: jumps, returns and loads that can never succeed.
func (g *gen) endsBlock(i int) bool {
	c := opClass(g.p[i].Op)
	return c == cbpf.ClassJMP || c == cbpf.ClassRET || g.alwaysFails(i)
}

// successors are the instructions that may run after instruction i when
// i is the last of its block.
func (g *gen) successors(i int) []int {
	ins := g.p[i]
	switch {
	case opClass(ins.Op) == cbpf.ClassRET || g.alwaysFails(i):
		return nil
	case ins.Op == cbpf.ClassJMP|cbpf.JumpA:
		return []int{g.resolve(g.jaTarget(i))}
	case opClass(ins.Op) == cbpf.ClassJMP:
		return []int{g.resolve(i + 1 + int(ins.Jt)), g.resolve(i + 1 + int(ins.Jf))}
	}
	return []int{g.resolve(i + 1)}
}

// analyse builds the plan of g.p.
func (g *gen) analyse() *plan {
	n := len(g.p)
	leader := make([]bool, n+1)
	leader[0] = true
	for i := range g.p {
		if g.endsBlock(i) {
			leader[i+1] = true
			for _, t := range g.successors(i) {
				leader[t] = true
			}
		}
	}
	all := map[int]*block{}
	for i := 0; i < n; {
		b := &block{start: i}
		for !g.endsBlock(i) && !leader[i+1] {
			i++
		}
		b.end = i
		b.succ = g.successors(i)
		all[b.start] = b
		i++
	}

	pl := &plan{byStart: map[int]*block{}, backward: -1}
	work := []int{0}
	for len(work) > 0 {
		s := work[len(work)-1]
		work = work[:len(work)-1]
		if pl.byStart[s] != nil {
			continue
		}
		b := all[s]
		pl.byStart[s] = b
		pl.blocks = append(pl.blocks, b)
		for _, t := range b.succ {
			if t <= b.end {
				if pl.backward < 0 || b.end < pl.backward {
					pl.backward = b.end
				}
				all[t].loopHead = true
			}
			work = append(work, t)
		}
	}
	slices.SortFunc(pl.blocks, func(a, b *block) int { return a.start - b.start })
	g.boundsPlan(pl)
	pl.zero = g.uninitialised(pl)
	return pl
}

// boundsPlan computes for each block the bytes its constant loads need
// and the bytes earlier checks on every path into it already proved.
func (g *gen) boundsPlan(pl *plan) {
	preds := map[int][]*block{}
	for _, b := range pl.blocks {
		for i := b.start; i <= b.end; i++ {
			if end, ok := g.constantLoadEnd(i); ok {
				b.need = max(b.need, end)
			}
		}
		for _, t := range b.succ {
			preds[t] = append(preds[t], b)
		}
	}
	for _, b := range pl.blocks {
		in := uint32(0)
		if b.start != 0 && !b.loopHead {
			in = ^uint32(0)
			for _, p := range preds[b.start] {
				in = min(in, max(p.checked, p.need))
			}
		}
		b.checked = in
	}
}

// uninitialised returns the cells some path may read before writing.
func (g *gen) uninitialised(pl *plan) uint32 {
	const all = 1<<(cellX+1) - 1
	var zero, everRead uint32
	in := map[int]uint32{0: 0}
	for _, b := range pl.blocks {
		valid, ok := in[b.start]
		if !ok {
			valid = all
		}
		for i := b.start; i <= b.end; i++ {
			r, w := g.cells(i)
			everRead |= r
			zero |= r &^ valid
			valid |= w
		}
		for _, t := range b.succ {
			if v, ok := in[t]; ok {
				in[t] = v & valid
			} else {
				in[t] = valid
			}
		}
	}
	if pl.backward >= 0 {
		// Paths around a loop reach blocks the single pass above has
		// already left; zero everything the program reads.
		return everRead
	}
	return zero
}

// cells returns the cells instruction i reads and writes.
func (g *gen) cells(i int) (read, write uint32) {
	ins := g.p[i]
	const a, x = 1 << cellA, 1 << cellX
	src := uint32(0)
	if ins.Op&cbpf.SrcX != 0 {
		src = x
	}
	switch opClass(ins.Op) {
	case cbpf.ClassLD:
		switch opMode(ins.Op) {
		case cbpf.ModeMEM:
			return 1 << ins.K, a
		case cbpf.ModeIND:
			return x, a
		case cbpf.ModeABS:
			if g.ancillary(i) {
				// Only the A ^ X ancillary reads registers; the rest
				// read the context.
				if cbpf.Ancillary(ins.K-cbpf.AncillaryBase) == cbpf.AncALUXorX {
					return a | x, a
				}
			}
		}
		return 0, a
	case cbpf.ClassLDX:
		switch opMode(ins.Op) {
		case cbpf.ModeMEM:
			return 1 << ins.K, x
		case cbpf.ModeMSH:
			if g.o.Target == SocketFilter || g.o.Target == SchedCLS {
				// These keep A aside while the byte is loaded.
				return a, x
			}
		case cbpf.ModeLEN:
			if g.o.Target == XDP {
				// The length comes from a helper, whose result
				// register is A's.
				return a, x
			}
		}
		return 0, x
	case cbpf.ClassST:
		return a, 1 << ins.K
	case cbpf.ClassSTX:
		return x, 1 << ins.K
	case cbpf.ClassALU:
		return a | src, a
	case cbpf.ClassJMP:
		if ins.Op == cbpf.ClassJMP|cbpf.JumpA {
			return 0, 0
		}
		return a | src, 0
	case cbpf.ClassRET:
		if ins.Op == cbpf.ClassRET|cbpf.RetA {
			return a, 0
		}
		return 0, 0
	}
	if ins.Op == cbpf.ClassMISC|cbpf.MiscTAX {
		return a, x
	}
	return x, a // txa
}

// cellList lists the cells of a set in order.
func cellList(set uint32) []int {
	var cs []int
	for set != 0 {
		c := bits.TrailingZeros32(set)
		cs = append(cs, c)
		set &^= 1 << c
	}
	return cs
}

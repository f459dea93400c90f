package opt

import (
	"errors"
	"slices"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// Errors of Optimize. The messages are libpcap's.
var (
	// ErrRejectsAll is returned when the optimised program returns 0
	// without looking at the packet.
	ErrRejectsAll = errors.New("expression rejects all packets")
	// ErrDivisionByZero is returned when a division's divisor folds to 0.
	ErrDivisionByZero = errors.New("division by zero")
	// ErrModulusByZero is returned when a modulus's divisor folds to 0.
	ErrModulusByZero = errors.New("modulus by zero")
	// ErrShiftTooLarge is returned when a shift by X turns out to shift
	// by a known amount over 31.
	ErrShiftTooLarge = errors.New("shift by more than 31 bits")
	// ErrUnsupported is returned for a graph lowering does not produce: a
	// jump among a block's statements, a block ending in something other
	// than a conditional jump, or a scratch cell out of range.
	ErrUnsupported = errors.New("cannot optimise the block graph")
)

// fruitlessPasses is how many passes in a row may only move edges before
// the optimiser gives up on reaching a fixed point: edge moves can cycle.
const fruitlessPasses = 100

// Optimize returns the optimised form of the block graph from entry, as
// libpcap 1.10.3's optimiser makes it. entry's graph is not modified.
// Errors are ErrRejectsAll, an arithmetic error found by constant folding
// (ErrDivisionByZero, ErrModulusByZero, ErrShiftTooLarge) or
// ErrUnsupported.
func Optimize(entry *ir.Block) (*ir.Block, error) { return optimize(entry, false) }

// OptimizeKeepingLoads is Optimize with one difference: a packet load
// that the program runs on some packet is kept, even when its value is
// not needed, so that a packet too short for it is still rejected. On
// whole packets the programs of both decide alike; libpcap's optimiser,
// which Optimize copies, lets a cut packet through where a load it
// dropped would have failed, and for the programs libpcap does not
// optimise the compiler keeps their verdicts on cut packets too.
func OptimizeKeepingLoads(entry *ir.Block) (*ir.Block, error) { return optimize(entry, true) }

func optimize(entry *ir.Block, keepLoads bool) (_ *ir.Block, err error) {
	g, err := newGraph(entry)
	if err != nil {
		return nil, err
	}
	g.keepLoads = keepLoads
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(error)
			if !ok || !isFoldError(e) {
				panic(r)
			}
			err = e
		}
	}()
	g.loop(false)
	g.loop(true)
	g.intern()
	g.optRoot()
	if g.root.leaf() && g.root.jump.k == 0 {
		return nil, ErrRejectsAll
	}
	return g.toIR(), nil
}

func isFoldError(err error) bool {
	return err == ErrDivisionByZero || err == ErrModulusByZero || err == ErrShiftTooLarge
}

// loop runs passes until one changes nothing. The first loop (doStmts
// false) only analyses statements and moves edges; the second also
// rewrites statements.
func (g *graph) loop(doStmts bool) {
	fruitless := 0
	for {
		g.done, g.moved = true, false
		g.findLevels()
		g.findDom()
		g.findUseDef()
		g.findEdgeDom()
		g.pass(doStmts)
		if g.done {
			return
		}
		if g.moved {
			fruitless = 0
		} else if fruitless++; fruitless >= fruitlessPasses {
			return
		}
	}
}

// pass numbers values and simplifies every block, root first; then, in
// the first loop, threads edges and pulls up tests, leaves first.
func (g *graph) pass(doStmts bool) {
	g.values.reset()
	g.findInEdges()
	g.eachBlock(g.root.level, 0, func(b *node) { g.optBlock(b, doStmts) })
	if doStmts || g.root.level == 0 {
		return
	}
	g.eachBlock(1, g.root.level, func(b *node) {
		g.thread(&b.et)
		g.thread(&b.ef)
	})
	g.findInEdges()
	g.eachBlock(1, g.root.level, func(b *node) {
		g.pullup(b, false)
		g.pullup(b, true)
	})
}

// optBlock computes b's entry values from its predecessors, numbers (and
// with doStmts rewrites) its statements, and simplifies it.
func (g *graph) optBlock(b *node, doStmts bool) {
	if e := b.inEdge; e == nil {
		b.val = [nAtoms]uint32{}
	} else {
		b.val = e.pred.val
		for e = e.next; e != nil; e = e.next {
			for i, v := range e.pred.val {
				if b.val[i] != v {
					b.val[i] = 0
				}
			}
		}
	}
	aval, xval := b.val[aAtom], b.val[xAtom]
	entry := b.val
	b.freshLoad = false
	for i := range b.stmts {
		g.optStmt(&b.stmts[i], &b.val, doStmts)
		if isPacketLoad(b.stmts[i].code) && !slices.Contains(entry[:], b.val[atomDef(&b.stmts[i])]) {
			b.freshLoad = true
		}
	}
	// A block that changes neither A nor X (both known on entry) and whose
	// successors read nothing needs no statements; nor does a return.
	unchanged := b.outUse == 0 && aval != 0 && b.val[aAtom] == aval && xval != 0 && b.val[xAtom] == xval &&
		!(g.keepLoads && b.freshLoad)
	if doStmts && (unchanged || b.leaf()) {
		if b.stmts != nil {
			b.stmts = nil
			g.changed()
		}
	} else {
		g.peep(b)
		g.deadStores(b)
	}
	// What the edges out of b stand for, for threading.
	if src(b.jump.code) == cbpf.SrcK {
		b.oval = g.values.k(b.jump.k)
	} else {
		b.oval = b.val[xAtom]
	}
	b.et.code = b.jump.code
	b.ef.code = -b.jump.code
	if b.uncond() {
		b.et.code, b.ef.code = 0, 0 // no test, nothing learnt
	}
}

// intern merges blocks with the same statements, jump and successors,
// until there are none.
func (g *graph) intern() {
	n := len(g.blocks)
	same := make([]*node, n)            // by id: the later block a block merges into
	latest := make(map[uint64]*node, n) // by blockHash: the last block seen
	for {
		clear(same)
		g.epoch++
		var mark func(b *node)
		mark = func(b *node) {
			if b.mark == g.epoch {
				return
			}
			b.mark = g.epoch
			if !b.leaf() {
				mark(b.et.succ)
				mark(b.ef.succ)
			}
		}
		mark(g.root)
		// Each block merges into the first later block equal to it, as
		// libpcap's pairwise search finds it: walking down the blocks,
		// that is the one last seen with the same content.
		clear(latest)
		for i := n - 1; i >= 0; i-- {
			bi := g.blocks[i]
			if bi.mark != g.epoch {
				continue
			}
			h := blockHash(bi)
			bj, ok := latest[h]
			if ok && !equalBlocks(bi, bj) {
				// Another content with the same hash: search as libpcap
				// does, for this rare block.
				bj, ok = nil, false
				for _, b := range g.blocks[i+1:] {
					if b.mark == g.epoch && equalBlocks(bi, b) {
						bj, ok = b, true
						break
					}
				}
			}
			if ok {
				same[i] = bj
				if s := same[bj.id]; s != nil {
					same[i] = s
				}
			}
			latest[h] = bi
		}
		done := true
		for _, b := range g.blocks {
			if b.leaf() {
				continue
			}
			for _, e := range []*edge{&b.et, &b.ef} {
				if s := same[e.succ.id]; s != nil {
					e.succ = s
					done = false
				}
			}
		}
		if done {
			return
		}
	}
}

// blockHash hashes what b does, nops aside (FNV-1a): equal blocks have
// equal hashes.
func blockHash(b *node) uint64 {
	h := uint64(14695981039346656037)
	mix := func(v uint32) {
		for range 4 {
			h ^= uint64(v & 0xff)
			h *= 1099511628211
			v >>= 8
		}
	}
	succ := func(n *node) uint32 {
		if n == nil {
			return 0
		}
		return uint32(n.id) + 1
	}
	mix(uint32(b.jump.code))
	mix(b.jump.k)
	mix(succ(b.et.succ))
	mix(succ(b.ef.succ))
	for _, st := range b.stmts {
		if st.code != nop {
			mix(uint32(st.code))
			mix(st.k)
		}
	}
	return h
}

// equalBlocks reports whether x and y do the same, nops aside.
func equalBlocks(x, y *node) bool {
	if x.jump != y.jump || x.et.succ != y.et.succ || x.ef.succ != y.ef.succ {
		return false
	}
	i, j := 0, 0
	for {
		i, j = nextOp(x.stmts, i), nextOp(y.stmts, j)
		if i < 0 || j < 0 {
			return i < 0 && j < 0
		}
		if x.stmts[i] != y.stmts[j] {
			return false
		}
		i++
		j++
	}
}

// optRoot skips root blocks whose two edges meet, moving their statements
// on, and drops the statements of a root that returns.
func (g *graph) optRoot() {
	b := g.root
	moved := b.stmts
	b.stmts = nil
	for !b.leaf() && b.et.succ == b.ef.succ && !(g.keepLoads && b.freshLoad) {
		b = b.et.succ
	}
	if b.leaf() {
		b.stmts = nil
	} else {
		b.stmts = append(moved, b.stmts...)
	}
	g.root = b
}

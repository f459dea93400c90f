package opt

import (
	"math/bits"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// useConflict reports whether an atom that succ's successors read holds a
// different value after b than after succ, so that b may not jump past
// succ to them.
func useConflict(b, succ *node) bool {
	for atom := range nAtoms {
		if succ.outUse.has(atom) && b.val[atom] != succ.val[atom] {
			return true
		}
	}
	return false
}

// uncondNeeded reports whether b is an uncond block whose statements
// matter to its successor when reached from pred: some atom the successor
// reads has another value after b than after pred. (useConflict looks
// only at what the successor's own successors read, enough for the
// blocks libpcap's graphs have, whose statements feed only their test.)
func (b *node) uncondNeeded(pred *node) bool {
	if !b.uncond() {
		return false
	}
	for atom := range nAtoms {
		if b.et.succ.inUse.has(atom) && pred.val[atom] != b.val[atom] {
			return true
		}
	}
	return false
}

// foldEdge returns the successor of child that control must reach when it
// got to child through the dominating edge e, or nil when that is not
// known: child tests the same A as e's block did with the same test, so
// its outcome is e's (or, after "A == k" held, A is k and a test against
// another constant fails).
func foldEdge(child *node, e *edge) *node {
	code, sense := e.code, true
	if code < 0 {
		code, sense = -code, false
	}
	if child.jump.code != code || child.val[aAtom] != e.pred.val[aAtom] {
		return nil
	}
	if child.oval == e.pred.oval {
		return *child.succ(sense)
	}
	if sense && code == cbpf.ClassJMP|cbpf.JumpEQ|cbpf.SrcK {
		return child.ef.succ
	}
	return nil
}

// thread moves e's successor down the graph past blocks whose outcome is
// already decided on every path through e: blocks whose two edges lead to
// the same place, and blocks repeating a test some dominating edge made.
func (g *graph) thread(e *edge) {
	if e.pred.uncond() && e == &e.pred.ef {
		e.succ = e.pred.et.succ // one successor: the true edge's, threaded first
		return
	}
	if e.succ.leaf() {
		return
	}
	if g.keepLoads && e.succ.freshLoad {
		return
	}
	if e.succ.et.succ == e.succ.ef.succ && !useConflict(e.pred, e.succ.et.succ) && !e.succ.uncondNeeded(e.pred) {
		g.changed()
		e.succ = e.succ.et.succ
	}
	for g.threadOnce(e) {
	}
}

// threadOnce moves e's successor to the first candidate a dominating edge
// decides, trying them in edge order, and reports whether to look again.
func (g *graph) threadOnce(e *edge) bool {
	for i, word := range e.edom {
		for word != 0 {
			k := bits.TrailingZeros64(word)
			word &^= 1 << k
			target := foldEdge(e.succ, g.edges[i*64+k])
			if target != nil && !useConflict(e.pred, target) && !(g.keepLoads && e.succ.freshLoad) {
				g.done = false
				e.succ = target
				return !target.leaf()
			}
		}
	}
	return false
}

// pullup looks below b, whose predecessors all leave the same A, for a
// chain of blocks linked by their sense edges (false for an "or" chain,
// true for an "and" chain) that all share b's other successor and are
// dominated by b: where the chain goes from blocks testing some other
// value back to a block testing that A again, that block is moved up to
// the top of the run of other tests, so the tests of the same value end up
// next to each other.
func (g *graph) pullup(b *node, sense bool) {
	first := b.inEdge
	if first == nil {
		return
	}
	val := first.pred.val[aAtom]
	for e := first.next; e != nil; e = e.next {
		if e.pred.val[aAtom] != val {
			return
		}
	}
	common := *b.succ(!sense)
	inChain := func(n *node) bool {
		return n != nil && !n.uncond() && *n.succ(!sense) == common && n.dom.has(b.id)
	}
	diff := first.pred.succ(first.pred.et.succ == b)
	atTop := true
	for {
		if !inChain(*diff) {
			return
		}
		if (*diff).val[aAtom] != val {
			break
		}
		diff = (*diff).succ(sense)
		atTop = false
	}
	same := (*diff).succ(sense)
	for {
		if !inChain(*same) {
			return
		}
		if (*same).val[aAtom] == val {
			break
		}
		same = (*same).succ(sense)
	}
	pull := *same
	*same = *pull.succ(sense)
	*pull.succ(sense) = *diff
	if atTop {
		for e := b.inEdge; e != nil; e = e.next {
			*e.pred.succ(e.pred.et.succ == b) = pull
		}
	} else {
		*diff = pull
	}
	g.done = false
}

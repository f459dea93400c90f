package opt

import (
	"fmt"

	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// The registers the data-flow analysis tracks ("atoms"): the 16 scratch
// cells by their index, then A and X. axAtom stands for "A and X" where an
// instruction uses both.
const (
	scratchCells = 16
	aAtom        = scratchCells
	xAtom        = scratchCells + 1
	nAtoms       = scratchCells + 2
	axAtom       = nAtoms
)

// atomSet is a set of atoms, one bit each.
type atomSet uint32

func (s atomSet) has(atom int) bool { return s&(1<<atom) != 0 }

// stmt is one statement, rewritten in place by the optimiser; a removed
// statement keeps its place with code nop.
type stmt struct {
	code int
	k    uint32
}

// edge is one of a block's two out-edges. Edges are numbered so that the
// true edge of block i is i and its false edge is n+i (n blocks); the
// jump-threading pass visits dominating edges in that order.
type edge struct {
	id   int
	pred *node
	succ *node
	// code is the jump's opcode on the true edge and its negation on the
	// false edge: it says which test, and which outcome, the edge stands for.
	code int
	edom bitset // the edges that dominate this one, itself included
	next *edge  // the next edge into the same successor
}

// node is a basic block and the optimiser's facts about it.
type node struct {
	id    int
	stmts []stmt
	jump  stmt // the conditional jump, or the return of a leaf
	et    edge // taken when the jump's test holds
	ef    edge

	level int   // longest path to a leaf; leaves are 0
	link  *node // next block of the same level
	mark  int   // the traversal that last visited the block

	dom    bitset // the blocks that dominate this one, itself included
	inEdge *edge  // the edges into the block, linked by next

	kill, inUse, outUse atomSet

	val  [nAtoms]uint32 // value numbers of the atoms when the block ends
	oval uint32         // value number of the jump's operand (K, or X)
	// freshLoad says the block reads the packet at a place no path into
	// it has read before; in keepLoads mode such a block is never
	// skipped, since its load may be the one that fails.
	freshLoad bool
}

func (b *node) leaf() bool { return class(b.jump.code) == cbpf.ClassRET }

// uncond reports whether b is a block ir.Split made of code that goes on
// at one place: its jump is ir.Uncond ("ja"), which tests nothing, and
// its statements may compute what its successor reads.
func (b *node) uncond() bool { return b.jump.code == cbpf.ClassJMP }

// succ returns the address of the successor on the true (sense) or false
// edge, for the passes that splice blocks into chains.
func (b *node) succ(sense bool) **node {
	if sense {
		return &b.et.succ
	}
	return &b.ef.succ
}

// bitset is a set of small integers.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, n/64+1) }

func (s bitset) has(i int) bool { return s[i/64]&(1<<(i%64)) != 0 }
func (s bitset) insert(i int)   { s[i/64] |= 1 << (i % 64) }

func (s bitset) fill(v uint64) {
	for i := range s {
		s[i] = v
	}
}

func (s bitset) intersect(t bitset) {
	for i := range s {
		s[i] &= t[i]
	}
}

// graph is the block graph under optimisation.
type graph struct {
	root   *node
	blocks []*node // by id: preorder from the root, true edge first
	edges  []*edge // by id
	levels []*node // the first block of each level, linked by link
	epoch  int     // the current traversal, for node.mark

	values values

	// done is false once a pass changed anything; moved is true once it
	// changed more than the targets of edges.
	done, moved bool

	// keepLoads keeps every packet load a run may execute (see
	// OptimizeKeepingLoads).
	keepLoads bool
}

// changed records a change other than the retargeting of an edge.
func (g *graph) changed() {
	g.done = false
	g.moved = true
}

// newGraph copies the blocks reachable from entry, numbering them as
// libpcap does: depth first, true edge before false edge.
func newGraph(entry *ir.Block) (*graph, error) {
	g := &graph{}
	var copies []*node // by block ID, unique within the graph
	var pool []node
	var walk func(b *ir.Block) (*node, error)
	walk = func(b *ir.Block) (*node, error) {
		if b.ID < len(copies) && copies[b.ID] != nil {
			return copies[b.ID], nil
		}
		if len(pool) == 0 {
			pool = make([]node, 8) // nodes come in batches: fewer, larger allocations
		}
		n := &pool[0]
		pool = pool[1:]
		n.id = len(g.blocks)
		if b.ID >= len(copies) {
			copies = append(copies, make([]*node, b.ID+1-len(copies))...)
		}
		copies[b.ID] = n
		g.blocks = append(g.blocks, n)
		for _, ins := range b.Stmts {
			if err := checkStmt(ins); err != nil {
				return nil, fmt.Errorf("block %d: %w", b.ID, err)
			}
			n.stmts = append(n.stmts, stmt{code: int(ins.Op), k: ins.K})
		}
		if b.Leaf {
			n.jump = stmt{code: cbpf.ClassRET, k: b.Ret}
			return n, nil
		}
		if err := checkJump(b.Jump); err != nil && (b.Jump != ir.Uncond || b.True != b.False) {
			return nil, fmt.Errorf("block %d: %w", b.ID, err)
		}
		n.jump = stmt{code: int(b.Jump.Op), k: b.Jump.K}
		var err error
		if n.et.succ, err = walk(b.True); err != nil {
			return nil, err
		}
		if n.ef.succ, err = walk(b.False); err != nil {
			return nil, err
		}
		return n, nil
	}
	root, err := walk(entry)
	if err != nil {
		return nil, err
	}
	g.root = root
	n := len(g.blocks)
	g.edges = make([]*edge, 2*n)
	g.levels = make([]*node, n)
	for i, b := range g.blocks {
		b.dom = newBitset(n)
		b.et = edge{id: i, pred: b, succ: b.et.succ, edom: newBitset(2 * n)}
		b.ef = edge{id: n + i, pred: b, succ: b.ef.succ, edom: newBitset(2 * n)}
		g.edges[i] = &b.et
		g.edges[n+i] = &b.ef
	}
	return g, nil
}

// checkStmt accepts the straight-line statements lowering produces.
func checkStmt(ins bpf.RawInstruction) error {
	code := int(ins.Op)
	switch class(code) {
	case cbpf.ClassJMP, cbpf.ClassRET:
		return fmt.Errorf("%w: jump or return %#x among the statements", ErrUnsupported, ins.Op)
	case cbpf.ClassST, cbpf.ClassSTX:
		if ins.K >= scratchCells {
			return fmt.Errorf("%w: store to scratch cell %d", ErrUnsupported, ins.K)
		}
	case cbpf.ClassLD, cbpf.ClassLDX:
		if mode(code) == cbpf.ModeMEM && ins.K >= scratchCells {
			return fmt.Errorf("%w: load from scratch cell %d", ErrUnsupported, ins.K)
		}
	}
	return nil
}

// checkJump accepts the conditional jumps lowering ends blocks with.
func checkJump(ins bpf.RawInstruction) error {
	code := int(ins.Op)
	if class(code) == cbpf.ClassJMP && code&^(0xf0|cbpf.SrcX) == cbpf.ClassJMP {
		switch op(code) {
		case cbpf.JumpEQ, cbpf.JumpGT, cbpf.JumpGE, cbpf.JumpSet:
			return nil
		}
	}
	return fmt.Errorf("%w: block ends with %#x, not a conditional jump", ErrUnsupported, ins.Op)
}

// toIR returns the blocks reachable from the root as an ir graph, without
// the removed statements.
func (g *graph) toIR() *ir.Block {
	copies := make([]*ir.Block, len(g.blocks)) // by node id
	made := 0
	var walk func(n *node) *ir.Block
	walk = func(n *node) *ir.Block {
		if b := copies[n.id]; b != nil {
			return b
		}
		made++
		b := &ir.Block{ID: made}
		copies[n.id] = b
		for _, s := range n.stmts {
			if s.code != nop {
				b.Stmts = append(b.Stmts, bpf.RawInstruction{Op: uint16(s.code), K: s.k})
			}
		}
		if n.leaf() {
			b.Leaf, b.Ret = true, n.jump.k
			return b
		}
		b.Jump = bpf.RawInstruction{Op: uint16(n.jump.code), K: n.jump.k}
		b.True = walk(n.et.succ)
		b.False = walk(n.ef.succ)
		return b
	}
	return walk(g.root)
}

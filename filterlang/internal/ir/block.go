package ir

import "golang.org/x/net/bpf"

// Block is a basic block: statements, then either a conditional jump to
// True or False, or (when Leaf) a return of Ret.
type Block struct {
	ID    int // unique within a graph, for printing and for the optimiser's tables
	Stmts []bpf.RawInstruction
	Jump  bpf.RawInstruction // the conditional jump; Jt and Jf are ignored
	True  *Block
	False *Block
	Leaf  bool   // the block returns Ret after its statements
	Ret   uint32 // the value a leaf returns
}

// Build translates c into a graph of blocks whose leaves return accept
// when c holds and reject when it does not, and returns the entry block.
func Build(c Cond, accept, reject uint32) *Block {
	g := &graph{}
	yes := g.leaf(accept)
	no := g.leaf(reject)
	return g.build(c, yes, no)
}

type graph struct{ next int }

func (g *graph) leaf(ret uint32) *Block {
	g.next++
	return &Block{ID: g.next, Leaf: true, Ret: ret}
}

// build returns the entry of the code for c that continues at t when c
// holds and at f when it does not.
func (g *graph) build(c Cond, t, f *Block) *Block {
	switch c := c.(type) {
	case *Test:
		g.next++
		return &Block{ID: g.next, Stmts: c.Stmts, Jump: c.Jump, True: t, False: f}
	case *And:
		return g.build(c.X, g.build(c.Y, t, f), f)
	case *Or:
		return g.build(c.X, t, g.build(c.Y, t, f))
	case *Not:
		return g.build(c.X, f, t)
	case Const:
		if c {
			return t
		}
		return f
	}
	panic("ir: unknown condition")
}

// Blocks returns the blocks reachable from entry in depth-first preorder
// (true edge first).
func Blocks(entry *Block) []*Block {
	var out []*Block
	var seen byID[bool]
	var walk func(b *Block)
	walk = func(b *Block) {
		if b == nil || seen.get(b) {
			return
		}
		seen.set(b, true)
		out = append(out, b)
		if !b.Leaf {
			walk(b.True)
			walk(b.False)
		}
	}
	walk(entry)
	return out
}

// byID maps the blocks of one graph, whose IDs are unique and small, to
// values: a slice, cheaper than a map on the compiler's hot path.
type byID[V any] []V

func (m byID[V]) get(b *Block) V {
	if b.ID < len(m) {
		return m[b.ID]
	}
	var zero V
	return zero
}

func (m *byID[V]) set(b *Block, v V) {
	if b.ID >= len(*m) {
		*m = append(*m, make([]V, b.ID+1-len(*m))...)
	}
	(*m)[b.ID] = v
}

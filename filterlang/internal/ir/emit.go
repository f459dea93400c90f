package ir

import (
	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// Emit writes the graph from entry as a program. Blocks are laid out in
// reverse postorder, so every edge goes forward (see layout); a
// conditional jump whose target is further than its 8-bit offset reaches
// goes through a "ja" placed right after it.
func Emit(entry *Block) cbpf.Program {
	order := layout(entry)
	// long[b] records which of b's edges need a trampoline: bit 0 the
	// true edge, bit 1 the false edge. Adding one only moves code further
	// apart, so the loop ends.
	long := map[*Block]uint8{}
	var pos map[*Block]int
	for {
		pos = positions(order, long)
		changed := false
		for _, b := range order {
			if b.Leaf {
				continue
			}
			jump := pos[b] + len(b.Stmts)
			need := long[b]
			if pos[b.True]-(jump+1) > 255 {
				need |= 1
			}
			if pos[b.False]-(jump+1) > 255 {
				need |= 2
			}
			if need != long[b] {
				long[b] = need
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	var prog cbpf.Program
	for _, b := range order {
		prog = append(prog, b.Stmts...)
		if b.Leaf {
			prog = append(prog, bpf.RawInstruction{Op: 0x06, K: b.Ret})
			continue
		}
		// The trampolines follow the jump: the n-th is at jump+1+n and
		// lands n+1 instructions further than a jump from jump would.
		jump := len(prog)
		j := b.Jump
		var tramp []bpf.RawInstruction
		edge := func(to *Block, isLong bool) uint8 {
			if !isLong {
				return uint8(pos[to] - (jump + 1))
			}
			n := len(tramp)
			tramp = append(tramp, ja(pos[to]-(jump+1+n+1)))
			return uint8(n)
		}
		j.Jt = edge(b.True, long[b]&1 != 0)
		j.Jf = edge(b.False, long[b]&2 != 0)
		prog = append(prog, j)
		prog = append(prog, tramp...)
	}
	return prog
}

func ja(off int) bpf.RawInstruction { return bpf.RawInstruction{Op: 0x05, K: uint32(off)} }

// trampolines is the number of "ja" instructions a block's long edges add.
func trampolines(long uint8) int { return int(long&1) + int(long>>1&1) }

// positions returns where each block starts, given which edges need
// trampolines.
func positions(order []*Block, long map[*Block]uint8) map[*Block]int {
	pos := make(map[*Block]int, len(order))
	n := 0
	for _, b := range order {
		pos[b] = n
		n += len(b.Stmts) + 1 + trampolines(long[b])
	}
	return pos
}

// layout orders the blocks reachable from entry as libpcap does: the
// reverse of a postorder walk that visits the false edge before the true
// one. Each block comes before its successors, the true successor's code
// tends to follow its block, and the two returns end the program.
func layout(entry *Block) []*Block {
	var post []*Block
	seen := map[*Block]bool{}
	var walk func(b *Block)
	walk = func(b *Block) {
		if seen[b] {
			return
		}
		seen[b] = true
		if !b.Leaf {
			walk(b.False)
			walk(b.True)
		}
		post = append(post, b)
	}
	walk(entry)
	for i, j := 0, len(post)-1; i < j; i, j = i+1, j-1 {
		post[i], post[j] = post[j], post[i]
	}
	return post
}

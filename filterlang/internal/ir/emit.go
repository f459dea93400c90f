package ir

import (
	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// Emit writes the graph from entry as a program. Blocks are laid out in
// reverse postorder, so every edge goes forward (see layout); a
// conditional jump whose target is further than its 8-bit offset reaches
// goes through a "ja" placed right after it. A block whose Jump is
// [Uncond] ends with no jump when True follows it, else with a "ja".
func Emit(entry *Block) cbpf.Program {
	order, index := layout(entry)
	// long[i] records which of block i's edges need a trampoline: bit 0
	// the true edge, bit 1 the false edge. Adding one only moves code
	// further apart, so the loop ends.
	long := make([]uint8, len(order))
	pos := make([]int, len(order)+1)
	for {
		positions(order, long, pos)
		changed := false
		for i, b := range order {
			if b.Leaf || b.Jump == Uncond {
				continue
			}
			jump := pos[i] + len(b.Stmts)
			need := long[i]
			if pos[index.get(b.True)]-(jump+1) > 255 {
				need |= 1
			}
			if pos[index.get(b.False)]-(jump+1) > 255 {
				need |= 2
			}
			if need != long[i] {
				long[i] = need
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	prog := make(cbpf.Program, 0, pos[len(order)])
	for i, b := range order {
		prog = append(prog, b.Stmts...)
		if b.Leaf {
			prog = append(prog, bpf.RawInstruction{Op: 0x06, K: b.Ret})
			continue
		}
		if b.Jump == Uncond {
			if !fallsThrough(order, i) {
				prog = append(prog, ja(pos[index.get(b.True)]-(len(prog)+1)))
			}
			continue
		}
		// The trampolines follow the jump: the n-th is at jump+1+n and
		// lands n+1 instructions further than a jump from jump would.
		jump := len(prog)
		j := b.Jump
		var tramp [2]bpf.RawInstruction
		n := 0
		edge := func(to *Block, isLong bool) uint8 {
			if !isLong {
				return uint8(pos[index.get(to)] - (jump + 1))
			}
			tramp[n] = ja(pos[index.get(to)] - (jump + 1 + n + 1))
			n++
			return uint8(n - 1)
		}
		j.Jt = edge(b.True, long[i]&1 != 0)
		j.Jf = edge(b.False, long[i]&2 != 0)
		prog = append(prog, j)
		prog = append(prog, tramp[:n]...)
	}
	return prog
}

func ja(off int) bpf.RawInstruction { return bpf.RawInstruction{Op: 0x05, K: uint32(off)} }

// trampolines is the number of "ja" instructions a block's long edges add.
func trampolines(long uint8) int { return int(long&1) + int(long>>1&1) }

// positions sets pos[i] to where block i starts, given which edges need
// trampolines, and pos[len(order)] to the program's length.
func positions(order []*Block, long []uint8, pos []int) {
	n := 0
	for i, b := range order {
		pos[i] = n
		n += len(b.Stmts) + 1 + trampolines(long[i])
		if !b.Leaf && b.Jump == Uncond && fallsThrough(order, i) {
			n-- // no jump
		}
	}
	pos[len(order)] = n
}

// fallsThrough reports whether block i, which continues unconditionally
// at True, is followed by it, so that it needs no jump at all ("ja"
// otherwise).
func fallsThrough(order []*Block, i int) bool {
	return i+1 < len(order) && order[i+1] == order[i].True
}

// layout orders the blocks reachable from entry as libpcap does: the
// reverse of a postorder walk that visits the false edge before the true
// one. Each block comes before its successors, the true successor's code
// tends to follow its block, and the two returns end the program. index
// maps each block to its place in the order.
func layout(entry *Block) (order []*Block, index byID[int]) {
	var seen byID[bool]
	var walk func(b *Block)
	walk = func(b *Block) {
		if seen.get(b) {
			return
		}
		seen.set(b, true)
		if !b.Leaf {
			walk(b.False)
			walk(b.True)
		}
		order = append(order, b)
	}
	walk(entry)
	for i, j := 0, len(order)-1; i < j; i, j = i+1, j-1 {
		order[i], order[j] = order[j], order[i]
	}
	index = make(byID[int], len(seen))
	for i, b := range order {
		index.set(b, i)
	}
	return order, index
}

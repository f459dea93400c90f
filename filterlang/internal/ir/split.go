package ir

import (
	"slices"

	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// Split returns the graph from entry with the forward jumps inside
// blocks' statements (the live vlan test's and the run-time offset
// computations of geneve, vxlan and 802.11) turned into blocks of their
// own, so that every block's statements are straight-line code, as the
// optimiser needs. A block whose statements jump backwards (protochain's
// loop) or out of them is left as it is, and ok is false. Split changes
// the blocks it splits in place and returns entry.
//
// Code that continues unconditionally (a "ja", or the statements before
// a jump target) becomes a block whose Jump is [Uncond] and whose True
// and False are the same: [Emit] writes no jump for it when its
// successor follows it, else a "ja".
func Split(entry *Block) (ok bool) {
	blocks := Blocks(entry)
	g := &graph{}
	for _, b := range blocks {
		g.next = max(g.next, b.ID)
	}
	ok = true
	for _, b := range blocks {
		if !b.Leaf && !g.split(b) {
			ok = false
		}
	}
	return ok
}

// Uncond is the jump of a block that continues at True whatever A holds
// (True == False): "ja", which tests nothing.
var Uncond = bpf.RawInstruction{Op: cbpf.ClassJMP}

// split splits b, reporting false when it cannot; the new blocks take the
// graph's next IDs.
func (g *graph) split(b *Block) bool {
	n := len(b.Stmts)
	// leaders are where a new block starts: after each jump and at each
	// jump target; n stands for b's own jump.
	leaders := []int{0}
	for i, s := range b.Stmts {
		switch {
		case s.Op&0x07 == cbpf.ClassRET:
			return false
		case s.Op&0x07 != cbpf.ClassJMP:
			continue
		case s.Op == cbpf.ClassJMP: // ja
			if uint64(i)+1+uint64(s.K) > uint64(n) {
				return false
			}
			leaders = append(leaders, i+1, i+1+int(s.K))
		default:
			if i+1+int(s.Jt) > n || i+1+int(s.Jf) > n {
				return false
			}
			leaders = append(leaders, i+1, i+1+int(s.Jt), i+1+int(s.Jf))
		}
	}
	if len(leaders) == 1 {
		return true
	}
	slices.Sort(leaders)
	leaders = slices.Compact(leaders)
	if leaders[len(leaders)-1] != n {
		leaders = append(leaders, n)
	}
	// at[l] is the block starting at leader l; b itself starts at 0, so
	// its predecessors reach the first part.
	at := map[int]*Block{0: b}
	for _, l := range leaders[1:] {
		g.next++
		at[l] = &Block{ID: g.next}
	}
	final := at[n]
	final.Jump, final.True, final.False = b.Jump, b.True, b.False
	stmts := b.Stmts
	for k, l := range leaders[:len(leaders)-1] {
		end := leaders[k+1]
		blk := at[l]
		last := stmts[end-1]
		switch {
		case last.Op == cbpf.ClassJMP:
			blk.Stmts = stmts[l : end-1]
			blk.Jump, blk.True, blk.False = Uncond, at[end+int(last.K)], at[end+int(last.K)]
		case last.Op&0x07 == cbpf.ClassJMP:
			blk.Stmts = stmts[l : end-1]
			j := last
			j.Jt, j.Jf = 0, 0
			blk.Jump, blk.True, blk.False = j, at[end+int(last.Jt)], at[end+int(last.Jf)]
		default:
			blk.Stmts = stmts[l:end]
			blk.Jump, blk.True, blk.False = Uncond, at[end], at[end]
		}
	}
	return true
}

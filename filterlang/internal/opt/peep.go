package opt

import "github.com/gotcpdump/gotcpdump/cbpf"

// nextOp returns the index of the first statement at or after i that is
// not a nop, or -1.
func nextOp(ss []stmt, i int) int {
	for ; i < len(ss); i++ {
		if ss[i].code != nop {
			return i
		}
	}
	return -1
}

// peep rewrites patterns within b: store then reload into X, immediate
// then tax, a constant added to an indirect load's offset, and a jump
// whose test can absorb the operation before it or is decided by a known
// A or X. libpcap skips all of it for a block without statements.
func (g *graph) peep(b *node) {
	ss := b.stmts
	if len(ss) == 0 {
		return
	}
	last := 0 // the last statement of the block, as libpcap finds it
	for s, next := 0, 0; ; s = next {
		if s = nextOp(ss, s); s < 0 {
			break
		}
		if next = nextOp(ss, s+1); next < 0 {
			break
		}
		last = next
		// st M[k]; ldx M[k]  →  st M[k]; tax
		if ss[s].code == cbpf.ClassST && ss[next].code == cbpf.ClassLDX|cbpf.ModeMEM && ss[s].k == ss[next].k {
			g.changed()
			ss[next].code = cbpf.ClassMISC | cbpf.MiscTAX
		}
		// ld #k; tax  →  ldx #k; txa
		if ss[s].code == cbpf.ClassLD|cbpf.ModeIMM && ss[next].code == cbpf.ClassMISC|cbpf.MiscTAX {
			ss[s].code = cbpf.ClassLDX | cbpf.ModeIMM
			ss[next].code = cbpf.ClassMISC | cbpf.MiscTXA
			g.changed()
		}
		if ss[s].code == cbpf.ClassLD|cbpf.ModeIMM {
			g.foldIndirectOffset(b, s, next)
		}
	}
	g.peepJump(b, &ss[last])
}

// foldIndirectOffset turns "ld #k; [ldxms]; add x; tax; ld[x+j]" (from
// tcp[k] and the like) into "[ldxms]; ld[x+j+k]", when nothing after the
// block reads X, which then holds another value.
func (g *graph) foldIndirectOffset(b *node, ld, next int) {
	ss := b.stmts
	if b.outUse.has(xAtom) {
		return
	}
	add := next
	if ss[next].code == cbpf.ClassLDX|cbpf.ModeMSH|cbpf.SizeB {
		add = nextOp(ss, next+1)
	}
	if add < 0 || ss[add].code != cbpf.ClassALU|cbpf.ALUAdd|cbpf.SrcX {
		return
	}
	tax := nextOp(ss, add+1)
	if tax < 0 || ss[tax].code != cbpf.ClassMISC|cbpf.MiscTAX {
		return
	}
	ind := nextOp(ss, tax+1)
	if ind < 0 || class(ss[ind].code) != cbpf.ClassLD || mode(ss[ind].code) != cbpf.ModeIND {
		return
	}
	ss[ind].k += ss[ld].k
	ss[ld].code = nop
	ss[add].code = nop
	ss[tax].code = nop
	g.changed()
}

// peepJump simplifies b's jump, last being the statement before it.
func (g *graph) peepJump(b *node, last *stmt) {
	vs := &g.values
	j := &b.jump
	// When nothing after the block reads A, "A - v == k" is "A == k + v",
	// and "A & k == 0" is "not (A jset k)".
	if j.code == cbpf.ClassJMP|cbpf.JumpEQ|cbpf.SrcK && !b.outUse.has(aAtom) {
		switch {
		case last.code == cbpf.ClassALU|cbpf.ALUSub|cbpf.SrcX:
			if x := b.val[xAtom]; vs.isConst(x) {
				j.k += vs.constVal(x)
				last.code = nop
				g.changed()
			} else if j.k == 0 {
				last.code = nop
				j.code = cbpf.ClassJMP | cbpf.JumpEQ | cbpf.SrcX
				g.changed()
			}
		case last.code == cbpf.ClassALU|cbpf.ALUSub|cbpf.SrcK:
			last.code = nop
			j.k += last.k
			g.changed()
		case last.code == cbpf.ClassALU|cbpf.ALUAnd|cbpf.SrcK && j.k == 0:
			j.k = last.k
			j.code = cbpf.ClassJMP | cbpf.JumpSet | cbpf.SrcK
			last.code = nop
			g.changed()
			b.et.succ, b.ef.succ = b.ef.succ, b.et.succ
		}
	}
	if j.code == cbpf.ClassJMP|cbpf.JumpSet|cbpf.SrcK {
		switch j.k {
		case 0:
			b.et.succ = b.ef.succ
		case 0xffffffff:
			b.ef.succ = b.et.succ
		}
	}
	if x := b.val[xAtom]; vs.isConst(x) && src(j.code) == cbpf.SrcX {
		j.code &^= cbpf.SrcX
		j.k = vs.constVal(x)
	}
	if a := b.val[aAtom]; vs.isConst(a) && src(j.code) == cbpf.SrcK {
		if b.et.succ != b.ef.succ {
			g.changed()
		}
		if decide(j.code, vs.constVal(a), j.k) {
			b.ef.succ = b.et.succ
		} else {
			b.et.succ = b.ef.succ
		}
	}
}

// decide is the outcome of the conditional jump code on A = a, K = k.
func decide(code int, a, k uint32) bool {
	switch op(code) {
	case cbpf.JumpEQ:
		return a == k
	case cbpf.JumpGT:
		return a > k
	case cbpf.JumpGE:
		return a >= k
	}
	return a&k != 0 // jset; newGraph accepts no other jump
}

// deadStores removes statements whose result is overwritten in b before
// anything reads it, or is not read at all after b.
func (g *graph) deadStores(b *node) {
	var last [nAtoms]*stmt // the last statement writing each atom, unread so far
	visit := func(s *stmt) {
		switch atom := atomUse(s); {
		case atom == axAtom:
			last[xAtom], last[aAtom] = nil, nil
		case atom >= 0:
			last[atom] = nil
		}
		if atom := atomDef(s); atom >= 0 {
			if last[atom] != nil {
				g.changed()
				last[atom].code = nop
			}
			last[atom] = s
			if g.keepLoads && isPacketLoad(s.code) {
				last[atom] = nil // a load that may fail is never dead
			}
		}
	}
	for i := range b.stmts {
		visit(&b.stmts[i])
	}
	visit(&b.jump)
	for atom, s := range last {
		if s != nil && !b.outUse.has(atom) {
			s.code = nop
			g.changed()
		}
	}
}

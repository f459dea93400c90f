package opt

import "github.com/gotcpdump/gotcpdump/cbpf"

// The analyses each pass starts with. They follow the graph as it is at
// the start of the pass; the pass then changes edges without updating
// them, as libpcap does, so their results stay those of the pass's start.

// findLevels sets every reachable block's level (its longest path to a
// leaf) and links the blocks of each level, last visited first.
func (g *graph) findLevels() {
	clear(g.levels)
	g.epoch++
	var walk func(b *node)
	walk = func(b *node) {
		if b.mark == g.epoch {
			return
		}
		b.mark = g.epoch
		b.link = nil
		level := 0
		if !b.leaf() {
			walk(b.et.succ)
			walk(b.ef.succ)
			level = max(b.et.succ.level, b.ef.succ.level) + 1
		}
		b.level = level
		b.link = g.levels[level]
		g.levels[level] = b
	}
	walk(g.root)
}

// eachBlock calls f for the blocks of levels from down to to, in each
// level's list order.
func (g *graph) eachBlock(from, to int, f func(b *node)) {
	step := -1
	if to > from {
		step = 1
	}
	for level := from; ; level += step {
		for b := g.levels[level]; b != nil; b = b.link {
			f(b)
		}
		if level == to {
			return
		}
	}
}

// findDom computes each block's dominators. Levels go down from the root,
// so a block's predecessors are all done before it.
func (g *graph) findDom() {
	for _, b := range g.blocks {
		b.dom.fill(^uint64(0))
	}
	g.root.dom.fill(0)
	g.eachBlock(g.root.level, 0, func(b *node) {
		b.dom.insert(b.id)
		if !b.leaf() {
			b.et.succ.dom.intersect(b.dom)
			b.ef.succ.dom.intersect(b.dom)
		}
	})
}

// findEdgeDom computes each edge's dominating edges: the edges every path
// from the root to it goes through.
func (g *graph) findEdgeDom() {
	for _, e := range g.edges {
		e.edom.fill(^uint64(0))
	}
	g.root.et.edom.fill(0)
	g.root.ef.edom.fill(0)
	prop := func(e *edge) {
		e.edom.insert(e.id)
		if e.succ != nil {
			e.succ.et.edom.intersect(e.edom)
			e.succ.ef.edom.intersect(e.edom)
		}
	}
	g.eachBlock(g.root.level, 0, func(b *node) {
		prop(&b.et)
		prop(&b.ef)
	})
}

// findInEdges links each block's in-edges, from the level lists.
func (g *graph) findInEdges() {
	for _, b := range g.blocks {
		b.inEdge = nil
	}
	if g.root.level == 0 {
		return
	}
	g.eachBlock(g.root.level, 1, func(b *node) {
		for _, e := range []*edge{&b.et, &b.ef} {
			e.next = e.succ.inEdge
			e.succ.inEdge = e
		}
	})
}

// atomUse returns the atom s reads, axAtom when it reads A and X, or -1.
func atomUse(s *stmt) int {
	c := s.code
	if c == nop {
		return -1
	}
	switch class(c) {
	case cbpf.ClassRET:
		switch rval(c) {
		case cbpf.RetA:
			return aAtom
		case cbpf.RetX:
			return xAtom
		}
		return -1
	case cbpf.ClassLD, cbpf.ClassLDX:
		switch mode(c) {
		case cbpf.ModeIND:
			return xAtom
		case cbpf.ModeMEM:
			return int(s.k)
		}
		return -1
	case cbpf.ClassST:
		return aAtom
	case cbpf.ClassSTX:
		return xAtom
	case cbpf.ClassJMP, cbpf.ClassALU:
		if src(c) == cbpf.SrcX {
			return axAtom
		}
		return aAtom
	}
	// cbpf.ClassMISC
	if miscOp(c) == cbpf.MiscTXA {
		return xAtom
	}
	return aAtom
}

// atomDef returns the atom s writes, or -1.
func atomDef(s *stmt) int {
	if s.code == nop {
		return -1
	}
	switch class(s.code) {
	case cbpf.ClassLD, cbpf.ClassALU:
		return aAtom
	case cbpf.ClassLDX:
		return xAtom
	case cbpf.ClassST, cbpf.ClassSTX:
		return int(s.k)
	case cbpf.ClassMISC:
		if miscOp(s.code) == cbpf.MiscTAX {
			return xAtom
		}
		return aAtom
	}
	return -1
}

// addUse adds the atoms s reads before def writes them to use.
func addUse(s *stmt, def, use atomSet) atomSet {
	switch atom := atomUse(s); {
	case atom == axAtom:
		for _, a := range []int{xAtom, aAtom} {
			if !def.has(a) {
				use |= 1 << a
			}
		}
	case atom >= 0 && !def.has(atom):
		use |= 1 << atom
	}
	return use
}

// localUseDef sets what b reads from its predecessors (inUse) and what it
// overwrites before reading (kill).
func localUseDef(b *node) {
	var def, use, kill atomSet
	for i := range b.stmts {
		s := &b.stmts[i]
		if s.code == nop {
			continue
		}
		use = addUse(s, def, use)
		if atom := atomDef(s); atom >= 0 {
			if !use.has(atom) {
				kill |= 1 << atom
			}
			def |= 1 << atom
		}
	}
	if class(b.jump.code) == cbpf.ClassJMP && !b.uncond() {
		use = addUse(&b.jump, def, use)
	}
	b.kill, b.inUse = kill, use
}

// findUseDef computes which atoms each block reads from its predecessors
// and which its successors read from it (outUse), leaves first.
func (g *graph) findUseDef() {
	g.eachBlock(g.root.level, 0, func(b *node) {
		localUseDef(b)
		b.outUse = 0
	})
	if g.root.level == 0 {
		return
	}
	g.eachBlock(1, g.root.level, func(b *node) {
		b.outUse |= b.et.succ.inUse | b.ef.succ.inUse
		b.inUse |= b.outUse &^ b.kill
	})
}

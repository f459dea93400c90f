package opt

import "github.com/gotcpdump/gotcpdump/cbpf"

// Value numbering: every value a statement computes gets a number, equal
// numbers for equal computations on equal operands, so that a load of a
// value already in a register is seen to be redundant and a computation
// on constants is seen to be constant. Number 0 is "unknown". The graph
// is acyclic, so a block's entry values are its predecessors' exit values
// where they all agree.

// valueKey is a computation: an opcode and the numbers (or constants) of
// its operands.
type valueKey struct {
	code   int
	v0, v1 uint32
}

// constant says whether a value number stands for a known constant.
type constant struct {
	known bool
	v     uint32
}

// values is the numbering of one pass.
type values struct {
	// slots is an open-addressing hash table of the computations numbered
	// so far (a slot with number 0 is free); its size is a power of two,
	// at least twice the entries. A Go map costs more here, on the
	// compiler's hottest path.
	slots  []valueSlot
	used   int
	consts []constant // by value number
}

type valueSlot struct {
	key valueKey
	v   uint32
}

func (vs *values) reset() {
	if vs.slots == nil {
		vs.slots = make([]valueSlot, 64)
	}
	clear(vs.slots)
	vs.used = 0
	vs.consts = append(vs.consts[:0], constant{}) // number 0: unknown
}

func (k valueKey) hash() uint64 {
	h := uint64(k.code)*0x9e3779b97f4a7c15 ^ uint64(k.v0)*0xc2b2ae3d27d4eb4f ^ uint64(k.v1)*0x165667b19e3779f9
	return h ^ h>>29
}

// slot returns the slot of key: its own, or the free one it would take.
func (vs *values) slot(key valueKey) *valueSlot {
	mask := uint64(len(vs.slots) - 1)
	for i := key.hash() & mask; ; i = (i + 1) & mask {
		if s := &vs.slots[i]; s.v == 0 || s.key == key {
			return s
		}
	}
}

// number returns the value number of the computation, giving it a new one
// the first time. Immediate loads define constants.
func (vs *values) number(code int, v0, v1 uint32) uint32 {
	key := valueKey{code, v0, v1}
	s := vs.slot(key)
	if s.v != 0 {
		return s.v
	}
	v := uint32(len(vs.consts))
	c := constant{}
	if mode(code) == cbpf.ModeIMM && (class(code) == cbpf.ClassLD || class(code) == cbpf.ClassLDX) {
		c = constant{known: true, v: v0}
	}
	vs.consts = append(vs.consts, c)
	*s = valueSlot{key, v}
	if vs.used++; 2*vs.used > len(vs.slots) {
		vs.grow()
	}
	return v
}

// grow doubles the table.
func (vs *values) grow() {
	old := vs.slots
	vs.slots = make([]valueSlot, 2*len(old))
	for _, s := range old {
		if s.v != 0 {
			*vs.slot(s.key) = s
		}
	}
}

// k returns the value number of the constant c.
func (vs *values) k(c uint32) uint32 { return vs.number(cbpf.ClassLD|cbpf.ModeIMM, c, 0) }

func (vs *values) isConst(v uint32) bool    { return vs.consts[v].known }
func (vs *values) constVal(v uint32) uint32 { return vs.consts[v].v }

// store records that the atom at dst now holds v. When rewriting (alter)
// and the atom already holds that known value, the statement is redundant
// and becomes a nop.
func store(s *stmt, dst *uint32, v uint32, alter bool) {
	if alter && v != 0 && *dst == v {
		s.code = nop
		return
	}
	*dst = v
}

// optStmt computes the value numbers s leaves in val. With alter it also
// rewrites s: constant folding, loads of known constants turned into
// immediates, indirect loads at a known offset turned into absolute ones,
// and redundant loads and operations removed.
func (g *graph) optStmt(s *stmt, val *[nAtoms]uint32, alter bool) {
	vs := &g.values
	c := s.code
	switch {
	case c == cbpf.ClassLD|cbpf.ModeABS|cbpf.SizeW, c == cbpf.ClassLD|cbpf.ModeABS|cbpf.SizeH, c == cbpf.ClassLD|cbpf.ModeABS|cbpf.SizeB:
		store(s, &val[aAtom], vs.number(c, s.k, 0), alter)

	case c == cbpf.ClassLD|cbpf.ModeIND|cbpf.SizeW, c == cbpf.ClassLD|cbpf.ModeIND|cbpf.SizeH, c == cbpf.ClassLD|cbpf.ModeIND|cbpf.SizeB:
		v := val[xAtom]
		if alter && vs.isConst(v) {
			s.code = cbpf.ClassLD | cbpf.ModeABS | size(c)
			s.k += vs.constVal(v)
			v = vs.number(s.code, s.k, 0)
			g.changed()
		} else {
			v = vs.number(c, s.k, v)
		}
		store(s, &val[aAtom], v, alter)

	case c == cbpf.ClassLD|cbpf.ModeLEN:
		store(s, &val[aAtom], vs.number(c, 0, 0), alter)

	case c == cbpf.ClassLD|cbpf.ModeIMM:
		store(s, &val[aAtom], vs.k(s.k), alter)

	case c == cbpf.ClassLDX|cbpf.ModeIMM:
		store(s, &val[xAtom], vs.k(s.k), alter)

	case c == cbpf.ClassLDX|cbpf.ModeMSH|cbpf.SizeB:
		store(s, &val[xAtom], vs.number(c, s.k, 0), alter)

	case c == cbpf.ClassALU|cbpf.ALUNeg:
		if alter && vs.isConst(val[aAtom]) {
			s.code = cbpf.ClassLD | cbpf.ModeIMM
			s.k = -vs.constVal(val[aAtom])
			val[aAtom] = vs.k(s.k)
		} else {
			val[aAtom] = vs.number(c, val[aAtom], 0)
		}

	case c == cbpf.ClassALU|cbpf.SrcK|op(c) && binaryOp(op(c)):
		g.optALUK(s, val, alter)

	case c == cbpf.ClassALU|cbpf.SrcX|op(c) && binaryOp(op(c)):
		g.optALUX(s, val, alter)

	case c == cbpf.ClassMISC|cbpf.MiscTXA:
		store(s, &val[aAtom], val[xAtom], alter)

	case c == cbpf.ClassMISC|cbpf.MiscTAX:
		store(s, &val[xAtom], val[aAtom], alter)

	case c == cbpf.ClassLD|cbpf.ModeMEM, c == cbpf.ClassLDX|cbpf.ModeMEM:
		dst := &val[aAtom]
		if class(c) == cbpf.ClassLDX {
			dst = &val[xAtom]
		}
		v := val[s.k]
		if alter && vs.isConst(v) {
			s.code = class(c) | cbpf.ModeIMM
			s.k = vs.constVal(v)
			g.changed()
		}
		store(s, dst, v, alter)

	case c == cbpf.ClassST:
		store(s, &val[s.k], val[aAtom], alter)

	case c == cbpf.ClassSTX:
		store(s, &val[s.k], val[xAtom], alter)
	}
}

// binaryOp reports whether op is one of the two-operand ALU operations.
func binaryOp(op int) bool {
	switch op {
	case cbpf.ALUAdd, cbpf.ALUSub, cbpf.ALUMul, cbpf.ALUDiv, cbpf.ALUMod, cbpf.ALUAnd, cbpf.ALUOr, cbpf.ALUXor, cbpf.ALULsh, cbpf.ALURsh:
		return true
	}
	return false
}

// optALUK handles "A = A op K".
func (g *graph) optALUK(s *stmt, val *[nAtoms]uint32, alter bool) {
	vs := &g.values
	o := op(s.code)
	if alter {
		if s.k == 0 {
			// "sub #0" stays: libpcap keeps it.
			switch o {
			case cbpf.ALUAdd, cbpf.ALULsh, cbpf.ALURsh, cbpf.ALUOr, cbpf.ALUXor:
				s.code = nop
				return
			case cbpf.ALUMul, cbpf.ALUAnd:
				s.code = cbpf.ClassLD | cbpf.ModeIMM
				val[aAtom] = vs.k(s.k)
				return
			case cbpf.ALUDiv:
				panic(ErrDivisionByZero)
			case cbpf.ALUMod:
				panic(ErrModulusByZero)
			}
		}
		if vs.isConst(val[aAtom]) {
			g.fold(s, val[aAtom], vs.k(s.k))
			val[aAtom] = vs.k(s.k)
			return
		}
	}
	val[aAtom] = vs.number(s.code, val[aAtom], vs.k(s.k))
}

// optALUX handles "A = A op X".
func (g *graph) optALUX(s *stmt, val *[nAtoms]uint32, alter bool) {
	vs := &g.values
	o := op(s.code)
	if alter && vs.isConst(val[xAtom]) {
		if vs.isConst(val[aAtom]) {
			g.fold(s, val[aAtom], val[xAtom])
			val[aAtom] = vs.k(s.k)
			return
		}
		s.code = cbpf.ClassALU | cbpf.SrcK | o
		s.k = vs.constVal(val[xAtom])
		if (o == cbpf.ALULsh || o == cbpf.ALURsh) && s.k > 31 {
			panic(ErrShiftTooLarge)
		}
		g.changed()
		val[aAtom] = vs.number(s.code, val[aAtom], vs.k(s.k))
		return
	}
	// An operation on a zero A is X, or zero, whatever X is.
	if alter && vs.isConst(val[aAtom]) && vs.constVal(val[aAtom]) == 0 {
		switch o {
		case cbpf.ALUAdd, cbpf.ALUOr, cbpf.ALUXor:
			s.code = cbpf.ClassMISC | cbpf.MiscTXA
			store(s, &val[aAtom], val[xAtom], alter)
			return
		case cbpf.ALUMul, cbpf.ALUDiv, cbpf.ALUMod, cbpf.ALUAnd, cbpf.ALULsh, cbpf.ALURsh:
			s.code = cbpf.ClassLD | cbpf.ModeIMM
			s.k = 0
			store(s, &val[aAtom], vs.k(s.k), alter)
			return
		}
	}
	val[aAtom] = vs.number(s.code, val[aAtom], val[xAtom])
}

// fold replaces s, an operation on the constants numbered v0 and v1, with
// an immediate load of its result.
func (g *graph) fold(s *stmt, v0, v1 uint32) {
	a, b := g.values.constVal(v0), g.values.constVal(v1)
	switch op(s.code) {
	case cbpf.ALUAdd:
		a += b
	case cbpf.ALUSub:
		a -= b
	case cbpf.ALUMul:
		a *= b
	case cbpf.ALUDiv:
		if b == 0 {
			panic(ErrDivisionByZero)
		}
		a /= b
	case cbpf.ALUMod:
		if b == 0 {
			panic(ErrModulusByZero)
		}
		a %= b
	case cbpf.ALUAnd:
		a &= b
	case cbpf.ALUOr:
		a |= b
	case cbpf.ALUXor:
		a ^= b
	case cbpf.ALULsh:
		a <<= b // Go shifts by 32 or more give 0, as libpcap's folding does
	case cbpf.ALURsh:
		a >>= b
	}
	s.k = a
	s.code = cbpf.ClassLD | cbpf.ModeIMM
	g.changed()
}

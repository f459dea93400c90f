package filterlang

import (
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/lower"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/syntax"
)

// lowering walks the syntax tree in the order libpcap's parser reduces it
// and calls the generator libpcap's grammar action calls for each node, so
// that stateful primitives (vlan moves the offsets of what follows) and
// register allocation happen in the same order.
type lowering struct{ c *lower.Compiler }

func qual(q syntax.Qual) lower.Qual {
	return lower.Qual{Addr: uint8(q.Kind), Proto: uint8(q.Proto), Dir: uint8(q.Dir)}
}

func (l lowering) expr(e syntax.Expr) ir.Cond {
	c := l.c
	switch e := e.(type) {
	case *syntax.Binary:
		x := l.expr(e.X)
		y := l.expr(e.Y)
		if e.Op == syntax.And {
			return &ir.And{X: x, Y: y}
		}
		return &ir.Or{X: x, Y: y}
	case *syntax.Not:
		return &ir.Not{X: l.expr(e.X)}
	case *syntax.Primitive:
		return l.primitive(e)
	case *syntax.Abbrev:
		c.At(e.ProtoPos)
		return c.ProtoAbbrev(uint8(e.Proto))
	case *syntax.Relation:
		x := l.arith(e.X)
		y := l.arith(e.Y)
		c.At(e.OpPos)
		code, reversed := relation(e.Op)
		return c.Relation(code, x, y, reversed)
	case *syntax.Special:
		return l.special(e)
	case *syntax.Byte:
		c.At(e.KeyPos)
		return c.Byteop(e.Op, e.Index.Val, e.Value.Val)
	case *syntax.Cast:
		c.At(e.QualPos)
		if e.Multicast {
			return c.Multicast(uint8(e.Proto))
		}
		return c.Broadcast(uint8(e.Proto))
	case *syntax.WLAN:
		c.At(e.QualPos)
		if e.IsDir {
			return c.P80211Fcdir(e.Value)
		}
		return c.P80211Type(e.Value, e.Mask)
	case *syntax.LLC:
		c.At(e.KeyPos)
		switch e.Type {
		case syntax.LLCI:
			return c.LlcI()
		case syntax.LLCS:
			return c.LlcS()
		case syntax.LLCU:
			return c.LlcU()
		case syntax.LLCSSubtype:
			return c.LlcSSubtype(e.Subtype)
		case syntax.LLCUSubtype:
			return c.LlcUSubtype(e.Subtype)
		}
		return c.Llc()
	case *syntax.PF:
		c.At(e.KeyPos)
		return c.Pflog(e.Field.String(), e.Name, e.N.Val)
	case *syntax.FieldCmp:
		c.At(e.KeyPos)
		if field, ok := atmFields[e.Field]; ok {
			return fieldCmp(e, func(v uint32, code int, reversed bool) ir.Cond { return c.AtmField(field, v, code, reversed) })
		}
		field := mtp3Fields[e.Field]
		return fieldCmp(e, func(v uint32, code int, reversed bool) ir.Cond { return c.Mtp3Field(field, v, code, reversed) })
	}
	panic("filterlang: unknown syntax node")
}

// relation returns the Relation code of a comparison operator, and
// whether it is reversed: the grammar's relop and irelop.
func relation(op syntax.RelOp) (code int, reversed bool) {
	switch op {
	case syntax.EQ:
		return lower.RelEQ, false
	case syntax.GT:
		return lower.RelGT, false
	case syntax.GE:
		return lower.RelGE, false
	case syntax.LE:
		return lower.RelGT, true
	case syntax.LT:
		return lower.RelGE, true
	}
	return lower.RelEQ, true // syntax.NE
}

var mtp3Fields = map[syntax.Field]int{
	syntax.FieldSIO: lower.MSIO, syntax.FieldOPC: lower.MOPC, syntax.FieldDPC: lower.MDPC,
	syntax.FieldSLS: lower.MSLS, syntax.FieldHSIO: lower.MHSIO, syntax.FieldHOPC: lower.MHOPC,
	syntax.FieldHDPC: lower.MHDPC, syntax.FieldHSLS: lower.MHSLS,
}

var atmFields = map[syntax.Field]int{syntax.FieldVPI: lower.AVPI, syntax.FieldVCI: lower.AVCI}

// fieldCmp lowers an ATM or MTP3 field test with gen, which compares the
// field with one value: one comparison, or, for a list of values, an
// equality test of each, or'ed from the left.
func fieldCmp(e *syntax.FieldCmp, gen func(v uint32, code int, reversed bool) ir.Cond) ir.Cond {
	code, reversed := relation(e.Op)
	var b ir.Cond
	for _, v := range e.Values {
		x := gen(v.Val, code, reversed)
		if b == nil {
			b = x
		} else {
			b = &ir.Or{X: b, Y: x}
		}
	}
	return b
}

// primitive lowers a qualified value: the grammar's nid/id rules choose
// the generator by the kind of token the value is.
func (l lowering) primitive(p *syntax.Primitive) ir.Cond {
	c := l.c
	q := qual(p.Qual)
	v := p.Value
	c.At(v.Pos)
	switch v.Kind {
	case syntax.ValNum:
		return c.Ncode("", v.Num, q)
	case syntax.ValIPv4:
		return c.Ncode(v.Text, 0, q)
	case syntax.ValIPv4Len:
		return c.Mcode(v.Text, "", v.Len.Val, q)
	case syntax.ValIPv4Mask:
		return c.Mcode(v.Text, v.Mask, 0, q)
	case syntax.ValIPv6:
		return c.Mcode6(v.Text, "", 128, q)
	case syntax.ValIPv6Len:
		return c.Mcode6(v.Text, "", v.Len.Val, q)
	case syntax.ValMAC:
		return c.Ecode(v.Text, q)
	case syntax.ValARCnet:
		return c.Mac8code("$"+v.Text, q) // the scanner's token, as libpcap passes it
	}
	return c.Scode(v.Text, q)
}

func (l lowering) special(s *syntax.Special) ir.Cond {
	c := l.c
	c.At(s.KeyPos)
	n := s.N.Val
	switch s.Kind {
	case syntax.Less:
		return c.Less(n)
	case syntax.Greater:
		return c.Greater(n)
	case syntax.Inbound:
		return c.Inbound(0)
	case syntax.Outbound:
		return c.Inbound(1)
	case syntax.IfIndex:
		return c.Ifindex(n)
	case syntax.VLAN:
		return c.Vlan(n, s.HasN)
	case syntax.MPLS:
		return c.Mpls(n, s.HasN)
	case syntax.PPPoED:
		return c.Pppoed()
	case syntax.PPPoES:
		return c.Pppoes(n, s.HasN)
	case syntax.Geneve:
		return c.Geneve(n, s.HasN)
	case syntax.VXLAN:
		return c.Vxlan(n, s.HasN)
	}
	if typ, ok := mtp2Types[s.Kind]; ok {
		return c.Mtp2Type(typ)
	}
	return c.AtmType(atmTypes[s.Kind])
}

func (l lowering) arith(a syntax.Arith) *lower.Arth {
	c := l.c
	switch a := a.(type) {
	case *syntax.Num:
		c.At(a.Number.Pos)
		return c.Loadi(a.Val)
	case *syntax.Len:
		c.At(a.LenPos)
		return c.Loadlen()
	case *syntax.Load:
		index := l.arith(a.Index)
		c.At(a.ProtoPos)
		return c.Load(uint8(a.Proto), index, a.Size.Val)
	case *syntax.Neg:
		x := l.arith(a.X)
		c.At(a.MinusPos)
		return c.Neg(x)
	case *syntax.BinArith:
		x := l.arith(a.X)
		y := l.arith(a.Y)
		c.At(a.OpPos)
		return c.Arith(arithOps[a.Op], x, y)
	}
	panic("filterlang: unknown arithmetic node")
}

var atmTypes = map[syntax.SpecialKind]int{
	syntax.Lane: lower.ALane, syntax.MetaC: lower.AMetaC, syntax.BCC: lower.ABCC,
	syntax.OAMF4EC: lower.AOAMF4EC, syntax.OAMF4SC: lower.AOAMF4SC, syntax.SC: lower.ASC,
	syntax.ILMIC: lower.AILMIC, syntax.OAM: lower.AOAM, syntax.OAMF4: lower.AOAMF4,
	syntax.ConnectMsg: lower.AConnectMsg, syntax.MetaConnect: lower.AMetaConnect,
}

var mtp2Types = map[syntax.SpecialKind]int{
	syntax.FISU: lower.MFISU, syntax.LSSU: lower.MLSSU, syntax.MSU: lower.MMSU,
	syntax.HFISU: lower.MHFISU, syntax.HLSSU: lower.MHLSSU, syntax.HMSU: lower.MHMSU,
}

var arithOps = map[syntax.ArithOp]int{
	syntax.Add: lower.OpAdd, syntax.Sub: lower.OpSub, syntax.Mul: lower.OpMul,
	syntax.Div: lower.OpDiv, syntax.Mod: lower.OpMod, syntax.AndOp: lower.OpAnd,
	syntax.OrOp: lower.OpOr, syntax.Xor: lower.OpXor, syntax.Lsh: lower.OpLsh,
	syntax.Rsh: lower.OpRsh,
}

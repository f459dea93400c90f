package syntax

var relOps = map[tokKind]RelOp{tokEq: EQ, tokGT: GT, tokGE: GE, tokLE: LE, tokLT: LT, tokNE: NE}

var arithOps = map[tokKind]ArithOp{
	tokPlus: Add, tokMinus: Sub, tokStar: Mul, tokSlash: Div, tokPercent: Mod,
	tokAmp: AndOp, tokPipe: OrOp, tokCaret: Xor, tokLsh: Lsh, tokRsh: Rsh,
}

func isRelOp(k tokKind) bool   { _, ok := relOps[k]; return ok }
func isArithOp(k tokKind) bool { _, ok := arithOps[k]; return ok }

// precedence is libpcap's for each binary operator, loosest first. % and ^
// are missing from its precedence declarations, so bison shifts whenever
// one of them meets another operator: 0 stands for that.
func precedence(op ArithOp) int {
	switch op {
	case OrOp:
		return 1
	case AndOp:
		return 2
	case Lsh, Rsh:
		return 3
	case Add, Sub:
		return 4
	case Mul, Div:
		return 5
	}
	return 0
}

// unaryPrecedence is UMINUS's, tighter than any binary operator.
const unaryPrecedence = 6

// relation parses "arith relop arith".
func (p *parser) relation() Expr {
	x := p.arith()
	t := p.cur()
	op, ok := relOps[t.kind]
	if !ok {
		p.syntaxError()
	}
	p.i++
	return &Relation{Op: op, X: x, Y: p.arith(), OpPos: t.pos}
}

// pending is an operator waiting for its right operand.
type pending struct {
	op    ArithOp // 0 for unary minus
	pos   int
	unary bool
}

func (o pending) precedence() int {
	if o.unary {
		return unaryPrecedence
	}
	return precedence(o.op)
}

// arith parses an arithmetic expression as bison's LALR parser does with
// libpcap's precedence declarations: on an operator it reduces the
// pending operator while that one binds at least as tightly, and shifts
// otherwise, or when either operator has no declared precedence.
func (p *parser) arith() Arith {
	var vals []Arith
	var ops []pending
	reduce := func() {
		o := ops[len(ops)-1]
		ops = ops[:len(ops)-1]
		y := vals[len(vals)-1]
		if o.unary {
			vals[len(vals)-1] = &Neg{MinusPos: o.pos, X: y}
			return
		}
		vals = vals[:len(vals)-1]
		vals[len(vals)-1] = &BinArith{Op: o.op, X: vals[len(vals)-1], Y: y, OpPos: o.pos}
	}
	for {
		for t := p.cur(); t.kind == tokMinus; t = p.cur() {
			ops = append(ops, pending{pos: t.pos, unary: true})
			p.i++
		}
		vals = append(vals, p.arithOperand())
		t := p.cur()
		op, ok := arithOps[t.kind]
		if !ok {
			break
		}
		in := precedence(op)
		for len(ops) > 0 {
			top := ops[len(ops)-1].precedence()
			if top == 0 || in == 0 || top < in {
				break
			}
			reduce()
		}
		ops = append(ops, pending{op: op, pos: t.pos})
		p.i++
	}
	for len(ops) > 0 {
		reduce()
	}
	return vals[0]
}

// arithOperand parses a number, "len", a parenthesised arithmetic
// expression or an accessor "proto[index]" / "proto[index:size]".
func (p *parser) arithOperand() Arith {
	p.enter()
	defer p.leave()
	t := p.cur()
	switch t.kind {
	case tokNum:
		p.i++
		return &Num{Number{Val: t.num, Text: t.text, Pos: t.pos}}
	case tokLen:
		p.i++
		return &Len{LenPos: t.pos}
	case tokLParen:
		p.i++
		x := p.arith()
		p.expect(tokRParen)
		return x
	case tokProtoName:
		p.i++
		p.expect(tokLBracket)
		ld := &Load{ProtoPos: t.pos, Proto: Proto(t.sub), Index: p.arith(), Size: Number{Val: 1, Text: "1", Pos: -1}}
		if p.cur().kind == tokColon {
			p.i++
			ld.Size, ld.SizeGiven = p.num(), true
		}
		p.expect(tokRBracket)
		return ld
	}
	p.syntaxError()
	return nil
}

package syntax

// Parse parses a filter expression. An empty or blank expression gives a
// nil Expr, which accepts every packet. Errors are *Error.
func Parse(expr string) (x Expr, err error) {
	p := newParser(expr)
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			x, err = nil, b.err
		}
	}()
	if p.cur().kind == tokEOF {
		return nil, nil
	}
	x, _ = p.expr(undefQual)
	if p.cur().kind != tokEOF {
		p.syntaxError()
	}
	return x, nil
}

type parser struct {
	toks []token
	i    int // index of the current token, bison's lookahead
	// closeOf[i] is the index of the ")" matching a "(" at i, or -1.
	closeOf []int
	// pnumEnd[i] is, for a "(" at i that opens a parenthesised number
	// such as "((5))", the index just after it; 0 otherwise.
	pnumEnd []int
	depth   int
}

func newParser(expr string) *parser {
	p := &parser{toks: lex(expr)}
	n := len(p.toks)
	p.closeOf = make([]int, n)
	p.pnumEnd = make([]int, n)
	var open []int
	for i, t := range p.toks {
		p.closeOf[i] = -1
		switch t.kind {
		case tokLParen:
			open = append(open, i)
		case tokRParen:
			if len(open) > 0 {
				p.closeOf[open[len(open)-1]] = i
				open = open[:len(open)-1]
			}
		}
	}
	for i := n - 3; i >= 0; i-- {
		if p.toks[i].kind != tokLParen {
			continue
		}
		inner := i + 1
		if p.toks[inner].kind == tokNum {
			inner++
		} else if e := p.pnumEnd[inner]; e > 0 {
			inner = e
		} else {
			continue
		}
		if inner < n && p.toks[inner].kind == tokRParen {
			p.pnumEnd[i] = inner + 1
		}
	}
	return p
}

// cur returns the current token, failing with the scanner's message if
// the scanner rejected it.
func (p *parser) cur() token {
	t := p.toks[p.i]
	if t.err != "" {
		p.fail(t.pos, t.err)
	}
	return t
}

// kindAt returns the kind of the token at i without checking it, for
// looking further ahead than bison's one token where its states hold
// the same information.
func (p *parser) kindAt(i int) tokKind {
	if i >= len(p.toks) {
		return tokEOF
	}
	return p.toks[i].kind
}

func (p *parser) next() token {
	t := p.cur()
	p.i++
	return t
}

func (p *parser) fail(pos int, msg string) {
	panic(bailout{&Error{Pos: pos, Msg: msg}})
}

func (p *parser) syntaxError() {
	t := p.cur()
	p.fail(t.pos, MsgSyntax)
}

func (p *parser) expect(k tokKind) token {
	if p.cur().kind != k {
		p.syntaxError()
	}
	return p.next()
}

func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.fail(p.toks[p.i].pos, MsgTooDeep)
	}
}

func (p *parser) leave() { p.depth-- }

// expr parses terms joined by "and" and "or", left to right with equal
// precedence. q is what the first term's parentheses inherit; each later
// operand inherits the qualifiers the operand before it ends with. It
// returns the tree and the qualifiers it ends with.
func (p *parser) expr(q Qual) (Expr, Qual) {
	x, q := p.term(q)
	for {
		t := p.cur()
		var op LogicOp
		switch t.kind {
		case tokAnd:
			op = And
		case tokOr:
			op = Or
		default:
			return x, q
		}
		p.i++
		var y Expr
		if p.isIDStart(p.i) {
			y = p.id(quals{q: q, pos: -1, inherited: true})
		} else {
			y, q = p.term(q)
		}
		x = &Binary{Op: op, X: x, Y: y, OpPos: t.pos}
	}
}

// isIDStart reports whether the operand at i is a bare value (libpcap's
// "id"), which inherits qualifiers, rather than a term.
func (p *parser) isIDStart(i int) bool {
	for p.kindAt(i) == tokNot {
		i++
	}
	switch p.kindAt(i) {
	case tokID, tokHID, tokHID6, tokEID, tokAID:
		return true
	case tokNum:
		return isIDFollow(p.kindAt(i + 1))
	case tokLParen:
		if e := p.pnumEnd[i]; e > 0 {
			return isIDFollow(p.kindAt(e))
		}
		return p.isPidStart(i + 1)
	}
	return false
}

// isPidStart reports whether the tokens at i open a parenthesised list of
// bare values (libpcap's "pid"): "(a or b)" after "host" or "or".
func (p *parser) isPidStart(i int) bool {
	switch p.kindAt(i) {
	case tokID, tokHID, tokHID6, tokEID, tokAID:
		return true
	case tokNot:
		return p.isIDStart(i + 1)
	case tokNum:
		return isAndOr(p.kindAt(i + 1))
	case tokLParen:
		if e := p.pnumEnd[i]; e > 0 {
			return isAndOr(p.kindAt(e))
		}
	}
	return false
}

func isAndOr(k tokKind) bool    { return k == tokAnd || k == tokOr }
func isIDFollow(k tokKind) bool { return isAndOr(k) || k == tokRParen || k == tokEOF }
func (p *parser) atPnum() bool  { return p.kindAt(p.i) == tokNum || p.pnumEnd[p.i] > 0 }
func (p *parser) atAndOr() bool { return isAndOr(p.cur().kind) }
func (p *parser) pnumPrim(qs quals) Expr {
	n := p.pnum()
	return qs.primitive(Value{Kind: ValNum, Pos: n.Pos, Text: n.Text, Num: n.Val})
}

// term parses "not term", a parenthesised expression, a qualified
// primitive, a relation or a special primitive.
func (p *parser) term(q Qual) (Expr, Qual) {
	p.enter()
	defer p.leave()
	t := p.cur()
	switch t.kind {
	case tokNot:
		p.i++
		x, q := p.term(q)
		return &Not{NotPos: t.pos, X: x}, q
	case tokLParen:
		if c := p.closeOf[p.i]; c >= 0 && (isArithOp(p.kindAt(c+1)) || isRelOp(p.kindAt(c+1))) {
			return p.relation(), undefQual
		}
		p.i++
		x, _ := p.expr(q)
		p.expect(tokRParen)
		// A parenthesised expression passes on what came before it.
		return x, q
	case tokProtoName:
		if p.kindAt(p.i+1) == tokLBracket {
			return p.relation(), undefQual
		}
		p.i++
		return p.qualified(t.pos, Proto(t.sub), true)
	case tokNum, tokMinus, tokLen:
		return p.relation(), undefQual
	case tokSrc, tokDst, tokDirQual, tokAddrQual, tokGateway, tokProto,
		tokProtochain, tokBroadcast, tokMulticast, tokType, tokSubtype, tokDir:
		return p.qualified(t.pos, ProtoDefault, false)
	case tokSpecial:
		return p.special(), undefQual
	case tokByte:
		return p.byteCmp(), undefQual
	case tokLLC:
		return p.llc(), undefQual
	case tokPF:
		return p.pf(), undefQual
	case tokField:
		return p.fieldCmp(), undefQual
	}
	p.syntaxError()
	return nil, Qual{}
}

// quals are the qualifiers a value gets: from a head, or inherited.
type quals struct {
	q         Qual
	pos       int // offset of the head, -1 when inherited
	inherited bool
}

func (qs quals) primitive(v Value) *Primitive {
	pos := qs.pos
	if pos < 0 {
		pos = v.Pos
	}
	return &Primitive{QualPos: pos, Qual: qs.q, Inherited: qs.inherited, Value: v}
}

// qualified parses what follows an optional protocol qualifier: more
// qualifiers and a value, broadcast/multicast, an 802.11 test, or
// nothing (the protocol alone).
func (p *parser) qualified(pos int, proto Proto, hasProto bool) (Expr, Qual) {
	q := Qual{Proto: proto}
	t := p.cur()
	switch t.kind {
	case tokSrc, tokDst:
		p.i++
		q.Dir = DirSrc
		other := tokDst
		if t.kind == tokDst {
			q.Dir, other = DirDst, tokSrc
		}
		switch p.cur().kind {
		case tokOr:
			p.i++
			p.expect(other)
			q.Dir = DirSrcOrDst
		case tokAnd:
			p.i++
			p.expect(other)
			q.Dir = DirSrcAndDst
		}
		p.addrQual(&q)
	case tokDirQual:
		p.i++
		q.Dir = Dir(t.sub)
		p.addrQual(&q)
	case tokAddrQual:
		p.i++
		q.Kind = Kind(t.sub)
	case tokProto:
		p.i++
		q.Kind = KindProto
	case tokProtochain:
		p.i++
		q.Kind = KindProtochain
	case tokGateway:
		p.i++
		q.Kind = KindGateway
	case tokBroadcast, tokMulticast:
		p.i++
		return &Cast{QualPos: pos, Proto: proto, Multicast: t.kind == tokMulticast}, undefQual
	case tokType, tokSubtype, tokDir:
		return p.wlan(pos, proto), undefQual
	default:
		if !hasProto {
			p.syntaxError()
		}
		return &Abbrev{ProtoPos: pos, Proto: proto}, undefQual
	}
	return p.id(quals{q: q, pos: pos}), q
}

func (p *parser) addrQual(q *Qual) {
	if t := p.cur(); t.kind == tokAddrQual {
		p.i++
		q.Kind = Kind(t.sub)
	}
}

// id parses a value that takes the qualifiers qs: "not id", a
// parenthesised list of values, a number or an address.
func (p *parser) id(qs quals) Expr {
	p.enter()
	defer p.leave()
	t := p.cur()
	switch t.kind {
	case tokNot:
		p.i++
		return &Not{NotPos: t.pos, X: p.id(qs)}
	case tokNum:
		return p.pnumPrim(qs)
	case tokLParen:
		if p.pnumEnd[p.i] > 0 {
			return p.pnumPrim(qs)
		}
		p.i++
		x := p.pid(qs)
		p.expect(tokRParen)
		return x
	}
	return p.nid(qs)
}

// pid parses the inside of a parenthesised list of values: "a or b and
// not c". All take qs.
func (p *parser) pid(qs quals) Expr {
	var x Expr
	if p.atPnum() {
		x = p.pnumPrim(qs)
		if !p.atAndOr() {
			p.syntaxError()
		}
	} else if t := p.cur(); t.kind == tokNot {
		p.i++
		x = &Not{NotPos: t.pos, X: p.id(qs)}
	} else {
		x = p.nid(qs)
	}
	for p.atAndOr() {
		t := p.next()
		op := And
		if t.kind == tokOr {
			op = Or
		}
		x = &Binary{Op: op, X: x, Y: p.id(qs), OpPos: t.pos}
	}
	return x
}

// nid parses an address or name value.
func (p *parser) nid(qs quals) Expr {
	t := p.cur()
	v := Value{Pos: t.pos, Text: t.text}
	switch t.kind {
	case tokID:
		p.i++
		v.Kind, v.Escaped = ValName, t.escaped
	case tokHID, tokHID6:
		p.i++
		family := "IPv4"
		v.Kind = ValIPv4
		if t.kind == tokHID6 {
			family, v.Kind = "IPv6", ValIPv6
		}
		what := family + " address"
		switch p.cur().kind {
		case tokSlash:
			p.i++
			n := p.expect(tokNum)
			v.Kind++ // ValIPv4Len, ValIPv6Len
			v.Len = Number{Val: n.num, Text: n.text, Pos: n.pos}
			what += " and prefix length"
		case tokMask:
			if t.kind == tokHID6 {
				break
			}
			p.i++
			m := p.expect(tokHID)
			v.Kind, v.Mask, v.MaskPos = ValIPv4Mask, m.text, m.pos
			what += " and netmask"
		}
		switch k := qs.q.Kind; k {
		case KindPort, KindPortrange, KindProto, KindProtochain:
			p.fail(t.pos, "'"+k.String()+"' qualifier applied to "+what)
		}
	case tokEID:
		p.i++
		v.Kind = ValMAC
	case tokAID:
		p.i++
		v.Kind = ValARCnet
	default:
		p.syntaxError()
	}
	return qs.primitive(v)
}

// pnum parses a number, possibly in parentheses.
func (p *parser) pnum() Number {
	p.enter()
	defer p.leave()
	if p.cur().kind == tokLParen {
		p.i++
		n := p.pnum()
		p.expect(tokRParen)
		return n
	}
	t := p.expect(tokNum)
	return Number{Val: t.num, Text: t.text, Pos: t.pos}
}

// num parses a plain number, where libpcap allows no parentheses.
func (p *parser) num() Number {
	t := p.expect(tokNum)
	return Number{Val: t.num, Text: t.text, Pos: t.pos}
}

package syntax

import "fmt"

// special parses a keyword primitive: "less N", "vlan [N]", "inbound",
// "lane", "fisu", ...
func (p *parser) special() Expr {
	t := p.next()
	x := &Special{KeyPos: t.pos, Kind: SpecialKind(t.sub)}
	switch x.Kind {
	case Less, Greater, IfIndex:
		x.N, x.HasN = p.num(), true
	case VLAN, MPLS, PPPoES, Geneve, VXLAN:
		if k := p.cur().kind; k == tokNum || k == tokLParen {
			x.N, x.HasN = p.pnum(), true
		}
	}
	return x
}

var byteOps = map[tokKind]byte{tokAmp: '&', tokPipe: '|', tokLT: '<', tokGT: '>', tokEq: '='}

// byteCmp parses "byte N op M".
func (p *parser) byteCmp() Expr {
	t := p.next()
	x := &Byte{KeyPos: t.pos, Index: p.num()}
	op, ok := byteOps[p.cur().kind]
	if !ok {
		p.syntaxError()
	}
	p.i++
	x.Op, x.Value = op, p.num()
	return x
}

// wlan parses "type T [subtype S]", "subtype S" or "dir D", resolving
// names and checking numbers as libpcap's grammar does.
func (p *parser) wlan(pos int, proto Proto) Expr {
	x := &WLAN{QualPos: pos, Proto: proto}
	switch t := p.next(); t.kind {
	case tokType:
		v := p.cur()
		switch v.kind {
		case tokNum:
			if v.num&^wlanTypeMask != 0 {
				p.fail(v.pos, fmt.Sprintf("invalid 802.11 type value 0x%02x", v.num))
			}
			x.Value = v.num
		case tokID:
			n, ok := lookup(wlanTypes, v.text)
			if !ok {
				p.fail(v.pos, fmt.Sprintf("unknown 802.11 type name %q", v.text))
			}
			x.Value = n
		default:
			p.syntaxError()
		}
		p.i++
		x.Mask = wlanTypeMask
		if p.cur().kind == tokSubtype {
			p.i++
			x.Value |= p.wlanSubtype(x.Value)
			x.Mask |= wlanSubtypeMask
		}
	case tokSubtype:
		v := p.expect(tokID)
		for _, ts := range wlanSubtypesOf {
			if n, ok := lookup(ts.subtypes, v.text); ok {
				x.Value, x.Mask = ts.typ|n, wlanTypeMask|wlanSubtypeMask
				return x
			}
		}
		p.fail(v.pos, "unknown 802.11 type name")
	default: // dir
		x.IsDir = true
		v := p.cur()
		switch v.kind {
		case tokNum:
			if v.num&^wlanDirMask != 0 {
				p.fail(v.pos, fmt.Sprintf("invalid 802.11 direction value 0x%x", v.num))
			}
			x.Value = v.num
		case tokID:
			n, ok := lookup(wlanDirs, v.text)
			if !ok {
				p.fail(v.pos, "unknown 802.11 direction")
			}
			x.Value = n
		default:
			p.syntaxError()
		}
		p.i++
	}
	return x
}

// wlanSubtype parses the subtype after "type T".
func (p *parser) wlanSubtype(typ uint32) uint32 {
	v := p.cur()
	switch v.kind {
	case tokNum:
		if v.num&^wlanSubtypeMask != 0 {
			p.fail(v.pos, fmt.Sprintf("invalid 802.11 subtype value 0x%02x", v.num))
		}
		p.i++
		return v.num
	case tokID:
		for _, ts := range wlanSubtypesOf {
			if ts.typ != typ {
				continue
			}
			n, ok := lookup(ts.subtypes, v.text)
			if !ok {
				p.fail(v.pos, fmt.Sprintf("unknown 802.11 subtype name %q", v.text))
			}
			p.i++
			return n
		}
		p.fail(v.pos, "unknown 802.11 type")
	}
	p.syntaxError()
	return 0
}

// llc parses "llc" and "llc T".
func (p *parser) llc() Expr {
	t := p.next()
	x := &LLC{KeyPos: t.pos}
	v := p.cur()
	switch {
	case v.kind == tokPF && PFField(v.sub) == PFRuleNum:
		// "rnr" is a pflog keyword too.
		x.Type, x.Subtype = LLCSSubtype, 0x05
	case v.kind == tokID:
		if n, ok := lookup(llcClasses, v.text); ok {
			x.Type = LLCType(n)
		} else if n, ok := lookup(llcSSubtypes, v.text); ok {
			x.Type, x.Subtype = LLCSSubtype, n
		} else if n, ok := lookup(llcUSubtypes, v.text); ok {
			x.Type, x.Subtype = LLCUSubtype, n
		} else {
			p.fail(v.pos, fmt.Sprintf("unknown LLC type name %q", v.text))
		}
	default:
		return x
	}
	p.i++
	x.Name = v.text
	return x
}

var llcClasses = []nameValue{{"i", uint32(LLCI)}, {"s", uint32(LLCS)}, {"u", uint32(LLCU)}}

// pf parses a pflog primitive.
func (p *parser) pf() Expr {
	t := p.next()
	x := &PF{KeyPos: t.pos, Field: PFField(t.sub)}
	switch x.Field {
	case PFIfName, PFRuleset:
		x.Name = p.expect(tokID).text
	case PFRuleNum, PFSubRuleNum:
		x.N = p.num()
	case PFReason:
		if p.cur().kind == tokNum {
			x.N = p.num()
			break
		}
		x.N, x.Name = p.pfName(pfReasons, "reason")
	case PFAction:
		x.N, x.Name = p.pfName(pfActions, "action")
	}
	return x
}

func (p *parser) pfName(table []nameValue, what string) (Number, string) {
	v := p.expect(tokID)
	n, ok := lookup(table, v.text)
	if !ok {
		p.fail(v.pos, fmt.Sprintf("unknown PF %s %q", what, v.text))
	}
	return Number{Val: n, Text: v.text, Pos: v.pos}, v.text
}

// fieldCmp parses an ATM or MTP3 field test: "vpi 1", "vci > 32",
// "sio (1 or 2)".
func (p *parser) fieldCmp() Expr {
	t := p.next()
	x := &FieldCmp{KeyPos: t.pos, Field: Field(t.sub), Op: EQ}
	switch v := p.cur(); {
	case v.kind == tokNum:
		x.Values = []Number{p.num()}
	case isRelOp(v.kind):
		p.i++
		x.Op = relOps[v.kind]
		x.Values = []Number{p.num()}
	case v.kind == tokLParen:
		p.i++
		x.Values = []Number{p.num()}
		for p.cur().kind == tokOr {
			p.i++
			x.Values = append(x.Values, p.num())
		}
		p.expect(tokRParen)
	default:
		p.syntaxError()
	}
	return x
}

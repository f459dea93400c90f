package syntax

import (
	"fmt"
	"strings"
)

// The printer writes a tree back as an expression with every qualifier
// written out, "and"/"or" chains flat and every other nesting in
// parentheses. Values with undefined qualifiers (libpcap's qerr) have no
// written form of their own: they are printed bare where they inherit
// undefined qualifiers again, which is where the parser put them.

func (x *Binary) String() string    { return format(x) }
func (x *Not) String() string       { return format(x) }
func (x *Primitive) String() string { return format(x) }
func (x *Abbrev) String() string    { return x.Proto.String() }
func (x *Relation) String() string {
	return x.X.String() + " " + x.Op.String() + " " + x.Y.String()
}

func (x *Special) String() string {
	if x.HasN {
		return x.Kind.String() + " " + x.N.Text
	}
	return x.Kind.String()
}

func (x *Byte) String() string {
	return "byte " + x.Index.Text + " " + string(x.Op) + " " + x.Value.Text
}

func (x *Cast) String() string {
	s := "broadcast"
	if x.Multicast {
		s = "multicast"
	}
	return withProto(x.Proto, s)
}

func (x *WLAN) String() string {
	switch {
	case x.IsDir:
		return withProto(x.Proto, fmt.Sprintf("dir %d", x.Value))
	case x.Mask == wlanTypeMask:
		return withProto(x.Proto, fmt.Sprintf("type %d", x.Value))
	}
	return withProto(x.Proto, fmt.Sprintf("type %d subtype 0x%02x", x.Value&wlanTypeMask, x.Value&wlanSubtypeMask))
}

func (x *LLC) String() string {
	if x.Name == "" {
		return "llc"
	}
	return "llc " + x.Name
}

func (x *PF) String() string {
	s := x.Field.String() + " "
	if x.Name != "" {
		return s + nameText(x.Name)
	}
	return s + x.N.Text
}

func (x *FieldCmp) String() string {
	s := x.Field.String() + " "
	if len(x.Values) > 1 {
		texts := make([]string, len(x.Values))
		for i, v := range x.Values {
			texts[i] = v.Text
		}
		return s + "(" + strings.Join(texts, " or ") + ")"
	}
	if x.Op != EQ {
		s += x.Op.String() + " "
	}
	return s + x.Values[0].Text
}

func (x *Num) String() string { return x.Text }
func (x *Len) String() string { return "len" }
func (x *Load) String() string {
	if x.SizeGiven {
		return x.Proto.String() + "[" + x.Index.String() + ":" + x.Size.Text + "]"
	}
	return x.Proto.String() + "[" + x.Index.String() + "]"
}
func (x *Neg) String() string { return "(-" + x.X.String() + ")" }
func (x *BinArith) String() string {
	return "(" + x.X.String() + " " + x.Op.String() + " " + x.Y.String() + ")"
}

func withProto(p Proto, s string) string {
	if p == ProtoDefault {
		return s
	}
	return p.String() + " " + s
}

// nameText writes a name so that it scans back as the same name: as is
// when it is a plain name, else after a backslash.
func nameText(name string) string {
	toks := lex(name)
	if len(toks) == 2 && toks[0].kind == tokID && !toks[0].escaped && toks[0].text == name {
		return name
	}
	return `\` + name
}

func (v Value) String() string {
	switch v.Kind {
	case ValName:
		if v.Escaped {
			return `\` + v.Text
		}
	case ValIPv4Len, ValIPv6Len:
		return v.Text + "/" + v.Len.Text
	case ValIPv4Mask:
		return v.Text + " mask " + v.Mask
	case ValARCnet:
		return "$" + v.Text
	}
	return v.Text
}

func format(x Expr) string {
	var b strings.Builder
	printExpr(&b, x, undefQual)
	return b.String()
}

// printExpr writes x where a bare value would inherit q, and returns what
// a bare value after it would inherit.
func printExpr(b *strings.Builder, x Expr, q Qual) Qual {
	switch x := x.(type) {
	case *Binary:
		var left strings.Builder
		lq := printExpr(&left, x.X, q)
		if _, ok := x.X.(*Binary); ok && needsUndef(x.Y) && !lq.Undefined() {
			// In parentheses, the left operand passes on q instead.
			b.WriteString("(" + left.String() + ")")
			lq = q
		} else {
			b.WriteString(left.String())
		}
		b.WriteString(" " + x.Op.String() + " ")
		if _, ok := x.Y.(*Binary); ok {
			b.WriteString("(")
			printExpr(b, x.Y, lq)
			b.WriteString(")")
			return lq
		}
		return printExpr(b, x.Y, lq)
	case *Not:
		b.WriteString("not ")
		if _, ok := x.X.(*Binary); ok {
			b.WriteString("(")
			printExpr(b, x.X, q)
			b.WriteString(")")
			return q
		}
		return printExpr(b, x.X, q)
	case *Primitive:
		if x.Qual.Undefined() {
			b.WriteString(x.Value.String())
			return undefQual
		}
		for _, s := range []string{x.Qual.Proto.String(), x.Qual.Dir.String(), x.Qual.Kind.String()} {
			if s != "" {
				b.WriteString(s + " ")
			}
		}
		b.WriteString(x.Value.String())
		return x.Qual
	}
	b.WriteString(x.String())
	return undefQual
}

// needsUndef reports whether x starts with a value that has undefined
// qualifiers, so must follow something that passes them on.
func needsUndef(x Expr) bool {
	switch x := x.(type) {
	case *Primitive:
		return x.Qual.Undefined()
	case *Not:
		return needsUndef(x.X)
	case *Binary:
		return needsUndef(x.X)
	}
	return false
}

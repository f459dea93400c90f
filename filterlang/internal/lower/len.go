package lower

import (
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// lenTest compares the packet's length on the wire with n by jtype.
func lenTest(jtype uint16, n uint32) ir.Cond {
	return test(stmts{stmt(cbpf.ClassLD|cbpf.ModeLEN, 0)}, jtype, n)
}

// Greater is "greater n": the packet is at least n bytes long
// (gen_greater).
func (c *Compiler) Greater(n uint32) ir.Cond { return lenTest(cbpf.JumpGE, n) }

// Less is "less n": the packet is at most n bytes long (gen_less).
func (c *Compiler) Less(n uint32) ir.Cond { return not(lenTest(cbpf.JumpGT, n)) }

// Byteop is "byte idx op val" (gen_byteop), idx counted from the start of
// the link-layer header: op '=', '<' or '>' compares the byte with val;
// '&' and '|' test that the result of the operation is not zero. As in
// libpcap, the last two do not load the byte: they operate on whatever
// the accumulator holds when the test runs.
func (c *Compiler) Byteop(op byte, idx, val uint32) ir.Cond {
	switch op {
	case '=':
		return c.cmp(orLinkHdr, idx, cbpf.SizeB, val)
	case '<':
		return c.cmpLT(orLinkHdr, idx, cbpf.SizeB, val)
	case '>':
		return c.cmpGT(orLinkHdr, idx, cbpf.SizeB, val)
	case '&':
		return not(test(stmts{stmt(cbpf.ClassALU|cbpf.ALUAnd, val)}, cbpf.JumpEQ, 0))
	case '|':
		return not(test(stmts{stmt(cbpf.ClassALU|cbpf.ALUOr, val)}, cbpf.JumpEQ, 0))
	}
	c.fail("unknown byte operator %q", op)
	return nil
}

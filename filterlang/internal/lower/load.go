package lower

import (
	"github.com/gotcpdump/gotcpdump/cbpf"
	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// offrel says what a load's offset is relative to (libpcap's e_offrel).
type offrel int

const (
	orPacket       offrel = iota // the start of the packet
	orLinkHdr                    // the link-layer header
	orPrevLinkHdr                // the previous link-layer header
	orLLC                        // the 802.2 LLC header
	orPrevMPLSHdr                // the previous MPLS label
	orLinkType                   // the link-layer type field
	orLinkPL                     // the network-layer header
	orLinkPLNoSNAP               // the network layer, 802.2 without SNAP
	orTranIPv4                   // the transport header after IPv4
	orTranIPv6                   // the transport header after a fixed IPv6 header
)

type stmts = []bpf.RawInstruction

// absOffsetVarpart returns the statement that loads the variable part of
// off into X, or nil when off is constant.
func (c *Compiler) absOffsetVarpart(off *absOffset) stmts {
	if !off.variable {
		return nil
	}
	if off.reg == -1 {
		off.reg = c.allocReg()
	}
	return stmts{stmt(cbpf.ClassLDX|cbpf.ModeMEM, uint32(off.reg))}
}

// loadAbsOffsetRel loads size bytes at offset from off into A.
func (c *Compiler) loadAbsOffsetRel(off *absOffset, offset uint32, size uint16) stmts {
	if s := c.absOffsetVarpart(off); s != nil {
		return append(s, stmt(cbpf.ClassLD|cbpf.ModeIND|size, off.constant+offset))
	}
	return stmts{stmt(cbpf.ClassLD|cbpf.ModeABS|size, off.constant+offset)}
}

// loadA loads size bytes at offset relative to rel into A (gen_load_a).
func (c *Compiler) loadA(rel offrel, offset uint32, size uint16) stmts {
	switch rel {
	case orPacket:
		return stmts{stmt(cbpf.ClassLD|cbpf.ModeABS|size, offset)}
	case orLinkHdr:
		return c.loadAbsOffsetRel(&c.offLinkHdr, offset, size)
	case orPrevLinkHdr:
		return c.loadAbsOffsetRel(&c.offPrevLinkHdr, offset, size)
	case orLLC:
		return c.loadAbsOffsetRel(&c.offLinkPL, offset, size)
	case orPrevMPLSHdr:
		return c.loadAbsOffsetRel(&c.offLinkPL, c.offNL-4+offset, size)
	case orLinkPL:
		return c.loadAbsOffsetRel(&c.offLinkPL, c.offNL+offset, size)
	case orLinkPLNoSNAP:
		return c.loadAbsOffsetRel(&c.offLinkPL, c.offNLNoSNAP+offset, size)
	case orLinkType:
		return c.loadAbsOffsetRel(&c.offLinkType, offset, size)
	case orTranIPv4:
		return append(c.loadxIPHdrLen(), stmt(cbpf.ClassLD|cbpf.ModeIND|size, c.offLinkPL.constant+c.offNL+offset))
	case orTranIPv6:
		return c.loadAbsOffsetRel(&c.offLinkPL, c.offNL+40+offset, size)
	}
	panic("lower: unknown offset base")
}

// loadxIPHdrLen loads the length of the IPv4 header into X.
func (c *Compiler) loadxIPHdrLen() stmts {
	if s := c.absOffsetVarpart(&c.offLinkPL); s != nil {
		return append(s,
			stmt(cbpf.ClassLD|cbpf.ModeIND|cbpf.SizeB, c.offLinkPL.constant+c.offNL),
			stmt(cbpf.ClassALU|cbpf.ALUAnd, 0xf),
			stmt(cbpf.ClassALU|cbpf.ALULsh, 2),
			stmt(cbpf.ClassALU|cbpf.ALUAdd|cbpf.SrcX, 0),
			stmt(cbpf.ClassMISC|cbpf.MiscTAX, 0))
	}
	return stmts{stmt(cbpf.ClassLDX|cbpf.ModeMSH|cbpf.SizeB, c.offLinkPL.constant+c.offNL)}
}

// test is one block: s, then the jump op on k.
func test(s stmts, op uint16, k uint32) ir.Cond {
	return &ir.Test{Stmts: s, Jump: bpf.RawInstruction{Op: cbpf.ClassJMP | op, K: k}}
}

func and(x, y ir.Cond) ir.Cond { return &ir.And{X: x, Y: y} }
func or(x, y ir.Cond) ir.Cond  { return &ir.Or{X: x, Y: y} }
func not(x ir.Cond) ir.Cond    { return &ir.Not{X: x} }

// orEach ors two or more tests the way libpcap's generators do when they
// loop over a list (gen_or(b0, b1) with b1 the running result): the first
// with the second, then each further one onto the front.
func orEach(tests ...ir.Cond) ir.Cond {
	b := or(tests[0], tests[1])
	for _, t := range tests[2:] {
		b = or(t, b)
	}
	return b
}

// uncond is a test that always (true) or never holds, as libpcap writes
// it: "ld #0; jeq #0" or "ld #1; jeq #0".
func uncond(holds bool) ir.Cond {
	k := uint32(1)
	if holds {
		k = 0
	}
	return test(stmts{stmt(cbpf.ClassLD|cbpf.ModeIMM, k)}, cbpf.JumpEQ, 0)
}

func genTrue() ir.Cond  { return uncond(true) }
func genFalse() ir.Cond { return uncond(false) }

// ncmp loads size bytes at offset relative to rel, masks them (unless
// mask is all ones) and compares them with v by jtype; reverse negates
// the test (gen_ncmp). libpcap 1.10.3 negates only the ordering tests,
// so that its "vpi != 1" and "sio != 1" mean "=", a bug master fixed.
func (c *Compiler) ncmp(rel offrel, offset uint32, size uint16, mask uint32, jtype uint16, reverse bool, v uint32) ir.Cond {
	s := c.loadA(rel, offset, size)
	if mask != 0xffffffff {
		s = append(s, stmt(cbpf.ClassALU|cbpf.ALUAnd, mask))
	}
	b := test(s, jtype, v)
	if reverse {
		b = not(b)
	}
	return b
}

func (c *Compiler) cmp(rel offrel, offset uint32, size uint16, v uint32) ir.Cond {
	return c.ncmp(rel, offset, size, 0xffffffff, cbpf.JumpEQ, false, v)
}

func (c *Compiler) cmpGT(rel offrel, offset uint32, size uint16, v uint32) ir.Cond {
	return c.ncmp(rel, offset, size, 0xffffffff, cbpf.JumpGT, false, v)
}

func (c *Compiler) cmpGE(rel offrel, offset uint32, size uint16, v uint32) ir.Cond {
	return c.ncmp(rel, offset, size, 0xffffffff, cbpf.JumpGE, false, v)
}

func (c *Compiler) cmpLT(rel offrel, offset uint32, size uint16, v uint32) ir.Cond {
	return c.ncmp(rel, offset, size, 0xffffffff, cbpf.JumpGE, true, v)
}

func (c *Compiler) cmpLE(rel offrel, offset uint32, size uint16, v uint32) ir.Cond {
	return c.ncmp(rel, offset, size, 0xffffffff, cbpf.JumpGT, true, v)
}

func (c *Compiler) mcmp(rel offrel, offset uint32, size uint16, v, mask uint32) ir.Cond {
	return c.ncmp(rel, offset, size, mask, cbpf.JumpEQ, false, v)
}

// bcmp compares the bytes v at offset, four, then two, then one at a time
// from the end, as libpcap's gen_bcmp does.
func (c *Compiler) bcmp(rel offrel, offset uint32, v []byte) ir.Cond {
	var b ir.Cond
	link := func(t ir.Cond) {
		if b == nil {
			b = t
		} else {
			b = and(b, t)
		}
	}
	size := uint32(len(v))
	for size >= 4 {
		p := v[size-4:]
		link(c.cmp(rel, offset+size-4, cbpf.SizeW, uint32(p[0])<<24|uint32(p[1])<<16|uint32(p[2])<<8|uint32(p[3])))
		size -= 4
	}
	for size >= 2 {
		p := v[size-2:]
		link(c.cmp(rel, offset+size-2, cbpf.SizeH, uint32(p[0])<<8|uint32(p[1])))
		size -= 2
	}
	if size > 0 {
		link(c.cmp(rel, offset, cbpf.SizeB, uint32(v[0])))
	}
	return b
}

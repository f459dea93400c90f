package lower

import (
	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// Opcode parts, as in the cbpf package.
const (
	opLD   = 0x00
	opLDX  = 0x01
	opST   = 0x02
	opALU  = 0x04
	opJMP  = 0x05
	opMISC = 0x07

	sizeW = 0x00
	sizeH = 0x08
	sizeB = 0x10

	modeIMM = 0x00
	modeABS = 0x20
	modeIND = 0x40
	modeMEM = 0x60
	modeLEN = 0x80
	modeMSH = 0xa0

	aluADD = 0x00
	aluSUB = 0x10
	aluMUL = 0x20
	aluDIV = 0x30
	aluOR  = 0x40
	aluAND = 0x50
	aluLSH = 0x60
	aluRSH = 0x70
	aluNEG = 0x80
	aluMOD = 0x90
	aluXOR = 0xa0

	jmpJEQ  = 0x10
	jmpJGT  = 0x20
	jmpJGE  = 0x30
	jmpJSET = 0x40

	srcX = 0x08

	miscTAX = 0x00
	miscTXA = 0x80
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
	return stmts{stmt(opLDX|modeMEM, uint32(off.reg))}
}

// loadAbsOffsetRel loads size bytes at offset from off into A.
func (c *Compiler) loadAbsOffsetRel(off *absOffset, offset uint32, size uint16) stmts {
	if s := c.absOffsetVarpart(off); s != nil {
		return append(s, stmt(opLD|modeIND|size, off.constant+offset))
	}
	return stmts{stmt(opLD|modeABS|size, off.constant+offset)}
}

// loadA loads size bytes at offset relative to rel into A (gen_load_a).
func (c *Compiler) loadA(rel offrel, offset uint32, size uint16) stmts {
	switch rel {
	case orPacket:
		return stmts{stmt(opLD|modeABS|size, offset)}
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
		return append(c.loadxIPHdrLen(), stmt(opLD|modeIND|size, c.offLinkPL.constant+c.offNL+offset))
	case orTranIPv6:
		return c.loadAbsOffsetRel(&c.offLinkPL, c.offNL+40+offset, size)
	}
	panic("lower: unknown offset base")
}

// loadxIPHdrLen loads the length of the IPv4 header into X.
func (c *Compiler) loadxIPHdrLen() stmts {
	if s := c.absOffsetVarpart(&c.offLinkPL); s != nil {
		return append(s,
			stmt(opLD|modeIND|sizeB, c.offLinkPL.constant+c.offNL),
			stmt(opALU|aluAND, 0xf),
			stmt(opALU|aluLSH, 2),
			stmt(opALU|aluADD|srcX, 0),
			stmt(opMISC|miscTAX, 0))
	}
	return stmts{stmt(opLDX|modeMSH|sizeB, c.offLinkPL.constant+c.offNL)}
}

// test is one block: s, then the jump op on k.
func test(s stmts, op uint16, k uint32) ir.Cond {
	return &ir.Test{Stmts: s, Jump: bpf.RawInstruction{Op: opJMP | op, K: k}}
}

func and(x, y ir.Cond) ir.Cond { return &ir.And{X: x, Y: y} }
func or(x, y ir.Cond) ir.Cond  { return &ir.Or{X: x, Y: y} }
func not(x ir.Cond) ir.Cond    { return &ir.Not{X: x} }

// uncond is a test that always (true) or never holds, as libpcap writes
// it: "ld #0; jeq #0" or "ld #1; jeq #0".
func uncond(holds bool) ir.Cond {
	k := uint32(1)
	if holds {
		k = 0
	}
	return test(stmts{stmt(opLD|modeIMM, k)}, jmpJEQ, 0)
}

func genTrue() ir.Cond  { return uncond(true) }
func genFalse() ir.Cond { return uncond(false) }

// ncmp loads size bytes at offset relative to rel, masks them (unless
// mask is all ones) and compares them with v by jtype; reverse negates
// the greater-than tests (gen_ncmp).
func (c *Compiler) ncmp(rel offrel, offset uint32, size uint16, mask uint32, jtype uint16, reverse bool, v uint32) ir.Cond {
	s := c.loadA(rel, offset, size)
	if mask != 0xffffffff {
		s = append(s, stmt(opALU|aluAND, mask))
	}
	b := test(s, jtype, v)
	if reverse && (jtype == jmpJGT || jtype == jmpJGE) {
		b = not(b)
	}
	return b
}

func (c *Compiler) cmp(rel offrel, offset uint32, size uint16, v uint32) ir.Cond {
	return c.ncmp(rel, offset, size, 0xffffffff, jmpJEQ, false, v)
}

func (c *Compiler) cmpGT(rel offrel, offset uint32, size uint16, v uint32) ir.Cond {
	return c.ncmp(rel, offset, size, 0xffffffff, jmpJGT, false, v)
}

func (c *Compiler) cmpGE(rel offrel, offset uint32, size uint16, v uint32) ir.Cond {
	return c.ncmp(rel, offset, size, 0xffffffff, jmpJGE, false, v)
}

func (c *Compiler) cmpLT(rel offrel, offset uint32, size uint16, v uint32) ir.Cond {
	return c.ncmp(rel, offset, size, 0xffffffff, jmpJGE, true, v)
}

func (c *Compiler) cmpLE(rel offrel, offset uint32, size uint16, v uint32) ir.Cond {
	return c.ncmp(rel, offset, size, 0xffffffff, jmpJGT, true, v)
}

func (c *Compiler) mcmp(rel offrel, offset uint32, size uint16, v, mask uint32) ir.Cond {
	return c.ncmp(rel, offset, size, mask, jmpJEQ, false, v)
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
		link(c.cmp(rel, offset+size-4, sizeW, uint32(p[0])<<24|uint32(p[1])<<16|uint32(p[2])<<8|uint32(p[3])))
		size -= 4
	}
	for size >= 2 {
		p := v[size-2:]
		link(c.cmp(rel, offset+size-2, sizeH, uint32(p[0])<<8|uint32(p[1])))
		size -= 2
	}
	if size > 0 {
		link(c.cmp(rel, offset, sizeB, uint32(v[0])))
	}
	return b
}

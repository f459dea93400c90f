package lower

import (
	"slices"

	"github.com/gotcpdump/gotcpdump/cbpf"

	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// Arth is the value of an arithmetic expression ("ip[2:2] - 20", "len"),
// computed at run time into a scratch register: libpcap's struct arth.
//
// The statements leave the value in M[reg]. check is the condition the
// packet must meet for the value's loads to mean anything (for "tcp[0]",
// an IPv4 TCP first fragment); a comparison of the value ANDs it in.
// Each Arth is consumed by the call it is passed to: Load, Neg and Arith
// return it updated, Relation ends it.
type Arth struct {
	check ir.Cond
	stmts stmts
	reg   int
}

// Relation codes: the conditional jump a comparison ends with, as
// libpcap's grammar passes it to gen_relation. "<=", "<" and "!=" are GT,
// GE and EQ with reversed set.
const (
	RelEQ = cbpf.JumpEQ
	RelGT = cbpf.JumpGT
	RelGE = cbpf.JumpGE
)

// Arithmetic codes: the ALU operation of a binary operator, as libpcap's
// grammar passes it to gen_arth.
const (
	OpAdd = cbpf.ALUAdd
	OpSub = cbpf.ALUSub
	OpMul = cbpf.ALUMul
	OpDiv = cbpf.ALUDiv
	OpMod = cbpf.ALUMod
	OpAnd = cbpf.ALUAnd
	OpOr  = cbpf.ALUOr
	OpXor = cbpf.ALUXor
	OpLsh = cbpf.ALULsh
	OpRsh = cbpf.ALURsh
)

// xferToX loads a's register into X.
func xferToX(a *Arth) bpf.RawInstruction { return stmt(cbpf.ClassLDX|cbpf.ModeMEM, uint32(a.reg)) }

// xferToA loads a's register into A.
func xferToA(a *Arth) bpf.RawInstruction { return stmt(cbpf.ClassLD|cbpf.ModeMEM, uint32(a.reg)) }

// Loadi is the constant v (gen_loadi).
func (c *Compiler) Loadi(v uint32) *Arth {
	reg := c.allocReg()
	return &Arth{reg: reg, stmts: stmts{stmt(cbpf.ClassLD|cbpf.ModeIMM, v), stmt(cbpf.ClassST, uint32(reg))}}
}

// Loadlen is the packet's length on the wire, "len" (gen_loadlen).
func (c *Compiler) Loadlen() *Arth {
	reg := c.allocReg()
	return &Arth{reg: reg, stmts: stmts{stmt(cbpf.ClassLD|cbpf.ModeLEN, 0), stmt(cbpf.ClassST, uint32(reg))}}
}

// Neg negates a in place, "-a" (gen_neg).
func (c *Compiler) Neg(a *Arth) *Arth {
	a.stmts = append(a.stmts, xferToA(a), stmt(cbpf.ClassALU|cbpf.ALUNeg, 0), stmt(cbpf.ClassST, uint32(a.reg)))
	return a
}

// Arith combines a0 and a1 with the operation code (an Op* value) into
// a0 and returns it (gen_arth). As in libpcap, only a0's protocol checks
// are kept, and a divisor, modulus or shift written as a constant is
// checked here, so that the error does not depend on optimisation: the
// test looks at the first statement of a1, so "x / (0 + 1)" is also a
// division by zero.
func (c *Compiler) Arith(code int, a0, a1 *Arth) *Arth {
	first := a1.stmts[0]
	constant := first.Op == cbpf.ClassLD|cbpf.ModeIMM
	switch code {
	case OpDiv:
		if constant && first.K == 0 {
			c.fail("division by zero")
		}
	case OpMod:
		if constant && first.K == 0 {
			c.fail("modulus by zero")
		}
	case OpLsh, OpRsh:
		if constant && first.K > 31 {
			c.fail("shift by more than 31 bits")
		}
	case OpAdd, OpSub, OpMul, OpAnd, OpOr, OpXor:
	default:
		c.fail("unknown arithmetic operation %#x", code)
	}
	a0.stmts = append(a0.stmts, a1.stmts...)
	a0.stmts = append(a0.stmts, xferToX(a1), xferToA(a0), stmt(cbpf.ClassALU|cbpf.SrcX|uint16(code), 0))
	c.freeReg(a0.reg)
	c.freeReg(a1.reg)
	a0.reg = c.allocReg()
	a0.stmts = append(a0.stmts, stmt(cbpf.ClassST, uint32(a0.reg)))
	return a0
}

// Relation compares a0 with a1 by code (a Rel* value), negated when
// reversed, after the protocol checks of both (gen_relation). Equality
// is tested as a0 - a1 == 0.
func (c *Compiler) Relation(code int, a0, a1 *Arth, reversed bool) ir.Cond {
	tail := stmts{xferToX(a1), xferToA(a0)}
	var b ir.Cond
	switch code {
	case RelEQ:
		tail = append(tail, stmt(cbpf.ClassALU|cbpf.ALUSub|cbpf.SrcX, 0))
		b = test(slices.Concat(a0.stmts, a1.stmts, tail), cbpf.JumpEQ, 0)
	case RelGT, RelGE:
		b = test(slices.Concat(a0.stmts, a1.stmts, tail), uint16(code)|cbpf.SrcX, 0)
	default:
		c.fail("unknown relation %#x", code)
	}
	if reversed {
		b = not(b)
	}
	c.freeReg(a0.reg)
	c.freeReg(a1.reg)
	check := a0.check
	if a1.check != nil {
		check = andIf(a0.check, a1.check)
	}
	return andIf(check, b)
}

// Load is "proto[index:size]" (gen_load): size bytes (1, 2 or 4) at the
// offset index computes, relative to proto's header, into a new register;
// index's register is released and the result takes index's place.
//
// Loads relative to a network header check the link-layer type; loads
// relative to a transport header go through an IPv4 header only and
// check that the packet is IPv4, of that protocol, and the first
// fragment; "icmp6[...]" reads right after a fixed IPv6 header whose next
// header is ICMPv6. "link[...]" and "radio[...]" check nothing.
func (c *Compiler) Load(proto uint8, index *Arth, size uint32) *Arth {
	reg := c.allocReg()
	c.freeReg(index.reg)
	var width uint16
	switch size {
	case 1:
		width = cbpf.SizeB
	case 2:
		width = cbpf.SizeH
	case 4:
		width = cbpf.SizeW
	default:
		c.fail("data size must be 1, 2, or 4")
	}
	var s stmts
	switch proto {
	case QRadio:
		switch c.linktype {
		case dltIEEE80211AVS, dltIEEE80211Radio, dltPrismHeader:
		default:
			c.fail("radio information not present in capture")
		}
		s = stmts{xferToX(index), stmt(cbpf.ClassLD|cbpf.ModeIND|width, 0)}
	case QLink:
		s = c.indexedLoad(&c.offLinkHdr, index, width, c.offLinkHdr.constant)
	case QIP, QARP, QRARP, QAtalk, QDecnet, QSca, QLat, QMoprc, QMopdl, QIPv6:
		s = c.indexedLoad(&c.offLinkPL, index, width, c.offLinkPL.constant+c.offNL)
		index.check = andIf(index.check, c.ProtoAbbrev(proto))
	case QSCTP, QTCP, QUDP, QICMP, QIGMP, QIGRP, QPIM, QVRRP, QCARP:
		// X is the length of the IPv4 header (plus the variable part of
		// the payload's offset); the index goes on top of it.
		s = append(c.loadxIPHdrLen(),
			xferToA(index),
			stmt(cbpf.ClassALU|cbpf.ALUAdd|cbpf.SrcX, 0),
			stmt(cbpf.ClassMISC|cbpf.MiscTAX, 0),
			stmt(cbpf.ClassLD|cbpf.ModeIND|width, c.offLinkPL.constant+c.offNL))
		check := c.ProtoAbbrev(proto)
		check = and(check, c.ipfrag())
		check = andIf(index.check, check)
		index.check = and(c.ProtoAbbrev(QIP), check)
	case QICMPv6:
		check := andIf(index.check, c.ProtoAbbrev(QIPv6))
		index.check = and(check, c.cmp(orLinkPL, 6, cbpf.SizeB, ipprotoICMPv6))
		s = c.indexedLoad(&c.offLinkPL, index, width, c.offLinkPL.constant+c.offNL+40)
	default:
		c.fail("unsupported index operation")
	}
	index.stmts = append(index.stmts, s...)
	index.reg = reg
	index.stmts = append(index.stmts, stmt(cbpf.ClassST, uint32(reg)))
	return index
}

// indexedLoad loads width bytes at index's value plus k plus the variable
// part of off, if any, into A.
func (c *Compiler) indexedLoad(off *absOffset, index *Arth, width uint16, k uint32) stmts {
	s := c.absOffsetVarpart(off)
	if s != nil {
		s = append(s, xferToA(index), stmt(cbpf.ClassALU|cbpf.ALUAdd|cbpf.SrcX, 0), stmt(cbpf.ClassMISC|cbpf.MiscTAX, 0))
	} else {
		s = stmts{xferToX(index)}
	}
	return append(s, stmt(cbpf.ClassLD|cbpf.ModeIND|width, k))
}

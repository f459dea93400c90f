package lower

import (
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// ATM circuits, message groups and header fields, with libpcap's numbers
// (gencode.h's A_*), as AtmType and AtmField take them.
const (
	AMetaC       = 22 // meta-signalling circuit: VPI 0, VCI 1
	ABCC         = 23 // broadcast circuit: VCI 2
	AOAMF4SC     = 24 // segment OAM F4 circuit: VCI 3
	AOAMF4EC     = 25 // end-to-end OAM F4 circuit: VCI 4
	ASC          = 26 // signalling circuit: VCI 5
	AILMIC       = 27 // ILMI circuit: VCI 16
	AOAM         = 28 // OAM F4 cells, segment or end-to-end
	AOAMF4       = 29 // the same
	ALane        = 30 // LAN emulation: Ethernet inside for the rest
	AVPI         = 51
	AVCI         = 52
	AConnectMsg  = 70 // Q.2931 messages that set up or tear down an SVC
	AMetaConnect = 71 // the same on the meta-signalling circuit
)

// atmNames are the keywords the messages of the ATM generators name, as
// libpcap 1.10.3 names them.
var atmNames = map[int]string{
	AMetaC: "metac", ABCC: "bcc", AOAMF4SC: "oam4sc", AOAMF4EC: "oam4ec",
	ASC: "sc", AILMIC: "ilmic", AOAM: "oam", AOAMF4: "oamf4", ALane: "lane",
	AVPI: "vpi", AVCI: "vci", AConnectMsg: "connectmsg", AMetaConnect: "metaconnect",
}

// Offsets in SunATM's 4-byte pseudo-header (after the protocol type at
// sunatmProtoPos) and in the Q.2931 signalling message that follows it.
const (
	sunatmVPIPos  = 1
	sunatmVCIPos  = 2
	sunatmPTLANE  = 1 // LANE payload
	q2931TypePos  = sunatmPktBegin + 5
	laneHeaderLen = 2 // the LE header before the Ethernet frame
)

// Q.2931 message types (atmuni31.h).
const (
	q2931CallProceed = 0x02
	q2931Setup       = 0x05
	q2931Connect     = 0x07
	q2931ConnectAck  = 0x0f
	q2931Release     = 0x4d
	q2931ReleaseDone = 0x5a
)

// requireATM fails unless the link layer is SunATM's. After "lane" it is
// Ethernet, and ATM keywords fail with libpcap master's message: 1.10.3
// would read them at the LANE frame's offsets.
func (c *Compiler) requireATM(kind int) {
	switch {
	case c.outermostLinktype != dltSunATM:
		c.fail("'%s' supported only on raw ATM", atmNames[kind])
	case c.linktype != dltSunATM:
		c.fail("'%s' supported only on SUNATM", atmNames[kind])
	}
}

// AtmField compares the VPI or VCI of a SunATM frame with v
// (gen_atmfield_code): code is the comparison (a Rel* value) and reversed
// negates it, as for Mtp3Field.
func (c *Compiler) AtmField(field int, v uint32, code int, reversed bool) ir.Cond {
	if code != RelEQ && code != RelGT && code != RelGE {
		c.fail("unknown relation %#x", code)
	}
	c.requireATM(field)
	switch field {
	case AVPI:
		if v > 0xff {
			c.fail("VPI %d greater than maximum 255", v)
		}
		return c.ncmp(orLinkHdr, sunatmVPIPos, cbpf.SizeB, 0xffffffff, uint16(code), reversed, v)
	case AVCI:
		if v > 0xffff {
			c.fail("VCI %d greater than maximum 65535", v)
		}
		return c.ncmp(orLinkHdr, sunatmVCIPos, cbpf.SizeH, 0xffffffff, uint16(code), reversed, v)
	}
	c.fail("unknown ATM field %d", field)
	return nil
}

// circuit tests for the virtual circuit VPI 0, VCI vci, where ATM's
// well-known circuits are.
func (c *Compiler) circuit(vci uint32) ir.Cond {
	return and(c.AtmField(AVPI, 0, RelEQ, false), c.AtmField(AVCI, vci, RelEQ, false))
}

// AtmType tests for a kind of ATM traffic on SunATM (gen_atmtype_abbrev
// and gen_atmmulti_abbrev): a well-known circuit, OAM cells, LANE, or the
// Q.2931 messages that manage virtual circuits. After ALane the rest of
// the expression reads the emulated LAN's Ethernet frame.
func (c *Compiler) AtmType(kind int) ir.Cond {
	c.requireATM(kind)
	switch kind {
	case AMetaC:
		return c.circuit(1)
	case ABCC:
		return c.circuit(2)
	case AOAMF4SC:
		return c.circuit(3)
	case AOAMF4EC:
		return c.circuit(4)
	case ASC:
		return c.circuit(5)
	case AILMIC:
		return c.circuit(16)
	case AOAM, AOAMF4:
		b := or(c.AtmField(AVCI, 3, RelEQ, false), c.AtmField(AVCI, 4, RelEQ, false))
		return and(c.AtmField(AVPI, 0, RelEQ, false), b)
	case ALane:
		return c.lane()
	case AConnectMsg:
		return and(c.circuit(5), c.q2931(q2931Setup, q2931CallProceed, q2931Connect, q2931ConnectAck, q2931Release, q2931ReleaseDone))
	case AMetaConnect:
		return and(c.circuit(1), c.q2931(q2931Setup, q2931CallProceed, q2931Connect, q2931Release, q2931ReleaseDone))
	}
	c.fail("unknown ATM type %d", kind)
	return nil
}

// q2931 tests for any of the Q.2931 message types, or'ed as libpcap
// does.
func (c *Compiler) q2931(types ...uint32) ir.Cond {
	tests := make([]ir.Cond, len(types))
	for i, t := range types {
		tests[i] = c.cmp(orLinkHdr, q2931TypePos, cbpf.SizeB, t)
	}
	return orEach(tests...)
}

// lane tests for LANE traffic and makes the LANE frame's Ethernet header
// the link layer of the rest of the expression; prevLinkhdrCheck then
// excludes LE control frames.
func (c *Compiler) lane() ir.Cond {
	b := c.ncmp(orLinkHdr, sunatmProtoPos, cbpf.SizeB, 0x0f, cbpf.JumpEQ, false, sunatmPTLANE)
	c.pushLinkhdr(dltEN10MB, absOffset{constant: sunatmPktBegin + laneHeaderLen, reg: -1})
	c.offLinkType.constant = c.offLinkHdr.constant + 12
	c.offLinkPL.constant = c.offLinkHdr.constant + 14
	c.offNL = 0
	c.offNLNoSNAP = 3
	return b
}

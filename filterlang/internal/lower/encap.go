package lower

import (
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// Encapsulations: vlan, mpls, pppoes, geneve and vxlan test for their
// header and then move the offsets of the link-layer type and payload (or
// push a new link layer) past it, for every test that comes after them in
// the expression, whatever the nesting: libpcap's documented meaning.

// opSTX is the instruction class of "stx M[k]".
const opSTX = 0x03

// Values the encapsulation tests compare with.
const (
	pppMPLSUcast = 0x0281 // PPP protocol of unicast MPLS
	ethertypeTEB = 0x6558 // Transparent Ethernet Bridging: Ethernet in Geneve
	genevePort   = 6081
	vxlanPort    = 4789

	maxVLANID     = 0x0fff
	maxMPLSLabel  = 0xfffff
	maxPPPoESess  = 0xffff
	maxTunnelVNI  = 0xffffff
	ipv6HeaderLen = 40
)

// pushLinkhdr makes the link layer linktype, starting at the given
// offset, the current one, and the current one the previous one
// (libpcap's PUSH_LINKHDR).
func (c *Compiler) pushLinkhdr(linktype int, off absOffset) {
	c.prevLinktype = c.linktype
	c.offPrevLinkHdr = c.offLinkHdr
	c.linktype = linktype
	c.offLinkHdr = off
	c.isGeneve = false
}

// Vlan is "vlan" or "vlan num" (gen_vlan): an 802.1Q, 802.1ad or QinQ
// tag, with VLAN ID num when hasNum, after which the link-layer type and
// payload are 4 bytes further for the rest of the expression, so that
// "vlan 100 and vlan 200" matches 200 inside 100.
//
// For a live Linux capture (Config.Live) the outermost tag is usually
// not in the packet: the kernel has stripped it and the program reads it
// with ancillary loads, as libpcap does when the kernel offers them. The
// tag may still be inline, so the program decides at run time, and from
// then on the offsets are in registers (see vlanLive).
func (c *Compiler) Vlan(num uint32, hasNum bool) ir.Cond {
	if c.labelStackDepth > 0 {
		c.fail("no VLAN match after MPLS")
	}
	var b ir.Cond
	switch c.linktype {
	case dltEN10MB, dltNetanalyzer, dltNetanalyzerTransparent:
		outermost := c.vlanStackDepth == 0 && !c.offLinkHdr.variable &&
			c.offLinkHdr.constant == c.offOutermostLinkHdr.constant
		if c.cfg.Live && outermost {
			b = c.vlanLive(num, hasNum)
		} else {
			b = c.vlanInline(num, hasNum)
		}
	case dltIEEE80211, dltPrismHeader, dltIEEE80211AVS, dltIEEE80211Radio:
		b = c.vlanInline(num, hasNum)
	case dltDSATagBRCM, dltDSATagDSA:
		// libpcap master: the 802.1Q tag is read inline after the
		// switch's tag, for a live capture too.
		b = c.vlanInline(num, hasNum)
	default:
		c.fail("no VLAN support for %s", dltDescription(c.linktype))
	}
	c.vlanStackDepth++
	return b
}

// vlanTPIDTest tests the type field for one of the VLAN tag protocols.
func (c *Compiler) vlanTPIDTest() ir.Cond {
	b := or(c.linktypeCheck(ethertypeVLAN), c.linktypeCheck(ethertypeQinQ))
	return or(b, c.linktypeCheck(ethertypeQinQ9100))
}

// vlanIDTest tests the VLAN ID in the tag control information, the
// first two bytes of the link-layer payload.
func (c *Compiler) vlanIDTest(num uint32) ir.Cond {
	if num > maxVLANID {
		c.fail("VLAN tag %d greater than maximum %d", num, maxVLANID)
	}
	return c.mcmp(orLinkPL, 0, cbpf.SizeH, num, maxVLANID)
}

// vlanInline is the vlan test for a tag in the packet
// (gen_vlan_no_bpf_extensions).
func (c *Compiler) vlanInline(num uint32, hasNum bool) ir.Cond {
	b := c.vlanTPIDTest()
	if hasNum {
		b = and(b, c.vlanIDTest(num))
	}
	c.offLinkPL.constant += 4
	c.offLinkType.constant += 4
	return b
}

// vlanLive is the vlan test on a live Linux socket
// (gen_vlan_bpf_extensions): the tag is either in the packet's metadata
// (SKF_AD_VLAN_TAG_PRESENT) or, when the kernel did not strip it, inline.
// Only in the second case do the payload and type move, so their offsets
// become variable: the inline branch adds 4 to their registers, which
// Finish starts at 0. The TPID and ID tests are built before the offsets
// change, so they read the outermost tag.
func (c *Compiler) vlanLive(num uint32, hasNum bool) ir.Cond {
	present := test(stmts{stmt(cbpf.ClassLD|cbpf.ModeABS|cbpf.SizeB, ancillary(cbpf.AncVLANTagPresent))}, cbpf.JumpEQ, 1)
	tpid := c.vlanTPIDTest()
	var id ir.Cond
	if hasNum {
		id = c.vlanIDTest(num)
	}
	c.vlanVarOffsets = true
	shift := append(c.addToOffset(&c.offLinkPL, 4), c.addToOffset(&c.offLinkType, 4)...)
	b := or(present, withPrologue(tpid, shift))
	if hasNum {
		b = and(b, c.vlanIDFromMetadata(id))
	}
	return b
}

// ancillary is the offset at which a load reads a Linux ancillary value.
// libpcap reads the VLAN ones with byte loads; the kernel ignores the
// size.
func ancillary(a cbpf.Ancillary) uint32 { return cbpf.AncillaryBase + uint32(a) }

// addToOffset returns the statements that add v to the variable part of
// off, making it variable (gen_vlan_vloffset_add).
func (c *Compiler) addToOffset(off *absOffset, v uint32) stmts {
	off.variable = true
	if off.reg == -1 {
		off.reg = c.allocReg()
	}
	return stmts{
		stmt(cbpf.ClassLD|cbpf.ModeMEM, uint32(off.reg)),
		stmt(cbpf.ClassALU|cbpf.ALUAdd, v),
		stmt(cbpf.ClassST, uint32(off.reg)),
	}
}

// vlanIDFromMetadata makes the VLAN ID test id take the tag control
// information from the metadata when the kernel stripped the tag, and
// from the packet otherwise; both go through id's final mask
// (gen_vlan_patch_vid_test).
func (c *Compiler) vlanIDFromMetadata(id ir.Cond) ir.Cond {
	t, ok := id.(*ir.Test)
	if !ok || len(t.Stmts) < 2 {
		panic("lower: the VLAN ID test is not one load and a mask")
	}
	p := &prologue{}
	p.add(cbpf.ClassLD|cbpf.ModeABS|cbpf.SizeB, ancillary(cbpf.AncVLANTagPresent))
	p.jump(cbpf.JumpEQ, 1, "metadata", "packet")
	p.label("metadata")
	p.add(cbpf.ClassLD|cbpf.ModeABS|cbpf.SizeB, ancillary(cbpf.AncVLANTag))
	p.ja("mask")
	p.label("packet")
	last := len(t.Stmts) - 1
	for _, s := range t.Stmts[:last] {
		p.add(s.Op, s.K)
	}
	p.label("mask")
	p.add(t.Stmts[last].Op, t.Stmts[last].K)
	return &ir.Test{Stmts: p.code(), Jump: t.Jump}
}

// Mpls is "mpls" or "mpls label" (gen_mpls): an MPLS label stack entry,
// the first after the link layer or the next one in the stack, with
// label label when hasLabel. The network layer moves 4 bytes further for
// the rest of the expression, and the network protocols are then tested
// with the bottom-of-stack bit and the IP version (mplsLinktype).
func (c *Compiler) Mpls(label uint32, hasLabel bool) ir.Cond {
	var b ir.Cond
	if c.labelStackDepth > 0 {
		// Inside a stack: the previous entry is not the bottom one.
		b = c.mcmp(orPrevMPLSHdr, 2, cbpf.SizeB, 0, 0x01)
	} else {
		switch c.linktype {
		case dltCHDLC, dltHDLC, dltEN10MB, dltNetanalyzer, dltNetanalyzerTransparent, dltDSATagBRCM, dltDSATagDSA:
			b = c.linktypeCheck(ethertypeMPLS)
		case dltPPP:
			b = c.linktypeCheck(pppMPLSUcast)
		default:
			c.fail("no MPLS support for %s", dltDescription(c.linktype))
		}
	}
	if hasLabel {
		if label > maxMPLSLabel {
			c.fail("MPLS label %d greater than maximum %d", label, maxMPLSLabel)
		}
		// The label is the top 20 bits of the entry.
		b = and(b, c.mcmp(orLinkPL, 0, cbpf.SizeW, label<<12, 0xfffff000))
	}
	c.offNLNoSNAP += 4
	c.offNL += 4
	c.labelStackDepth++
	return b
}

// mplsLinktype is linktypeCheck inside an MPLS stack
// (gen_mpls_linktype): the last entry has the bottom-of-stack bit, and
// the IP version is 4 or 6. Other protocols cannot be recognised.
func (c *Compiler) mplsLinktype(llProto uint32) ir.Cond {
	var version uint32
	switch llProto {
	case ethertypeIP:
		version = 0x40
	case ethertypeIPv6:
		version = 0x60
	default:
		c.fail("unsupported protocol over mpls")
	}
	// The bottom-of-stack bit is in the third byte of the entry before
	// the network layer (offset -2 wraps to it).
	b := c.mcmp(orLinkPL, 0xfffffffe, cbpf.SizeB, 0x01, 0x01)
	return and(b, c.mcmp(orLinkPL, 0, cbpf.SizeB, version, 0xf0))
}

// Pppoed is "pppoed": a PPPoE discovery frame (gen_pppoed).
func (c *Compiler) Pppoed() ir.Cond { return c.linktypeCheck(ethertypePPPoED) }

// Pppoes is "pppoes" or "pppoes sess" (gen_pppoes): a PPPoE session
// frame, with session ID sess when hasSess. For the rest of the
// expression the link layer is the PPP frame inside, 6 bytes into the
// payload: its protocol field is the type, and the network layer follows
// it.
func (c *Compiler) Pppoes(sess uint32, hasSess bool) ir.Cond {
	b := c.linktypeCheck(ethertypePPPoES)
	if hasSess {
		if sess > maxPPPoESess {
			c.fail("PPPoE session number %d greater than maximum %d", sess, maxPPPoESess)
		}
		b = and(b, c.mcmp(orLinkPL, 0, cbpf.SizeW, sess, 0x0000ffff))
	}
	c.pushLinkhdr(dltPPP, absOffset{
		variable: c.offLinkPL.variable,
		constant: c.offLinkPL.constant + c.offNL + 6,
		reg:      c.offLinkPL.reg,
	})
	c.offLinkType = c.offLinkHdr
	c.offLinkPL.constant = c.offLinkHdr.constant + 2
	c.offNL = 0
	c.offNLNoSNAP = 0
	return b
}

// tunnel is a UDP tunnel protocol that carries a link layer: Geneve or
// VXLAN.
type tunnel struct {
	name string // as in messages: "Geneve", "VXLAN"
	port uint32 // UDP destination port
	// header tests the first byte of the tunnel header, at offset 8 of
	// the UDP header at rel.
	header func(c *Compiler, rel offrel) ir.Cond
	// offsets returns the statements that, with A holding the length of
	// the IP header (plus the variable part of the payload's offset),
	// compute the offsets of the encapsulated link layer into registers
	// and make it the current one.
	offsets func(c *Compiler) stmts
}

var (
	geneve = tunnel{
		name: "Geneve",
		port: genevePort,
		header: func(c *Compiler, rel offrel) ir.Cond {
			return c.mcmp(rel, 8, cbpf.SizeB, 0, 0xc0) // version 0
		},
		offsets: (*Compiler).geneveOffsets,
	}
	vxlan = tunnel{
		name: "VXLAN",
		port: vxlanPort,
		header: func(c *Compiler, rel offrel) ir.Cond {
			return c.cmp(rel, 8, cbpf.SizeB, 0x08) // flags: only "VNI valid"
		},
		offsets: (*Compiler).vxlanOffsets,
	}
)

// Geneve is "geneve" or "geneve vni" (gen_geneve): a Geneve packet over
// UDP over IPv4 or IPv6, with virtual network identifier vni when
// hasVNI. The rest of the expression applies to the encapsulated frame,
// whose offsets the program computes at run time, with jumps inside a
// test's statements; libpcap does not optimise such a program
// (Optimizable).
func (c *Compiler) Geneve(vni uint32, hasVNI bool) ir.Cond { return c.tunnel(geneve, vni, hasVNI) }

// Vxlan is "vxlan" or "vxlan vni", as libpcap's master branch has it
// (gen_vxlan): a VXLAN packet over UDP over IPv4 or IPv6, with virtual
// network identifier vni when hasVNI. The rest of the expression applies
// to the encapsulated Ethernet frame, whose offsets the program computes
// at run time.
func (c *Compiler) Vxlan(vni uint32, hasVNI bool) ir.Cond { return c.tunnel(vxlan, vni, hasVNI) }

// Optimizable reports whether libpcap optimises the program: not after
// protochain, geneve or vxlan, nor with an 802.11 header length computed
// at run time (its no_optimize).
func (c *Compiler) Optimizable() bool { return !c.noOptimize }

func (c *Compiler) tunnel(tn tunnel, vni uint32, hasVNI bool) ir.Cond {
	b := or(c.tunnelOverIPv4(tn, vni, hasVNI), c.tunnelOverIPv6(tn, vni, hasVNI))
	// Compute the new offsets when the test holds, in a test that always
	// does.
	offsets := withPrologue(genTrue(), tn.offsets(c))
	// The link layer now comes from a tunnel (master's is_encap, which
	// covers VXLAN too): its type field exists even without a header.
	c.isGeneve = true
	return and(b, offsets)
}

// tunnelCheck tests the UDP port, the header and the VNI of a tunnel
// whose UDP header is at rel.
func (c *Compiler) tunnelCheck(tn tunnel, rel offrel, vni uint32, hasVNI bool) ir.Cond {
	port := c.port
	if rel == orTranIPv6 {
		port = c.port6
	}
	b := port(tn.port, ipprotoUDP, QDst)
	b = and(b, tn.header(c, rel))
	if hasVNI {
		if vni > maxTunnelVNI {
			c.fail("%s VNI %d greater than maximum %d", tn.name, vni, maxTunnelVNI)
		}
		// The VNI is the top 3 bytes of the header's second word.
		b = and(b, c.mcmp(rel, 12, cbpf.SizeW, vni<<8, 0xffffff00))
	}
	return b
}

// tunnelOverIPv4 is the tunnel test over IPv4, which leaves the length of
// the IPv4 header (plus the variable part of the payload's offset) in A:
// a test that always holds carries the statements.
func (c *Compiler) tunnelOverIPv4(tn tunnel, vni uint32, hasVNI bool) ir.Cond {
	b := c.tunnelCheck(tn, orTranIPv4, vni, hasVNI)
	s := append(c.loadxIPHdrLen(), stmt(cbpf.ClassMISC|cbpf.MiscTXA, 0))
	return and(b, test(s, cbpf.JumpEQ|cbpf.SrcX, 0))
}

// tunnelOverIPv6 is tunnelOverIPv4 for a fixed IPv6 header; X holds the
// length too.
func (c *Compiler) tunnelOverIPv6(tn tunnel, vni uint32, hasVNI bool) ir.Cond {
	b := c.tunnelCheck(tn, orTranIPv6, vni, hasVNI)
	s := c.absOffsetVarpart(&c.offLinkPL)
	if s != nil {
		s = append(s, stmt(cbpf.ClassLD|cbpf.ModeIMM, ipv6HeaderLen), stmt(cbpf.ClassALU|cbpf.ALUAdd|cbpf.SrcX, 0))
	} else {
		s = stmts{stmt(cbpf.ClassLD|cbpf.ModeIMM, ipv6HeaderLen)}
	}
	s = append(s, stmt(cbpf.ClassMISC|cbpf.MiscTAX, 0))
	return and(b, test(s, cbpf.JumpEQ|cbpf.SrcX, 0))
}

// geneveOffsets computes, from the IP header length in A, the offsets of
// the Geneve frame's type field, of the encapsulated link layer (right
// after the Geneve header and its options) and of its payload: the
// frame is Ethernet when the Geneve protocol type is Transparent Ethernet
// Bridging, and otherwise the payload follows the Geneve header, whose
// protocol type then serves as the link-layer type (gen_geneve_offsets).
func (c *Compiler) geneveOffsets() stmts {
	p := &prologue{}
	// The Geneve header's offset, kept in X.
	p.add(cbpf.ClassALU|cbpf.ALUAdd, c.offLinkPL.constant+c.offNL+8)
	p.add(cbpf.ClassMISC|cbpf.MiscTAX, 0)
	// Its protocol type is 2 bytes in.
	p.add(cbpf.ClassALU|cbpf.ALUAdd, 2)
	c.offLinkType = absOffset{variable: true, reg: c.allocReg()}
	p.add(cbpf.ClassST, uint32(c.offLinkType.reg))
	// Its length: 8 bytes and the options, counted in words in the low
	// 6 bits of the first byte.
	p.add(cbpf.ClassLD|cbpf.ModeIND|cbpf.SizeB, 0)
	p.add(cbpf.ClassALU|cbpf.ALUAnd, 0x3f)
	p.add(cbpf.ClassALU|cbpf.ALUMul, 4)
	p.add(cbpf.ClassALU|cbpf.ALUAdd, 8)
	p.add(cbpf.ClassALU|cbpf.ALUAdd|cbpf.SrcX, 0)
	c.pushLinkhdr(dltEN10MB, absOffset{variable: true, reg: c.allocReg()})
	p.add(cbpf.ClassST, uint32(c.offLinkHdr.reg))
	c.noOptimize = true
	p.add(cbpf.ClassLD|cbpf.ModeIND|cbpf.SizeH, 2)
	p.add(cbpf.ClassLDX|cbpf.ModeMEM, uint32(c.offLinkHdr.reg))
	p.jump(cbpf.JumpEQ, ethertypeTEB, "ethernet", "payload")
	// An Ethernet header: its type field is the link-layer type, and the
	// payload follows it.
	p.label("ethernet")
	p.add(cbpf.ClassMISC|cbpf.MiscTXA, 0)
	p.add(cbpf.ClassALU|cbpf.ALUAdd, 12)
	p.add(cbpf.ClassST, uint32(c.offLinkType.reg))
	p.add(cbpf.ClassALU|cbpf.ALUAdd, 2)
	p.add(cbpf.ClassMISC|cbpf.MiscTAX, 0)
	p.label("payload")
	c.offLinkPL = absOffset{variable: true, reg: c.allocReg()}
	p.add(opSTX, uint32(c.offLinkPL.reg))
	c.offNL = 0
	return p.code()
}

// vxlanOffsets computes, from the IP header length in A, the offsets of
// the Ethernet frame a VXLAN packet carries, of its type field and of its
// payload (gen_vxlan_offsets in libpcap's master branch).
func (c *Compiler) vxlanOffsets() stmts {
	s := stmts{
		// The VXLAN header's offset, then the frame's, 8 bytes further.
		stmt(cbpf.ClassALU|cbpf.ALUAdd, c.offLinkPL.constant+c.offNL+8),
		stmt(cbpf.ClassALU|cbpf.ALUAdd, 8),
	}
	c.pushLinkhdr(dltEN10MB, absOffset{variable: true, reg: c.allocReg()})
	s = append(s, stmt(cbpf.ClassST, uint32(c.offLinkHdr.reg)), stmt(cbpf.ClassALU|cbpf.ALUAdd, 12))
	c.offLinkType = absOffset{variable: true, reg: c.allocReg()}
	s = append(s, stmt(cbpf.ClassST, uint32(c.offLinkType.reg)), stmt(cbpf.ClassALU|cbpf.ALUAdd, 2), stmt(cbpf.ClassMISC|cbpf.MiscTAX, 0))
	c.offLinkPL = absOffset{variable: true, reg: c.allocReg()}
	s = append(s, stmt(opSTX, uint32(c.offLinkPL.reg)))
	c.offNL = 0
	return s
}

package lower

import "github.com/gotcpdump/gotcpdump/filterlang/internal/ir"

// initLinktype sets the link-layer offsets for the configured link type
// (libpcap's init_linktype). Offsets that do not exist for a link type
// are offsetNotSet; the generators that need them fail with libpcap's
// message for that link type.
func (c *Compiler) initLinktype() {
	unset := absOffset{reg: -1}
	c.outermostLinktype = c.cfg.DLT
	c.prevLinktype = c.cfg.DLT
	c.linktype = c.cfg.DLT
	c.offOutermostLinkHdr, c.offPrevLinkHdr, c.offLinkHdr = unset, unset, unset
	c.offLinkPL, c.offLinkType = unset, unset
	set := func(linkType, linkPL, nl, nlNoSNAP uint32) {
		c.offLinkType.constant = linkType
		c.offLinkPL.constant = linkPL
		c.offNL = nl
		c.offNLNoSNAP = nlNoSNAP
	}
	switch c.linktype {
	case dltEN10MB:
		set(12, 14, 0, 3) // Ethernet II, or 802.3 + 802.2 without SNAP
	case dltNull, dltLoop:
		set(0, 4, 0, 0)
	case dltRaw, dltIPv4, dltIPv6:
		set(offsetNotSet, 0, 0, 0)
	case dltLinuxSLL:
		set(14, 16, 0, 0)
	case dltLinuxSLL2:
		set(0, 20, 0, 0)
	default:
		c.fail("link-layer type %d is not supported by this compiler yet", c.linktype)
	}
	c.offOutermostLinkHdr = c.offLinkHdr
	c.offPrevLinkHdr = c.offLinkHdr
}

// linktypeCheck tests that the link-layer payload is of protocol llProto,
// an Ethernet type or an LLC SAP (libpcap's gen_linktype).
func (c *Compiler) linktypeCheck(llProto uint32) ir.Cond {
	switch c.linktype {
	case dltEN10MB:
		return c.etherLinktype(llProto)
	case dltRaw:
		switch llProto {
		case ethertypeIP:
			return c.mcmp(orLinkHdr, 0, sizeB, 0x40, 0xf0)
		case ethertypeIPv6:
			return c.mcmp(orLinkHdr, 0, sizeB, 0x60, 0xf0)
		}
		return genFalse()
	case dltIPv4:
		return uncond(llProto == ethertypeIP)
	case dltIPv6:
		return uncond(llProto == ethertypeIPv6)
	}
	c.fail("link-layer type %d is not supported by this compiler yet", c.linktype)
	return nil
}

// etherLinktype is linktypeCheck for Ethernet (gen_ether_linktype): an
// Ethernet type above 1500, or the 802.2 LLC SAP of an 802.3 frame.
func (c *Compiler) etherLinktype(llProto uint32) ir.Cond {
	if llProto <= ethermtu {
		b0 := not(c.cmpGT(orLinkType, 0, sizeH, ethermtu))
		return and(b0, c.cmp(orLinkType, 2, sizeB, llProto))
	}
	return c.cmp(orLinkType, 0, sizeH, llProto)
}

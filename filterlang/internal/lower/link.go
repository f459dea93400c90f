package lower

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

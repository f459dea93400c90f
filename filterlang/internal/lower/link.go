package lower

import (
	"encoding/binary"
	"fmt"

	"github.com/gotcpdump/gotcpdump/cbpf"

	"github.com/gopacket/gopacket/layers"

	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
	"github.com/gotcpdump/gotcpdump/internal/linktype"
)

// DLT_* values the link-layer generators switch on besides those of
// consts.go (Linux numbering).
const (
	dltDOCSIS              = 143
	dltLinuxIrDA           = 144
	dltMTP2WithPHdr        = 139
	dltMTP2                = 140
	dltBACnetMSTP          = 165
	dltLinuxLAPD           = 177
	dltMFR                 = 182
	dltUSBFreeBSD          = 186
	dltBluetoothHCIH4      = 187
	dltUSBLinux            = 189
	dltCAN20B              = 190
	dltIEEE802154Linux     = 191
	dltIEEE80216MACCPSRad  = 193
	dltIEEE802154          = 195
	dltSITA                = 196
	dltERF                 = 197
	dltRAIF1               = 198
	dltIPMBKontron         = 199
	dltBluetoothH4WithPHdr = 201
	dltAX25KISS            = 202
	dltIPMBLinux           = 209
	dltIEEE802154NonASKPHY = 215
	dltUSBLinuxMMapped     = 220
	dltCANSocketCAN        = 227
	dltIEEE802154NoFCS     = 230
	dltNFLOG               = 239
	dltPFSync              = 246
	dltUSBPcap             = 249
	dltIEEE802154TAP       = 283

	// The range of DLT values that equal their LINKTYPE values; for those
	// libpcap has nothing special, only link[...] works.
	dltMatchingMin = 104
	dltMatchingMax = 289
)

// Juniper's link types all start with the same pseudo-header: a magic
// number and a flags byte.
var dltJuniper = map[int]bool{
	130: true, 131: true, 132: true, 133: true, 134: true, 135: true, 136: true, 137: true, // MLPPP ... ATM1
	164: true, 167: true, 168: true, // MONITOR, PPPOE, PPPOE_ATM
	178: true, 179: true, 180: true, 181: true, 183: true, // ETHER, PPP, FRELAY, CHDLC, VP
	194: true, 200: true, // ISM, ST
	232: true, 233: true, 234: true, 238: true, // VS, SRX_E2E, FIBRECHANNEL, ATM_CEMIC
}

// Values in link-layer headers.
const (
	ethertypeNS = 0x0600

	sllP8023 = 1 // LINUX_SLL_P_802_3: Novell 802.3 without 802.2 LLC
	sllP8022 = 4 // LINUX_SLL_P_802_2: 802.2 LLC follows

	ipnetAFInet  = 2  // IPH_AF_INET
	ipnetAFInet6 = 26 // IPH_AF_INET6

	afInet      = 2
	afInet6     = 10 // Linux's; libpcap uses its build platform's value
	afInet6BSD  = 24 // NetBSD, OpenBSD, BSD/OS, Npcap
	afInet6FBSD = 28 // FreeBSD
	afInet6Dar  = 30 // macOS and the other Darwin systems

	pflogAF = 1 // offset of the address family in the pflog header

	sunatmProtoPos  = 0          // offset of the protocol type in SunATM's header
	sunatmPktBegin  = 4          // where the ATM packet starts
	sunatmPTLLC     = 2          // LLC-encapsulated payload
	dltPPIIEEE80211 = 0x69000000 // DLT_IEEE802_11 (105), little-endian, as the PPI header holds it

	pppIP     = 0x0021
	pppOSI    = 0x0023
	pppNS     = 0x0025
	pppDECnet = 0x0027
	pppApple  = 0x0029
	pppIPX    = 0x002b
	pppVJC    = 0x002d
	pppVJNC   = 0x002f
	pppBRPDU  = 0x0031
	pppIPv6   = 0x0057

	arctypeIP     = 212
	arctypeARP    = 213
	arctypeRevARP = 214
	arctypeAtalk  = 221
	arctypeInet6  = 0xc4

	juniperMagic     = 0x4d474300 // "MGC" followed by the flags byte
	juniperMagicMask = 0xffffff00
	bacnetMagic      = 0x55ff0000
	bacnetMagicMask  = 0xffff0000
)

// linkOffsets is where a link type's fields are: its type field and its
// payload from the start of the packet, the network layer from the
// payload (after 802.2 and SNAP when there is LLC, nlNoSNAP after 802.2
// alone), and the link-layer header itself when a fixed pseudo-header
// precedes it.
type linkOffsets struct {
	linkType, linkPL, nl, nlNoSNAP, linkHdr uint32
	// variable link header (a radio header of its own length precedes
	// it) and variable payload (the link header's length varies).
	varHdr, varPL bool
}

// linkOffsetsFor returns libpcap's offsets for dlt (init_linktype), or
// false for a link type outside libpcap's list and its "matching" range.
func linkOffsetsFor(dlt int) (linkOffsets, bool) {
	const unset = offsetNotSet
	switch dlt {
	case dltArcnet:
		return linkOffsets{linkType: 2, linkPL: 6}, true
	case dltArcnetLinux:
		return linkOffsets{linkType: 4, linkPL: 8}, true
	case dltEN10MB:
		return linkOffsets{linkType: 12, linkPL: 14, nlNoSNAP: 3}, true
	case dltSLIP:
		return linkOffsets{linkType: unset, linkPL: 16}, true
	case dltSLIPBSDOS:
		return linkOffsets{linkType: unset, linkPL: 24}, true
	case dltNull, dltLoop:
		return linkOffsets{linkType: 0, linkPL: 4}, true
	case dltENC:
		return linkOffsets{linkType: 0, linkPL: 12}, true
	case dltPPP, dltPPPPPPD, dltCHDLC, dltHDLC, dltPPPSerial:
		return linkOffsets{linkType: 2, linkPL: 4}, true
	case dltPPPEther:
		return linkOffsets{linkType: 6, linkPL: 8}, true
	case dltPPPBSDOS:
		return linkOffsets{linkType: 5, linkPL: 24}, true
	case dltFDDI:
		// libpcap adds the FDDI padding of the platform, none on Linux.
		return linkOffsets{linkType: 13, linkPL: 13, nl: 8, nlNoSNAP: 3}, true
	case dltIEEE802:
		return linkOffsets{linkType: 14, linkPL: 14, nl: 8, nlNoSNAP: 3}, true
	case dltPrismHeader, dltIEEE80211AVS, dltIEEE80211Radio, dltPPI:
		return linkOffsets{linkType: 24, nl: 8, nlNoSNAP: 3, varHdr: true, varPL: true}, true
	case dltIEEE80211:
		return linkOffsets{linkType: 24, nl: 8, nlNoSNAP: 3, varPL: true}, true
	case dltATMRFC1483, dltATMCLIP:
		return linkOffsets{linkType: 0, linkPL: 0, nl: 8, nlNoSNAP: 3}, true
	case dltSunATM:
		return linkOffsets{linkType: sunatmPktBegin, linkPL: sunatmPktBegin, nl: 8, nlNoSNAP: 3}, true
	case dltRaw, dltIPv4, dltIPv6:
		return linkOffsets{linkType: unset}, true
	case dltLinuxSLL:
		return linkOffsets{linkType: 14, linkPL: 16}, true
	case dltLinuxSLL2:
		return linkOffsets{linkType: 0, linkPL: 20}, true
	case dltLtalk, dltFrelay:
		return linkOffsets{linkType: unset}, true
	case dltMFR:
		return linkOffsets{linkType: unset, nl: 4}, true
	case dltIPOverFC:
		return linkOffsets{linkType: 16, linkPL: 16, nl: 8, nlNoSNAP: 3}, true
	case dltAppleIPOver1394:
		return linkOffsets{linkType: 16, linkPL: 18}, true
	case dltSymantecFW:
		return linkOffsets{linkType: 6, linkPL: 44}, true
	case dltPflog:
		return linkOffsets{linkType: 0, varPL: true}, true
	case dltPFSync:
		return linkOffsets{linkType: unset, linkPL: 4}, true
	case dltIPNET:
		return linkOffsets{linkType: 1, linkPL: 24, nlNoSNAP: unset}, true
	case dltNetanalyzer:
		return linkOffsets{linkHdr: 4, linkType: 4 + 12, linkPL: 4 + 14, nlNoSNAP: 3}, true
	case dltNetanalyzerTransparent:
		return linkOffsets{linkHdr: 12, linkType: 12 + 12, linkPL: 12 + 14, nlNoSNAP: 3}, true
	case dltBACnetMSTP, dltMTP2, dltMTP2WithPHdr, dltERF, dltAX25KISS:
		return linkOffsets{linkType: unset, linkPL: unset, nl: unset, nlNoSNAP: unset}, true
	case dltDSATagBRCM, dltDSATagDSA: // libpcap master
		return dsaOffsets, true
	}
	if o, ok := juniperOffsets(dlt); ok {
		return o, true
	}
	if dlt >= dltMatchingMin && dlt <= dltMatchingMax {
		return linkOffsets{linkType: unset, linkPL: unset, nl: unset, nlNoSNAP: unset}, true
	}
	return linkOffsets{}, false
}

// juniperOffsets returns the offsets of the Juniper link types.
func juniperOffsets(dlt int) (linkOffsets, bool) {
	const unset = offsetNotSet
	switch dlt {
	case 134, 131, 130, 179, 181, 180: // MFR, MLFR, MLPPP, PPP, CHDLC, FRELAY
		return linkOffsets{linkType: 4, linkPL: 4, nlNoSNAP: unset}, true
	case 137: // ATM1
		return linkOffsets{linkType: 4, linkPL: 4, nlNoSNAP: 10}, true
	case 135: // ATM2
		return linkOffsets{linkType: 8, linkPL: 8, nlNoSNAP: 10}, true
	case 167, 178: // PPPOE, ETHER
		return linkOffsets{linkType: 16, linkPL: 14, nl: 18, nlNoSNAP: 21}, true
	case 168: // PPPOE_ATM
		return linkOffsets{linkType: 4, linkPL: 6, nlNoSNAP: unset}, true
	case 133: // GGSN
		return linkOffsets{linkType: 6, linkPL: 12, nlNoSNAP: unset}, true
	case 132: // ES
		return linkOffsets{linkType: 6, linkPL: unset, nl: unset, nlNoSNAP: unset}, true
	case 164: // MONITOR
		return linkOffsets{linkType: 12, linkPL: 12, nlNoSNAP: unset}, true
	case 136: // SERVICES
		return linkOffsets{linkType: 12, linkPL: unset, nl: unset, nlNoSNAP: unset}, true
	case 183, 200: // VP, ST
		return linkOffsets{linkType: 18, linkPL: unset, nl: unset, nlNoSNAP: unset}, true
	case 194, 232, 233, 234, 238: // ISM, VS, SRX_E2E, FIBRECHANNEL, ATM_CEMIC
		return linkOffsets{linkType: 8, linkPL: unset, nl: unset, nlNoSNAP: unset}, true
	}
	return linkOffsets{}, false
}

// initLinktype sets the link-layer offsets for the configured link type
// (libpcap's init_linktype). Offsets that do not exist for a link type
// are offsetNotSet; the generators that need them fail with libpcap's
// message for that link type.
func (c *Compiler) initLinktype() {
	dlt := c.cfg.DLT
	c.outermostLinktype, c.prevLinktype, c.linktype = dlt, dlt, dlt
	o, ok := linkOffsetsFor(dlt)
	if !ok {
		c.fail("unknown data link type %d (min %d, max %d)", dlt, dltMatchingMin, dltMatchingMax)
	}
	c.offLinkHdr = absOffset{constant: o.linkHdr, variable: o.varHdr, reg: -1}
	c.offLinkType = absOffset{constant: o.linkType, reg: -1}
	c.offLinkPL = absOffset{constant: o.linkPL, variable: o.varPL, reg: -1}
	c.offNL, c.offNLNoSNAP = o.nl, o.nlNoSNAP
	c.offOutermostLinkHdr = c.offLinkHdr
	c.offPrevLinkHdr = c.offLinkHdr
}

// dltDescription is libpcap's description of a link type for messages,
// or "DLT n" for one it cannot name.
func dltDescription(dlt int) string {
	if dlt >= 0 && dlt <= 0xffff {
		lt := layers.LinkType(dlt)
		if d, ok := linktype.DLT(lt); ok && d == dlt {
			if _, descr, ok := linktype.Name(lt); ok && descr != "" {
				return descr
			}
		}
	}
	return fmt.Sprintf("DLT %d", dlt)
}

// dltString names a link type as libpcap master's messages do: "DLT_RAW
// (Raw IP)", or as dltDescription for one it cannot name.
func dltString(dlt int) string {
	if dlt >= 0 && dlt <= 0xffff {
		lt := layers.LinkType(dlt)
		if d, ok := linktype.DLT(lt); ok && d == dlt {
			if name, descr, ok := linktype.Name(lt); ok && descr != "" {
				return fmt.Sprintf("DLT_%s (%s)", name, descr)
			}
		}
	}
	return dltDescription(dlt)
}

// linktypeCheck tests that the link-layer payload is of protocol llProto,
// an Ethernet type, or an LLC SAP when 1500 or less (libpcap's
// gen_linktype).
func (c *Compiler) linktypeCheck(llProto uint32) ir.Cond {
	if c.labelStackDepth > 0 {
		// Inside MPLS: the bottom label says what follows.
		return c.mplsLinktype(llProto)
	}
	switch c.linktype {
	case dltEN10MB, dltNetanalyzer, dltNetanalyzerTransparent, dltDSATagBRCM, dltDSATagDSA:
		// Geneve carries an Ethernet type whether or not a link header
		// follows, so its check does not apply here.
		var pre ir.Cond
		if !c.isGeneve {
			pre = c.prevLinkhdrCheck()
		}
		return andIf(pre, c.etherLinktype(llProto))
	case dltCHDLC, dltHDLC:
		if llProto == llcsapISONS {
			llProto = llProto<<8 | llcsapISONS
		}
		return c.cmp(orLinkType, 0, cbpf.SizeH, llProto)
	case dltIEEE80211, dltPrismHeader, dltIEEE80211AVS, dltIEEE80211Radio, dltPPI:
		return and(c.dataFrameCheck(), c.llcLinktype(llProto))
	case dltFDDI, dltIEEE802, dltATMRFC1483, dltATMCLIP, dltIPOverFC:
		return c.llcLinktype(llProto)
	case dltSunATM:
		// LANE would have changed the link type: this is LLC.
		return and(c.sunatmLLCCheck(), c.llcLinktype(llProto))
	case dltLinuxSLL:
		return c.sllLinktype(llProto)
	case dltSLIP, dltSLIPBSDOS, dltRaw:
		// No type field: the IP version number tells.
		switch llProto {
		case ethertypeIP:
			return c.mcmp(orLinkHdr, 0, cbpf.SizeB, 0x40, 0xf0)
		case ethertypeIPv6:
			return c.mcmp(orLinkHdr, 0, cbpf.SizeB, 0x60, 0xf0)
		}
		return genFalse()
	case dltIPv4:
		return uncond(llProto == ethertypeIP)
	case dltIPv6:
		return uncond(llProto == ethertypeIPv6)
	case dltPPP, dltPPPPPPD, dltPPPSerial, dltPPPEther:
		return c.cmp(orLinkType, 0, cbpf.SizeH, ethertypeToPPPType(llProto))
	case dltPPPBSDOS:
		if llProto == ethertypeIP {
			// Van Jacobson compressed and uncompressed TCP/IP are IP too.
			b := or(c.cmp(orLinkType, 0, cbpf.SizeH, pppIP), c.cmp(orLinkType, 0, cbpf.SizeH, pppVJC))
			return or(b, c.cmp(orLinkType, 0, cbpf.SizeH, pppVJNC))
		}
		return c.cmp(orLinkType, 0, cbpf.SizeH, ethertypeToPPPType(llProto))
	case dltNull, dltLoop, dltENC:
		return c.loopbackLinktype(llProto)
	case dltPflog:
		// The address family is a byte, so byte order does not matter.
		switch llProto {
		case ethertypeIP:
			return c.cmp(orLinkHdr, pflogAF, cbpf.SizeB, afInet)
		case ethertypeIPv6:
			return c.cmp(orLinkHdr, pflogAF, cbpf.SizeB, afInet6)
		}
		return genFalse()
	case dltArcnet, dltArcnetLinux:
		return c.arcnetLinktype(llProto)
	case dltLtalk:
		return uncond(llProto == ethertypeAtalk)
	case dltFrelay:
		return c.frelayLinktype(llProto)
	case dltMFR:
		c.fail("Multi-link Frame Relay link-layer type filtering not implemented")
	case dltBACnetMSTP:
		return c.mcmp(orLinkHdr, 0, cbpf.SizeW, bacnetMagic, bacnetMagicMask)
	case dltIPNET:
		return c.ipnetLinktype(llProto)
	}
	if dltJuniper[c.linktype] {
		// Only the magic number can be checked: the encapsulation
		// varies too much to find the protocol.
		return c.mcmp(orLinkHdr, 0, cbpf.SizeW, juniperMagic, juniperMagicMask)
	}
	if what, ok := unfilterableLinkTypes[c.linktype]; ok {
		c.fail("%s link-layer type filtering not implemented", what)
	}
	if c.offLinkType.constant == offsetNotSet {
		c.fail("%s link-layer type filtering not implemented", dltDescription(c.linktype))
	}
	// A type field libpcap knows nothing more about: an Ethernet type.
	return c.cmp(orLinkType, 0, cbpf.SizeH, llProto)
}

// unfilterableLinkTypes names, as libpcap's messages do, the link types
// whose protocol libpcap does not know how to test.
var unfilterableLinkTypes = map[int]string{
	dltLinuxIrDA:           "IrDA",
	dltDOCSIS:              "DOCSIS",
	dltMTP2:                "MTP2",
	dltMTP2WithPHdr:        "MTP2",
	dltERF:                 "ERF",
	dltPFSync:              "PFSYNC",
	dltLinuxLAPD:           "LAPD",
	dltUSBFreeBSD:          "USB",
	dltUSBLinux:            "USB",
	dltUSBLinuxMMapped:     "USB",
	dltUSBPcap:             "USB",
	dltBluetoothHCIH4:      "Bluetooth",
	dltBluetoothH4WithPHdr: "Bluetooth",
	dltCAN20B:              "CAN",
	dltCANSocketCAN:        "CAN",
	dltIEEE802154:          "IEEE 802.15.4",
	dltIEEE802154Linux:     "IEEE 802.15.4",
	dltIEEE802154NonASKPHY: "IEEE 802.15.4",
	dltIEEE802154NoFCS:     "IEEE 802.15.4",
	dltIEEE802154TAP:       "IEEE 802.15.4",
	dltIEEE80216MACCPSRad:  "IEEE 802.16",
	dltSITA:                "SITA",
	dltRAIF1:               "RAIF1",
	dltIPMBKontron:         "IPMB",
	dltIPMBLinux:           "IPMB",
	dltAX25KISS:            "AX.25",
	dltNFLOG:               "NFLOG",
}

// etherLinktype is linktypeCheck for Ethernet (gen_ether_linktype): an
// Ethernet type above 1500, or, for an 802.3 frame (a length there),
// the 802.2 LLC or SNAP header that follows.
func (c *Compiler) etherLinktype(llProto uint32) ir.Cond {
	is8023 := func() ir.Cond { return not(c.cmpGT(orLinkType, 0, cbpf.SizeH, ethermtu)) }
	switch llProto {
	case llcsapISONS, llcsapIP, llcsapNetbeui:
		// Always 802.2: check both DSAP and SSAP.
		return and(is8023(), c.cmp(orLLC, 0, cbpf.SizeH, llProto<<8|llProto))
	case llcsapIPX:
		// Ethernet_802.2 (the IPX SAP), Ethernet_802.3 (0xffff where the
		// LLC header would be), Ethernet_SNAP, on 802.3 frames; or
		// Ethernet_II with the IPX Ethernet type.
		b := or(c.cmp(orLLC, 0, cbpf.SizeB, llcsapIPX), c.cmp(orLLC, 0, cbpf.SizeH, 0xffff))
		b = or(c.snap(0x000000, ethertypeIPX), b)
		b = and(is8023(), b)
		return or(c.cmp(orLinkType, 0, cbpf.SizeH, ethertypeIPX), b)
	case ethertypeAtalk, ethertypeAARP:
		// EtherTalk phase 2 uses SNAP on 802.3 frames, phase 1 the
		// Ethernet type.
		b := and(is8023(), c.atalkSNAP(llProto))
		return or(c.cmp(orLinkType, 0, cbpf.SizeH, llProto), b)
	}
	if llProto <= ethermtu {
		// An LLC SAP: an 802.3 frame with that DSAP.
		return and(is8023(), c.cmp(orLinkType, 2, cbpf.SizeB, llProto))
	}
	return c.cmp(orLinkType, 0, cbpf.SizeH, llProto)
}

// atalkSNAP tests for the SNAP header of AppleTalk (Apple's OUI) or of
// AppleTalk ARP (encapsulated Ethernet).
func (c *Compiler) atalkSNAP(llProto uint32) ir.Cond {
	if llProto == ethertypeAtalk {
		return c.snap(0x080007, ethertypeAtalk)
	}
	return c.snap(0x000000, ethertypeAARP)
}

// sllLinktype is linktypeCheck for Linux cooked captures v1
// (gen_linux_sll_linktype): the protocol field holds an Ethernet type,
// or a pseudo-type for 802.2 LLC or Novell 802.3 frames.
func (c *Compiler) sllLinktype(llProto uint32) ir.Cond {
	isLLC := func() ir.Cond { return c.cmp(orLinkType, 0, cbpf.SizeH, sllP8022) }
	switch llProto {
	case llcsapISONS, llcsapIP, llcsapNetbeui:
		return and(isLLC(), c.cmp(orLLC, 0, cbpf.SizeH, llProto<<8|llProto))
	case llcsapIPX:
		b := or(c.cmp(orLLC, 0, cbpf.SizeB, llcsapIPX), c.snap(0x000000, ethertypeIPX))
		b = and(isLLC(), b)
		b = or(c.cmp(orLinkType, 0, cbpf.SizeH, sllP8023), b)
		return or(c.cmp(orLinkType, 0, cbpf.SizeH, ethertypeIPX), b)
	case ethertypeAtalk, ethertypeAARP:
		b := and(isLLC(), c.atalkSNAP(llProto))
		return or(c.cmp(orLinkType, 0, cbpf.SizeH, llProto), b)
	}
	if llProto <= ethermtu {
		return and(isLLC(), c.cmp(orLinkHdr, c.offLinkPL.constant, cbpf.SizeB, llProto))
	}
	return c.cmp(orLinkType, 0, cbpf.SizeH, llProto)
}

// llcLinktype is linktypeCheck for the link types whose payload starts
// with an 802.2 LLC header (gen_llc_linktype): an LLC SAP, or an
// Ethernet type where a SNAP header would have it.
func (c *Compiler) llcLinktype(llProto uint32) ir.Cond {
	switch llProto {
	case llcsapIP, llcsapISONS, llcsapNetbeui:
		return c.cmp(orLLC, 0, cbpf.SizeH, llProto<<8|llProto)
	case llcsapIPX:
		return c.cmp(orLLC, 0, cbpf.SizeB, llcsapIPX)
	case ethertypeAtalk:
		return c.snap(0x080007, ethertypeAtalk)
	}
	if llProto <= ethermtu {
		return c.cmp(orLLC, 0, cbpf.SizeB, llProto)
	}
	// Only the type field of a SNAP header is checked, not its OUI.
	return c.cmp(orLLC, 6, cbpf.SizeH, llProto)
}

// snap tests for an 802.2 LLC header with SNAP SAPs and a UI control
// byte, followed by a SNAP header with the OUI orgcode and the type
// ptype (gen_snap).
func (c *Compiler) snap(orgcode, ptype uint32) ir.Cond {
	return c.bcmp(orLLC, 0, []byte{
		llcsapSNAP, llcsapSNAP, 0x03,
		byte(orgcode >> 16), byte(orgcode >> 8), byte(orgcode),
		byte(ptype >> 8), byte(ptype),
	})
}

// ethertypeToPPPType maps the Ethernet types and LLC SAPs used as
// protocol names to PPP's protocol numbers; others are used as they are.
func ethertypeToPPPType(llProto uint32) uint32 {
	switch llProto {
	case ethertypeIP:
		return pppIP
	case ethertypeIPv6:
		return pppIPv6
	case ethertypeDN:
		return pppDECnet
	case ethertypeAtalk:
		return pppApple
	case ethertypeNS:
		return pppNS
	case llcsapISONS:
		return pppOSI
	case llcsap8021D:
		return pppBRPDU // taken as Spanning Tree BPDUs
	case llcsapIPX:
		return pppIPX
	}
	return llProto
}

// loopbackLinktype is linktypeCheck for BSD loopback, OpenBSD loopback
// and encapsulation: a 32-bit address family, in network byte order for
// DLT_LOOP and in the capturing host's order for the others.
func (c *Compiler) loopbackLinktype(llProto uint32) ir.Cond {
	switch llProto {
	case ethertypeIP:
		return c.loopbackAF(afInet)
	case ethertypeIPv6:
		if !c.cfg.File {
			return c.loopbackAF(afInet6)
		}
		// IPv6 has a different family number on each system, and a
		// file may come from any of them.
		b := or(c.loopbackAF(afInet6BSD), c.loopbackAF(afInet6FBSD))
		return or(c.loopbackAF(afInet6Dar), b)
	}
	return genFalse()
}

// loopbackAF tests the address family word of a loopback header
// (gen_loopback_linktype).
func (c *Compiler) loopbackAF(af uint32) ir.Cond {
	if c.linktype == dltNull || c.linktype == dltENC {
		// The word is in the byte order of the machine that captured:
		// this one's, unless a file says otherwise. Loads are big-endian.
		littleEndian := binary.NativeEndian.Uint16([]byte{1, 0}) == 1
		if littleEndian != (c.cfg.File && c.cfg.Swapped) {
			af = swap32(af)
		}
	}
	return c.cmp(orLinkHdr, 0, cbpf.SizeW, af)
}

func swap32(v uint32) uint32 {
	return v>>24 | v>>8&0xff00 | v<<8&0xff0000 | v<<24
}

// ipnetLinktype is linktypeCheck for Solaris ipnet (gen_ipnet_linktype):
// only IPv4 and IPv6 have a family value there.
func (c *Compiler) ipnetLinktype(llProto uint32) ir.Cond {
	switch llProto {
	case ethertypeIP:
		return c.cmp(orLinkType, 0, cbpf.SizeB, ipnetAFInet)
	case ethertypeIPv6:
		return c.cmp(orLinkType, 0, cbpf.SizeB, ipnetAFInet6)
	}
	return genFalse()
}

// arcnetLinktype is linktypeCheck for ARCNET, whose one-byte system
// code names the protocol. Only RFC 1201's codes match, as in libpcap
// master: 1.10.3 also took RFC 1051's older codes for IP (240) and ARP
// (241), but the offsets of the payload are RFC 1201's, so "ip" and "arp"
// accepted RFC 1051 frames and then read their fields at the wrong place.
func (c *Compiler) arcnetLinktype(llProto uint32) ir.Cond {
	id := func(v uint32) ir.Cond { return c.cmp(orLinkType, 0, cbpf.SizeB, v) }
	switch llProto {
	case ethertypeIPv6:
		return id(arctypeInet6)
	case ethertypeIP:
		return id(arctypeIP)
	case ethertypeARP:
		return id(arctypeARP)
	case ethertypeRevARP:
		return id(arctypeRevARP)
	case ethertypeAtalk:
		return id(arctypeAtalk)
	}
	return genFalse()
}

// frelayLinktype is linktypeCheck for Frame Relay: a UI control byte and
// an NLPID after a 2-byte address.
func (c *Compiler) frelayLinktype(llProto uint32) ir.Cond {
	nlpid := func(v uint32) ir.Cond { return c.cmp(orLinkHdr, 2, cbpf.SizeH, 0x03<<8|v) }
	switch llProto {
	case ethertypeIP:
		return nlpid(0xcc)
	case ethertypeIPv6:
		return nlpid(0x8e)
	case llcsapISONS:
		const clnp, esis, isis = 0x81, 0x82, 0x83 // the OSI NLPIDs
		return or(nlpid(clnp), or(nlpid(esis), nlpid(isis)))
	}
	return genFalse()
}

// sunatmLLCCheck tests that a SunATM frame carries LLC-encapsulated
// traffic.
func (c *Compiler) sunatmLLCCheck() ir.Cond {
	return c.ncmp(orLinkHdr, sunatmProtoPos, cbpf.SizeB, 0x0f, cbpf.JumpEQ, false, sunatmPTLLC)
}

// prevLinkhdrCheck returns the tests that a link-layer header inside
// another protocol stack needs and that the test for the encapsulation
// did not do, or nil (gen_prevlinkhdr_check).
func (c *Compiler) prevLinkhdrCheck() ir.Cond {
	if c.isGeneve {
		// Geneve's offsets are all in registers: a link header is present
		// when it does not start where the payload does.
		return not(test(stmts{
			stmt(cbpf.ClassLD|cbpf.ModeMEM, uint32(c.offLinkHdr.reg)),
			stmt(cbpf.ClassLDX|cbpf.ModeMEM, uint32(c.offLinkPL.reg)),
		}, cbpf.JumpEQ|cbpf.SrcX, 0))
	}
	if c.prevLinktype == dltSunATM {
		// After "lane": a LANE frame that starts with the LE control
		// marker is a control message, not Ethernet.
		return not(c.cmp(orPrevLinkHdr, sunatmPktBegin, cbpf.SizeH, 0xff00))
	}
	return nil
}

// dataFrameCheck tests that an 802.11 frame is a data frame: type bits
// 10 in the frame control field (gen_check_802_11_data_frame).
func (c *Compiler) dataFrameCheck() ir.Cond {
	b0 := c.frameControlBit(0, 0x08)
	return and(not(c.frameControlBit(0, 0x04)), b0)
}

// frameControlBit tests bit mask of byte i of an 802.11 frame control
// field.
func (c *Compiler) frameControlBit(i, mask uint32) ir.Cond {
	return test(c.loadA(orLinkHdr, i, cbpf.SizeB), cbpf.JumpSet, mask)
}

// andIf is and(pre, b), or b when there is no pre.
func andIf(pre, b ir.Cond) ir.Cond {
	if pre == nil {
		return b
	}
	return and(pre, b)
}

// Finish returns the condition of the whole program (libpcap's
// finish_parse): cond, with the code that computes the variable
// link-layer offsets cond uses placed before the statements of the test
// the program starts with, and, for PPI, behind a check that the PPI
// header wraps 802.11. Call it once, after lowering the expression.
func (c *Compiler) Finish(cond ir.Cond) ir.Cond {
	if pro := c.linkPrologue(); len(pro) > 0 {
		cond = withPrologue(cond, pro)
	}
	if c.linktype == dltPPI {
		cond = and(test(stmts{stmt(cbpf.ClassLD|cbpf.ModeABS|cbpf.SizeW, 4)}, cbpf.JumpEQ, dltPPIIEEE80211), cond)
	}
	return cond
}

// withPrologue returns cond with pro before the statements of the test a
// program built from cond starts with (none when it returns at once).
func withPrologue(cond ir.Cond, pro stmts) ir.Cond {
	out, _, _ := prependEntry(cond, pro)
	return out
}

// prependEntry does withPrologue's work; done says cond has an entry test
// (then pro is in it), and when it does not, holds tells which way the
// constant cond goes.
func prependEntry(cond ir.Cond, pro stmts) (out ir.Cond, done, holds bool) {
	switch x := cond.(type) {
	case *ir.Test:
		s := make(stmts, 0, len(pro)+len(x.Stmts))
		return &ir.Test{Stmts: append(append(s, pro...), x.Stmts...), Jump: x.Jump}, true, false
	case *ir.Not:
		y, done, holds := prependEntry(x.X, pro)
		return &ir.Not{X: y}, done, !holds
	case *ir.And:
		y, done, holds := prependEntry(x.X, pro)
		if done || !holds {
			return &ir.And{X: y, Y: x.Y}, done, false
		}
		z, done, holds := prependEntry(x.Y, pro)
		return &ir.And{X: x.X, Y: z}, done, holds
	case *ir.Or:
		y, done, holds := prependEntry(x.X, pro)
		if done || holds {
			return &ir.Or{X: y, Y: x.Y}, done, true
		}
		z, done, holds := prependEntry(x.Y, pro)
		return &ir.Or{X: x.X, Y: z}, done, holds
	case ir.Const:
		return x, false, bool(x)
	}
	panic("lower: unknown condition")
}

// linkPrologue returns the code that loads the variable offsets of the
// link-layer header and payload into the registers the program reads
// them from (insert_compute_vloffsets), or nil when it reads none.
func (c *Compiler) linkPrologue() stmts {
	// The payload's offset is computed from the header's, so a program
	// that reads only the payload needs both.
	if c.offLinkPL.reg != -1 && c.offLinkHdr.variable && c.offLinkHdr.reg == -1 {
		c.offLinkHdr.reg = c.allocReg()
	}
	var p *prologue
	switch c.outermostLinktype {
	case dltPrismHeader:
		p = c.prismHeaderLen()
	case dltIEEE80211AVS:
		p = c.avsHeaderLen()
	case dltIEEE80211Radio, dltPPI:
		p = c.radiotapHeaderLen()
	}
	switch c.outermostLinktype {
	case dltIEEE80211, dltPrismHeader, dltIEEE80211AVS, dltIEEE80211Radio, dltPPI:
		p = c.ieee80211HeaderLen(p)
	case dltPflog:
		p = c.pflogHeaderLen()
	}
	if p == nil && c.vlanVarOffsets {
		// Live vlan tests add to these registers: start them at 0.
		if c.offLinkPL.reg == -1 {
			c.offLinkPL.reg = c.allocReg()
		}
		if c.offLinkType.reg == -1 {
			c.offLinkType.reg = c.allocReg()
		}
		p = &prologue{}
		p.add(cbpf.ClassLD|cbpf.ModeIMM, 0)
		p.add(cbpf.ClassST, uint32(c.offLinkPL.reg))
		p.add(cbpf.ClassST, uint32(c.offLinkType.reg))
	}
	return p.code()
}

// pflogHeaderLen stores the pflog header's length, its first byte
// rounded up to a multiple of 4, as the payload offset.
func (c *Compiler) pflogHeaderLen() *prologue {
	if c.offLinkPL.reg == -1 {
		return nil
	}
	p := &prologue{}
	p.add(cbpf.ClassLD|cbpf.ModeABS|cbpf.SizeB, 0)
	p.add(cbpf.ClassALU|cbpf.ALUAdd, 3)
	p.add(cbpf.ClassALU|cbpf.ALUAnd, 0xfffffffc)
	p.add(cbpf.ClassST, uint32(c.offLinkPL.reg))
	p.add(cbpf.ClassMISC|cbpf.MiscTAX, 0)
	return p
}

// prismHeaderLen stores the length of the radio header of a Prism
// capture as the link-header offset: 144 for a Prism header, or the
// length field of an AVS header, which some drivers send instead.
func (c *Compiler) prismHeaderLen() *prologue {
	// libpcap turns optimisation off for every Prism program, before it
	// looks at whether the header length is needed at all.
	c.noOptimize = true
	if c.offLinkHdr.reg == -1 {
		return nil
	}
	p := &prologue{}
	p.add(cbpf.ClassLD|cbpf.ModeABS|cbpf.SizeW, 0)
	p.add(cbpf.ClassALU|cbpf.ALUAnd, 0xfffff000)
	p.jump(cbpf.JumpEQ, 0x80211000, "avs", "prism") // AVS cookie, any version
	p.label("avs")
	p.add(cbpf.ClassLD|cbpf.ModeABS|cbpf.SizeW, 4)
	p.ja("store")
	p.label("prism")
	p.add(cbpf.ClassLD|cbpf.ModeIMM, 144)
	p.label("store")
	p.add(cbpf.ClassST, uint32(c.offLinkHdr.reg))
	p.add(cbpf.ClassMISC|cbpf.MiscTAX, 0)
	return p
}

// avsHeaderLen stores the AVS header's big-endian length field as the
// link-header offset.
func (c *Compiler) avsHeaderLen() *prologue {
	if c.offLinkHdr.reg == -1 {
		return nil
	}
	p := &prologue{}
	p.add(cbpf.ClassLD|cbpf.ModeABS|cbpf.SizeW, 4)
	p.add(cbpf.ClassST, uint32(c.offLinkHdr.reg))
	p.add(cbpf.ClassMISC|cbpf.MiscTAX, 0)
	return p
}

// radiotapHeaderLen stores the little-endian 16-bit length at offset 2
// of a radiotap or PPI header as the link-header offset.
func (c *Compiler) radiotapHeaderLen() *prologue {
	if c.offLinkHdr.reg == -1 {
		return nil
	}
	p := &prologue{}
	p.add(cbpf.ClassLD|cbpf.ModeABS|cbpf.SizeB, 3)
	p.add(cbpf.ClassALU|cbpf.ALULsh, 8)
	p.add(cbpf.ClassMISC|cbpf.MiscTAX, 0)
	p.add(cbpf.ClassLD|cbpf.ModeABS|cbpf.SizeB, 2)
	p.add(cbpf.ClassALU|cbpf.ALUOr|cbpf.SrcX, 0)
	p.add(cbpf.ClassST, uint32(c.offLinkHdr.reg))
	p.add(cbpf.ClassMISC|cbpf.MiscTAX, 0)
	return p
}

// ieee80211HeaderLen follows hdr, which leaves the offset of the 802.11
// header in X (nil when that offset is constant), with the code that
// stores the payload offset: 24 bytes after the header, 26 for a QoS
// data frame, rounded up to 4 when a radiotap header says the driver
// padded the 802.11 header.
func (c *Compiler) ieee80211HeaderLen(hdr *prologue) *prologue {
	if c.offLinkPL.reg == -1 {
		return hdr
	}
	c.noOptimize = true
	p := hdr
	if p == nil {
		p = &prologue{}
		p.add(cbpf.ClassLDX|cbpf.ModeIMM, c.offOutermostLinkHdr.constant)
	}
	pl := uint32(c.offLinkPL.reg)
	p.add(cbpf.ClassMISC|cbpf.MiscTXA, 0)
	p.add(cbpf.ClassALU|cbpf.ALUAdd, 24)
	p.add(cbpf.ClassST, pl)
	p.add(cbpf.ClassLD|cbpf.ModeIND|cbpf.SizeB, 0) // frame control
	p.jump(cbpf.JumpSet, 0x08, "data?", prologueEnd)
	p.label("data?")
	p.jump(cbpf.JumpSet, 0x04, prologueEnd, "qos?")
	p.label("qos?")
	afterQoS := prologueEnd
	if c.linktype == dltIEEE80211Radio {
		afterQoS = "flags?"
	}
	p.jump(cbpf.JumpSet, 0x80, "qos", afterQoS)
	p.label("qos")
	p.add(cbpf.ClassLD|cbpf.ModeMEM, pl)
	p.add(cbpf.ClassALU|cbpf.ALUAdd, 2)
	p.add(cbpf.ClassST, pl)
	if c.linktype != dltIEEE80211Radio {
		return p
	}
	// Atheros drivers pad the 802.11 header to 4 bytes and say so in the
	// radiotap flags field. Finding that field is only simple with one
	// presence word: fields are little-endian, loads big-endian.
	p.label("flags?")
	p.add(cbpf.ClassLD|cbpf.ModeABS|cbpf.SizeW, 4)
	p.jump(cbpf.JumpSet, swap32(0x00000002), "ext?", prologueEnd) // flags present
	p.label("ext?")
	p.jump(cbpf.JumpSet, swap32(0x80000000), prologueEnd, "tsft?") // more presence words
	p.label("tsft?")
	p.jump(cbpf.JumpSet, swap32(0x00000001), "flagsAfterTSFT", "flags")
	p.label("flagsAfterTSFT")
	p.add(cbpf.ClassLD|cbpf.ModeABS|cbpf.SizeB, 16)
	p.jump(cbpf.JumpSet, 0x20, "pad", prologueEnd) // data pad
	p.label("flags")
	p.add(cbpf.ClassLD|cbpf.ModeABS|cbpf.SizeB, 8)
	p.jump(cbpf.JumpSet, 0x20, "pad", prologueEnd)
	p.label("pad")
	p.add(cbpf.ClassLD|cbpf.ModeMEM, pl)
	p.add(cbpf.ClassALU|cbpf.ALUAdd, 3)
	p.add(cbpf.ClassALU|cbpf.ALUAnd, ^uint32(3))
	p.add(cbpf.ClassST, pl)
	return p
}

// prologue is code with forward jumps inside it, as the link-layer
// prologues need: jumps name their targets by label, prologueEnd being
// the first statement after the prologue.
type prologue struct {
	ins    stmts
	labels map[string]int
	jumps  []prologueJump
}

type prologueJump struct {
	at     int
	jt, jf string
}

// prologueEnd labels the first statement after a prologue.
const prologueEnd = ""

func (p *prologue) add(op uint16, k uint32) { p.ins = append(p.ins, stmt(op, k)) }

func (p *prologue) label(name string) {
	if p.labels == nil {
		p.labels = map[string]int{}
	}
	p.labels[name] = len(p.ins)
}

// jump adds the jump op on k, to jt when taken and jf when not.
func (p *prologue) jump(op uint16, k uint32, jt, jf string) {
	p.jumps = append(p.jumps, prologueJump{len(p.ins), jt, jf})
	p.add(cbpf.ClassJMP|op, k)
}

// ja adds a jump to target ("ja" is cbpf.ClassJMP alone).
func (p *prologue) ja(target string) { p.jump(0, 0, target, target) }

// code returns the instructions with the jumps resolved, or nil for a
// nil prologue.
func (p *prologue) code() stmts {
	if p == nil {
		return nil
	}
	target := func(name string, from int) int {
		at := len(p.ins)
		if name != prologueEnd {
			at = p.labels[name]
		}
		return at - (from + 1)
	}
	for _, j := range p.jumps {
		ins := &p.ins[j.at]
		if ins.Op == cbpf.ClassJMP {
			ins.K = uint32(target(j.jt, j.at))
			continue
		}
		ins.Jt = uint8(target(j.jt, j.at))
		ins.Jf = uint8(target(j.jf, j.at))
	}
	return p.ins
}

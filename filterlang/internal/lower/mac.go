package lower

import (
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// MAC addresses in the link-layer headers that have them.

var (
	etherBroadcast  = []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	arcnetBroadcast = []byte{0x00}
)

// macByDir expands a direction qualifier for a MAC address: one builds
// the test of the source (dst false) or destination address. The 802.11
// qualifiers are errors; where says where libpcap supports them.
func (c *Compiler) macByDir(dir uint8, where string, one func(dst bool) ir.Cond) ir.Cond {
	switch dir {
	case QAddr1, QAddr2, QAddr3, QAddr4:
		n := dir - QAddr1 + 1
		c.fail("'addr%d' and 'address%d' are only supported on 802.11%s", n, n, where)
	case QRA:
		c.fail("'ra' is only supported on 802.11%s", where)
	case QTA:
		c.fail("'ta' is only supported on 802.11%s", where)
	}
	return c.byDir(dir, "", one)
}

// macAt is macByDir for a header with the source address at src and the
// destination at dst.
func (c *Compiler) macAt(eaddr []byte, dir uint8, where string, src, dst uint32) ir.Cond {
	return c.macByDir(dir, where, func(isDst bool) ir.Cond {
		if isDst {
			return c.bcmp(orLinkHdr, dst, eaddr)
		}
		return c.bcmp(orLinkHdr, src, eaddr)
	})
}

// ehostop tests an Ethernet address (gen_ehostop).
func (c *Compiler) ehostop(eaddr []byte, dir uint8) ir.Cond {
	return c.macAt(eaddr, dir, " with 802.11 headers", 6, 0)
}

// fhostop tests an FDDI address (gen_fhostop); the addresses follow the
// frame control byte (and no padding on Linux).
func (c *Compiler) fhostop(eaddr []byte, dir uint8) ir.Cond {
	return c.macAt(eaddr, dir, "", 6+1, 0+1)
}

// thostop tests a Token Ring address (gen_thostop).
func (c *Compiler) thostop(eaddr []byte, dir uint8) ir.Cond {
	return c.macAt(eaddr, dir, "", 8, 2)
}

// ipfchostop tests an IP-over-Fibre-Channel address (gen_ipfchostop).
func (c *Compiler) ipfchostop(eaddr []byte, dir uint8) ir.Cond {
	return c.macAt(eaddr, dir, "", 10, 2)
}

// ahostop tests a one-byte ARCNET address (gen_ahostop); the source
// comes first.
func (c *Compiler) ahostop(eaddr []byte, dir uint8) ir.Cond {
	return c.macAt(eaddr, dir, "", 0, 1)
}

// 802.11 frame control values.
const (
	fc0TypeMask    = 0x0c
	fc0TypeCtl     = 0x04
	fc0SubtypeMask = 0xf0
	fc0SubtypeCTS  = 0xc0
	fc0SubtypeACK  = 0xd0
	fc1DirMask     = 0x03
	fc1DirDSToDS   = 0x03
)

// wlanhostop tests an 802.11 address (gen_wlanhostop). Where the source
// and destination are depends on the frame type and, for data frames, on
// the To DS and From DS bits; addr1-4, ra and ta name the fields.
func (c *Compiler) wlanhostop(eaddr []byte, dir uint8) ir.Cond {
	switch dir {
	case QSrc:
		// Data frames: SA at 24 with From DS and To DS, 16 with From DS
		// alone, 10 without From DS; management frames: 10; control
		// frames have none.
		return c.wlanByFrameType(func() ir.Cond {
			b0 := and(c.frameControlBit(1, 0x01), c.bcmp(orLinkHdr, 24, eaddr))
			b1 := and(not(c.frameControlBit(1, 0x01)), c.bcmp(orLinkHdr, 16, eaddr))
			b0 = and(c.frameControlBit(1, 0x02), or(b1, b0))
			b1 = and(not(c.frameControlBit(1, 0x02)), c.bcmp(orLinkHdr, 10, eaddr))
			return or(b1, b0)
		}, func() ir.Cond { return c.bcmp(orLinkHdr, 10, eaddr) })
	case QDst:
		// Data frames: DA at 16 with To DS, 4 without; management
		// frames: 4.
		return c.wlanByFrameType(func() ir.Cond {
			b0 := and(c.frameControlBit(1, 0x01), c.bcmp(orLinkHdr, 16, eaddr))
			b1 := and(not(c.frameControlBit(1, 0x01)), c.bcmp(orLinkHdr, 4, eaddr))
			return or(b1, b0)
		}, func() ir.Cond { return c.bcmp(orLinkHdr, 4, eaddr) })
	case QAnd:
		b0 := c.wlanhostop(eaddr, QSrc)
		return and(b0, c.wlanhostop(eaddr, QDst))
	case QDefault, QOr:
		b0 := c.wlanhostop(eaddr, QSrc)
		return or(b0, c.wlanhostop(eaddr, QDst))
	case QAddr1:
		return c.bcmp(orLinkHdr, 4, eaddr)
	case QAddr2:
		// Not in CTS and ACK frames.
		return and(c.notCTSOrACK(), c.bcmp(orLinkHdr, 10, eaddr))
	case QAddr3:
		// Not in control frames.
		b0 := not(c.mcmp(orLinkHdr, 0, cbpf.SizeB, fc0TypeCtl, fc0TypeMask))
		return and(b0, c.bcmp(orLinkHdr, 16, eaddr))
	case QAddr4:
		// Only with both From DS and To DS, which control and
		// management frames never have.
		b0 := c.mcmp(orLinkHdr, 1, cbpf.SizeB, fc1DirDSToDS, fc1DirMask)
		return and(b0, c.bcmp(orLinkHdr, 24, eaddr))
	case QRA:
		// addr1, in frames other than management frames.
		b1 := c.frameControlBit(0, 0x08)
		return and(b1, c.bcmp(orLinkHdr, 4, eaddr))
	case QTA:
		// addr2, in frames other than management, CTS and ACK frames.
		b2 := c.notCTSOrACK()
		b2 = and(c.frameControlBit(0, 0x08), b2)
		return and(b2, c.bcmp(orLinkHdr, 10, eaddr))
	}
	c.fail("invalid direction qualifier %d", dir)
	return nil
}

// wlanByFrameType completes an 802.11 address test: data builds the test
// for data frames, mgmt the one for management frames.
func (c *Compiler) wlanByFrameType(data, mgmt func() ir.Cond) ir.Cond {
	d := data()
	b0 := and(c.frameControlBit(0, 0x08), d)
	b1 := and(not(c.frameControlBit(0, 0x08)), mgmt())
	b0 = or(b1, b0)
	// Control frames (and the reserved type) have no such address.
	return and(not(c.frameControlBit(0, 0x04)), b0)
}

// notCTSOrACK tests that a frame is not a control frame, or is one but
// neither CTS nor ACK: the frames with an addr2.
func (c *Compiler) notCTSOrACK() ir.Cond {
	b0 := not(c.mcmp(orLinkHdr, 0, cbpf.SizeB, fc0TypeCtl, fc0TypeMask))
	b1 := not(c.mcmp(orLinkHdr, 0, cbpf.SizeB, fc0SubtypeCTS, fc0SubtypeMask))
	b2 := not(c.mcmp(orLinkHdr, 0, cbpf.SizeB, fc0SubtypeACK, fc0SubtypeMask))
	return or(b0, and(b1, b2))
}

// Broadcast tests for broadcast packets (gen_broadcast): proto QDefault
// or QLink for link-layer broadcasts, QIP for IPv4 broadcasts to the
// all-zeros or all-ones host of the configured netmask.
func (c *Compiler) Broadcast(proto uint8) ir.Cond {
	switch proto {
	case QDefault, QLink:
		switch c.linktype {
		case dltArcnet, dltArcnetLinux:
			return c.ahostop(arcnetBroadcast, QDst)
		case dltBACnetMSTP: // libpcap master
			return c.mstpHostop(mstpBroadcast, QDst)
		case dltEN10MB, dltNetanalyzer, dltNetanalyzerTransparent, dltDSATagBRCM, dltDSATagDSA:
			pre := c.prevLinkhdrCheck()
			return andIf(pre, c.ehostop(etherBroadcast, QDst))
		case dltFDDI:
			return c.fhostop(etherBroadcast, QDst)
		case dltIEEE802:
			return c.thostop(etherBroadcast, QDst)
		case dltIEEE80211, dltPrismHeader, dltIEEE80211AVS, dltIEEE80211Radio, dltPPI:
			return c.wlanhostop(etherBroadcast, QDst)
		case dltIPOverFC:
			return c.ipfchostop(etherBroadcast, QDst)
		}
		c.fail("not a broadcast link")
	case QIP:
		if c.cfg.Netmask == NetmaskUnknown {
			c.fail("netmask not known, so 'ip broadcast' not supported")
		}
		b0 := c.linktypeCheck(ethertypeIP)
		hostmask := ^c.cfg.Netmask
		b1 := c.mcmp(orLinkPL, 16, cbpf.SizeW, 0, hostmask)
		b2 := c.mcmp(orLinkPL, 16, cbpf.SizeW, hostmask, hostmask)
		return and(b0, or(b1, b2))
	}
	c.fail("only link-layer/IP broadcast filters supported")
	return nil
}

// macMulticast tests the group bit of the MAC address at offset of the
// link-layer header (gen_mac_multicast).
func (c *Compiler) macMulticast(offset uint32) ir.Cond {
	return test(c.loadA(orLinkHdr, offset, cbpf.SizeB), cbpf.JumpSet, 1)
}

// Multicast tests for multicast packets (gen_multicast): proto QDefault
// or QLink for link-layer multicasts (broadcasts included), QIP for IPv4
// class D and E destinations, QIPv6 for IPv6 multicast destinations.
func (c *Compiler) Multicast(proto uint8) ir.Cond {
	switch proto {
	case QDefault, QLink:
		switch c.linktype {
		case dltArcnet, dltArcnetLinux:
			// ARCNET has one multicast address, the broadcast one.
			return c.ahostop(arcnetBroadcast, QDst)
		case dltEN10MB, dltNetanalyzer, dltNetanalyzerTransparent, dltDSATagBRCM, dltDSATagDSA:
			pre := c.prevLinkhdrCheck()
			return andIf(pre, c.macMulticast(0))
		case dltFDDI:
			return c.macMulticast(1)
		case dltIEEE802:
			return c.macMulticast(2)
		case dltIEEE80211, dltPrismHeader, dltIEEE80211AVS, dltIEEE80211Radio, dltPPI:
			// The destination address is where wlanhostop finds it.
			return c.wlanByFrameType(func() ir.Cond {
				b0 := and(c.frameControlBit(1, 0x01), c.macMulticast(16))
				b1 := and(not(c.frameControlBit(1, 0x01)), c.macMulticast(4))
				return or(b1, b0)
			}, func() ir.Cond { return c.macMulticast(4) })
		case dltIPOverFC:
			return c.macMulticast(2)
		}
	case QIP:
		b0 := c.linktypeCheck(ethertypeIP)
		return and(b0, c.cmpGE(orLinkPL, 16, cbpf.SizeB, 224))
	case QIPv6:
		b0 := c.linktypeCheck(ethertypeIPv6)
		return and(b0, c.cmp(orLinkPL, 24, cbpf.SizeB, 255))
	}
	c.fail("link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel")
	return nil
}

package lower

import (
	"context"
	"net/netip"

	"github.com/gotcpdump/gotcpdump/cbpf"

	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// Offsets of the addresses in the network-layer headers "host" and "net"
// compare.
const (
	ipv4SrcOffset = 12 // IPv4 source address
	ipv4DstOffset = 16
	arpSrcOffset  = 14 // sender protocol address of an (R)ARP packet
	arpDstOffset  = 24 // target protocol address
	ipv6SrcOffset = 8
	ipv6DstOffset = 24
)

// byDir expands a direction qualifier the way libpcap does for addresses
// and ports: one builds the test of the source (dst false) or destination
// field; "and" and "or" (the default) combine both, source first. what
// names the thing qualified in the errors for the 802.11 directions.
func (c *Compiler) byDir(dir uint8, what string, one func(dst bool) ir.Cond) ir.Cond {
	switch dir {
	case QSrc:
		return one(false)
	case QDst:
		return one(true)
	case QAnd:
		src := one(false)
		return and(src, one(true))
	case QDefault, QOr:
		src := one(false)
		return or(src, one(true))
	case QAddr1, QAddr2, QAddr3, QAddr4:
		n := dir - QAddr1 + 1
		c.fail("'addr%d' and 'address%d' are not valid qualifiers for %s", n, n, what)
	case QRA:
		c.fail("'ra' is not a valid qualifier for %s", what)
	case QTA:
		c.fail("'ta' is not a valid qualifier for %s", what)
	}
	c.fail("invalid direction qualifier %d", dir)
	return nil
}

// notMAC is what the 802.11 address qualifiers do not apply to.
const notMAC = "addresses other than 802.11 MAC addresses"

// hostop tests that a packet of link-layer protocol llProto has the
// address addr under mask at srcOff or dstOff of its network-layer header
// (gen_hostop). Each direction repeats the protocol check.
func (c *Compiler) hostop(addr, mask uint32, dir uint8, llProto, srcOff, dstOff uint32) ir.Cond {
	return c.byDir(dir, notMAC, func(dst bool) ir.Cond {
		off := srcOff
		if dst {
			off = dstOff
		}
		b0 := c.linktypeCheck(llProto)
		return and(b0, c.mcmp(orLinkPL, off, cbpf.SizeW, addr, mask))
	})
}

// hostop6 is hostop for a 128-bit address and mask, compared as four
// words from the last to the first (gen_hostop6).
func (c *Compiler) hostop6(addr, mask [16]byte, dir uint8, llProto, srcOff, dstOff uint32) ir.Cond {
	return c.byDir(dir, notMAC, func(dst bool) ir.Cond {
		off := srcOff
		if dst {
			off = dstOff
		}
		word := func(i uint32) ir.Cond {
			return c.mcmp(orLinkPL, off+4*i, cbpf.SizeW, be32(addr[4*i:]), be32(mask[4*i:]))
		}
		b := word(3)
		for i := 2; i >= 0; i-- {
			b = and(word(uint32(i)), b)
		}
		return and(c.linktypeCheck(llProto), b)
	})
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// addrKind is "net" or "host", as errors name the qualifier.
func addrKind(typ uint8) string {
	if typ == QNet {
		return "net"
	}
	return "host"
}

// Host tests an IPv4 address addr under mask (gen_host): proto says in
// which headers (ip, arp, rarp; by default any of them, or only ip inside
// MPLS), dir which field, typ (QHost or QNet) how errors name it. With
// proto QDecnet, addr is a DECnet address and mask is unused.
func (c *Compiler) Host(addr, mask uint32, proto, dir, typ uint8) ir.Cond {
	kind := addrKind(typ)
	switch proto {
	case QDefault:
		b := c.Host(addr, mask, QIP, dir, typ)
		if c.labelStackDepth == 0 {
			b = or(b, c.Host(addr, mask, QARP, dir, typ))
			b = or(b, c.Host(addr, mask, QRARP, dir, typ))
		}
		return b
	case QIP, QARP, QRARP:
		h := ipv4Headers[proto]
		return c.hostop(addr, mask, dir, h.llProto, h.srcOff, h.dstOff)
	case QDecnet:
		return c.dnhostop(addr, dir)
	case QLink:
		c.fail("link-layer modifier applied to %s", kind)
	case QAtalk:
		c.fail("AppleTalk host filtering not implemented")
	case QLat, QSca, QMoprc, QMopdl, QAARP, QISO, QIPX:
		c.fail("%s host filtering not implemented", unimplementedHostProto[proto])
	case QIPv6:
		c.fail("'ip6' modifier applied to ip host")
	}
	c.fail("'%s' modifier applied to %s", c.protoKeyword(proto), kind)
	return nil
}

// ipv4Header is where a protocol with IPv4 addresses keeps them.
type ipv4Header struct{ llProto, srcOff, dstOff uint32 }

var ipv4Headers = map[uint8]ipv4Header{
	QIP:   {ethertypeIP, ipv4SrcOffset, ipv4DstOffset},
	QARP:  {ethertypeARP, arpSrcOffset, arpDstOffset},
	QRARP: {ethertypeRevARP, arpSrcOffset, arpDstOffset},
}

// unimplementedHostProto names the protocols whose hosts libpcap cannot
// test, as its errors spell them.
var unimplementedHostProto = map[uint8]string{
	QLat: "LAT", QSca: "SCA", QMoprc: "MOPRC", QMopdl: "MOPDL",
	QAARP: "AARP", QISO: "ISO", QIPX: "IPX",
}

// Host6 tests an IPv6 address addr under mask (gen_host6); only ip6 (the
// default) has IPv6 addresses.
func (c *Compiler) Host6(addr, mask [16]byte, proto, dir, typ uint8) ir.Cond {
	kind := addrKind(typ)
	switch proto {
	case QDefault, QIPv6:
		return c.hostop6(addr, mask, dir, ethertypeIPv6, ipv6SrcOffset, ipv6DstOffset)
	case QLink:
		c.fail("link-layer modifier applied to ip6 %s", kind)
	case QAtalk:
		c.fail("AppleTalk modifier applied to ip6 %s", kind)
	}
	c.fail("'%s' modifier applied to ip6 %s", c.protoKeyword(proto), kind)
	return nil
}

// hosts ORs the tests of every address in addrs, in their order, as
// gen_scode does for the addresses of a name: IPv4 ones with Host for
// proto4, IPv6 ones with Host6 for proto6. An address family whose proto
// excludes it (ip6 for IPv4, ip for IPv6) is skipped; nil means no
// address was left.
func (c *Compiler) hosts(addrs []netip.Addr, proto4, proto6, dir, typ uint8) ir.Cond {
	var b ir.Cond
	for _, a := range addrs {
		var t ir.Cond
		switch {
		case a.Is4():
			if proto4 == QIPv6 {
				continue
			}
			v := a.As4()
			t = c.Host(be32(v[:]), 0xffffffff, proto4, dir, typ)
		default:
			if proto6 == QIP {
				continue
			}
			t = c.Host6(a.As16(), allOnes128, proto6, dir, typ)
		}
		if b != nil {
			t = or(b, t)
		}
		b = t
	}
	return b
}

var allOnes128 = [16]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// DECnet headers: the routing flags byte follows a 2-byte length; a long
// header's flags are 0x06 under mask 0x07, a short one's 0x02, both
// possibly preceded by a pad byte with the 0x80 bit set (then the first
// 16 bits are 0x81 0x06 or 0x81 0x02 under 0x07ff, in the packet's
// little-endian view).
const (
	dnLongDstOffset  = 7  // flags, area, subarea, then the HIORD prefix
	dnLongSrcOffset  = 15 // ... destination id, area, subarea, HIORD
	dnShortDstOffset = 1  // after the flags
	dnShortSrcOffset = 3  // after the flags and destination node
)

// dnhostop tests a DECnet node address in the long or short data packet
// header, with or without a pad byte (gen_dnhostop). The address is
// stored little-endian.
func (c *Compiler) dnhostop(addr uint32, dir uint8) ir.Cond {
	return c.byDir(dir, notMAC, func(dst bool) ir.Cond {
		long, short := uint32(dnLongSrcOffset), uint32(dnShortSrcOffset)
		if dst {
			long, short = dnLongDstOffset, dnShortDstOffset
		}
		node := uint32(swap16(uint16(addr)))
		b0 := c.linktypeCheck(ethertypeDN)
		// Pad byte, long header.
		b1 := and(c.mcmp(orLinkPL, 2, cbpf.SizeH, uint32(swap16(0x0681)), uint32(swap16(0x07ff))),
			c.cmp(orLinkPL, 2+1+long, cbpf.SizeH, node))
		// No pad, long header.
		b2 := and(c.mcmp(orLinkPL, 2, cbpf.SizeB, 0x06, 0x07), c.cmp(orLinkPL, 2+long, cbpf.SizeH, node))
		b1 = or(b2, b1)
		// Pad byte, short header.
		b2 = and(c.mcmp(orLinkPL, 2, cbpf.SizeH, uint32(swap16(0x0281)), uint32(swap16(0x07ff))),
			c.cmp(orLinkPL, 2+1+short, cbpf.SizeH, node))
		b1 = or(b2, b1)
		// No pad, short header.
		b2 = and(c.mcmp(orLinkPL, 2, cbpf.SizeB, 0x02, 0x07), c.cmp(orLinkPL, 2+short, cbpf.SizeH, node))
		b1 = or(b2, b1)
		return and(b0, b1)
	})
}

func swap16(v uint16) uint16 { return v<<8 | v>>8 }

// Gateway tests packets relayed by host name: its MAC address is the
// source or destination of the frame while none of its IPv4 addresses is
// the source or destination of the IPv4, ARP or RARP packet inside (ip,
// arp, rarp: only that protocol; by default any of the three).
//
// Debian's libpcap 1.10.3 has no "gateway" (it is left out of builds with
// IPv6); this follows libpcap master, its messages included, which also
// requires the packet to be of the protocol tested, and uses only the
// IPv4 addresses of the name.
func (c *Compiler) Gateway(name string, proto, dir uint8) ir.Cond {
	if dir != QDefault {
		c.fail("syntax error") // master's grammar has no direction for gateway
	}
	switch proto {
	case QDefault, QIP, QARP, QRARP:
	default:
		c.fail("'%s' is not a valid qualifier for 'gateway'", c.protoKeyword(proto))
	}
	if c.labelStackDepth != 0 {
		c.fail("'gateway' cannot be used within MPLS")
	}
	if c.isGeneve {
		c.fail("'gateway' cannot be used within VXLAN or Geneve")
	}
	if _, ok := macHostNames[c.linktype]; !ok {
		c.fail("'gateway' not supported on %s", dltString(c.linktype))
	}
	eaddr, err := c.names().EtherHost(name)
	if err != nil {
		c.failLookup(err, "unknown Ethernet-like host '%s'", name)
	}
	b0 := c.macHost(eaddr[:], QOr)
	addrs, err := c.names().Host(context.Background(), name)
	if err != nil {
		c.failLookup(err, "unknown host '%s'", name)
	}
	var v4 []uint32
	for _, a := range addrs {
		if a.Is4() {
			b := a.As4()
			v4 = append(v4, be32(b[:]))
		}
	}
	if len(v4) == 0 {
		if proto == QDefault {
			c.fail("unknown host '%s'", name)
		}
		c.fail("unknown host '%s' for specified address family", name)
	}
	// notVia holds for a packet of protocol p none of whose addresses is
	// the name's.
	notVia := func(p uint8) ir.Cond {
		h := ipv4Headers[p]
		b := c.linktypeCheck(h.llProto)
		var any ir.Cond
		for _, a := range v4 {
			t := c.hostop(a, 0xffffffff, QOr, h.llProto, h.srcOff, h.dstOff)
			if any != nil {
				t = or(any, t)
			}
			any = t
		}
		return and(b, not(any))
	}
	var b1 ir.Cond
	if proto == QDefault {
		b1 = or(or(notVia(QIP), notVia(QARP)), notVia(QRARP))
	} else {
		b1 = notVia(proto)
	}
	return and(b0, b1)
}

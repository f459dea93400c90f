package lower

import "github.com/gotcpdump/gotcpdump/filterlang/internal/ir"

// BACnet MS/TP frames start with a 2-byte preamble and the frame type,
// then the destination and the source station addresses, one byte each.
// libpcap master tests them with "link host $XX" and "link broadcast";
// 1.10.3 has no MS/TP addresses.
const (
	mstpDst       = 3
	mstpSrc       = 4
	mstpBroadcast = 0xff
)

// wlanDirNames name the 802.11 direction qualifiers in master's messages.
var wlanDirNames = map[uint8]string{
	QAddr1: "addr1", QAddr2: "addr2", QAddr3: "addr3", QAddr4: "addr4", QRA: "ra", QTA: "ta",
}

// addrQualNames name the address qualifiers in master's messages.
var addrQualNames = map[uint8]string{
	QNet: "net", QPort: "port", QGateway: "gateway", QProto: "proto",
	QProtochain: "protochain", QPortrange: "portrange",
}

// Mac8code is a one-byte MAC address ("$XX", the scanner's token with its
// $) with its qualifiers, as libpcap master's gen_acode: on BACnet MS/TP
// the station addresses, elsewhere what Acode does (ARCnet's, as
// libpcap 1.10.3 has it).
func (c *Compiler) Mac8code(s string, q Qual) ir.Cond {
	if c.linktype != dltBACnetMSTP {
		return c.Acode(s, q)
	}
	if name, ok := wlanDirNames[q.Dir]; ok {
		c.fail("'%s' is valid for 802.11 syntax only", name)
	}
	if q.Addr != QHost && q.Addr != QDefault {
		c.fail("'%s' is not a valid qualifier for '$XX'", addrQualNames[q.Addr])
	}
	if q.Proto != QLink {
		c.fail("'link' is the only valid proto qualifier for 'host $XX'")
	}
	addr, ok := arcnetAton(s)
	if !ok {
		c.fail("invalid MAC-8 address '%s'", s)
	}
	return c.mstpHostop(addr, q.Dir)
}

// mstpHostop tests an MS/TP station address (master's gen_mac8host).
func (c *Compiler) mstpHostop(addr byte, dir uint8) ir.Cond {
	return c.macAt([]byte{addr}, dir, "", mstpSrc, mstpDst)
}

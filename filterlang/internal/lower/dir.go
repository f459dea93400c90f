package lower

import (
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// Direction values in link-layer headers and packet metadata.
const (
	sllOutgoing    = 4 // LINUX_SLL_OUTGOING, the packet type of a sent packet
	packetOutgoing = 4 // PACKET_OUTGOING, the same in the socket's metadata
	ipnetOutbound  = 1
	ipnetInbound   = 2
	pflogDir       = 60 // offset of the direction in the pflog header
	pfIn           = 1
	pfOut          = 2
	pppdIn         = 0
	pppdOut        = 1
	slipDirIn      = 0
	slipDirOut     = 1
)

// Inbound tests the direction of a packet (gen_inbound): dir 0 for
// received packets ("inbound"), 1 for sent ones ("outbound"). Link
// headers that record it are read; otherwise the program reads the
// Linux socket's metadata, which capture files do not have.
func (c *Compiler) Inbound(dir int) ir.Cond {
	out := dir != 0
	pick := func(in, outbound uint32) uint32 {
		if out {
			return outbound
		}
		return in
	}
	switch c.linktype {
	case dltSLIP:
		// The first byte of libpcap's SLIP header is the direction, 0 for
		// received and 1 for sent packets. As in libpcap master, other
		// values match neither: 1.10.3 took "outbound" as "not inbound".
		return c.cmp(orLinkHdr, 0, cbpf.SizeB, pick(slipDirIn, slipDirOut))
	case dltIPNET:
		return c.cmp(orLinkHdr, 2, cbpf.SizeH, pick(ipnetInbound, ipnetOutbound))
	case dltLinuxSLL:
		return notIf(!out, c.cmp(orLinkHdr, 0, cbpf.SizeH, sllOutgoing))
	case dltLinuxSLL2:
		return notIf(!out, c.cmp(orLinkHdr, 10, cbpf.SizeB, sllOutgoing))
	case dltPflog:
		return c.cmp(orLinkHdr, pflogDir, cbpf.SizeB, pick(pfIn, pfOut))
	case dltPPPPPPD:
		return c.cmp(orLinkHdr, 0, cbpf.SizeB, pick(pppdIn, pppdOut))
	}
	if isDSATag(c.linktype) {
		return c.dsaDirection(out)
	}
	if dltJuniper[c.linktype] {
		// The low bit of the flags after the magic number: set when
		// received.
		return c.mcmp(orLinkHdr, 3, cbpf.SizeB, pick(1, 0), 0x01)
	}
	if c.cfg.File {
		c.fail("inbound/outbound not supported on %s when reading savefiles", dltDescription(c.linktype))
	}
	b := c.cmp(orLinkHdr, cbpf.AncillaryBase+uint32(cbpf.AncPacketType), cbpf.SizeH, packetOutgoing)
	return notIf(!out, b)
}

// Ifindex tests the index of the interface a packet was captured on
// (gen_ifindex): from the Linux cooked v2 header, or the Linux socket's
// metadata, which capture files do not have.
func (c *Compiler) Ifindex(ifindex uint32) ir.Cond {
	if c.linktype == dltLinuxSLL2 {
		return c.cmp(orLinkHdr, 4, cbpf.SizeW, ifindex)
	}
	if c.cfg.File {
		c.fail("ifindex not supported on %s when reading savefiles", dltDescription(c.linktype))
	}
	return c.cmp(orLinkHdr, cbpf.AncillaryBase+uint32(cbpf.AncIfIndex), cbpf.SizeW, ifindex)
}

// notIf is not(b) when negate holds, else b.
func notIf(negate bool, b ir.Cond) ir.Cond {
	if negate {
		return not(b)
	}
	return b
}

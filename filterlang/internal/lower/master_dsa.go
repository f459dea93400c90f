package lower

import (
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// Ethernet frames captured on the CPU port of a switch, with the switch's
// 4-byte tag between the source address and the type field: Broadcom's
// tag and Marvell's DSA tag. libpcap 1.10.3 filters them with link[...]
// only; libpcap master treats them as Ethernet with the type and payload
// 4 bytes further, and reads the direction from the tag. The generators
// follow master.
const (
	dltDSATagBRCM = 281
	dltDSATagDSA  = 284

	dsaTagOffset = 6 + 6 // after the destination and source addresses
)

// dsaOffsets are the offsets of both tagged link types: the type field
// after the tag, the payload after it, 802.2 LLC's network layer 3 bytes
// in.
var dsaOffsets = linkOffsets{linkType: dsaTagOffset + 4, linkPL: dsaTagOffset + 4 + 2, nlNoSNAP: 3}

// isDSATag reports whether dlt is Ethernet with a switch's tag.
func isDSATag(dlt int) bool { return dlt == dltDSATagBRCM || dlt == dltDSATagDSA }

// dsaDirection tests the direction of a tagged frame (gen_inbound's cases
// for the tags in libpcap master), out for frames the CPU sent.
//
// Broadcom's tag has the direction in the top 3 bits of its first byte:
// 000 for frames from the switch to the CPU (received), 001 for frames
// from the CPU. Marvell's has a mode in its top 2 bits, of which To_CPU
// (00) and To_Sniffer (10) are received frames, From_CPU (01) sent ones,
// and Forward (11) either: "inbound" is bit 6 clear, "outbound" 01.
func (c *Compiler) dsaDirection(out bool) ir.Cond {
	if c.linktype == dltDSATagBRCM {
		v := uint32(0x00)
		if out {
			v = 0x20
		}
		return c.mcmp(orLinkHdr, dsaTagOffset, cbpf.SizeB, v, 0xe0)
	}
	if out {
		return c.mcmp(orLinkHdr, dsaTagOffset, cbpf.SizeB, 0x40, 0xc0)
	}
	return c.mcmp(orLinkHdr, dsaTagOffset, cbpf.SizeB, 0x00, 0x40)
}

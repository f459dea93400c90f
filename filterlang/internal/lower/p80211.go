package lower

import (
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// frameControlAt reports whether the link type is 802.11 with its header
// at a known place: bare, behind a radio header, or (as libpcap master
// allows, 1.10.3 does not) behind a PPI header, which Finish checks wraps
// 802.11.
func (c *Compiler) frameControlAt() bool {
	switch c.linktype {
	case dltIEEE80211, dltPrismHeader, dltIEEE80211AVS, dltIEEE80211Radio, dltPPI:
		return true
	}
	return false
}

// P80211Type tests the type and subtype bits of an 802.11 frame control
// field: its first byte under mask equals typ (gen_p80211_type), as
// "type mgt", "subtype beacon" and "type data subtype qos-data" ask.
func (c *Compiler) P80211Type(typ, mask uint32) ir.Cond {
	if !c.frameControlAt() {
		c.fail("802.11 link-layer types supported only on 802.11")
	}
	return c.mcmp(orLinkHdr, 0, cbpf.SizeB, typ, mask)
}

// P80211Fcdir tests the To DS and From DS bits of an 802.11 frame
// (gen_p80211_fcdir): fcdir 0 nods, 1 tods, 2 fromds, 3 dstods.
func (c *Compiler) P80211Fcdir(fcdir uint32) ir.Cond {
	if !c.frameControlAt() {
		c.fail("frame direction supported only with 802.11 headers")
	}
	return c.mcmp(orLinkHdr, 1, cbpf.SizeB, fcdir, fc1DirMask)
}

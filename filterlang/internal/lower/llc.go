package lower

import (
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// 802.2 LLC control field formats.
const (
	llcSFmt     = 0x01 // supervisory frames: low bits 01
	llcUFmt     = 0x03 // unnumbered frames: low bits 11
	llcSCmdMask = 0x0f
	llcUCmdMask = 0xef // all but the poll/final bit
)

// llcCheck tests that the frame has an 802.2 LLC header
// (gen_llc_internal).
func (c *Compiler) llcCheck() ir.Cond {
	switch c.linktype {
	case dltEN10MB, dltDSATagBRCM, dltDSATagDSA:
		// An 802.3 frame (a length, not a type), and not Novell's raw
		// 802.3, whose "LLC header" is 0xffff.
		b0 := not(c.cmpGT(orLinkType, 0, cbpf.SizeH, ethermtu))
		return and(b0, not(c.cmp(orLLC, 0, cbpf.SizeH, 0xffff)))
	case dltSunATM:
		// libpcap then restores the link type "lane" replaced, which
		// without ATM keywords is SunATM still.
		return c.sunatmLLCCheck()
	case dltIEEE802, dltFDDI, dltATMRFC1483:
		// Assumed: these carry LLC frames.
		return genTrue()
	case dltIEEE80211, dltPrismHeader, dltIEEE80211Radio, dltIEEE80211AVS, dltPPI:
		return c.dataFrameCheck()
	}
	c.fail("'llc' not supported for %s", dltDescription(c.linktype))
	return nil
}

// Llc tests for 802.2 LLC frames (gen_llc).
func (c *Compiler) Llc() ir.Cond { return c.llcCheck() }

// LlcI tests for LLC information frames, whose control field's low bit
// is clear (gen_llc_i).
func (c *Compiler) LlcI() ir.Cond {
	b0 := c.llcCheck()
	return and(b0, not(test(c.loadA(orLLC, 2, cbpf.SizeB), cbpf.JumpSet, 0x01)))
}

// LlcS tests for LLC supervisory frames (gen_llc_s).
func (c *Compiler) LlcS() ir.Cond {
	b0 := c.llcCheck()
	return and(b0, c.mcmp(orLLC, 2, cbpf.SizeB, llcSFmt, 0x03))
}

// LlcU tests for LLC unnumbered frames (gen_llc_u).
func (c *Compiler) LlcU() ir.Cond {
	b0 := c.llcCheck()
	return and(b0, c.mcmp(orLLC, 2, cbpf.SizeB, llcUFmt, 0x03))
}

// LlcSSubtype tests for LLC supervisory frames of a type (rr 0x01, rnr
// 0x05, rej 0x09) (gen_llc_s_subtype).
func (c *Compiler) LlcSSubtype(subtype uint32) ir.Cond {
	b0 := c.llcCheck()
	return and(b0, c.mcmp(orLLC, 2, cbpf.SizeB, subtype, llcSCmdMask))
}

// LlcUSubtype tests for LLC unnumbered frames of a type (ui 0x03, ua
// 0x63, disc 0x43, dm 0x0f, sabme 0x6f, test 0xe3, xid 0xaf, frmr 0x87)
// whatever their poll/final bit (gen_llc_u_subtype).
func (c *Compiler) LlcUSubtype(subtype uint32) ir.Cond {
	b0 := c.llcCheck()
	return and(b0, c.mcmp(orLLC, 2, cbpf.SizeB, subtype, llcUCmdMask))
}

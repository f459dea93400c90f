package lower

import (
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// SS7 message types ("fisu", "lssu", "msu" and their high-speed-link "h"
// forms), with libpcap's numbers (gencode.h's M_* and MH_*), as
// Mtp2Type takes them.
const (
	MFISU  = 22
	MLSSU  = 23
	MMSU   = 24
	MHFISU = 25
	MHLSSU = 26
	MHMSU  = 27
)

// MTP3 routing label fields ("sio", "opc", "dpc", "sls" and their
// high-speed-link "h" forms), with libpcap's numbers, as Mtp3Field takes
// them.
const (
	MSIO  = 1
	MOPC  = 2
	MDPC  = 3
	MSLS  = 4
	MHSIO = 5
	MHOPC = 6
	MHDPC = 7
	MHSLS = 8
)

// Offsets in an MTP2 frame, from its first byte after the opening flag:
// the length indicator (its low 6 bits; 9 bits of a 16-bit field on a
// high-speed link, whose sequence numbers are 2 bytes longer), the
// service information octet and the routing label that follows it. The
// high-speed forms of the MTP3 fields are 3 bytes further.
const (
	mtp2LI     = 2
	mtp2LIHSL  = 4
	mtp3SIO    = 3
	mtp3Label  = 4 // the OPC and DPC
	mtp3SLS    = 7
	mtp2HSLAdd = 3
)

// ss7Start returns where the MTP2 frame starts for the link types that
// carry SS7, after their pseudo-header, or false for any other.
func ss7Start(dlt int) (uint32, bool) {
	switch dlt {
	case dltMTP2:
		return 0, true
	case dltMTP2WithPHdr:
		return 4, true // the MTP2 pseudo-header
	case dltERF:
		return 20, true // ERF's record header and MC header
	}
	return 0, false
}

// ss7Names are the keywords the messages of the SS7 generators name.
var ss7Names = map[int]string{
	MFISU: "fisu", MLSSU: "lssu", MMSU: "msu", MHFISU: "hfisu", MHLSSU: "hlssu", MHMSU: "hmsu",
	MSIO: "sio", MOPC: "opc", MDPC: "dpc", MSLS: "sls", MHSIO: "sio", MHOPC: "opc", MHDPC: "dpc", MHSLS: "sls",
}

// Mtp2Type tests the kind of an SS7 signal unit by its length indicator
// (gen_mtp2type_abbrev): typ MFISU for fill-in signal units (length 0),
// MLSSU for link status ones (1 or 2), MMSU for message ones (3 or
// more), the MH* forms for a high-speed link.
func (c *Compiler) Mtp2Type(typ int) ir.Cond {
	start, ok := ss7Start(c.linktype)
	if !ok {
		if typ >= MHFISU {
			c.fail("'%s' supported only on MTP2_HSL", ss7Names[typ])
		}
		c.fail("'%s' supported only on MTP2", ss7Names[typ])
	}
	li := func(jtype uint16, reverse bool, v uint32) ir.Cond {
		return c.ncmp(orPacket, start+mtp2LI, cbpf.SizeB, 0x3f, jtype, reverse, v)
	}
	hsl := func(jtype uint16, reverse bool, v uint32) ir.Cond {
		return c.ncmp(orPacket, start+mtp2LIHSL, cbpf.SizeH, 0xff80, jtype, reverse, v)
	}
	switch typ {
	case MFISU:
		return li(cbpf.JumpEQ, false, 0)
	case MLSSU:
		b0 := li(cbpf.JumpGT, true, 2)
		return and(li(cbpf.JumpGT, false, 0), b0)
	case MMSU:
		return li(cbpf.JumpGT, false, 2)
	case MHFISU:
		return hsl(cbpf.JumpEQ, false, 0)
	case MHLSSU:
		// The length indicator is the top 9 bits: 2 is 0x0100.
		b0 := hsl(cbpf.JumpGT, true, 0x0100)
		return and(hsl(cbpf.JumpGT, false, 0), b0)
	case MHMSU:
		return hsl(cbpf.JumpGT, false, 0x0100)
	}
	c.fail("unknown MTP2 type %d", typ)
	return nil
}

// Mtp3Field compares an MTP3 field with v (gen_mtp3field_code): code is
// the comparison (a Rel* value), reversed negates it, as for Relation:
// "dpc < 2" is RelGE reversed, "dpc != 2" RelEQ reversed. The grammar
// calls it once for each value of a list ("sio (1 or 2)"), RelEQ.
//
// libpcap 1.10.3 drops the negation of "!=", which then means "=";
// libpcap master negates it, as its apply tests check, and so does ncmp.
func (c *Compiler) Mtp3Field(field int, v uint32, code int, reversed bool) ir.Cond {
	if code != RelEQ && code != RelGT && code != RelGE {
		c.fail("unknown relation %#x", code)
	}
	name := ss7Names[field]
	start, ok := ss7Start(c.outermostLinktype)
	if !ok {
		c.fail("'%s' supported only on SS7", name)
	}
	if field >= MHSIO {
		start += mtp2HSLAdd
	}
	// The routing label is little-endian with fields across byte
	// boundaries; loads are big-endian, so each field is compared, under
	// its mask, with its value placed where a load finds its bits.
	var b ir.Cond
	switch field {
	case MSIO, MHSIO:
		if v > 0xff {
			c.fail("sio value %d too big; max value = 255", v)
		}
		b = c.ncmp(orPacket, start+mtp3SIO, cbpf.SizeB, 0xffffffff, uint16(code), reversed, v)
	case MOPC, MHOPC:
		if v > 0x3fff {
			c.fail("opc value %d too big; max value = 16383", v)
		}
		// OPC is bits 14-27 of the 32-bit label.
		b = c.ncmp(orPacket, start+mtp3Label, cbpf.SizeW, swap32(0x3fff<<14), uint16(code), reversed, swap32(v<<14))
	case MDPC, MHDPC:
		if v > 0x3fff {
			c.fail("dpc value %d too big; max value = 16383", v)
		}
		// DPC is bits 0-13 of the label, in its first two bytes.
		b = c.ncmp(orPacket, start+mtp3Label, cbpf.SizeW, swap32(0x3fff), uint16(code), reversed, swap32(v))
	case MSLS, MHSLS:
		if v > 0xf {
			c.fail("sls value %d too big; max value = 15", v)
		}
		// SLS is the high nibble of the label's last byte.
		b = c.ncmp(orPacket, start+mtp3SLS, cbpf.SizeB, 0xf0, uint16(code), reversed, v<<4)
	default:
		c.fail("unknown MTP3 field %d", field)
	}
	return b
}

package lower

import (
	"fmt"
	"testing"

	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// TestLinkSS7 checks the MTP2 and MTP3 generators against libpcap
// 1.10.3, which had them. Not "!=": 1.10.3 compiles it as "=", master
// negates it, as its apply tests on isup_load_generator.pcap check
// (TestMasterApply, TestMasterListings).
func TestLinkSS7(t *testing.T) {
	mtp2 := func(typ int) func(c *Compiler) ir.Cond {
		return func(c *Compiler) ir.Cond { return c.Mtp2Type(typ) }
	}
	mtp3 := func(field int, code int, reversed bool, vs ...uint32) func(c *Compiler) ir.Cond {
		return func(c *Compiler) ir.Cond {
			b := c.Mtp3Field(field, vs[0], code, reversed)
			for _, v := range vs[1:] {
				b = or(b, c.Mtp3Field(field, v, code, reversed))
			}
			return b
		}
	}
	prims := []struct {
		expr  string
		build func(c *Compiler) ir.Cond
	}{
		{"fisu", mtp2(MFISU)},
		{"lssu", mtp2(MLSSU)},
		{"msu", mtp2(MMSU)},
		{"hfisu", mtp2(MHFISU)},
		{"hlssu", mtp2(MHLSSU)},
		{"hmsu", mtp2(MHMSU)},
		{"sio 3", mtp3(MSIO, RelEQ, false, 3)},
		{"sio > 3", mtp3(MSIO, RelGT, false, 3)},
		{"sio >= 3", mtp3(MSIO, RelGE, false, 3)},
		{"sio <= 3", mtp3(MSIO, RelGT, true, 3)},
		{"sio < 3", mtp3(MSIO, RelGE, true, 3)},
		{"sio (1 or 2 or 255)", mtp3(MSIO, RelEQ, false, 1, 2, 255)},
		{"opc 0x3b35", mtp3(MOPC, RelEQ, false, 0x3b35)},
		{"opc > 2", mtp3(MOPC, RelGT, false, 2)},
		{"dpc 0x31d6", mtp3(MDPC, RelEQ, false, 0x31d6)},
		{"dpc < 2", mtp3(MDPC, RelGE, true, 2)},
		{"sls 3", mtp3(MSLS, RelEQ, false, 3)},
		{"sls (3 or 15)", mtp3(MSLS, RelEQ, false, 3, 15)},
		{"hsio 0x41", mtp3(MHSIO, RelEQ, false, 0x41)},
		{"hopc 0x3aba", mtp3(MHOPC, RelEQ, false, 0x3aba)},
		{"hdpc >= 0xab5", mtp3(MHDPC, RelGE, false, 0xab5)},
		{"hsls <= 8", mtp3(MHSLS, RelGT, true, 8)},
	}
	var cases []linkCase
	for _, dlt := range []string{"MTP2", "MTP2_WITH_PHDR", "ERF"} {
		for _, p := range prims {
			cases = append(cases, linkCase{dlt: dlt, expr: p.expr, build: p.build})
		}
	}
	// Values too big for their fields.
	for _, e := range []struct {
		field int
		v     uint32
	}{{MSIO, 256}, {MOPC, 16384}, {MDPC, 16384}, {MSLS, 16}, {MHSIO, 256}, {MHOPC, 16384}, {MHDPC, 16384}, {MHSLS, 16}} {
		cases = append(cases, linkCase{dlt: "MTP2", expr: fmt.Sprintf("%s %d", mtp3Keyword[e.field], e.v), build: mtp3(e.field, RelEQ, false, e.v)})
	}
	// Link types without SS7.
	for _, dlt := range []string{"EN10MB", "BACNET_MS_TP"} {
		for _, p := range []struct {
			expr  string
			build func(c *Compiler) ir.Cond
		}{
			{"fisu", mtp2(MFISU)}, {"lssu", mtp2(MLSSU)}, {"hmsu", mtp2(MHMSU)},
			{"sio 1", mtp3(MSIO, RelEQ, false, 1)}, {"hopc 1", mtp3(MHOPC, RelEQ, false, 1)},
			{"dpc > 1", mtp3(MDPC, RelGT, false, 1)}, {"hsls 1", mtp3(MHSLS, RelEQ, false, 1)},
		} {
			cases = append(cases, linkCase{dlt: dlt, expr: p.expr, build: p.build})
		}
	}
	checkLinkCases(t, "ss7.golden", cases)
}

// mtp3Keyword is each MTP3 field's keyword.
var mtp3Keyword = map[int]string{
	MSIO: "sio", MOPC: "opc", MDPC: "dpc", MSLS: "sls", MHSIO: "hsio", MHOPC: "hopc", MHDPC: "hdpc", MHSLS: "hsls",
}

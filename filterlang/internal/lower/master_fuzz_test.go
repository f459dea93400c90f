package lower

import (
	"fmt"
	"testing"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// masterEntryPoints are the generators that follow libpcap master, and
// the 1.10.3 ones the switch tags reach, chosen by number.
var masterEntryPoints = []func(c *Compiler, n int, v uint32, q Qual) ir.Cond{
	func(c *Compiler, n int, _ uint32, _ Qual) ir.Cond { return c.Mtp2Type(n) },
	func(c *Compiler, n int, v uint32, q Qual) ir.Cond {
		return c.Mtp3Field(n, v, int(q.Addr)<<4, q.Dir&1 == 1)
	},
	func(c *Compiler, _ int, v uint32, q Qual) ir.Cond { return c.Mac8code(fmt.Sprintf("$%x", v), q) },
	func(c *Compiler, n int, _ uint32, _ Qual) ir.Cond { return c.Inbound(n & 1) },
	func(c *Compiler, _ int, v uint32, q Qual) ir.Cond { return c.Vlan(v, q.Dir&1 == 1) },
	func(c *Compiler, _ int, _ uint32, q Qual) ir.Cond { return c.Broadcast(q.Proto) },
	func(c *Compiler, _ int, v uint32, _ Qual) ir.Cond { return c.linktypeCheck(v) },
	func(c *Compiler, _ int, _ uint32, _ Qual) ir.Cond { return c.Llc() },
	func(c *Compiler, _ int, v uint32, q Qual) ir.Cond { return c.P80211Type(v, uint32(q.Proto)) },
}

// FuzzMasterLowering calls two of masterEntryPoints in a row, as "A and
// B" would, with any numbers: each must give a program the kernel
// accepts, or one of libpcap's errors, and never panic.
func FuzzMasterLowering(f *testing.F) {
	f.Add(dltMTP2, uint8(0), uint8(1), MLSSU, uint32(3), uint8(1), uint8(0), uint8(0))
	f.Add(dltMTP2WithPHdr, uint8(1), uint8(1), MHDPC, uint32(0x3fff), uint8(2), uint8(0), uint8(1))
	f.Add(dltERF, uint8(1), uint8(0), MSLS, uint32(16), uint8(1), uint8(0), uint8(1))
	f.Add(dltBACnetMSTP, uint8(2), uint8(5), 0, uint32(0xa7), uint8(QHost), uint8(QLink), uint8(QAnd))
	f.Add(dltDSATagBRCM, uint8(4), uint8(3), 1, uint32(8), uint8(0), uint8(0), uint8(1))
	f.Add(dltDSATagDSA, uint8(6), uint8(7), 0, uint32(0x806), uint8(0), uint8(0), uint8(0))
	f.Add(dltPPI, uint8(8), uint8(8), 0, uint32(0xd4), uint8(0), uint8(0xfc), uint8(0))
	f.Fuzz(func(t *testing.T, dlt int, first, second uint8, n int, v uint32, addr, proto, dir uint8) {
		c, err := New(Config{DLT: dlt, SnapLen: oracleSnapLen, Netmask: NetmaskUnknown, File: true})
		if err != nil {
			linkCheckError(t, err)
			return
		}
		q := Qual{Addr: addr, Proto: proto, Dir: dir}
		var prog cbpf.Program
		err = c.Run(func() {
			a := masterEntryPoints[int(first)%len(masterEntryPoints)](c, n, v, q)
			b := masterEntryPoints[int(second)%len(masterEntryPoints)](c, n, v, q)
			prog = ir.Emit(ir.Build(c.Finish(and(a, b)), oracleSnapLen, 0))
		})
		if err != nil {
			linkCheckError(t, err)
			return
		}
		if err := prog.Validate(cbpf.Linux); err != nil {
			t.Fatalf("invalid program: %v\n%v", err, prog)
		}
	})
}

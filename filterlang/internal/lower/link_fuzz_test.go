package lower

import (
	"errors"
	"testing"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// linkEntryPoints are the link-layer generators, chosen by number.
var linkEntryPoints = []func(c *Compiler, v uint32, q uint8) ir.Cond{
	func(c *Compiler, v uint32, _ uint8) ir.Cond { return c.linktypeCheck(v) },
	func(c *Compiler, _ uint32, q uint8) ir.Cond { return c.Broadcast(q) },
	func(c *Compiler, _ uint32, q uint8) ir.Cond { return c.Multicast(q) },
	func(c *Compiler, _ uint32, q uint8) ir.Cond { return c.ehostop(linkTestMAC, q) },
	func(c *Compiler, _ uint32, q uint8) ir.Cond { return c.fhostop(linkTestMAC, q) },
	func(c *Compiler, _ uint32, q uint8) ir.Cond { return c.thostop(linkTestMAC, q) },
	func(c *Compiler, _ uint32, q uint8) ir.Cond { return c.wlanhostop(linkTestMAC, q) },
	func(c *Compiler, _ uint32, q uint8) ir.Cond { return c.ipfchostop(linkTestMAC, q) },
	func(c *Compiler, v uint32, q uint8) ir.Cond { return c.ahostop([]byte{byte(v)}, q) },
	func(c *Compiler, _ uint32, q uint8) ir.Cond { return c.Inbound(int(q & 1)) },
	func(c *Compiler, v uint32, _ uint8) ir.Cond { return c.Ifindex(v) },
	func(c *Compiler, _ uint32, _ uint8) ir.Cond { return c.Llc() },
	func(c *Compiler, _ uint32, _ uint8) ir.Cond { return c.LlcI() },
	func(c *Compiler, _ uint32, _ uint8) ir.Cond { return c.LlcS() },
	func(c *Compiler, _ uint32, _ uint8) ir.Cond { return c.LlcU() },
	func(c *Compiler, v uint32, _ uint8) ir.Cond { return c.LlcSSubtype(v) },
	func(c *Compiler, v uint32, _ uint8) ir.Cond { return c.LlcUSubtype(v) },
	func(c *Compiler, v uint32, q uint8) ir.Cond { return c.P80211Type(v, uint32(q)) },
	func(c *Compiler, v uint32, _ uint8) ir.Cond { return c.P80211Fcdir(v) },
}

// FuzzLinkLowering calls two link-layer generators in a row on any link
// type, as "A and B" would: each must return a condition whose program
// the kernel accepts, or one of libpcap's errors, and never panic.
func FuzzLinkLowering(f *testing.F) {
	f.Add(1, uint8(0), uint8(1), uint32(0x800), uint8(0), false, false)
	f.Add(127, uint8(0), uint8(6), uint32(0x86dd), uint8(QSrc), false, false)
	f.Add(119, uint8(3), uint8(1), uint32(0xfe), uint8(QTA), true, false)
	f.Add(192, uint8(2), uint8(0), uint32(100), uint8(QIPv6), false, false)
	f.Add(0, uint8(0), uint8(0), uint32(0x86dd), uint8(0), true, true)
	f.Add(117, uint8(9), uint8(10), uint32(3), uint8(1), false, false)
	f.Fuzz(func(t *testing.T, dlt int, first, second uint8, v uint32, q uint8, file, swapped bool) {
		c, err := New(Config{DLT: dlt, SnapLen: oracleSnapLen, Netmask: 0xffffff00, File: file, Swapped: swapped})
		if err != nil {
			linkCheckError(t, err)
			return
		}
		var prog cbpf.Program
		err = c.Run(func() {
			a := linkEntryPoints[int(first)%len(linkEntryPoints)](c, v, q)
			b := linkEntryPoints[int(second)%len(linkEntryPoints)](c, v, q)
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

func linkCheckError(t *testing.T, err error) {
	t.Helper()
	var ce *Error
	if !errors.As(err, &ce) || ce.Msg == "" {
		t.Fatalf("error %v (%T) is not a compile error with a message", err, err)
	}
}

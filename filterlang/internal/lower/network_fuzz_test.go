package lower

import (
	"errors"
	"testing"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
	"github.com/gotcpdump/gotcpdump/internal/netdb/netdbtest"
)

// FuzzNetworkCodes feeds arbitrary values and qualifiers to the entry
// points that read addresses, numbers and names: each must compile to a
// valid program or fail with an *Error, never panic.
func FuzzNetworkCodes(f *testing.F) {
	f.Add(uint8(0), "10.1.2.3", uint32(0), "", uint8(QHost), uint8(QDefault), uint8(QDefault), uint8(0))
	f.Add(uint8(0), "", uint32(80), "", uint8(QPort), uint8(QTCP), uint8(QSrc), uint8(1))
	f.Add(uint8(1), "eth-ipv4-ipv6.host123.libpcap.test", uint32(0), "", uint8(QHost), uint8(QDefault), uint8(QDefault), uint8(0))
	f.Add(uint8(1), "1-1023", uint32(0), "", uint8(QPortrange), uint8(QUDP), uint8(QAnd), uint8(0))
	f.Add(uint8(1), "eth-ipv4-ipv6.host123.libpcap.test", uint32(0), "", uint8(QGateway), uint8(QIP), uint8(QDefault), uint8(0))
	f.Add(uint8(2), "10.0.0.0", uint32(8), "255.0.0.0", uint8(QNet), uint8(QDefault), uint8(QDst), uint8(2))
	f.Add(uint8(3), "fe80::", uint32(10), "", uint8(QNet), uint8(QIPv6), uint8(QDefault), uint8(0))
	f.Add(uint8(4), "00:11:22:33:44:55", uint32(0), "", uint8(QHost), uint8(QLink), uint8(QDefault), uint8(3))
	f.Add(uint8(5), "$c0", uint32(0), "", uint8(QHost), uint8(QLink), uint8(QDst), uint8(4))
	f.Add(uint8(0), "1.1", uint32(0), "", uint8(QHost), uint8(QDecnet), uint8(QOr), uint8(0))
	f.Add(uint8(6), "", uint32(6), "", uint8(QProtochain), uint8(QDefault), uint8(QDefault), uint8(0))
	f.Add(uint8(7), "", uint32(0), "", uint8(0), uint8(QISISL1), uint8(0), uint8(5))
	dlts := []int{dltEN10MB, dltRaw, dltFDDI, dltIEEE80211Radio, dltArcnet, dltLinuxSLL}
	f.Fuzz(func(t *testing.T, entry uint8, s string, v uint32, s2 string, addr, proto, dir, dltIndex uint8) {
		dlt := dlts[int(dltIndex)%len(dlts)]
		c, err := New(Config{DLT: dlt, SnapLen: 262144, Netmask: NetmaskUnknown, Names: netdbtest.DB()})
		if err != nil {
			t.Fatal(err)
		}
		q := Qual{Addr: addr, Proto: proto, Dir: dir}
		var cond ir.Cond
		err = c.Run(func() {
			switch entry % 8 {
			case 0:
				cond = c.Ncode(s, v, q)
			case 1:
				cond = c.Scode(s, q)
			case 2:
				cond = c.Mcode(s, s2, v, q)
			case 3:
				cond = c.Mcode6(s, s2, v, q)
			case 4:
				cond = c.Ecode(s, q)
			case 5:
				cond = c.Acode(s, q)
			case 6:
				cond = c.Protochain(v, proto)
			case 7:
				cond = c.ProtoAbbrev(proto)
			}
			cond = c.Finish(cond)
		})
		var ce *Error
		if errors.As(err, &ce) {
			return
		}
		if err != nil {
			t.Fatalf("error of type %T: %v", err, err)
		}
		prog := ir.Emit(ir.Build(cond, 262144, 0))
		if err := prog.Validate(cbpf.Libpcap); err != nil {
			t.Fatalf("invalid program: %v\n%v", err, prog)
		}
	})
}

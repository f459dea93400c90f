package lower_test

import (
	"fmt"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/lower"
	"github.com/gotcpdump/gotcpdump/internal/netdb/netdbtest"
)

// The call libpcap's grammar makes for "tcp dst port 80" on raw IP: the
// port is tested over IPv4 (not a later fragment, after the variable
// header) and over IPv6.
func ExampleCompiler_Ncode() {
	c, err := lower.New(lower.Config{DLT: 12, SnapLen: 262144, Netmask: lower.NetmaskUnknown})
	if err != nil {
		panic(err)
	}
	var cond ir.Cond
	err = c.Run(func() {
		cond = c.Finish(c.Ncode("", 80, lower.Qual{Addr: lower.QPort, Proto: lower.QTCP, Dir: lower.QDst}))
	})
	if err != nil {
		panic(err)
	}
	fmt.Print(ir.Emit(ir.Build(cond, 262144, 0)).Format(cbpf.Text))
	// Output:
	// (000) ldb      [0]
	// (001) and      #0xf0
	// (002) jeq      #0x60            jt 3	jf 7
	// (003) ldb      [6]
	// (004) jeq      #0x6             jt 5	jf 7
	// (005) ldh      [42]
	// (006) jeq      #0x50            jt 17	jf 7
	// (007) ldb      [0]
	// (008) and      #0xf0
	// (009) jeq      #0x40            jt 10	jf 18
	// (010) ldb      [9]
	// (011) jeq      #0x6             jt 12	jf 18
	// (012) ldh      [6]
	// (013) jset     #0x1fff          jt 18	jf 14
	// (014) ldxb     4*([0]&0xf)
	// (015) ldh      [x + 2]
	// (016) jeq      #0x50            jt 17	jf 18
	// (017) ret      #262144
	// (018) ret      #0
}

// A host name stands for all its addresses; Config.Names chooses where
// names are looked up (here libpcap's test fixtures), and errors are
// libpcap's.
func ExampleCompiler_Scode() {
	c, err := lower.New(lower.Config{DLT: 12, SnapLen: 262144, Netmask: lower.NetmaskUnknown, Names: netdbtest.DB()})
	if err != nil {
		panic(err)
	}
	var cond ir.Cond
	host := lower.Qual{Addr: lower.QHost, Proto: lower.QDefault, Dir: lower.QSrc}
	err = c.Run(func() { cond = c.Finish(c.Scode("eth-ipv4-ipv6.host123.libpcap.test", host)) })
	if err != nil {
		panic(err)
	}
	fmt.Println(len(ir.Emit(ir.Build(cond, 262144, 0))), "instructions")
	err = c.Run(func() { c.Scode("no-such-host.libpcap.test", host) })
	fmt.Println(err)
	// Output:
	// 18 instructions
	// unknown host 'no-such-host.libpcap.test'
}

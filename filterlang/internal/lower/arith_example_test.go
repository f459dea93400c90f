package lower_test

import (
	"fmt"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/lower"
)

// The calls libpcap's grammar makes for "ip[2:2] > 576" on Ethernet: the
// accessor loads through the index's register and brings the IPv4 check
// with it.
func ExampleCompiler_Relation() {
	c, err := lower.New(lower.Config{DLT: 1, SnapLen: 262144, Netmask: lower.NetmaskUnknown})
	if err != nil {
		panic(err)
	}
	var cond ir.Cond
	err = c.Run(func() {
		totalLen := c.Load(lower.QIP, c.Loadi(2), 2)
		cond = c.Finish(c.Relation(lower.RelGT, totalLen, c.Loadi(576), false))
	})
	if err != nil {
		panic(err)
	}
	fmt.Print(ir.Emit(ir.Build(cond, 262144, 0)).Format(cbpf.Text))
	// Output:
	// (000) ldh      [12]
	// (001) jeq      #0x800           jt 2	jf 13
	// (002) ld       #0x2
	// (003) st       M[0]
	// (004) ldx      M[0]
	// (005) ldh      [x + 14]
	// (006) st       M[1]
	// (007) ld       #0x240
	// (008) st       M[2]
	// (009) ldx      M[2]
	// (010) ld       M[1]
	// (011) jgt      x                jt 12	jf 13
	// (012) ret      #262144
	// (013) ret      #0
}

// Arithmetic errors are libpcap's, and come back from Run.
func ExampleCompiler_Arith() {
	c, err := lower.New(lower.Config{DLT: 1, SnapLen: 262144, Netmask: lower.NetmaskUnknown})
	if err != nil {
		panic(err)
	}
	err = c.Run(func() { c.Arith(lower.OpDiv, c.Loadlen(), c.Loadi(0)) })
	fmt.Println(err)
	// Output:
	// division by zero
}

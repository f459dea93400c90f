package lower_test

import (
	"fmt"
	"strings"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/lower"
)

// "dpc != 2" on MTP2: the destination point code is the low 14 bits of
// the little-endian routing label, compared under a byte-swapped mask,
// and the comparison negated as libpcap master does.
func ExampleCompiler_Mtp3Field() {
	const dltMTP2 = 140
	c, err := lower.New(lower.Config{DLT: dltMTP2, SnapLen: 262144, Netmask: lower.NetmaskUnknown})
	if err != nil {
		fmt.Println(err)
		return
	}
	var cond ir.Cond
	if err := c.Run(func() { cond = c.Finish(c.Mtp3Field(lower.MDPC, 2, lower.RelEQ, true)) }); err != nil {
		fmt.Println(err)
		return
	}
	listing := ir.Emit(ir.Build(cond, 262144, 0)).Format(cbpf.Text)
	for _, line := range strings.Split(strings.TrimSpace(listing), "\n") {
		fmt.Println(strings.TrimRight(line, " "))
	}
	// Output:
	// (000) ld       [4]
	// (001) and      #0xff3f0000
	// (002) jeq      #0x2000000       jt 3	jf 4
	// (003) ret      #0
	// (004) ret      #262144
}

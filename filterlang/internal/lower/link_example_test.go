package lower_test

import (
	"fmt"
	"strings"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/lower"
)

// "ether multicast" on 802.11 with a radiotap header: the address tests
// read the 802.11 header after the radiotap header, whose length Finish
// loads into a register first.
func ExampleCompiler_Multicast() {
	const dltIEEE80211Radio = 127
	c, err := lower.New(lower.Config{DLT: dltIEEE80211Radio, SnapLen: 262144, Netmask: lower.NetmaskUnknown})
	if err != nil {
		fmt.Println(err)
		return
	}
	var cond ir.Cond
	if err := c.Run(func() { cond = c.Finish(c.Multicast(lower.QLink)) }); err != nil {
		fmt.Println(err)
		return
	}
	listing := ir.Emit(ir.Build(cond, 262144, 0)).Format(cbpf.Text)
	for _, line := range strings.Split(strings.TrimSpace(listing), "\n") {
		fmt.Println(strings.TrimRight(line, " "))
	}
	// Output:
	// (000) ldb      [3]
	// (001) lsh      #8
	// (002) tax
	// (003) ldb      [2]
	// (004) or       x
	// (005) st       M[0]
	// (006) tax
	// (007) ldx      M[0]
	// (008) ldb      [x + 0]
	// (009) jset     #0x4             jt 32	jf 10
	// (010) ldx      M[0]
	// (011) ldb      [x + 0]
	// (012) jset     #0x8             jt 16	jf 13
	// (013) ldx      M[0]
	// (014) ldb      [x + 4]
	// (015) jset     #0x1             jt 31	jf 16
	// (016) ldx      M[0]
	// (017) ldb      [x + 0]
	// (018) jset     #0x8             jt 19	jf 32
	// (019) ldx      M[0]
	// (020) ldb      [x + 1]
	// (021) jset     #0x1             jt 25	jf 22
	// (022) ldx      M[0]
	// (023) ldb      [x + 4]
	// (024) jset     #0x1             jt 31	jf 25
	// (025) ldx      M[0]
	// (026) ldb      [x + 1]
	// (027) jset     #0x1             jt 28	jf 32
	// (028) ldx      M[0]
	// (029) ldb      [x + 16]
	// (030) jset     #0x1             jt 31	jf 32
	// (031) ret      #262144
	// (032) ret      #0
}

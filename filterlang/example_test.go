package filterlang_test

import (
	"fmt"

	"github.com/gopacket/gopacket/layers"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang"
)

// Compile an expression for Ethernet capture files, without the
// optimiser: the program is libpcap's, instruction for instruction.
func ExampleCompile() {
	prog, err := filterlang.Compile("ip src host 10.0.0.1", filterlang.Options{
		LinkType:   layers.LinkTypeEthernet,
		NoOptimize: true,
	})
	if err != nil {
		panic(err)
	}
	fmt.Print(prog.Format(cbpf.Text))
	// Output:
	// (000) ldh      [12]
	// (001) jeq      #0x800           jt 2	jf 5
	// (002) ld       [26]
	// (003) jeq      #0xa000001       jt 4	jf 5
	// (004) ret      #262144
	// (005) ret      #0
}

// Errors name the column and point at the offending token.
func ExampleError() {
	_, err := filterlang.Compile("tcp prt 80", filterlang.Options{LinkType: layers.LinkTypeEthernet})
	fmt.Println(err)
	// Output:
	// syntax error at column 5
	//   tcp prt 80
	//       ^
}

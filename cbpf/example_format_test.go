package cbpf_test

import (
	"fmt"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"golang.org/x/net/bpf"
)

func ExampleProgram_Format() {
	// tcpdump -y EN10MB ip
	p, err := cbpf.Assemble([]bpf.Instruction{
		bpf.LoadAbsolute{Off: 12, Size: 2},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0x800, SkipFalse: 1},
		bpf.RetConstant{Val: 262144},
		bpf.RetConstant{Val: 0},
	})
	if err != nil {
		panic(err)
	}
	fmt.Print(p.Format(cbpf.Text))
	fmt.Print(p.Format(cbpf.CArray))
	fmt.Print(p.Format(cbpf.Decimal))
	// Output:
	// (000) ldh      [12]
	// (001) jeq      #0x800           jt 2	jf 3
	// (002) ret      #262144
	// (003) ret      #0
	// { 0x28, 0, 0, 0x0000000c },
	// { 0x15, 0, 1, 0x00000800 },
	// { 0x6, 0, 0, 0x00040000 },
	// { 0x6, 0, 0, 0x00000000 },
	// 4
	// 40 0 0 12
	// 21 0 1 2048
	// 6 0 0 262144
	// 6 0 0 0
}

func ExampleParse() {
	p, err := cbpf.Parse(`
# IPv4 over Ethernet, as tcpdump -d prints it
(000) ldh      [12]
(001) jeq      #0x800           jt 2	jf 3
(002) ret      #262144
(003) ret      #0
`)
	if err != nil {
		panic(err)
	}
	fmt.Print(p.Format(cbpf.Decimal))

	_, err = cbpf.Parse("ldh [12]\nldw [14]\n")
	fmt.Println(err)
	// Output:
	// 4
	// 40 0 0 12
	// 21 0 1 2048
	// 6 0 0 262144
	// 6 0 0 0
	// line 2: unknown mnemonic "ldw"
}

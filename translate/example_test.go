package translate_test

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf/asm"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/translate"
)

// Translate tcpdump -ddd 'ip' for XDP: frames that are not IPv4 are
// dropped.
func ExampleProgram() {
	prog, err := cbpf.Parse("4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n")
	if err != nil {
		panic(err)
	}
	insns, err := translate.Program(prog, translate.Options{Target: translate.XDP, Semantics: cbpf.Libpcap})
	if err != nil {
		panic(err)
	}
	printListing(insns)
	// Output:
	// cbpf:
	// 	 0: MovReg dst: r6 src: r1
	// 	 1: LdXMemW dst: r8 src: r6 off: 0 imm: 0
	// 	 2: LdXMemW dst: r9 src: r6 off: 4 imm: 0
	// 	 3: MovReg dst: r2 src: r8
	// 	 4: AddImm dst: r2 imm: 14
	// 	 5: JGTReg dst: r2 off: -1 src: r9 <cbpf.fail>
	// 	 6: LdXMemH dst: r0 src: r8 off: 12 imm: 0
	// 	 7: SwapBE dst: r0
	// 	 8: JNE32Imm dst: r0 off: -1 imm: 2048 <cbpf.L3>
	// 	 9: MovImm32 dst: r0 imm: 2
	// 	10: Exit
	// cbpf.L3:
	// 	11: MovImm32 dst: r0 imm: 1
	// 	12: Exit
	// cbpf.fail:
	// 	13: MovImm32 dst: r0 imm: 1
	// 	14: Exit
}

// A Function is called from another program like any subprogram; its
// symbol is the prefix.
func ExampleProgram_function() {
	prog, err := cbpf.Parse("2\n40 0 0 12\n22 0 0 0\n")
	if err != nil {
		panic(err)
	}
	fn, err := translate.Program(prog, translate.Options{Target: translate.Function, Prefix: "ethertype"})
	if err != nil {
		panic(err)
	}
	caller := asm.Instructions{
		// ... r1, r2 and r3 set as the convention asks ...
		asm.Call.Label("ethertype"),
		asm.Return(),
	}
	printListing(append(caller, fn...))
	// Output:
	// 0: Call -1 <ethertype>
	// 	 1: Exit
	// ethertype:
	// 	 2: MovReg dst: r5 src: r1
	// 	 3: AddImm dst: r5 imm: 14
	// 	 4: JGTReg dst: r5 off: -1 src: r2 <ethertype.fail>
	// 	 5: LdXMemH dst: r0 src: r1 off: 12 imm: 0
	// 	 6: SwapBE dst: r0
	// 	 7: Exit
	// ethertype.fail:
	// 	 8: MovImm32 dst: r0 imm: 0
	// 	 9: Exit
}

// printListing prints a listing without the trailing blanks some
// instructions format with.
func printListing(insns asm.Instructions) {
	for _, line := range strings.Split(strings.TrimRight(fmt.Sprint(insns), "\n"), "\n") {
		fmt.Println(strings.TrimRight(line, " "))
	}
}

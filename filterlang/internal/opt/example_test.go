package opt_test

import (
	"fmt"

	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/opt"
)

// The test "EtherType is IPv4" made twice, as "ip and ip" lowers: the
// optimiser finds the second load redundant and the second test decided.
func ExampleOptimize() {
	isIPv4 := func() *ir.Test {
		return &ir.Test{
			Stmts: []bpf.RawInstruction{{Op: 0x28, K: 12}}, // ldh [12]
			Jump:  bpf.RawInstruction{Op: 0x15, K: 0x800},  // jeq #0x800
		}
	}
	entry := ir.Build(&ir.And{X: isIPv4(), Y: isIPv4()}, 262144, 0)
	fmt.Println(ir.Emit(entry))
	optimised, err := opt.Optimize(entry)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ir.Emit(optimised))
	// Output:
	// (000) ldh      [12]
	// (001) jeq      #0x800           jt 2	jf 5
	// (002) ldh      [12]
	// (003) jeq      #0x800           jt 4	jf 5
	// (004) ret      #262144
	// (005) ret      #0
	//
	// (000) ldh      [12]
	// (001) jeq      #0x800           jt 2	jf 3
	// (002) ret      #262144
	// (003) ret      #0
}

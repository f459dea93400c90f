package cbpf_test

import (
	"fmt"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// A program from tcpdump -ddd 'ip and udp' runs over a packet with
// libpcap's semantics.
func ExampleNewVM() {
	prog, err := cbpf.Parse(`6
40 0 0 12
21 0 3 2048
48 0 0 23
21 0 1 17
6 0 0 262144
6 0 0 0
`)
	if err != nil {
		panic(err)
	}
	vm, err := cbpf.NewVM(prog, cbpf.Libpcap)
	if err != nil {
		panic(err)
	}
	// An Ethernet header with type IPv4, then an IPv4 header for UDP.
	pkt := make([]byte, 42)
	pkt[12], pkt[13] = 0x08, 0x00
	pkt[14] = 0x45
	pkt[23] = 17
	fmt.Println(vm.Run(pkt, len(pkt)))
	pkt[23] = 6 // TCP
	fmt.Println(vm.Run(pkt, len(pkt)))
	// Output:
	// 262144
	// 0
}

// Validate reports the first instruction the kernel would refuse.
func ExampleProgram_Validate() {
	prog, err := cbpf.Parse(`ld M[3]
ret`)
	if err != nil {
		panic(err)
	}
	fmt.Println(prog.Validate(cbpf.Libpcap))
	fmt.Println(prog.Validate(cbpf.Linux))
	// Output:
	// <nil>
	// invalid linux program: instruction 0 {code 0x60, jt 0, jf 0, k 0x3}: scratch memory read before it is written on every path
}

// RunMetadata runs a program as a Linux socket filter: here "vlan 100" as
// libpcap compiles it for a live capture, reading the tag the kernel
// stripped from the frame.
func ExampleVM_RunMetadata() {
	prog, err := cbpf.Parse(`ldb [vlanp]
jeq #0x1 jt 2 jf 5
ldh [vlan_tci]
and #0xfff
jeq #0x64 jt 6 jf 5
ret #0
ret #262144`)
	if err != nil {
		panic(err)
	}
	vm, err := cbpf.NewVM(prog, cbpf.Linux)
	if err != nil {
		panic(err)
	}
	frame := make([]byte, 60)
	fmt.Println(vm.RunMetadata(frame, len(frame), &cbpf.Metadata{VLANPresent: true, VLANTCI: 0x2064}))
	fmt.Println(vm.RunMetadata(frame, len(frame), &cbpf.Metadata{}))
	// Output:
	// 262144
	// 0
}

package ebpf_test

import (
	"encoding/binary"
	"fmt"
	"log"

	cebpf "github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/gotcpdump/gotcpdump/ebpf"
)

// Assemble a program in the conformance suite's syntax and run it on a
// memory buffer: r1 points at it, r2 holds its length.
func ExampleAssemble() {
	insns, err := ebpf.Assemble(`
		ldxh %r0, [%r1+2]   # a little-endian half-word
		be16 %r0            # to big-endian
		add %r0, %r2        # plus the buffer's length
		exit
	`)
	if err != nil {
		log.Fatal(err)
	}
	vm, err := ebpf.NewVM(insns, nil)
	if err != nil {
		log.Fatal(err)
	}
	r0, err := vm.Run([]byte{0, 0, 0x12, 0x34})
	fmt.Printf("%#x %v\n", r0, err)
	// Output: 0x1238 <nil>
}

// Build a program with cilium/ebpf's asm package and run it as a packet
// function: r1 and r2 bound the packet, r3 is its length on the wire.
func ExampleVM_RunPacket() {
	insns := asm.Instructions{
		// Accept IPv4 packets (EtherType 0x0800 at offset 12), as many
		// bytes as were on the wire.
		asm.Mov.Reg(asm.R4, asm.R1),
		asm.Add.Imm(asm.R4, 14),
		asm.JGT.Reg(asm.R4, asm.R2, "drop"),
		asm.LoadMem(asm.R4, asm.R1, 12, asm.Half),
		asm.HostTo(asm.BE, asm.R4, asm.Half),
		asm.JNE.Imm(asm.R4, 0x0800, "drop"),
		asm.Mov.Reg(asm.R0, asm.R3),
		asm.Return(),
		asm.Mov.Imm(asm.R0, 0).WithSymbol("drop"),
		asm.Return(),
	}
	vm, err := ebpf.NewVM(insns, nil)
	if err != nil {
		log.Fatal(err)
	}
	ipv4 := make([]byte, 34)
	ipv4[12] = 0x08
	arp := make([]byte, 42)
	arp[12], arp[13] = 0x08, 0x06
	for _, p := range [][]byte{ipv4, arp} {
		r0, err := vm.RunPacket(p, 1500)
		fmt.Println(r0, err)
	}
	// Output:
	// 1500 <nil>
	// 0 <nil>
}

// A program counts into a map; Go code reads it after the runs.
func ExampleMap() {
	counts, err := ebpf.NewMap(&cebpf.MapSpec{Type: cebpf.Array, KeySize: 4, ValueSize: 8, MaxEntries: 2})
	if err != nil {
		log.Fatal(err)
	}
	// Count packets shorter than 64 bytes under key 0, others under 1.
	vm, err := ebpf.NewVM(mustAssemble(`
		mov %r6, 0
		jlt %r2, 64, +1
		mov %r6, 1
		stxw [%r10-4], %r6
		lddw %r1, map:counts
		mov %r2, %r10
		add %r2, -4
		call 1                 # map_lookup_elem
		jeq %r0, 0, +2
		mov %r1, 1
		lock add [%r0], %r1
		mov %r0, 0
		exit
	`), &ebpf.Options{Maps: map[string]*ebpf.Map{"counts": counts}})
	if err != nil {
		log.Fatal(err)
	}
	for _, size := range []int{60, 1514, 60, 60} {
		if _, err := vm.Run(make([]byte, size)); err != nil {
			log.Fatal(err)
		}
	}
	for key, value := range counts.All() {
		fmt.Println(binary.LittleEndian.Uint32(key), binary.LittleEndian.Uint64(value))
	}
	// Output:
	// 0 3
	// 1 1
}

// Load a clang-built object and run its socket filter on a packet.
func ExampleLoadCollection() {
	spec, err := cebpf.LoadCollectionSpec("testdata/count.o")
	if err != nil {
		log.Fatal(err)
	}
	coll, err := ebpf.LoadCollection(spec, nil)
	if err != nil {
		log.Fatal(err)
	}
	udp := make([]byte, 42) // Ethernet, IPv4, UDP
	udp[12], udp[14], udp[23] = 0x08, 0x45, 17
	for range 3 {
		if _, err := coll.Programs["count_protocols"].RunSKB(udp, &ebpf.SKBMeta{NetworkOffset: 14}); err != nil {
			log.Fatal(err)
		}
	}
	count, err := coll.Maps["protocols"].Lookup(binary.LittleEndian.AppendUint32(nil, 17))
	fmt.Println(binary.LittleEndian.Uint64(count), err)
	// Output: 3 <nil>
}

func ExampleDisassemble() {
	text, err := ebpf.Disassemble(asm.Instructions{
		asm.LoadAbs(12, asm.Half),
		asm.Mov.Imm32(asm.R1, -1),
		asm.StoreMem(asm.R10, -8, asm.R1, asm.DWord),
		asm.HostTo(asm.BE, asm.R0, asm.Half),
		asm.Return(),
	})
	fmt.Print(text, err)
	// Output:
	// ldabsh 12
	// mov32 %r1, -1
	// stxdw [%r10-8], %r1
	// be16 %r0
	// exit
	// <nil>
}

func mustAssemble(src string) asm.Instructions {
	insns, err := ebpf.Assemble(src)
	if err != nil {
		log.Fatal(err)
	}
	return insns
}

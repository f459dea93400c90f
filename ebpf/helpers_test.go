package ebpf

import (
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/cilium/ebpf/asm"

	"github.com/gotcpdump/gotcpdump/capture"
)

// pcapDir holds the module's generated test captures.
var pcapDir = filepath.Join("..", "testdata", "pcaps")

// testPacket is a captured packet and its length on the wire.
type testPacket struct {
	data    []byte
	wireLen uint32
}

// readPackets returns every packet of a capture.
func readPackets(tb testing.TB, path string) []testPacket {
	tb.Helper()
	r, err := capture.OpenFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	var pkts []testPacket
	for {
		data, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return pkts
		}
		if err != nil {
			tb.Fatal(err)
		}
		pkts = append(pkts, testPacket{data, uint32(ci.Length)})
	}
}

// mustAssemble assembles src or fails the test.
func mustAssemble(tb testing.TB, src string) asm.Instructions {
	tb.Helper()
	insns, err := Assemble(src)
	if err != nil {
		tb.Fatal(err)
	}
	return insns
}

// mustVM assembles and checks src or fails the test.
func mustVM(tb testing.TB, src string, opts *Options) *VM {
	tb.Helper()
	vm, err := NewVM(mustAssemble(tb, src), opts)
	if err != nil {
		tb.Fatal(err)
	}
	return vm
}

// tcpPort80 is "tcp port 80" as a translator would emit it from the
// classic program tcpdump compiles: legacy packet loads, X in r7. r6
// holds the context, as the kernel requires of programs using them.
const tcpPort80 = `
	mov %r6, %r1
	ldabsh 12
	jeq %r0, 0x86dd, ip6
	jne %r0, 0x800, drop
	ldabsb 23
	jne %r0, 6, drop
	ldabsh 20
	jset %r0, 0x1fff, drop
	ldabsb 14
	and %r0, 0xf
	lsh %r0, 2
	mov %r7, %r0
	ldindh %r7, 14
	jeq %r0, 0x50, accept
	ldindh %r7, 16
	jeq %r0, 0x50, accept
	ja drop
ip6:
	ldabsb 20
	jne %r0, 6, drop
	ldabsh 54
	jeq %r0, 0x50, accept
	ldabsh 56
	jeq %r0, 0x50, accept
drop:
	mov %r0, 0
	exit
accept:
	mov %r0, 262144
	exit
`

// tcpPort80Direct is the same filter as a packet function with direct
// packet access: r1 = start, r2 = end, every load bounds-checked first.
const tcpPort80Direct = `
	mov %r4, %r1
	add %r4, 14
	jgt %r4, %r2, drop
	ldxh %r3, [%r1+12]
	jeq %r3, 0xdd86, ip6
	jne %r3, 0x8, drop
	mov %r4, %r1
	add %r4, 34
	jgt %r4, %r2, drop
	ldxb %r3, [%r1+23]
	jne %r3, 6, drop
	ldxh %r3, [%r1+20]
	jset %r3, 0xff1f, drop
	ldxb %r5, [%r1+14]
	and %r5, 0xf
	lsh %r5, 2
	add %r5, %r1
	mov %r4, %r5
	add %r4, 18
	jgt %r4, %r2, drop
	ldxh %r3, [%r5+14]
	jeq %r3, 0x5000, accept
	ldxh %r3, [%r5+16]
	jeq %r3, 0x5000, accept
	ja drop
ip6:
	mov %r4, %r1
	add %r4, 58
	jgt %r4, %r2, drop
	ldxb %r3, [%r1+20]
	jne %r3, 6, drop
	ldxh %r3, [%r1+54]
	jeq %r3, 0x5000, accept
	ldxh %r3, [%r1+56]
	jeq %r3, 0x5000, accept
drop:
	mov %r0, 0
	exit
accept:
	mov %r0, 262144
	exit
`

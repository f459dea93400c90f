package ebpf

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ipv4TCP is an Ethernet IPv4 TCP SYN from 10.0.0.1:1234 to 10.0.0.2:80.
var ipv4TCP = []byte{
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00, // Ethernet
	0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, // IPv4
	0x04, 0xd2, 0, 80, 0, 0, 0, 0, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0, // TCP
}

func TestContexts(t *testing.T) {
	meta := &SKBMeta{
		WireLen: 1514, PktType: 3, Mark: 7, Protocol: 0x0800, VLANPresent: true, VLANTCI: 100,
		VLANProto: 0x8100, Priority: 5, IngressIfindex: 2, Ifindex: 3, Hash: 0xabcd, NetworkOffset: 14,
	}
	tests := []struct {
		name string
		src  string
		run  func(vm *VM) (uint64, error)
		want uint64
	}{
		{"skb len", "ldxw %r0, [%r1+0]\nexit", skb(meta), 1514},
		{"skb pkt_type", "ldxw %r0, [%r1+4]\nexit", skb(meta), 3},
		{"skb mark", "ldxw %r0, [%r1+8]\nexit", skb(meta), 7},
		{"skb protocol is big-endian", "ldxw %r0, [%r1+16]\nexit", skb(meta), 0x0008},
		{"skb vlan_present", "ldxw %r0, [%r1+20]\nexit", skb(meta), 1},
		{"skb vlan_tci", "ldxw %r0, [%r1+24]\nexit", skb(meta), 100},
		{"skb vlan_proto", "ldxw %r0, [%r1+28]\nexit", skb(meta), 0x0081},
		{"skb priority", "ldxw %r0, [%r1+32]\nexit", skb(meta), 5},
		{"skb ingress_ifindex", "ldxw %r0, [%r1+36]\nexit", skb(meta), 2},
		{"skb ifindex", "ldxw %r0, [%r1+40]\nexit", skb(meta), 3},
		{"skb hash", "ldxw %r0, [%r1+68]\nexit", skb(meta), 0xabcd},
		{"skb wire_len", "ldxw %r0, [%r1+160]\nexit", skb(meta), 1514},
		{"skb len defaults to the captured length", "ldxw %r0, [%r1+0]\nexit", skb(&SKBMeta{}), uint64(len(ipv4TCP))},
		{"skb cb is reset each run", "ldxw %r0, [%r1+48]\nstw [%r1+48], 9\nexit", skb(meta), 0},
		{"skb direct packet access", `
			ldxw %r2, [%r1+76]
			ldxw %r3, [%r1+80]
			mov %r4, %r2
			add %r4, 24
			jgt %r4, %r3, drop
			ldxb %r0, [%r2+23]
			exit
		drop:
			mov %r0, 0
			exit`, skb(meta), 6},
		{"skb data_end - data", "ldxw %r2, [%r1+76]\nldxw %r0, [%r1+80]\nsub %r0, %r2\nexit", skb(meta), uint64(len(ipv4TCP))},
		{"ld_abs half", "ldabsh 12\nexit", skb(meta), 0x0800},
		{"ld_abs word", "ldabsw 26\nexit", skb(meta), 0x0a000001},
		{"ld_ind", "mov %r7, 20\nldindh %r7, 16\nexit", skb(meta), 80},
		{"ld_abs out of bounds returns 0", "mov %r0, 5\nldabsb 54\nmov %r0, 1\nexit", skb(meta), 0},
		{"ld_abs link-layer offset", "ldabsb -0x1ffff4\nexit", skb(meta), 0x08},
		{"ld_abs network offset", "ldabsb -0x100000\nexit", skb(meta), 0x45},
		{"ld_abs network offset unknown", "ldabsb -0x100000\nmov %r0, 1\nexit", skb(&SKBMeta{NetworkOffset: -1}), 0},
		{"ld_ind negative sum", "mov %r7, -1\nldindb %r7, 0\nmov %r0, 1\nexit", skb(meta), 0},
		{"packet function bounds", "mov %r0, %r2\nsub %r0, %r1\nexit", packetFn(1500), uint64(len(ipv4TCP))},
		{"packet function wire length", "mov %r0, %r3\nexit", packetFn(1500), 1500},
		{"packet function load", "ldxh %r0, [%r1+36]\nbe16 %r0\nexit", packetFn(1500), 80},
		{"xdp data", "ldxw %r2, [%r1+0]\nldxb %r0, [%r2+14]\nexit", xdp(&XDPMeta{}), 0x45},
		{"xdp data_meta is data", "ldxw %r2, [%r1+0]\nldxw %r0, [%r1+8]\nsub %r0, %r2\nexit", xdp(&XDPMeta{}), 0},
		{"xdp ingress_ifindex", "ldxw %r0, [%r1+12]\nexit", xdp(&XDPMeta{IngressIfindex: 4}), 4},
		{"xdp rx_queue_index", "ldxw %r0, [%r1+16]\nexit", xdp(&XDPMeta{RxQueueIndex: 2}), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vm := mustVM(t, tt.src, nil)
			for range 2 { // the second run sees no trace of the first
				got, err := tt.run(vm)
				if err != nil {
					t.Fatal(err)
				}
				if got != tt.want {
					t.Fatalf("r0 = %#x, want %#x", got, tt.want)
				}
			}
		})
	}
}

func skb(meta *SKBMeta) func(*VM) (uint64, error) {
	return func(vm *VM) (uint64, error) { return vm.RunSKB(append([]byte(nil), ipv4TCP...), meta) }
}

func packetFn(wireLen uint32) func(*VM) (uint64, error) {
	return func(vm *VM) (uint64, error) { return vm.RunPacket(ipv4TCP, wireLen) }
}

func xdp(meta *XDPMeta) func(*VM) (uint64, error) {
	return func(vm *VM) (uint64, error) { return vm.RunXDP(ipv4TCP, meta) }
}

// TestStackIsolation checks that each run and each call frame starts
// with a zeroed stack, and that a callee reaches its caller's frame
// through a pointer.
func TestStackIsolation(t *testing.T) {
	vm := mustVM(t, `
		ldxdw %r0, [%r10-8]
		stdw [%r10-8], 0x55
		mov %r1, %r10
		call local f
		exit
	f:
		ldxdw %r2, [%r10-8]
		add %r0, %r2
		ldxdw %r2, [%r1-8]
		add %r0, %r2
		stdw [%r10-8], 0x77
		exit
	`, nil)
	for run := range 2 {
		got, err := vm.Run(nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(uint64(0x55), got); diff != "" {
			t.Fatalf("run %d: r0 (-want +got):\n%s", run, diff)
		}
	}
}

package afpacket_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/gotcpdump/gotcpdump/capture/afpacket"
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang"
)

// The race test's traffic: UDP datagrams to two ports, alternating.
const (
	portA = 1111
	portB = 2222
)

// blast sends UDP frames to portA and portB, alternately, from b until
// stop is closed or limit frames are sent. It returns when it has sent
// its first frames, so traffic is flowing before the caller goes on.
func (n *testNet) blast(t *testing.T, stop <-chan struct{}, limit int) {
	t.Helper()
	inj := n.injector(t)
	frame := func(port uint16) []byte {
		buf := gopacket.NewSerializeBuffer()
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: n.ipB, DstIP: n.ipA}
		udp := &layers.UDP{SrcPort: 30000, DstPort: layers.UDPPort(port)}
		udp.SetNetworkLayerForChecksum(ip)
		gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
			&layers.Ethernet{SrcMAC: n.macB, DstMAC: n.macA, EthernetType: layers.EthernetTypeIPv4}, ip, udp, gopacket.Payload("race"))
		return buf.Bytes()
	}
	frames := [2][]byte{frame(portA), frame(portB)}
	started := make(chan struct{})
	done := make(chan struct{})
	t.Cleanup(func() { <-done })
	go func() {
		defer close(done)
		for i := range limit {
			if i == 100 {
				close(started)
			}
			select {
			case <-stop:
				return
			default:
			}
			inj.send(frames[i%2])
			if i%8 == 0 {
				time.Sleep(10 * time.Microsecond)
			}
		}
	}()
	<-started
}

// udpDstPort returns the UDP destination port of an Ethernet, IPv4 (no
// options), UDP frame, or -1 for other frames.
func udpDstPort(frame []byte) int {
	if len(frame) < 38 || binary.BigEndian.Uint16(frame[12:]) != 0x0800 || frame[14] != 0x45 || frame[23] != 17 {
		return -1
	}
	return int(binary.BigEndian.Uint16(frame[36:]))
}

// portProgram is the hand-written eBPF filter "udp dst port p" for
// Ethernet frames whose IPv4 header has no options.
func portProgram(t *testing.T, port int) *ebpf.Program {
	t.Helper()
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{Type: ebpf.SocketFilter, License: "MIT", Instructions: asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1),
		asm.LoadAbs(12, asm.Half),
		asm.JNE.Imm(asm.R0, 0x0800, "reject"),
		asm.LoadAbs(23, asm.Byte),
		asm.JNE.Imm(asm.R0, 17, "reject"),
		asm.LoadAbs(36, asm.Half),
		asm.JNE.Imm(asm.R0, int32(port), "reject"),
		asm.Mov.Imm(asm.R0, 0xffff),
		asm.Return(),
		asm.Mov.Imm(asm.R0, 0).WithSymbol("reject"),
		asm.Return(),
	}})
	if err != nil {
		t.Fatalf("load eBPF socket filter: %v", err)
	}
	t.Cleanup(func() { prog.Close() })
	return prog
}

// TestNoRejectedPacketDelivered opens handles while traffic to two ports
// flows, with a filter for one, then swaps filters back and forth under
// the same traffic: every packet read must pass the filter in force when
// the read began.
func TestNoRejectedPacketDelivered(t *testing.T) {
	n := newTestNet(t)
	stop := make(chan struct{})
	defer close(stop)
	n.blast(t, stop, 5_000_000)

	classic := map[int]cbpf.Program{}
	for _, port := range []int{portA, portB} {
		p, err := filterlang.Compile(fmt.Sprintf("udp dst port %d", port), filterlang.Options{LinkType: layers.LinkTypeEthernet, Target: filterlang.LinuxLive})
		if err != nil {
			t.Fatal(err)
		}
		classic[port] = p
	}
	ebpfProgs := map[int]*ebpf.Program{portA: portProgram(t, portA), portB: portProgram(t, portB)}

	for _, e := range []engine{{name: "ring"}, {name: "immediate", cfg: afpacket.Config{Immediate: true}}, {name: "userspace", cfg: afpacket.Config{FilterInUserSpace: true}}, {name: "ebpf", ebpf: true}} {
		t.Run(e.name, func(t *testing.T) {
			cfg := e.cfg
			if !e.ebpf {
				cfg.Filter = classic[portA]
			}
			var h *afpacket.Handle
			inNS(t, n.a, func() error {
				var err error
				h, err = afpacket.Open("va", cfg)
				return err
			})
			defer h.Close()
			set := func(port int) error {
				if e.ebpf {
					return h.SetEBPF(ebpfProgs[port])
				}
				return h.SetFilter(classic[port])
			}
			if e.ebpf {
				// Open installed no filter: the swap to the first
				// eBPF program must discard everything stored so far.
				if err := set(portA); err != nil {
					t.Fatal(err)
				}
			}
			total := 0
			for swap := range 40 {
				port := []int{portA, portB}[swap%2]
				if swap > 0 {
					if err := set(port); err != nil {
						t.Fatal(err)
					}
				}
				for range 50 {
					ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
					data, _, err := h.ZeroCopyReadPacketDataContext(ctx)
					cancel()
					if err != nil {
						t.Fatalf("swap %d: %v", swap, err)
					}
					if got := udpDstPort(data); got != port {
						t.Fatalf("swap %d: filter for port %d delivered a packet for port %d: % x", swap, port, got, data)
					}
					total++
				}
			}
			st, _ := h.Stats()
			t.Logf("%d packets checked over 40 filter swaps; %+v", total, st)
		})
	}
}

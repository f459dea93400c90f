package afpacket_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket/layers"

	"github.com/gotcpdump/gotcpdump/capture"
	"github.com/gotcpdump/gotcpdump/capture/afpacket"
	"github.com/gotcpdump/gotcpdump/filterlang"
)

// engine is one way of capturing that must deliver what tcpdump does.
type engine struct {
	name string
	cfg  afpacket.Config
	ebpf bool // filter with the hand-written eBPF program instead
}

var engines = []engine{
	{name: "ring"},
	{name: "immediate", cfg: afpacket.Config{Immediate: true}},
	{name: "userspace", cfg: afpacket.Config{FilterInUserSpace: true}},
	{name: "userspace-immediate", cfg: afpacket.Config{FilterInUserSpace: true, Immediate: true}},
}

// udpOverIPv4 is the expression the hand-written eBPF program implements.
const udpOverIPv4 = "ip and ip[9] == 17"

// udpOverIPv4Program is udpOverIPv4 as an eBPF socket filter for frames
// that start with an Ethernet header (or, on a cooked socket, offset by
// -14: base is where the IPv4 header starts).
func udpOverIPv4Program(t *testing.T, cooked bool) *ebpf.Program {
	t.Helper()
	// Legacy packet loads read the socket buffer in R6.
	insns := asm.Instructions{asm.Mov.Reg(asm.R6, asm.R1)}
	if cooked {
		// The kernel's packet starts at the network header; the
		// protocol is in skb->protocol.
		insns = append(insns,
			asm.LoadMem(asm.R0, asm.R1, 16, asm.Word), // __sk_buff.protocol (network order)
			asm.JNE.Imm(asm.R0, 0x0008, "reject"),
			asm.LoadAbs(9, asm.Byte),
		)
	} else {
		insns = append(insns,
			asm.LoadAbs(12, asm.Half),
			asm.JNE.Imm(asm.R0, 0x0800, "reject"),
			asm.LoadAbs(23, asm.Byte),
		)
	}
	insns = append(insns,
		asm.JNE.Imm(asm.R0, 17, "reject"),
		asm.Mov.Imm(asm.R0, filterlang.DefaultSnapLen),
		asm.Return(),
		asm.Mov.Imm(asm.R0, 0).WithSymbol("reject"),
		asm.Return(),
	)
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{Type: ebpf.SocketFilter, License: "MIT", Instructions: insns})
	if err != nil {
		t.Fatalf("load eBPF socket filter: %v", err)
	}
	t.Cleanup(func() { prog.Close() })
	return prog
}

// TestAgainstTcpdump captures the test traffic with every engine and
// with tcpdump at the same time, on va and on any, and requires the same
// packets: bytes, lengths and timestamps.
func TestAgainstTcpdump(t *testing.T) {
	n := newTestNet(t)
	for _, iface := range []string{"va", "any"} {
		for _, expr := range []string{"", "udp or icmp or icmp6", "vlan 100", "arp or (ip and tcp) or ip6", "ip[6:2] & 0x3fff != 0", udpOverIPv4} {
			if iface == "any" && expr == "vlan 100" {
				continue // libpcap has no vlan for LINUX_SLL2
			}
			t.Run(iface+"/"+expr, func(t *testing.T) {
				runs := slices.Clone(engines)
				if expr == udpOverIPv4 {
					runs = append(runs, engine{name: "ebpf", ebpf: true}, engine{name: "ebpf-immediate", ebpf: true, cfg: afpacket.Config{Immediate: true}})
				}
				compareWithTcpdump(t, n, iface, expr, runs)
			})
		}
	}
}

func compareWithTcpdump(t *testing.T, n *testNet, iface, expr string, runs []engine) {
	args := []string{"-i", iface}
	if iface == "any" {
		args = append(args, "-y", "LINUX_SLL2")
	}
	if expr != "" {
		args = append(args, expr)
	}
	handles := make([]*afpacket.Handle, len(runs))
	for i, e := range runs {
		inNS(t, n.a, func() error {
			h, err := afpacket.Open(iface, e.cfg)
			if err != nil {
				return err
			}
			t.Cleanup(func() { h.Close() })
			handles[i] = h
			return nil
		})
		h := handles[i]
		if e.ebpf {
			if err := h.SetEBPF(udpOverIPv4Program(t, iface == "any")); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if expr == "" {
			continue
		}
		prog, err := filterlang.Compile(expr, filterlang.Options{LinkType: h.LinkType(), Target: filterlang.LinuxLive})
		if err != nil {
			t.Fatal(err)
		}
		if err := h.SetFilter(prog); err != nil {
			t.Fatalf("%s: %v", e.name, err)
		}
	}
	td := startTcpdump(t, n.a, args...)

	got := make([][]captured, len(runs))
	var wg sync.WaitGroup
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i, h := range handles {
		wg.Go(func() {
			var err error
			got[i], err = readAll(ctx, 1500*time.Millisecond, func(ctx context.Context) ([]byte, time.Time, int, error) {
				data, ci, err := h.ZeroCopyReadPacketDataContext(ctx)
				return data, ci.Timestamp, ci.Length, err
			})
			if err != nil {
				t.Errorf("%s: read: %v", runs[i].name, err)
			}
		})
	}
	inj := n.injector(t)
	sent := n.frames(t)
	for _, f := range sent {
		if err := inj.send(f); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	wg.Wait()
	td.stop(t)
	want := readFile(t, td.file, handles[0].LinkType())
	if len(want) == 0 {
		t.Fatalf("tcpdump %v captured nothing: %s", args, td.errb)
	}
	// Packets sent at once from two CPUs reach each socket in either
	// order; compare in timestamp order.
	sortCaptured(want)
	for i, e := range runs {
		sortCaptured(got[i])
		if diff := cmp.Diff(want, got[i]); diff != "" {
			t.Errorf("%s: packets differ from tcpdump's (-tcpdump +ours):\n%s", e.name, diff)
		}
		st, err := handles[i].Stats()
		if err != nil {
			t.Fatal(err)
		}
		if st.Captured != uint64(len(got[i])) || st.Dropped != 0 || st.Received < st.Captured {
			t.Errorf("%s: stats %+v after capturing %d packets", e.name, st, len(got[i]))
		}
	}
	if iface == "va" && expr == "" {
		// Every frame sent arrives as sent, VLAN tags re-inserted.
		for _, f := range sent {
			if !containsData(got[0], f) {
				t.Errorf("frame sent was not captured as sent: % x", f)
			}
		}
	}
}

// readFile reads a capture file in full.
func readFile(t *testing.T, path string, lt layers.LinkType) []captured {
	t.Helper()
	r, err := capture.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.LinkType() != lt {
		t.Fatalf("tcpdump wrote link type %v, we capture %v", r.LinkType(), lt)
	}
	var out []captured
	for {
		data, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, captured{Data: data, TS: ci.Timestamp, Length: ci.Length})
	}
}

func containsData(list []captured, data []byte) bool {
	for _, c := range list {
		if bytes.Equal(c.Data, data) {
			return true
		}
	}
	return false
}

func sortCaptured(list []captured) {
	slices.SortStableFunc(list, func(a, b captured) int {
		if c := a.TS.Compare(b.TS); c != 0 {
			return c
		}
		return bytes.Compare(a.Data, b.Data)
	})
}

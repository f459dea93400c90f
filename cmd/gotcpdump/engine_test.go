package main

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/gotcpdump/gotcpdump/capture"
	"github.com/gotcpdump/gotcpdump/internal/kerneltest"
)

// engineExprs are filters for the engine comparisons beyond writeExprs:
// protochain's loop, tunnels whose offsets are computed at run time,
// arithmetic that divides by a packet byte, and the wire length.
var engineExprs = []string{
	"ip6 protochain 6",
	"geneve or vxlan",
	"vlan 100 and udp",
	"ip[2:2] / ip[8] > 10",
	"len > 100 and tcp[13] & 0x12 != 0",
	"icmp6 and ip6[40] = 128",
}

// engineRun runs gotcpdump -r in -w - expr with one engine.
func engineRun(t *testing.T, engine, in, expr string) (code int, out, errOut string) {
	t.Helper()
	args := []string{"--engine", engine, "-r", in, "-w", "-"}
	if expr != "" {
		args = append(args, expr)
	}
	return runCommand(args...)
}

// TestEBPFEngineLikeCBPF checks that filtering with the eBPF translation
// in the in-process runtime writes exactly what the classic VM writes, for
// every capture and expression, and fails where it fails.
func TestEBPFEngineLikeCBPF(t *testing.T) {
	compared := 0
	for _, in := range captures(t) {
		for _, expr := range append(slices.Clone(writeExprs[1:]), engineExprs...) {
			wantCode, want, wantErr := engineRun(t, engineCBPF, in, expr)
			code, got, gotErr := engineRun(t, engineEBPF, in, expr)
			if code != wantCode || got != want || gotErr != wantErr {
				t.Errorf("%s %q: --engine ebpf exits %d with %d bytes and %q; cbpf exits %d with %d bytes and %q",
					in, expr, code, len(got), gotErr, wantCode, len(want), wantErr)
			}
			compared++
		}
	}
	t.Logf("%d capture/expression pairs written alike by both engines", compared)
}

// TestKernelEngineLikeCBPF checks the kernel engine (tc programs run with
// BPF_PROG_TEST_RUN) against the classic VM over the project's Ethernet
// captures, for the filters that do not read the length on the wire.
func TestKernelEngineLikeCBPF(t *testing.T) {
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("the kernel engine needs root on Linux to load tc programs")
	}
	kerneltest.Require(t)
	paths, err := filepath.Glob("../../testdata/pcaps/*.pcap*")
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, in := range paths {
		r, err := capture.OpenFile(in)
		if err != nil {
			continue // the capture tests report unreadable files
		}
		lt := r.LinkType()
		r.Close()
		if lt != layers.LinkTypeEthernet {
			continue
		}
		for _, expr := range append(slices.Clone(writeExprs[1:]), engineExprs...) {
			if strings.Contains(expr, "protochain") || strings.Contains(expr, "len") || strings.Contains(expr, "greater") {
				continue // refused by the kernel engine, as TestKernelEngineRefuses checks
			}
			wantCode, want, wantErr := engineRun(t, engineCBPF, in, expr)
			code, got, gotErr := engineRun(t, engineKernel, in, expr)
			if code != wantCode || got != want || gotErr != wantErr {
				t.Errorf("%s %q: --engine kernel exits %d with %d bytes and %q; cbpf exits %d with %d bytes and %q",
					in, expr, code, len(got), gotErr, wantCode, len(want), wantErr)
			}
			compared++
		}
	}
	if compared == 0 {
		t.Fatal("no Ethernet capture in ../../testdata/pcaps")
	}
	t.Logf("%d capture/expression pairs written alike by the kernel and the classic VM", compared)
}

// TestKernelEngineRefuses checks the kernel engine's clear errors for what
// it cannot run: protochain's loop (before loading anything) and, on a
// packet cut short by the snapshot length, a filter that reads the length
// on the wire.
func TestKernelEngineRefuses(t *testing.T) {
	code, _, errOut := engineRun(t, engineKernel, "../../testdata/pcaps/eth-ipv6-exthdrs.pcap", "ip6 protochain 6")
	if code != 1 || !strings.Contains(errOut, "the kernel engine cannot run this filter") {
		t.Errorf("protochain: exit %d, %q", code, errOut)
	}
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("loading a tc program needs root on Linux")
	}
	kerneltest.Require(t)
	code, _, errOut = engineRun(t, engineKernel, "../../testdata/pcaps/eth-snaplen64.pcap", "greater 100")
	if code != 1 || !strings.Contains(errOut, "reads the length on the wire") {
		t.Errorf("greater on cut packets: exit %d, %q", code, errOut)
	}
}

package filterlang_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/gotcpdump/gotcpdump/filterlang"
)

// benchExprsFile lists the expressions of BenchmarkCompile, which
// scripts/bench-compile.sh also times libpcap's pcap_compile on.
const benchExprsFile = "testdata/bench-compile.txt"

func readBenchExprs(tb testing.TB) []string {
	tb.Helper()
	data, err := os.ReadFile(benchExprsFile)
	if err != nil {
		tb.Fatal(err)
	}
	var exprs []string
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			exprs = append(exprs, line)
		}
	}
	return exprs
}

// BenchmarkCompile measures Compile, optimising, for Ethernet with an
// unknown netmask: what libpcap's pcap_compile does in
// ../shared/tools/bench/libpcap_filter.c. The sub-benchmarks are numbered
// as the lines of testdata/bench-compile.txt.
func BenchmarkCompile(b *testing.B) {
	requireCompiler(b)
	opts := filterlang.Options{LinkType: layers.LinkTypeEthernet, Netmask: filterlang.NetmaskUnknown, CaptureFile: true}
	for i, expr := range readBenchExprs(b) {
		b.Run(fmt.Sprintf("%02d", i+1), func(b *testing.B) {
			if _, err := filterlang.Compile(expr, opts); err != nil {
				b.Fatalf("%q: %v", expr, err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := filterlang.Compile(expr, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

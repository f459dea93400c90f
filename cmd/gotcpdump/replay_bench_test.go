package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkReplay measures gotcpdump -r IN -w /dev/null --program P and
// gotcpdump -n -r IN (printing) over GOTCPDUMP_BENCH_PCAP (or a shipped
// capture). BENCHMARKS.md compares it with tcpdump on the same file.
func BenchmarkReplay(b *testing.B) {
	in := os.Getenv("GOTCPDUMP_BENCH_PCAP")
	if in == "" {
		in = "../../testdata/pcaps/eth-ipv4-tcp.pcap"
	}
	prog := filepath.Join(b.TempDir(), "prog.ddd")
	// tcpdump -ddd 'tcp port 80'
	const tcpPort80 = "20\n40 0 0 12\n21 0 6 34525\n48 0 0 20\n21 0 15 6\n40 0 0 54\n21 12 0 80\n40 0 0 56\n21 10 11 80\n21 0 10 2048\n48 0 0 23\n21 0 8 6\n40 0 0 20\n69 6 0 8191\n177 0 0 14\n72 0 0 14\n21 2 0 80\n72 0 0 16\n21 0 1 80\n6 0 0 262144\n6 0 0 0\n"
	if err := os.WriteFile(prog, []byte(tcpPort80), 0o644); err != nil {
		b.Fatal(err)
	}
	st, err := os.Stat(in)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"write-filtered", []string{"-r", in, "-w", os.DevNull, "--program", prog}},
		{"print", []string{"-n", "-r", in}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(st.Size())
			for b.Loop() {
				if code := run(c.args, strings.NewReader(""), io.Discard, io.Discard); code != 0 {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}

package ebpf

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	cebpf "github.com/cilium/ebpf"
)

// BenchmarkInstructions measures the interpreter's cost per instruction
// on a loop of ALU operations, memory accesses and a backward jump.
func BenchmarkInstructions(b *testing.B) {
	vm := mustVM(b, `
		mov %r0, 0
		mov %r1, 1000
	loop:
		add %r0, %r1
		xor %r0, 0x55
		stxdw [%r10-8], %r0
		ldxdw %r2, [%r10-8]
		rsh %r2, 3
		add %r0, %r2
		sub %r1, 1
		jne %r1, 0, loop
		exit
	`, nil)
	const executed = 2 + 1000*8 + 1
	b.ReportAllocs()
	for b.Loop() {
		if _, err := vm.Run(nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*executed), "ns/insn")
}

// BenchmarkPacket runs "tcp port 80" over every packet of a capture, in
// the three forms a filter can take. The capture is eth-ipv4-tcp.pcap
// unless GOTCPDUMP_BENCH_PCAP names another, as for the cBPF VM's
// BenchmarkVM, whose figures for the same filter (its program 01) compare
// with these.
func BenchmarkPacket(b *testing.B) {
	path := filepath.Join(pcapDir, "eth-ipv4-tcp.pcap")
	if p := os.Getenv("GOTCPDUMP_BENCH_PCAP"); p != "" {
		path = p
	}
	pkts := readPackets(b, path)
	abs := mustVM(b, tcpPort80, nil)
	direct := mustVM(b, tcpPort80Direct, nil)
	runs := []struct {
		name string
		run  func(p testPacket) (uint64, error)
	}{
		{"packet-function/direct", func(p testPacket) (uint64, error) { return direct.RunPacket(p.data, p.wireLen) }},
		{"packet-function/ld_abs", func(p testPacket) (uint64, error) { return abs.RunPacket(p.data, p.wireLen) }},
		{"skb/ld_abs", func(p testPacket) (uint64, error) {
			return abs.RunSKB(p.data, &SKBMeta{WireLen: p.wireLen, NetworkOffset: 14})
		}},
	}
	for _, r := range runs {
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, p := range pkts {
					if _, err := r.run(p); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pkts)), "ns/packet")
		})
	}
}

// BenchmarkKernel runs the same "tcp port 80" program in the kernel with
// BPF_PROG_TEST_RUN (as a TC classifier, whose packets keep their
// Ethernet header), for the ratio to BenchmarkPacket/skb/ld_abs. The
// kernel's figure includes building an skb for every run.
func BenchmarkKernel(b *testing.B) {
	if !kernelAvailable() {
		b.Skip("needs root on Linux to load programs")
	}
	prog, err := cebpf.NewProgram(&cebpf.ProgramSpec{
		Type: cebpf.SchedCLS, License: "MIT", Instructions: mustAssemble(b, tcpPort80),
	})
	if err != nil {
		b.Fatal(err)
	}
	defer prog.Close()
	pkts := readPackets(b, filepath.Join(pcapDir, "eth-ipv4-tcp.pcap"))
	var total time.Duration
	const repeat = 1000
	for b.Loop() {
		for _, p := range pkts {
			_, d, err := prog.Benchmark(p.data, repeat, nil)
			if err != nil {
				b.Fatal(err)
			}
			total += d
		}
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N*len(pkts)), "ns/packet")
}

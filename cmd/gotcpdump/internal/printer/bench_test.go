package printer

import (
	"bufio"
	"io"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

type benchPacket struct {
	ci   gopacket.CaptureInfo
	data []byte
	lt   layers.LinkType
}

// BenchmarkPrint prints every packet of a capture of TCP, UDP, ICMP and
// DNS traffic, with and without names and dumps.
func BenchmarkPrint(b *testing.B) {
	path := filepath.Join(captureDirs["generated"], "gen-sll2-veth-inout.pcap")
	var pkts []benchPacket
	if err := readCapture(path, func(ci gopacket.CaptureInfo, data []byte, lt layers.LinkType) error {
		pkts = append(pkts, benchPacket{ci, data, lt})
		return nil
	}); err != nil {
		b.Skipf("capture not available: %v", err)
	}
	for _, bc := range []struct {
		name string
		opts Options
	}{
		{"nn", Options{Numeric: true, UTC: true, InterfaceName: func(uint32) string { return "eth0" }}},
		{"nn-e-X", Options{Numeric: true, Link: true, Hex: HexASCIINetwork, UTC: true, InterfaceName: func(uint32) string { return "eth0" }}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			w := bufio.NewWriter(io.Discard)
			p := New(w, bc.opts)
			b.ReportAllocs()
			for b.Loop() {
				for _, pk := range pkts {
					if err := p.Print(pk.ci, pk.data, pk.lt); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pkts)), "ns/packet")
		})
	}
}

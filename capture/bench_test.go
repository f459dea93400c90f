package capture

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// benchPcap returns a large pcap file to read: $GOTCPDUMP_BENCH_PCAP when
// set (for example the 1M-packet file of ../shared/tools/bench/gen, built
// with `go build -o /tmp/benchgen ./gen && /tmp/benchgen -n 1000000 -o
// /tmp/1m.pcap -seed 1`), otherwise 200,000 packets of mixed sizes written
// to a temporary file.
func benchPcap(b *testing.B) (path string, size int64, packets int) {
	b.Helper()
	path = os.Getenv("GOTCPDUMP_BENCH_PCAP")
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.pcap")
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		w, err := NewPcapWriter(f, layers.LinkTypeEthernet, 262144, false)
		if err != nil {
			b.Fatal(err)
		}
		sizes := []int{60, 66, 74, 590, 1514, 98, 1514, 342}
		for i := range 200000 {
			data := payload(sizes[i%len(sizes)], byte(i))
			ci := gopacket.CaptureInfo{Timestamp: time.Unix(1700000000, int64(i)*1000), Length: len(data)}
			if err := w.WritePacket(ci, data); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	r, err := OpenFile(path)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	for {
		if _, _, err := r.ZeroCopyReadPacketData(); err != nil {
			break
		}
		packets++
	}
	return path, st.Size(), packets
}

// readAll reads path to the end with next and fails on anything but EOF.
func readAll(b *testing.B, path string, next func(io.Reader) (func() error, error)) {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	read, err := next(f)
	if err != nil {
		b.Fatal(err)
	}
	for {
		if err := read(); err == io.EOF {
			return
		} else if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadPcap reads a large pcap file from disk (the page cache),
// zero-copy and copying, beside gopacket's pcapgo zero-copy reader.
func BenchmarkReadPcap(b *testing.B) {
	path, size, packets := benchPcap(b)
	readers := []struct {
		name string
		open func(io.Reader) (func() error, error)
	}{
		{"ZeroCopy", func(f io.Reader) (func() error, error) {
			r, err := NewReader(f)
			return func() error { _, _, err := r.ZeroCopyReadPacketData(); return err }, err
		}},
		{"Copy", func(f io.Reader) (func() error, error) {
			r, err := NewReader(f)
			return func() error { _, _, err := r.ReadPacketData(); return err }, err
		}},
		{"PcapgoZeroCopy", func(f io.Reader) (func() error, error) {
			r, err := pcapgo.NewReader(f)
			return func() error { _, _, err := r.ZeroCopyReadPacketData(); return err }, err
		}},
	}
	for _, rd := range readers {
		b.Run(rd.name, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				readAll(b, path, rd.open)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(packets), "ns/packet")
		})
	}
}

// BenchmarkWrite writes 100,000 packets of 590 bytes to memory.
func BenchmarkWrite(b *testing.B) {
	data := payload(590, 9)
	const n = 100000
	writers := []struct {
		name string
		open func(io.Writer) (Sink, error)
	}{
		{"Pcap", func(w io.Writer) (Sink, error) { return NewPcapWriter(w, layers.LinkTypeEthernet, 65535, false) }},
		{"PcapNano", func(w io.Writer) (Sink, error) { return NewPcapWriter(w, layers.LinkTypeEthernet, 65535, true) }},
		{"Pcapng", func(w io.Writer) (Sink, error) {
			return NewPcapngWriter(w, []Interface{{LinkType: layers.LinkTypeEthernet, SnapLen: 65535, TSResolution: Nanoseconds}})
		}},
	}
	for _, wr := range writers {
		b.Run(wr.name, func(b *testing.B) {
			var buf bytes.Buffer
			b.SetBytes(n * int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				w, err := wr.open(&buf)
				if err != nil {
					b.Fatal(err)
				}
				for i := range n {
					ci := gopacket.CaptureInfo{Timestamp: time.Unix(1700000000, int64(i)), Length: len(data)}
					if err := w.WritePacket(ci, data); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Flush(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package capture

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket"
)

// FuzzReader reads arbitrary input to the end and checks that reading never
// panics, ends with io.EOF or a FormatError, delivers the same packets with
// and without copying, and that what it delivers survives a round trip
// through the pcapng writer (and the pcap writer for pcap input).
func FuzzReader(f *testing.F) {
	// Large seeds slow every mutation down; TestCrafted covers them.
	for _, tc := range craftedCases() {
		if len(tc.file) <= 16<<10 {
			f.Add(tc.file)
		}
	}
	seeds, _ := filepath.Glob(filepath.Join(sharedPcaps, "*", "*.pcap*"))
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil && len(b) <= 16<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := NewReader(bytes.NewReader(in))
		if err != nil {
			var ferr *FormatError
			if !errors.As(err, &ferr) || ferr.Packet != 0 {
				t.Fatalf("NewReader: %v is not a file header FormatError", err)
			}
			return
		}
		var pkts []fuzzPacket
		for {
			data, ci, err := r.ZeroCopyReadPacketData()
			if err == io.EOF {
				break
			}
			if err != nil {
				var ferr *FormatError
				if !errors.As(err, &ferr) || ferr.Packet != len(pkts)+1 || ferr.Offset < 0 || ferr.Offset >= int64(len(in)) {
					t.Fatalf("packet %d: %v is not a FormatError naming it and an offset in the input", len(pkts)+1, err)
				}
				if _, _, again := r.ReadPacketData(); again != io.EOF {
					t.Fatalf("after an error: %v, want io.EOF", again)
				}
				break
			}
			if len(data) != ci.CaptureLength || ci.InterfaceIndex >= len(r.Interfaces()) {
				t.Fatalf("packet %d: %d bytes, CaptureInfo %+v, %d interfaces", len(pkts)+1, len(data), ci, len(r.Interfaces()))
			}
			pkts = append(pkts, fuzzPacket{ci, bytes.Clone(data)})
		}
		copied, _ := readAllCopying(t, in)
		if diff := cmp.Diff(pkts, copied, bytesEqual); diff != "" {
			t.Fatalf("ReadPacketData differs from ZeroCopyReadPacketData:\n%s", diff)
		}
		roundTripPcapng(t, r.Interfaces(), pkts)
		if r.pcap != nil {
			roundTripPcap(t, r.PcapHeader(r.Nanosecond()), pkts)
		}
	})
}

// bytesEqual compares byte slices quickly; cmp's element-wise reflection
// takes seconds on large packets.
var bytesEqual = cmp.Comparer(bytes.Equal)

type fuzzPacket struct {
	CI   gopacket.CaptureInfo
	Data []byte
}

// readAllCopying reads input with ReadPacketData up to its end or error.
func readAllCopying(t *testing.T, in []byte) ([]fuzzPacket, *Reader) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var pkts []fuzzPacket
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			return pkts, r
		}
		pkts = append(pkts, fuzzPacket{ci, data})
	}
}

// timeError reports whether err is a timestamp the format cannot hold; a
// round trip is then impossible, and nothing else may fail.
func timeError(t *testing.T, err error) bool {
	t.Helper()
	if err != nil && !errors.Is(err, ErrTimeRange) {
		t.Fatal(err)
	}
	return err != nil
}

func roundTripPcapng(t *testing.T, ifaces []Interface, pkts []fuzzPacket) {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewPcapngWriter(&buf, ifaces)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkts {
		if timeError(t, w.WritePacket(p.CI, p.Data)) {
			return
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	got, r := readAllCopying(t, buf.Bytes())
	if diff := cmp.Diff(pkts, got, bytesEqual); diff != "" {
		t.Fatalf("pcapng round trip (-read +reread):\n%s", diff)
	}
	if diff := cmp.Diff(ifaces, r.Interfaces()); diff != "" {
		t.Fatalf("pcapng round trip of interfaces (-read +reread):\n%s", diff)
	}
}

func roundTripPcap(t *testing.T, h PcapHeader, pkts []fuzzPacket) {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewPcapWriterHeader(&buf, h)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkts {
		if timeError(t, w.WritePacket(p.CI, p.Data)) {
			return
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	got, r := readAllCopying(t, buf.Bytes())
	if diff := cmp.Diff(pkts, got, bytesEqual); diff != "" {
		t.Fatalf("pcap round trip (-read +reread):\n%s", diff)
	}
	if diff := cmp.Diff(h, r.PcapHeader(h.Nano)); diff != "" {
		t.Fatalf("pcap round trip of the header (-read +reread):\n%s", diff)
	}
}

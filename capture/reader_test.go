package capture

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// TestZeroCopyAllocations checks that the zero-copy path allocates nothing
// per packet, for pcap and for pcapng.
func TestZeroCopyAllocations(t *testing.T) {
	p := payload(590, 1)
	var pcapFile, ngFile []byte
	pcapFile = pcapHeader(le, 0xa1b2c3d4, 2, 4, 65535, 1)
	ngFile = cat(shb(le, 1, 0), idb(le, 1, 65535, option(le, 9, []byte{9})))
	for i := range 1000 {
		pcapFile = append(pcapFile, pcapRecord(le, uint32(i), 0, 590, 590, p)...)
		ngFile = append(ngFile, epb(le, 0, uint64(i)*1e9, 590, 590, p)...)
	}
	for name, file := range map[string][]byte{"pcap": pcapFile, "pcapng": ngFile} {
		t.Run(name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(file))
			if err != nil {
				t.Fatal(err)
			}
			allocs := testing.AllocsPerRun(900, func() {
				if _, _, err := r.ZeroCopyReadPacketData(); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("%v allocations per packet, want 0", allocs)
			}
		})
	}
}

// TestOpenFileStandardInput reads a capture through a pipe as "-".
func TestOpenFileStandardInput(t *testing.T) {
	file := cat(pcapHeader(le, 0xa1b23c4d, 2, 4, 65535, 1), pcapRecord(le, 7, 8, 64, 64, payload(64, 1)))
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin := os.Stdin
	os.Stdin = pr
	t.Cleanup(func() { os.Stdin = stdin; pr.Close() })
	go func() {
		pw.Write(file)
		pw.Close()
	}()
	r, err := OpenFile("-")
	if err != nil {
		t.Fatal(err)
	}
	data, ci, err := r.ReadPacketData()
	if err != nil {
		t.Fatal(err)
	}
	want := gopacket.CaptureInfo{Timestamp: time.Unix(7, 8).UTC(), CaptureLength: 64, Length: 64}
	if diff := cmp.Diff(want, ci); diff != "" || !bytes.Equal(data, payload(64, 1)) {
		t.Errorf("CaptureInfo -want +got:\n%s\ndata % x", diff, data)
	}
	if _, _, err := r.ReadPacketData(); err != io.EOF {
		t.Errorf("second read: %v, want io.EOF", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestOpenFileErrors(t *testing.T) {
	if _, err := OpenFile(filepath.Join(t.TempDir(), "missing.pcap")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.pcap")
	if err := os.WriteFile(bad, []byte("GIF89a, not a capture"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenFile(bad); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("not a capture: %v, want ErrUnknownFormat", err)
	}
}

// failingReader returns data, then an I/O error.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// TestReadErrorIsNotFormatError checks that an I/O error of the underlying
// reader is reported as itself, not as damage in the file.
func TestReadErrorIsNotFormatError(t *testing.T) {
	ioErr := errors.New("disk on fire")
	file := cat(pcapHeader(le, 0xa1b2c3d4, 2, 4, 65535, 1), pcapRecord(le, 7, 8, 64, 64, payload(10, 1)))
	r, err := NewReader(&failingReader{data: file, err: ioErr})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = r.ReadPacketData()
	var ferr *FormatError
	if !errors.Is(err, ioErr) || errors.As(err, &ferr) {
		t.Errorf("got %v, want the reader's error and no FormatError", err)
	}
	if _, err := NewReader(&failingReader{data: file[:10], err: ioErr}); !errors.Is(err, ioErr) {
		t.Errorf("header: got %v, want the reader's error", err)
	}
}

// TestInterfaces checks what a Reader reports about a file's interfaces.
func TestInterfaces(t *testing.T) {
	p := payload(64, 1)
	tests := []struct {
		name     string
		file     []byte
		want     []Interface
		nano     bool
		header   PcapHeader
		ifaceIdx []int
	}{
		{
			name:     "pcap-us",
			file:     cat(pcapHeader(be, 0xa1b2c3d4, 2, 4, 0, 0x30000069), pcapRecord(be, 1, 2, 64, 64, p)),
			want:     []Interface{{LinkType: 105, SnapLen: 262144, TSResolution: Microseconds}},
			header:   PcapHeader{LinkType: 105, LinkTypeExt: 0x30000000, SnapLen: 262144},
			ifaceIdx: []int{0},
		},
		{
			name:     "pcap-ns",
			file:     cat(pcapHeader(le, 0xa1b23c4d, 2, 4, 1500, 1), pcapRecord(le, 1, 2, 64, 64, p)),
			want:     []Interface{{LinkType: 1, SnapLen: 1500, TSResolution: Nanoseconds}},
			nano:     true,
			header:   PcapHeader{LinkType: 1, SnapLen: 1500},
			ifaceIdx: []int{0},
		},
		{
			name: "pcapng-sections",
			file: cat(shb(le, 1, 0), idb(le, 1, 1000, option(le, 2, []byte("eth0")), option(le, 3, []byte("uplink")), option(le, 12, []byte("Linux"))),
				epb(le, 0, 1, 64, 64, p),
				shb(be, 1, 0), idb(be, 113, 0), idb(be, 1, 65535, option(be, 9, []byte{0x80 | 30}), option(be, 14, u64(be, uint64(1<<64-5)))),
				epb(be, 1, 1, 64, 64, p), epb(be, 0, 1, 64, 64, p)),
			want: []Interface{
				{LinkType: 1, SnapLen: 1000, Name: "eth0", Description: "uplink", OS: "Linux", TSResolution: Microseconds},
				{LinkType: 113, SnapLen: 262144, TSResolution: Microseconds},
				{LinkType: 1, SnapLen: 65535, TSResolution: 0x80 | 30, TSOffset: -5},
			},
			nano:     true,
			header:   PcapHeader{LinkType: 1, SnapLen: 1000},
			ifaceIdx: []int{0, 2, 1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			var idx []int
			for {
				_, ci, err := r.ReadPacketData()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				idx = append(idx, ci.InterfaceIndex)
			}
			if diff := cmp.Diff(tc.want, r.Interfaces()); diff != "" {
				t.Errorf("Interfaces -want +got:\n%s", diff)
			}
			if diff := cmp.Diff(tc.ifaceIdx, idx); diff != "" {
				t.Errorf("InterfaceIndex -want +got:\n%s", diff)
			}
			if r.Nanosecond() != tc.nano || r.LinkType() != tc.want[0].LinkType || r.SnapLen() != tc.want[0].SnapLen {
				t.Errorf("Nanosecond %v LinkType %v SnapLen %d", r.Nanosecond(), r.LinkType(), r.SnapLen())
			}
			if diff := cmp.Diff(tc.header, r.PcapHeader(false)); diff != "" {
				t.Errorf("PcapHeader -want +got:\n%s", diff)
			}
		})
	}
}

// TestErrorThenEOF checks that reading stops for good after an error.
func TestErrorThenEOF(t *testing.T) {
	file := cat(pcapHeader(le, 0xa1b2c3d4, 2, 4, 65535, 1), pcapRecord(le, 1, 2, 64, 64, payload(3, 1)))
	r, err := NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.ReadPacketData(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("got %v, want io.ErrUnexpectedEOF", err)
	}
	for range 3 {
		if _, _, err := r.ZeroCopyReadPacketData(); err != io.EOF {
			t.Fatalf("after the error: %v, want io.EOF", err)
		}
	}
	// gopacket's channel ends instead of retrying forever.
	n := 0
	for range gopacket.NewPacketSource(r, layers.LinkTypeEthernet).Packets() {
		n++
	}
	if n != 0 {
		t.Errorf("%d packets after the error", n)
	}
}

package capture

import (
	"bytes"
	"errors"
	"io"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// TestWriterErrors checks what the writers refuse, and that they name it.
func TestWriterErrors(t *testing.T) {
	ok := gopacket.CaptureInfo{Timestamp: time.Unix(1, 0), Length: 4}
	data := []byte{1, 2, 3, 4}
	newPcap := func() Sink {
		w, err := NewPcapWriter(io.Discard, layers.LinkTypeEthernet, 65535, false)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	newPcapng := func() Sink {
		w, err := NewPcapngWriter(io.Discard, []Interface{{LinkType: layers.LinkTypeEthernet, TSResolution: Microseconds, TSOffset: 100}})
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	tests := []struct {
		name string
		sink func() Sink
		ci   gopacket.CaptureInfo
		want error
	}{
		{"pcap-ok", newPcap, ok, nil},
		{"pcap-before-1970", newPcap, gopacket.CaptureInfo{Timestamp: time.Unix(-1, 999999999)}, ErrTimeRange},
		{"pcap-after-2106", newPcap, gopacket.CaptureInfo{Timestamp: time.Unix(math.MaxUint32+1, 0)}, ErrTimeRange},
		{"pcap-last-second", newPcap, gopacket.CaptureInfo{Timestamp: time.Unix(math.MaxUint32, 999999999), Length: 4}, nil},
		{"pcap-zero-time", newPcap, gopacket.CaptureInfo{Length: 4}, ErrTimeRange},
		{"pcap-negative-length", newPcap, gopacket.CaptureInfo{Timestamp: time.Unix(1, 0), Length: -1}, ErrInvalidPacket},
		{"pcap-length-over-32-bits", newPcap, gopacket.CaptureInfo{Timestamp: time.Unix(1, 0), Length: math.MaxUint32 + 1}, ErrInvalidPacket},
		{"pcapng-ok", newPcapng, gopacket.CaptureInfo{Timestamp: time.Unix(100, 0), Length: 4}, nil},
		{"pcapng-before-offset", newPcapng, ok, ErrTimeRange},
		{"pcapng-unknown-interface", newPcapng, gopacket.CaptureInfo{Timestamp: time.Unix(200, 0), InterfaceIndex: 1}, ErrInvalidPacket},
		{"pcapng-negative-interface", newPcapng, gopacket.CaptureInfo{Timestamp: time.Unix(200, 0), InterfaceIndex: -1}, ErrInvalidPacket},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.sink().WritePacket(tc.ci, data)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := NewPcapWriterHeader(io.Discard, PcapHeader{LinkType: 1, LinkTypeExt: 1}); !errors.Is(err, ErrInvalidPacket) {
		t.Errorf("overlapping link type flags: %v", err)
	}
	if _, err := NewPcapngWriter(io.Discard, []Interface{{TSResolution: 20}}); err == nil {
		t.Error("a resolution of 10^-20 s was accepted")
	}
}

// TestTimestampResolutions writes one time at many resolutions and checks
// the tick counts and what reads back: truncated to the resolution, and
// for resolutions finer than a nanosecond, exactly the time written.
func TestTimestampResolutions(t *testing.T) {
	ts := time.Unix(1700000000, 123456789).UTC()
	tests := []struct {
		res   TSResolution
		ticks uint64
		back  time.Time
	}{
		{0, 1700000000, time.Unix(1700000000, 0)},
		{3, 1700000000_123, time.Unix(1700000000, 123000000)},
		{Microseconds, 1700000000_123456, time.Unix(1700000000, 123456000)},
		{Nanoseconds, 1700000000_123456789, time.Unix(1700000000, 123456789)},
		{10, 1700000000_1234567890, ts},
		// 0.123456789 s is 129453.8 units of 2^-20 s: truncated.
		{0x80 | 20, 1700000000<<20 | 129453, time.Unix(1700000000, 123456001)},
		// At 2^-32 s, 530242871.2 units: the next unit still reads as
		// the same nanosecond, so it is preferred.
		{0x80 | 32, 1700000000<<32 | 530242872, ts},
	}
	for _, tc := range tests {
		t.Run(tc.res.String(), func(t *testing.T) {
			var buf bytes.Buffer
			w, err := NewPcapngWriter(&buf, []Interface{{LinkType: 1, SnapLen: 100, TSResolution: tc.res}})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: ts, Length: 1}, []byte{1}); err != nil {
				t.Fatal(err)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			b := buf.Bytes()
			epbAt := len(b) - 36
			if got := uint64(nativeOrder().Uint32(b[epbAt+12:]))<<32 | uint64(nativeOrder().Uint32(b[epbAt+16:])); got != tc.ticks {
				t.Errorf("ticks %d, want %d", got, tc.ticks)
			}
			r, err := NewReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			_, ci, err := r.ReadPacketData()
			if err != nil {
				t.Fatal(err)
			}
			if !ci.Timestamp.Equal(tc.back) {
				t.Errorf("read back %v, want %v", ci.Timestamp, tc.back)
			}
		})
	}
}

// TestPcapWriterBytes checks the exact bytes of a pcap file, in this
// machine's byte order, with a captured length above the original.
func TestPcapWriterBytes(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewPcapWriterHeader(&buf, PcapHeader{LinkType: 105, LinkTypeExt: 0x30000000, SnapLen: 200})
	if err != nil {
		t.Fatal(err)
	}
	ci := gopacket.CaptureInfo{Timestamp: time.Unix(1700000000, 123456789), Length: 2}
	if err := w.WritePacket(ci, []byte{0xaa, 0xbb, 0xcc}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := cat(pcapHeader(nativeOrder(), 0xa1b2c3d4, 2, 4, 200, 0x30000069),
		pcapRecord(nativeOrder(), 1700000000, 123456, 3, 2, []byte{0xaa, 0xbb, 0xcc}))
	if diff := cmp.Diff(want, buf.Bytes()); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
}

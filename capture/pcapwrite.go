package capture

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// writeBufferSize is the writers' buffer: large writes, few syscalls.
const writeBufferSize = 256 << 10

// PcapHeader holds the fields of a pcap file header that vary.
type PcapHeader struct {
	// LinkType is the link-layer header type of every packet.
	LinkType layers.LinkType
	// LinkTypeExt holds flag bits stored above the link type in the
	// header's link-type field (bits 26 to 31, such as an FCS length);
	// usually 0. [Reader.PcapHeader] carries them over from a pcap input.
	LinkTypeExt uint32
	// SnapLen is the snapshot length written in the header.
	SnapLen uint32
	// Nano selects the nanosecond magic a1b23c4d; otherwise timestamps are
	// truncated to microseconds.
	Nano bool
}

// PcapWriter writes a pcap file. It buffers: call Flush when done.
type PcapWriter struct {
	w      *bufio.Writer
	nano   bool
	record [pcapRecordHeaderLen]byte
}

// NewPcapWriter writes a pcap file header with the given link type,
// snapshot length and timestamp resolution (nanoseconds when nano is true,
// else microseconds) and returns a writer for the packets.
func NewPcapWriter(w io.Writer, linkType layers.LinkType, snapLen uint32, nano bool) (*PcapWriter, error) {
	return NewPcapWriterHeader(w, PcapHeader{LinkType: linkType, SnapLen: snapLen, Nano: nano})
}

// NewPcapWriterHeader writes the pcap file header h and returns a writer for
// the packets. With h from [Reader.PcapHeader] the output is what
// `tcpdump -r IN -w OUT` writes.
func NewPcapWriterHeader(w io.Writer, h PcapHeader) (*PcapWriter, error) {
	if h.LinkTypeExt&pcapLinkTypeMask != 0 {
		return nil, fmt.Errorf("write pcap header: link type flags %#x overlap the link type: %w", h.LinkTypeExt, ErrInvalidPacket)
	}
	pw := &PcapWriter{w: bufio.NewWriterSize(w, writeBufferSize), nano: h.Nano}
	var hdr [pcapFileHeaderLen]byte
	ne := binary.NativeEndian
	magic := uint32(magicMicroseconds)
	if h.Nano {
		magic = magicNanoseconds
	}
	ne.PutUint32(hdr[0:], magic)
	ne.PutUint16(hdr[4:], pcapVersionMajor)
	ne.PutUint16(hdr[6:], pcapVersionMinor)
	// thiszone and sigfigs stay 0.
	ne.PutUint32(hdr[16:], h.SnapLen)
	ne.PutUint32(hdr[20:], uint32(h.LinkType)|h.LinkTypeExt)
	if _, err := pw.w.Write(hdr[:]); err != nil {
		return nil, fmt.Errorf("write pcap header: %w", err)
	}
	return pw, nil
}

// WritePacket writes one record: ci's timestamp truncated to the file's
// resolution, len(data) as the captured length, ci.Length as the original
// length, and data as is. Timestamps must lie between 1970 and 2106.
func (pw *PcapWriter) WritePacket(ci gopacket.CaptureInfo, data []byte) error {
	sec := ci.Timestamp.Unix()
	if sec < 0 || sec > math.MaxUint32 {
		return fmt.Errorf("write packet: %v does not fit in pcap: %w", ci.Timestamp, ErrTimeRange)
	}
	if err := checkLengths(ci, data); err != nil {
		return err
	}
	frac := uint32(ci.Timestamp.Nanosecond())
	if !pw.nano {
		frac /= 1000
	}
	ne := binary.NativeEndian
	ne.PutUint32(pw.record[0:], uint32(sec))
	ne.PutUint32(pw.record[4:], frac)
	ne.PutUint32(pw.record[8:], uint32(len(data)))
	ne.PutUint32(pw.record[12:], uint32(ci.Length))
	if _, err := pw.w.Write(pw.record[:]); err != nil {
		return fmt.Errorf("write packet: %w", err)
	}
	if _, err := pw.w.Write(data); err != nil {
		return fmt.Errorf("write packet: %w", err)
	}
	return nil
}

// checkLengths rejects lengths that 32-bit length fields cannot hold.
func checkLengths(ci gopacket.CaptureInfo, data []byte) error {
	if ci.Length < 0 || uint64(ci.Length) > math.MaxUint32 || uint64(len(data)) > math.MaxUint32 {
		return fmt.Errorf("write packet: lengths %d captured, %d original: %w", len(data), ci.Length, ErrInvalidPacket)
	}
	return nil
}

// Flush writes buffered data to the underlying writer.
func (pw *PcapWriter) Flush() error {
	if err := pw.w.Flush(); err != nil {
		return fmt.Errorf("flush pcap: %w", err)
	}
	return nil
}

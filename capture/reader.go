package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Reader reads a pcap or pcapng capture file as libpcap does; see the
// package documentation for what that means in detail. A Reader is not safe
// for concurrent use.
type Reader struct {
	in     *input
	closer io.Closer

	pcap *pcapFile   // set for pcap input
	ng   *pcapngFile // set for pcapng input

	ifaces  []Interface
	swapped bool  // the file (its first section) is in the other byte order
	packets int   // packets delivered so far
	failed  error // the error that ended reading, once returned
}

// NewReader reads the file header of a pcap or pcapng file from r, detected
// from its first four bytes, and for pcapng the blocks up to the first
// Interface Description Block.
func NewReader(r io.Reader) (*Reader, error) {
	rd := &Reader{in: newInput(r)}
	if err := rd.open(); err != nil {
		return nil, err
	}
	return rd, nil
}

// OpenFile opens the capture file at path with [NewReader]; "-" means
// standard input. Close closes the file.
func OpenFile(path string) (*Reader, error) {
	f := os.Stdin
	if path != "-" {
		var err error
		if f, err = os.Open(path); err != nil {
			return nil, fmt.Errorf("open capture: %w", err)
		}
	}
	r, err := NewReader(f)
	if err != nil {
		if path != "-" {
			f.Close()
		}
		return nil, fmt.Errorf("open capture %s: %w", path, err)
	}
	if path != "-" {
		r.closer = f
	}
	return r, nil
}

// Close closes the file opened by [OpenFile]; it does nothing for a Reader
// made by [NewReader] or reading standard input.
func (r *Reader) Close() error {
	if r.closer == nil {
		return nil
	}
	err := r.closer.Close()
	r.closer = nil
	return err
}

// Magic numbers that start a file, as read in little-endian order.
const (
	magicMicroseconds = 0xa1b2c3d4
	magicNanoseconds  = 0xa1b23c4d
	magicKuznetzov    = 0xa1b2cd34
	blockTypeSHB      = 0x0a0d0d0a
)

func (r *Reader) open() error {
	var offset int64 // of the block at fault, for pcapng
	magic, err := r.in.peek(4)
	if len(magic) < 4 {
		return headerError(0, shortRead(err, "file header bytes", 4, int64(len(magic))))
	}
	le, be := binary.LittleEndian.Uint32(magic), binary.BigEndian.Uint32(magic)
	switch {
	case le == blockTypeSHB:
		r.ng, offset, err = openPcapng(r.in, &r.ifaces)
	case isPcapMagic(le) || isPcapMagic(be):
		r.pcap, err = openPcap(r.in, &r.ifaces)
	default:
		err = ErrUnknownFormat
	}
	if err != nil {
		return headerError(offset, err)
	}
	if r.pcap != nil {
		r.swapped = r.pcap.order.swapped()
	} else {
		r.swapped = r.ng.order.swapped()
	}
	return nil
}

// Swapped reports whether the file is written in the other byte order
// than this machine's (for pcapng, its first section), as libpcap's
// pcap_is_swapped does. Filters need it for link types whose headers are
// in the byte order of the machine that captured them (LINKTYPE_NULL).
func (r *Reader) Swapped() bool { return r.swapped }

// headerError adds the offset to an error met while reading the file
// header; read errors other than the end of input stay errors of the
// reader rather than of the file.
func headerError(offset int64, err error) error {
	var readErr *readError
	if errors.As(err, &readErr) {
		return fmt.Errorf("read file header: %w", readErr.err)
	}
	return &FormatError{Offset: offset, Err: err}
}

func isPcapMagic(m uint32) bool {
	return m == magicMicroseconds || m == magicNanoseconds || m == magicKuznetzov
}

// ReadPacketData returns the next packet as a fresh copy, or io.EOF at the
// end of the file.
func (r *Reader) ReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	data, ci, err := r.ZeroCopyReadPacketData()
	if err != nil {
		return nil, ci, err
	}
	fresh := make([]byte, len(data))
	copy(fresh, data)
	return fresh, ci, nil
}

// ZeroCopyReadPacketData returns the next packet, or io.EOF at the end of
// the file. The data is valid only until the next call; it allocates
// nothing.
func (r *Reader) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	if r.failed != nil {
		return nil, gopacket.CaptureInfo{}, io.EOF
	}
	offset := r.in.offset
	var (
		data []byte
		ci   gopacket.CaptureInfo
		err  error
	)
	if r.pcap != nil {
		data, ci, err = r.pcap.next(r.in)
	} else {
		data, ci, offset, err = r.ng.next(r.in, &r.ifaces)
	}
	if err != nil {
		if err != io.EOF {
			err = r.packetError(offset, err)
		}
		r.failed = err
		return nil, gopacket.CaptureInfo{}, err
	}
	r.packets++
	return data, ci, nil
}

// packetError adds the packet number and offset to an error met while
// reading a packet; read errors other than the end of input stay errors
// of the reader rather than of the file.
func (r *Reader) packetError(offset int64, err error) error {
	var readErr *readError
	if errors.As(err, &readErr) {
		return fmt.Errorf("read packet %d at offset %d: %w", r.packets+1, offset, readErr.err)
	}
	return &FormatError{Packet: r.packets + 1, Offset: offset, Err: err}
}

// readError marks an error of the underlying reader, as opposed to damage
// in the file.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// shortRead returns the error for a read that got fewer bytes than wanted:
// the reader's own error, or a TruncatedError at the end of the input.
func shortRead(err error, what string, want, got int64) error {
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return &readError{err}
	}
	return &TruncatedError{What: what, Want: want, Got: got}
}

// LinkType returns the link type of the first interface.
func (r *Reader) LinkType() layers.LinkType { return r.ifaces[0].LinkType }

// SnapLen returns the snapshot length of the first interface, adjusted as
// libpcap adjusts it (what tcpdump reports as "snapshot length").
func (r *Reader) SnapLen() uint32 { return r.ifaces[0].SnapLen }

// Nanosecond reports whether the file's timestamps are finer than
// microseconds: the pcap nanosecond magic, or for pcapng any interface seen
// so far with such an if_tsresol.
func (r *Reader) Nanosecond() bool {
	for _, iface := range r.ifaces {
		tps, err := iface.TSResolution.TicksPerSecond()
		if err == nil && finerThanMicroseconds(tps) {
			return true
		}
	}
	return false
}

// Interfaces returns the interfaces seen so far: for pcap the single one,
// for pcapng one per Interface Description Block in the order read, across
// sections. A packet's CaptureInfo.InterfaceIndex indexes this slice.
func (r *Reader) Interfaces() []Interface {
	return append([]Interface(nil), r.ifaces...)
}

// PcapHeader returns the header `tcpdump -r FILE -w OUT` writes for this
// file (with --nano when nano is true): the first interface's link type,
// with the flag bits of a pcap input's link-type field, and its adjusted
// snapshot length. Pass it to [NewPcapWriterHeader].
func (r *Reader) PcapHeader(nano bool) PcapHeader {
	h := PcapHeader{LinkType: r.LinkType(), SnapLen: r.SnapLen(), Nano: nano}
	if r.pcap != nil {
		h.LinkTypeExt = r.pcap.linkTypeExt
	}
	return h
}

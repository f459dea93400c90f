package capture

import (
	"errors"
	"fmt"
	"io"
)

// Sentinel errors that a [*FormatError] wraps; test with errors.Is.
var (
	// ErrUnknownFormat: the input is neither pcap nor pcapng.
	ErrUnknownFormat = errors.New("unknown file format")
	// ErrUnsupported: a format version or link type this package cannot
	// represent.
	ErrUnsupported = errors.New("unsupported")
	// ErrMalformed: inconsistent lengths, options or references.
	ErrMalformed = errors.New("malformed capture file")
	// ErrTooLarge: a record or block larger than libpcap accepts.
	ErrTooLarge = errors.New("too large")
)

// FormatError reports a damaged capture file and where the damage is.
type FormatError struct {
	// Packet is the 1-based number of the packet being read, as tcpdump
	// counts; 0 while reading the file header (for pcapng, the blocks up
	// to the first Interface Description Block).
	Packet int
	// Offset is the byte offset in the file of the record or block that
	// could not be read.
	Offset int64
	// Err says what is wrong.
	Err error
}

func (e *FormatError) Error() string {
	if e.Packet == 0 {
		return fmt.Sprintf("read file header at offset %d: %v", e.Offset, e.Err)
	}
	return fmt.Sprintf("read packet %d at offset %d: %v", e.Packet, e.Offset, e.Err)
}

// Unwrap returns the underlying error.
func (e *FormatError) Unwrap() error { return e.Err }

// TruncatedError reports input that ends inside a header or a packet. It
// matches io.ErrUnexpectedEOF with errors.Is.
type TruncatedError struct {
	// What names what was being read, in libpcap's words ("captured bytes").
	What string
	// Want is the number of bytes needed, Got the number there were.
	Want, Got int64

	pcapng bool // libpcap words pcapng truncation differently
}

func (e *TruncatedError) Error() string {
	file := "dump file"
	if e.pcapng {
		file = "pcapng dump file"
	}
	return fmt.Sprintf("truncated %s; tried to read %d %s, only got %d", file, e.Want, e.What, e.Got)
}

// Unwrap returns io.ErrUnexpectedEOF.
func (e *TruncatedError) Unwrap() error { return io.ErrUnexpectedEOF }

// malformed returns an error wrapping ErrMalformed with libpcap's wording.
func malformed(format string, args ...any) error {
	return &detailError{kind: ErrMalformed, msg: fmt.Sprintf(format, args...)}
}

// tooLarge returns an error wrapping ErrTooLarge with libpcap's wording.
func tooLarge(format string, args ...any) error {
	return &detailError{kind: ErrTooLarge, msg: fmt.Sprintf(format, args...)}
}

// unsupported returns an error wrapping ErrUnsupported with libpcap's wording.
func unsupported(format string, args ...any) error {
	return &detailError{kind: ErrUnsupported, msg: fmt.Sprintf(format, args...)}
}

// detailError carries libpcap's message for a problem of a sentinel kind,
// without repeating the sentinel's text in the message.
type detailError struct {
	kind error
	msg  string
}

func (e *detailError) Error() string { return e.msg }
func (e *detailError) Unwrap() error { return e.kind }

// Errors of the writers; test with errors.Is.
var (
	// ErrTimeRange: a timestamp the file format cannot hold, such as one
	// before 1970 or after 2106 in pcap.
	ErrTimeRange = errors.New("timestamp out of range")
	// ErrInvalidPacket: a packet or header a file cannot hold, such as a
	// negative length, or an interface index with no interface.
	ErrInvalidPacket = errors.New("invalid packet")
)

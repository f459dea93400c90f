package capture

import "io"

// initialBufferSize is the read buffer's starting size: large enough that
// most packets are served without copying, small enough to be cheap.
const initialBufferSize = 256 << 10

// maxEmptyReads is how many reads returning nothing and no error input
// tolerates before it gives up with io.ErrNoProgress, as bufio does.
const maxEmptyReads = 100

// input is a buffered reader that hands out slices of its buffer and
// counts the file offset of what it has consumed. Its buffer grows only as
// bytes actually arrive, so a huge length in a corrupt header cannot make
// it allocate more than about twice the rest of the input.
type input struct {
	r          io.Reader
	buf        []byte
	start, end int   // buf[start:end] is read but not consumed
	offset     int64 // file offset of buf[start]
	err        error // first error from r, returned once the buffer drains
}

func newInput(r io.Reader) *input {
	return &input{r: r, buf: make([]byte, initialBufferSize)}
}

// peek returns the next n bytes without consuming them; the slice is valid
// until the next call. With fewer than n bytes left it returns them all
// and the read error (io.EOF at the end of the input).
func (in *input) peek(n int) ([]byte, error) {
	for empty := 0; in.end-in.start < n && in.err == nil; {
		if in.fill(n) {
			empty = 0
		} else if empty++; empty >= maxEmptyReads {
			in.err = io.ErrNoProgress
		}
	}
	if in.end-in.start < n {
		return in.buf[in.start:in.end], in.err
	}
	return in.buf[in.start : in.start+n], nil
}

// fill reads once from r into the free tail of the buffer, first making
// room when there is none: by moving the unconsumed bytes to the front, or
// when they fill the buffer, by doubling it (but not beyond the n bytes the
// caller needs). It reports whether it got any bytes.
func (in *input) fill(n int) bool {
	if in.end == len(in.buf) {
		if in.start > 0 {
			in.end = copy(in.buf, in.buf[in.start:in.end])
		} else {
			b := make([]byte, min(2*len(in.buf), n))
			in.end = copy(b, in.buf[in.start:in.end])
			in.buf = b
		}
		in.start = 0
	}
	m, err := in.r.Read(in.buf[in.end:])
	in.end += m
	if err != nil {
		in.err = err
	}
	return m > 0
}

// consume drops n bytes that peek returned.
func (in *input) consume(n int) {
	in.start += n
	in.offset += int64(n)
}

package printer

import "strconv"

// Helpers that append to the line being built; they never allocate once
// the line buffer has grown to its working size.

func (p *Printer) str(s string) { p.line = append(p.line, s...) }

func (p *Printer) byte(c byte) { p.line = append(p.line, c) }

func (p *Printer) uint(v uint64) { p.line = strconv.AppendUint(p.line, v, 10) }

// hex appends v in lower-case hex, zero-padded to at least width digits,
// like printf's %0*x.
func (p *Printer) hex(v uint64, width int) {
	const digits = "0123456789abcdef"
	var buf [16]byte
	i := len(buf)
	for v != 0 || i == len(buf) || len(buf)-i < width {
		i--
		buf[i] = digits[v&0xf]
		v >>= 4
	}
	p.line = append(p.line, buf[i:]...)
}

// pad appends zero-padded decimal v, like printf's %0*u.
func (p *Printer) pad(v uint64, width int) {
	start := len(p.line)
	p.uint(v)
	if n := len(p.line) - start; n < width {
		p.line = append(p.line, "000000000"[:width-n]...)
		copy(p.line[start+width-n:], p.line[start:start+n])
		for i := start; i < start+width-n; i++ {
			p.line[i] = '0'
		}
	}
}

// trunc appends tcpdump's truncation marker for the current protocol.
func (p *Printer) trunc() {
	p.str(" [|")
	p.str(p.proto)
	p.byte(']')
}

// printChar appends c the way tcpdump's fn_print_char does: "M-" for bytes
// above 0x7f and "^X" for control characters.
func (p *Printer) printChar(c byte) {
	if c >= 0x80 {
		c &= 0x7f
		p.str("M-")
	}
	if c < 0x20 || c == 0x7f {
		c ^= 0x40
		p.byte('^')
	}
	p.byte(c)
}

func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// window cuts the readable bytes b to a protocol's own length, like
// tcpdump's nd_push_snaplen.
func window(b []byte, n int) []byte {
	if n >= 0 && n < len(b) {
		return b[:n]
	}
	return b
}

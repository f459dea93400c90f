package printer

// dump prints the -x/-xx/-X/-XX/-A/-AA dump of a packet whose link-layer
// header is hdrlen bytes long.
func (p *Printer) dump(b []byte, hdrlen int) {
	mode := p.opts.Hex
	switch mode {
	case HexNone:
		return
	case HexNetwork, HexASCIINetwork, ASCIINetwork:
		// Without the link-layer header, and nothing at all when nothing
		// follows it.
		if len(b) <= hdrlen {
			return
		}
		b = b[hdrlen:]
	}
	switch mode {
	case HexNetwork, HexLink:
		p.hexDump(b)
	case HexASCIINetwork, HexASCIILink:
		p.hexASCIIDump(b)
	default:
		p.asciiDump(b)
	}
}

// hexDump prints b as tcpdump's hex_print: lines of eight 16-bit groups.
func (p *Printer) hexDump(b []byte) {
	for i := 0; i+1 < len(b); i += 2 {
		if i%16 == 0 {
			p.offset(i)
		}
		p.byte(' ')
		p.hex(uint64(b[i]), 2)
		p.hex(uint64(b[i+1]), 2)
	}
	if len(b)%2 == 1 {
		if (len(b)-1)%16 == 0 {
			p.offset(len(b) - 1)
		}
		p.byte(' ')
		p.hex(uint64(b[len(b)-1]), 2)
	}
}

func (p *Printer) offset(off int) {
	p.str("\n\t0x")
	p.hex(uint64(off), 4)
	p.str(": ")
}

// hexASCIIDump prints b as tcpdump's hex_and_ascii_print: sixteen bytes a
// line in hex groups padded to 40 columns, two spaces, then the bytes that
// are graphic ASCII characters and dots for the others.
func (p *Printer) hexASCIIDump(b []byte) {
	for off := 0; off < len(b); off += 16 {
		row := b[off:min(off+16, len(b))]
		p.offset(off)
		start := len(p.line)
		for i := 0; i < len(row); i += 2 {
			p.byte(' ')
			p.hex(uint64(row[i]), 2)
			if i+1 < len(row) {
				p.hex(uint64(row[i+1]), 2)
			}
		}
		for len(p.line)-start < 40 {
			p.byte(' ')
		}
		p.str("  ")
		for _, c := range row {
			if c > 0x20 && c < 0x7f {
				p.byte(c)
			} else {
				p.byte('.')
			}
		}
	}
}

// asciiDump prints b as tcpdump's ascii_print: printable characters, tabs,
// spaces and newlines as they are, carriage returns dropped before a
// newline or at the end, everything else as a dot.
func (p *Printer) asciiDump(b []byte) {
	p.byte('\n')
	for i, c := range b {
		switch {
		case c == '\r':
			rest := len(b) - i - 1
			if rest > 1 && b[i+1] != '\n' {
				p.byte('.')
			}
		case c > 0x20 && c < 0x7f, c == '\t', c == ' ', c == '\n':
			p.byte(c)
		default:
			p.byte('.')
		}
	}
}

// defaultPrint prints bytes tcpdump has no printer for as a hex and ASCII
// dump, unless a -x or -X dump follows anyway.
func (p *Printer) defaultPrint(b []byte) {
	switch p.opts.Hex {
	case HexNetwork, HexLink, HexASCIINetwork, HexASCIILink:
		return
	}
	p.hexASCIIDump(b)
}

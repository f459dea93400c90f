package printer

// ip6Packet prints an IPv6 packet and its extension headers, like
// tcpdump's ip6_print.
func (p *Printer) ip6Packet(b []byte, length int) error {
	const fixedLen = 40
	p.proto = "ip6"
	if len(b) < fixedLen {
		return errTruncated
	}
	if length < fixedLen {
		p.str("truncated-ip6 ")
		p.uint(uint64(length))
		return nil
	}
	if !p.opts.Link {
		p.str("IP6 ")
	}
	if v := b[0] >> 4; v != 6 {
		p.str("version error: ")
		p.uint(uint64(v))
		p.str(" != 6")
		return nil
	}
	payloadLen := int(be16(b[4:]))
	total := length + fixedLen
	if payloadLen != 0 {
		total = payloadLen + fixedLen
		if length < total {
			p.str("truncated-ip6 - ")
			p.uint(uint64(total - length))
			p.str(" bytes missing!")
		}
	}
	b = window(b, total)
	h := ipHeader{version: 6, src: b[8:24], dst: b[24:40], proto: b[6]}
	if !printsOwnAddrs(h.proto) {
		p.addrs(&h)
		p.str(": ")
	}

	nh := h.proto
	off := fixedLen
	remaining := total - fixedLen
	fragmented, foundExt, foundHBH, foundJumbo := false, false, false, false
	for {
		var advance int
		switch nh {
		case protoHopOpts:
			if foundHBH {
				p.str("[The Hop-by-Hop Options header was already found] (invalid)")
				return nil
			}
			if off != fixedLen {
				p.str("[The Hop-by-Hop Options header don't follow the IPv6 header] (invalid)")
				return nil
			}
			p.proto = "hbhopt"
			n, jumbo, err := p.optionsHeader(b[off:], "HBH ")
			if err != nil {
				return err
			}
			if payloadLen == 0 && !jumbo {
				p.str("[No valid Jumbo Payload Hop-by-Hop option found] (invalid)")
				return nil
			}
			advance, foundHBH, foundJumbo = n, true, jumbo
		case protoDstOpts:
			p.proto = "dstopt"
			n, _, err := p.optionsHeader(b[off:], "DSTOPT ")
			if err != nil {
				return err
			}
			advance = n
		case protoFragment:
			n, last, err := p.frag6(b[off:], off, payloadLen)
			if err != nil || last || len(b) <= off+n {
				return err
			}
			advance, fragmented = n, true
		case protoRouting:
			n, err := p.rt6(b[off:])
			if err != nil || n < 0 {
				return err
			}
			advance = n
		default:
			length := remaining
			if foundJumbo || payloadLen == 0 {
				// Jumbograms carry their length in the hop-by-hop
				// option; tcpdump then trusts the captured length.
				if payloadLen == 0 && foundExt && !foundJumbo {
					return errTruncated
				}
				length = len(b) - off
			}
			return p.demux(b[off:], length, &h, fragmented, nh)
		}
		foundExt = true
		nh = b[off] // every extension header starts with the next one's type
		if remaining < advance {
			return errTruncated
		}
		off += advance
		remaining -= advance
		p.proto = "ip6"
	}
}

// optionsHeader prints a hop-by-hop or destination options header by name
// and returns its length and whether it holds a jumbo payload option.
func (p *Printer) optionsHeader(b []byte, name string) (int, bool, error) {
	if len(b) < 2 {
		return 0, false, errTruncated
	}
	n := (int(b[1]) + 1) * 8
	if len(b) < n {
		return 0, false, errTruncated
	}
	p.str(name)
	jumbo := false
	opts := b[2:n]
	for i := 0; i < len(opts); {
		if opts[i] == 0 { // Pad1
			i++
			continue
		}
		if i+1 >= len(opts) {
			break
		}
		if opts[i] == 0xc2 && opts[i+1] == 4 {
			jumbo = true
		}
		i += int(opts[i+1]) + 2
	}
	return n, jumbo, nil
}

// frag6 prints an IPv6 fragment header, "frag (offset|length) ", and
// reports whether this is a later fragment with nothing more to print.
func (p *Printer) frag6(b []byte, off, payloadLen int) (int, bool, error) {
	const hdrLen = 8
	p.proto = "frag6"
	if len(b) < 4 {
		return 0, false, errTruncated
	}
	fragOff := be16(b[2:]) & 0xfff8
	p.str("frag (")
	p.uint(uint64(fragOff))
	p.byte('|')
	p.uint(uint64(40 + payloadLen - off - hdrLen))
	p.byte(')')
	if fragOff != 0 {
		return hdrLen, true, nil
	}
	p.byte(' ')
	return hdrLen, false, nil
}

// rt6 prints an IPv6 routing header and returns its length, or -1 when it
// is invalid.
func (p *Printer) rt6(b []byte) (int, error) {
	p.proto = "rt6"
	p.str("RT6 (len=")
	if len(b) < 4 {
		return 0, errTruncated
	}
	n, typ := int(b[1]), b[2]
	p.uint(uint64(n))
	p.str(", type=")
	p.uint(uint64(typ))
	if typ == 0 {
		p.str(" [Deprecated]")
	}
	p.str(", segleft=")
	p.uint(uint64(b[3]))
	switch typ {
	case 0:
		if len(b) < 8 {
			return 0, errTruncated
		}
		if rsv := be32(b[4:]); rsv != 0 {
			p.str(", rsv=0x")
			p.hex(uint64(rsv), 1)
		}
	case 4:
		if len(b) < 8 {
			return 0, errTruncated
		}
		p.str(", last-entry=")
		p.uint(uint64(b[4]))
		if b[5] != 0 {
			p.str(", flags=0x")
			p.hex(uint64(b[5]), 1)
		}
		p.str(", tag=")
		p.hex(uint64(be16(b[6:])), 1)
	default:
		p.str(" (unknown type) (invalid)")
		return -1, nil
	}
	if n%2 == 1 {
		p.str(" (invalid length ")
		p.uint(uint64(n))
		p.str(") (invalid)")
		return -1, nil
	}
	for i := 0; i < n/2; i++ {
		a := 8 + 16*i
		if len(b) < a+16 {
			return 0, errTruncated
		}
		p.str(", [")
		p.uint(uint64(i))
		p.byte(']')
		p.ip6(b[a:])
	}
	p.str(") ")
	return (n + 1) * 8, nil
}

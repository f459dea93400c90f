package printer

// udp prints a UDP datagram, like tcpdump's udp_print.
func (p *Printer) udp(b []byte, length int, h *ipHeader, fragmented bool) error {
	const hdrLen = 8
	p.proto = "udp"
	if len(b) < 4 {
		if h.proto == protoUDP {
			p.addrs(h)
			p.str(": ")
		}
		return errTruncated
	}
	sport, dport := be16(b), be16(b[2:])
	if length < hdrLen {
		p.udpAddrs(h, sport, dport)
		p.str("truncated-udp ")
		p.uint(uint64(length))
		return nil
	}
	if len(b) < 6 {
		p.udpAddrs(h, sport, dport)
		return errTruncated
	}
	ulen := int(be16(b[4:]))
	if ulen == 0 && length > 65535 {
		ulen = length
	}
	if ulen < hdrLen {
		p.udpAddrs(h, sport, dport)
		p.str("truncated-udplength ")
		p.uint(uint64(ulen))
		return nil
	}
	ulen -= hdrLen
	length -= hdrLen
	if ulen < length {
		length = ulen
	}
	if len(b) < hdrLen {
		p.udpAddrs(h, sport, dport)
		return errTruncated
	}
	p.udpAddrs(h, sport, dport)
	payload := b[hdrLen:]
	if !p.opts.Quick {
		either := func(port uint16) bool { return sport == port || dport == port }
		switch {
		case either(portDomain):
			return p.dns(payload, length, false, false)
		case either(portMDNS):
			return p.dns(payload, length, false, true)
		}
	}
	if ulen > length && !fragmented {
		p.str("UDP, bad length ")
		p.uint(uint64(ulen))
		p.str(" > ")
		p.uint(uint64(length))
		return nil
	}
	p.str("UDP, length ")
	p.uint(uint64(ulen))
	return nil
}

// udpAddrs prints "src.sport > dst.dport: ", or only the ports when
// extension headers came between IP and UDP.
func (p *Printer) udpAddrs(h *ipHeader, sport, dport uint16) {
	if h.proto == protoUDP {
		p.addr(h, h.src)
		p.byte('.')
		p.udpPort(sport)
		p.str(" > ")
		p.addr(h, h.dst)
		p.byte('.')
		p.udpPort(dport)
	} else {
		p.udpPort(sport)
		p.str(" > ")
		p.udpPort(dport)
	}
	p.str(": ")
}

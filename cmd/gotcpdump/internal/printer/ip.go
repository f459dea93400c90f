package printer

// IP protocol numbers with a printer or a special case.
const (
	protoHopOpts  = 0
	protoICMP     = 1
	protoIPv4     = 4
	protoTCP      = 6
	protoUDP      = 17
	protoDCCP     = 33
	protoIPv6     = 41
	protoRouting  = 43
	protoFragment = 44
	protoESP      = 50
	protoAH       = 51
	protoICMPv6   = 58
	protoNone     = 59
	protoDstOpts  = 60
	protoND       = 77
	protoSCTP     = 132
)

// ipHeader is what transport printers need from the enclosing IP header:
// the addresses, and the protocol field of the fixed header, which decides
// whether addresses are printed with the ports.
type ipHeader struct {
	version  int
	src, dst []byte
	proto    uint8 // ip_p, or ip6_nxt of the fixed header
}

func (p *Printer) addr(h *ipHeader, a []byte) {
	if h.version == 6 {
		p.ip6(a)
	} else {
		p.ip4(a)
	}
}

// addrs prints "src > dst".
func (p *Printer) addrs(h *ipHeader) {
	p.addr(h, h.src)
	p.str(" > ")
	p.addr(h, h.dst)
}

// ip4Packet prints an IPv4 packet, like tcpdump's ip_print.
func (p *Printer) ip4Packet(b []byte, length int) error {
	const minHdr = 20
	p.proto = "ip"
	if len(b) < 1 {
		return errTruncated
	}
	if v := b[0] >> 4; v != 4 {
		if v == 6 {
			p.str("IP6, wrong link-layer encapsulation")
		} else {
			p.str("IP")
			p.uint(uint64(v))
		}
		p.str(" (invalid)")
		return nil
	}
	if !p.opts.Link {
		p.str("IP ")
	}
	if len(b) < minHdr {
		return errTruncated
	}
	if length < minHdr {
		p.str("truncated-ip ")
		p.uint(uint64(length))
		return nil
	}
	hlen := int(b[0]&0xf) * 4
	if hlen < minHdr {
		p.str("bad-hlen ")
		p.uint(uint64(hlen))
		return nil
	}
	total := int(be16(b[2:]))
	if length < total {
		p.str("truncated-ip - ")
		p.uint(uint64(total - length))
		p.str(" bytes missing! ")
	}
	if total < hlen {
		p.str("bad-len ")
		p.uint(uint64(total))
		return nil
	}
	b = window(b, total)
	off := be16(b[6:])
	h := ipHeader{version: 4, src: b[12:16], dst: b[16:20], proto: b[9]}
	if off&0x1fff != 0 {
		// A later fragment: no transport header to print.
		p.addrs(&h)
		p.byte(':')
		p.ipProtoName(h.proto)
		return nil
	}
	if !printsOwnAddrs(h.proto) {
		p.addrs(&h)
		p.str(": ")
	}
	if len(b) < hlen {
		p.str(" [remaining caplen(")
		p.uint(uint64(len(b)))
		p.str(") < header length(")
		p.uint(uint64(hlen))
		p.str(")]")
		return errTruncated
	}
	return p.demux(b[hlen:], total-hlen, &h, off&0x2000 != 0, h.proto)
}

// printsOwnAddrs reports whether the printer of a transport protocol prints
// the IP addresses itself, together with the ports.
func printsOwnAddrs(proto uint8) bool {
	return proto == protoTCP || proto == protoUDP || proto == protoSCTP || proto == protoDCCP
}

// ipProtoName prints " name" or " ip-proto-N" for an IP protocol number.
func (p *Printer) ipProtoName(proto uint8) {
	if !p.opts.Numeric {
		if name, ok := protoName(proto); ok {
			p.byte(' ')
			p.str(name)
			return
		}
	}
	p.str(" ip-proto-")
	p.uint(uint64(proto))
}

// demux prints an IP payload of protocol nh, like tcpdump's
// ip_demux_print.
func (p *Printer) demux(b []byte, length int, h *ipHeader, fragmented bool, nh uint8) error {
	for {
		switch nh {
		case protoAH:
			p.proto = "ah"
			if len(b) < 1 {
				return errTruncated
			}
			next, n, err := p.ah(b)
			if err != nil || n <= 0 {
				return err
			}
			b, length, nh = b[min(n, len(b)):], length-n, next
			continue
		case protoESP:
			return p.esp(b, length)
		case protoTCP:
			return p.tcp(b, length, h, fragmented)
		case protoUDP:
			return p.udp(b, length, h, fragmented)
		case protoICMP:
			if h.version != 4 {
				p.str("[ICMP requires IPv4] (invalid)")
				return nil
			}
			return p.icmp(b, length)
		case protoICMPv6:
			if h.version != 6 {
				p.str("[ICMPv6 requires IPv6] (invalid)")
				return nil
			}
			return p.icmp6(b, length)
		case protoIPv4:
			return p.ip4Packet(b, length)
		case protoIPv6:
			return p.ip6Packet(b, length)
		case protoND:
			p.str(" nd ")
			p.uint(uint64(length))
			return nil
		case protoNone:
			p.str("no next header")
			return nil
		}
		p.ipProtoName(nh)
		p.byte(' ')
		p.uint(uint64(length))
		return nil
	}
}

// ah prints an IPsec Authentication Header and returns the next protocol
// and the header's length.
func (p *Printer) ah(b []byte) (uint8, int, error) {
	const fixedLen = 12
	p.str("AH(")
	if len(b) < fixedLen {
		return 0, 0, errTruncated
	}
	hdrLen := (int(b[1]) + 2) * 4
	if reserved := be16(b[2:]); reserved != 0 {
		p.str("reserved=0x")
		p.hex(uint64(reserved), 1)
		p.str("[MustBeZero],")
	}
	p.str("spi=0x")
	p.hex(uint64(be32(b[4:])), 8)
	p.str(",seq=0x")
	p.hex(uint64(be32(b[8:])), 1)
	p.str(",icv=0x")
	for i := fixedLen; i < hdrLen; i++ {
		if i >= len(b) {
			return 0, 0, errTruncated
		}
		p.hex(uint64(b[i]), 2)
	}
	p.str("): ")
	return b[0], hdrLen, nil
}

// esp prints the clear part of an IPsec ESP header.
func (p *Printer) esp(b []byte, length int) error {
	p.proto = "esp"
	if len(b) < 8 {
		return errTruncated
	}
	p.str("ESP(spi=0x")
	p.hex(uint64(be32(b)), 8)
	p.str(",seq=0x")
	p.hex(uint64(be32(b[4:])), 1)
	p.str("), length ")
	p.uint(uint64(length))
	return nil
}

package printer

// ICMPv6 message types with their own summary.
const (
	icmp6DstUnreach     = 1
	icmp6PacketTooBig   = 2
	icmp6TimeExceeded   = 3
	icmp6ParamProb      = 4
	icmp6EchoRequest    = 128
	icmp6EchoReply      = 129
	icmp6MLDQuery       = 130
	icmp6MLDReport      = 131
	icmp6MLDDone        = 132
	icmp6RouterSolicit  = 133
	icmp6RouterAdvert   = 134
	icmp6NeighborSolic  = 135
	icmp6NeighborAdvert = 136
	icmp6Redirect       = 137
	icmp6InvSolicit     = 141
	icmp6InvAdvert      = 142
	icmp6MLDv2Report    = 143
	icmp6HADiscovReq    = 144
	icmp6HADiscovReply  = 145
	icmp6MobPrefixAdv   = 147
)

var icmp6Names = map[uint8]string{
	1: "destination unreachable", 2: "packet too big", 3: "time exceeded in-transit",
	4: "parameter problem", 128: "echo request", 129: "echo reply",
	130: "multicast listener query", 131: "multicast listener report",
	132: "multicast listener done", 133: "router solicitation",
	134: "router advertisement", 135: "neighbor solicitation",
	136: "neighbor advertisement", 137: "redirect", 138: "router renumbering",
	141: "inverse neighbor solicitation", 142: "inverse neighbor advertisement",
	143: "multicast listener report v2", 144: "ha discovery request",
	145: "ha discovery reply", 146: "mobile router solicitation",
	147: "mobile router advertisement", 139: "who-are-you request",
	140: "who-are-you reply", 200: "mtrace response", 201: "mtrace message",
	155: "RPL",
}

var icmp6UnreachCodes = map[uint8]string{
	0: "unreachable route", 1: " unreachable prohibited", 2: "beyond scope",
	3: "unreachable address", 4: "unreachable port",
}

var icmp6ParamProbCodes = map[uint8]string{
	0: ", erroneous - octet ", 1: ", next header - octet ",
	2: ", option - octet ", 3: ", incomplete header chain - octet ",
}

// icmp6 prints an ICMPv6 message at the default verbosity, like
// tcpdump's icmp6_print.
func (p *Printer) icmp6(b []byte, length int) error {
	const hdrLen = 8
	p.proto = "icmp6"
	if length == 0 {
		p.str("ICMP6, length 0 (invalid)")
		return nil
	}
	if len(b) < 1 {
		return errTruncated
	}
	typ := b[0]
	p.str("ICMP6, ")
	if name, ok := icmp6Names[typ]; ok {
		p.str(name)
	} else {
		p.str("unknown icmp6 type (")
		p.uint(uint64(typ))
		p.byte(')')
	}
	if len(b) < 2 {
		return errTruncated
	}
	code := b[1]
	quoted := b[min(hdrLen, len(b)):] // the offending packet in error messages
	field := func(off, n int) ([]byte, error) {
		if len(b) < off+n {
			return nil, errTruncated
		}
		return b[off : off+n], nil
	}
	switch typ {
	case icmp6DstUnreach:
		p.str(", ")
		if name, ok := icmp6UnreachCodes[code]; ok {
			p.str(name)
		} else {
			p.str("unknown unreach code (")
			p.uint(uint64(code))
			p.byte(')')
		}
		switch code {
		case 1, 3:
			dst, err := field(hdrLen+24, 16)
			if err != nil {
				return err
			}
			p.byte(' ')
			p.ip6(dst)
		case 2:
			dst, err := field(hdrLen+24, 16)
			if err != nil {
				return err
			}
			p.byte(' ')
			p.ip6(dst)
			p.str(", source address ")
			p.ip6(b[hdrLen+8:])
		case 4:
			proto, ports := upperLayer(quoted)
			if ports == nil {
				return errTruncated
			}
			dst, err := field(hdrLen+24, 16)
			if err != nil {
				return err
			}
			dport := be16(ports[2:])
			p.str(", ")
			p.ip6(dst)
			p.quotedPort(proto, dport)
			if proto != protoTCP && proto != protoUDP {
				p.str(" unreachable") // tcpdump says so only for other protocols
			}
		default:
			p.hexASCIIDump(window(b, length))
			return nil
		}
	case icmp6PacketTooBig:
		mtu, err := field(4, 4)
		if err != nil {
			return err
		}
		p.str(", mtu ")
		p.uint(uint64(be32(mtu)))
	case icmp6TimeExceeded:
		switch code {
		case 0:
			dst, err := field(hdrLen+24, 16)
			if err != nil {
				return err
			}
			p.str(" for ")
			p.ip6(dst)
		case 1:
			p.str(" (reassembly)")
		default:
			p.str(", unknown code (")
			p.uint(uint64(code))
			p.byte(')')
		}
	case icmp6ParamProb:
		if _, err := field(hdrLen+24, 16); err != nil {
			return err
		}
		if text, ok := icmp6ParamProbCodes[code]; ok {
			p.str(text)
			p.uint(uint64(be32(b[4:])))
		} else {
			p.str(", code-#")
			p.uint(uint64(code))
		}
	case icmp6EchoRequest, icmp6EchoReply:
		ids, err := field(4, 4)
		if err != nil {
			return err
		}
		p.str(", id ")
		p.uint(uint64(be16(ids)))
		p.str(", seq ")
		p.uint(uint64(be16(ids[2:])))
	case icmp6MLDQuery:
		const mldLen, mldv2MinLen = 24, 28
		switch {
		case length == mldLen:
			p.mld6(b)
		case length >= mldv2MinLen:
			p.str(" v2")
			if err := p.mldv2Query(b, length); err != nil {
				return err
			}
		default:
			p.str(" unknown-version (len ")
			p.uint(uint64(length))
			p.str(") ")
		}
	case icmp6MLDReport, icmp6MLDDone:
		p.mld6(b)
	case icmp6NeighborSolic:
		target, err := field(hdrLen, 16)
		if err != nil {
			return err
		}
		p.str(", who has ")
		p.ip6(target)
	case icmp6NeighborAdvert:
		target, err := field(hdrLen, 16)
		if err != nil {
			return err
		}
		p.str(", tgt is ")
		p.ip6(target)
	case icmp6Redirect:
		addrs, err := field(hdrLen, 32)
		if err != nil {
			return err
		}
		p.str(", ")
		p.ip6(addrs)
		p.str(" to ")
		p.ip6(addrs[16:])
	case icmp6MLDv2Report:
		if length < 8 {
			p.str(" [invalid len ")
			p.uint(uint64(length))
			p.byte(']')
			break
		}
		n, err := field(6, 2)
		if err != nil {
			return err
		}
		p.str(", ")
		p.uint(uint64(be16(n)))
		p.str(" group record(s)")
	case icmp6HADiscovReq:
		id, err := field(4, 2)
		if err != nil {
			return err
		}
		p.str(", id 0x")
		p.hex(uint64(be16(id)), 4)
	case icmp6RouterSolicit, icmp6RouterAdvert, icmp6InvSolicit, icmp6InvAdvert, icmp6HADiscovReply, icmp6MobPrefixAdv:
		// Details only with -v.
	default:
		if _, known := icmp6Names[typ]; known {
			// Router renumbering, node information and RPL messages
			// have detailed printers this package does not implement;
			// their summary ends like the messages without details.
			break
		}
		p.str(", length ")
		p.uint(uint64(length))
		p.hexASCIIDump(window(b, length))
		return nil
	}
	p.str(", length ")
	p.uint(uint64(length))
	return nil
}

// mld6 prints an MLDv1 message; tcpdump prints it right after the type
// name, without a separator.
func (p *Printer) mld6(b []byte) {
	if len(b) < 24 {
		return
	}
	p.str("max resp delay: ")
	p.uint(uint64(be16(b[4:])))
	p.str(" addr: ")
	p.ip6(b[8:])
}

func (p *Printer) mldv2Query(b []byte, length int) error {
	if len(b) < 28 {
		return errTruncated
	}
	p.str(" [gaddr ")
	p.ip6(b[8:])
	if nsrcs := int(be16(b[26:])); nsrcs > 0 {
		if length < 28+nsrcs*16 {
			p.str(" [invalid number of sources]")
		} else {
			p.str(", ")
			p.uint(uint64(nsrcs))
			p.str(" source(s)")
		}
	}
	p.byte(']')
	return nil
}

// upperLayer finds the TCP or UDP ports of the IPv6 packet quoted in an
// ICMPv6 error, skipping extension headers, like tcpdump's
// get_upperlayer. It returns nil ports when they were not captured.
func upperLayer(b []byte) (uint8, []byte) {
	if len(b) < 7 {
		return 0, nil
	}
	nh := b[6]
	off, hlen := 0, 40
	for off < len(b) {
		off += hlen
		switch nh {
		case protoTCP, protoUDP:
			if len(b) < off+4 {
				return 0, nil
			}
			return nh, b[off : off+4]
		case protoHopOpts, protoDstOpts, protoRouting:
			if len(b) < off+2 {
				return 0, nil
			}
			nh, hlen = b[off], (int(b[off+1])+1)*8
		case protoFragment:
			if len(b) < off+4 {
				return 0, nil
			}
			if be16(b[off+2:])&0xfff8 != 0 {
				return 0, nil
			}
			nh, hlen = b[off], 8
		case protoAH:
			if len(b) < off+2 {
				return 0, nil
			}
			nh, hlen = b[off], (int(b[off+1])+2)*4
		default:
			return 0, nil
		}
	}
	return 0, nil
}

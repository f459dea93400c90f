package printer

// ICMP message types with their own summary.
const (
	icmpEchoReply    = 0
	icmpUnreach      = 3
	icmpRedirect     = 5
	icmpEcho         = 8
	icmpRouterAdvert = 9
	icmpTimeExceeded = 11
	icmpParamProb    = 12
	icmpTstamp       = 13
	icmpTstampReply  = 14
	icmpMaskReply    = 18
)

// icmpNames names the ICMP types printed by name alone.
var icmpNames = map[uint8]string{
	0: "echo reply", 4: "source quench", 8: "echo request",
	10: "router solicitation", 13: "time stamp request", 14: "time stamp reply",
	15: "information request", 16: "information reply", 17: "address mask request",
}

// icmpUnreachText is the text after the address of the unreachable codes
// that take no further data; a leading "net " or "host " is part of it.
var icmpUnreachText = map[uint8][2]string{
	0:  {"net ", " unreachable"},
	1:  {"host ", " unreachable"},
	5:  {"", " unreachable - source route failed"},
	6:  {"net ", " unreachable - unknown"},
	7:  {"host ", " unreachable - unknown"},
	8:  {"", " unreachable - source host isolated"},
	9:  {"net ", " unreachable - admin prohibited"},
	10: {"host ", " unreachable - admin prohibited"},
	11: {"net ", " unreachable - tos prohibited"},
	12: {"host ", " unreachable - tos prohibited"},
	13: {"host ", " unreachable - admin prohibited filter"},
	14: {"host ", " unreachable - host precedence violation"},
	15: {"host ", " unreachable - precedence cutoff"},
}

var icmpRedirectText = map[uint8]string{
	0: "redirect ", 1: "redirect ", 2: "redirect-tos ", 3: "redirect-tos ",
}

// icmp prints an ICMP message at the default verbosity, like tcpdump's
// icmp_print: "ICMP <summary>, length N".
func (p *Printer) icmp(b []byte, length int) error {
	p.proto = "icmp"
	if len(b) < 2 {
		return errTruncated
	}
	typ, code := b[0], b[1]
	// The summary is built first and printed after, as tcpdump does, so a
	// truncated message prints nothing of it.
	start := len(p.line)
	p.str("ICMP ")
	if err := p.icmpSummary(b, typ, code); err != nil {
		p.line = p.line[:start]
		return err
	}
	p.str(", length ")
	p.uint(uint64(length))
	return nil
}

func (p *Printer) icmpSummary(b []byte, typ, code uint8) error {
	// Offsets of the fields of the quoted IP header in error messages.
	const quotedIP = 8
	quotedDst := func() error {
		if len(b) < quotedIP+20 {
			return errTruncated
		}
		p.ip4(b[quotedIP+16:])
		return nil
	}
	switch typ {
	case icmpEcho, icmpEchoReply:
		if len(b) < 8 {
			return errTruncated
		}
		p.str(icmpNames[typ])
		p.str(", id ")
		p.uint(uint64(be16(b[4:])))
		p.str(", seq ")
		p.uint(uint64(be16(b[6:])))
	case icmpUnreach:
		return p.icmpUnreach(b, code, quotedDst)
	case icmpRedirect:
		if len(b) < quotedIP+20 {
			return errTruncated
		}
		if text, ok := icmpRedirectText[code]; ok {
			p.str(text)
		} else {
			p.str("redirect-#")
			p.uint(uint64(code))
			p.byte(' ')
		}
		p.ip4(b[quotedIP+16:])
		switch code {
		case 0, 2:
			p.str(" to net ")
		case 1, 3:
			p.str(" to host ")
		default:
			p.str(" to ")
		}
		p.ip4(b[4:])
	case icmpRouterAdvert:
		return p.icmpRouterAdvert(b)
	case icmpTimeExceeded:
		if len(b) < quotedIP+20 {
			return errTruncated
		}
		switch code {
		case 0:
			p.str("time exceeded in-transit")
		case 1:
			p.str("ip reassembly time exceeded")
		default:
			p.str("time exceeded-#")
			p.uint(uint64(code))
		}
	case icmpParamProb:
		if code != 0 {
			p.str("parameter problem - code ")
			p.uint(uint64(code))
			break
		}
		if len(b) < 5 {
			return errTruncated
		}
		p.str("parameter problem - octet ")
		p.uint(uint64(b[4]))
	case icmpMaskReply:
		if len(b) < 12 {
			return errTruncated
		}
		p.str("address mask is 0x")
		p.hex(uint64(be32(b[8:])), 8)
	case icmpTstamp:
		if len(b) < 8 {
			return errTruncated
		}
		p.str("time stamp query id ")
		p.uint(uint64(be16(b[4:])))
		p.str(" seq ")
		p.uint(uint64(be16(b[6:])))
	case icmpTstampReply:
		if len(b) < 20 {
			return errTruncated
		}
		p.str("time stamp reply id ")
		p.uint(uint64(be16(b[4:])))
		p.str(" seq ")
		p.uint(uint64(be16(b[6:])))
		p.str(": org ")
		p.icmpTime(be32(b[8:]))
		p.str(", recv ")
		p.icmpTime(be32(b[12:]))
		p.str(", xmit ")
		p.icmpTime(be32(b[16:]))
	default:
		if name, ok := icmpNames[typ]; ok {
			p.str(name)
		} else {
			p.str("type-#")
			p.uint(uint64(typ))
		}
	}
	return nil
}

func (p *Printer) icmpUnreach(b []byte, code uint8, quotedDst func() error) error {
	const quotedIP = 8
	if text, ok := icmpUnreachText[code]; ok {
		p.str(text[0])
		if err := quotedDst(); err != nil {
			return err
		}
		p.str(text[1])
		return nil
	}
	switch code {
	case 2: // protocol
		if err := quotedDst(); err != nil {
			return err
		}
		p.str(" protocol ")
		p.uint(uint64(b[quotedIP+9]))
		p.str(" unreachable")
	case 3: // port
		if len(b) < quotedIP+10 {
			return errTruncated
		}
		hlen := int(b[quotedIP]&0xf) * 4
		ports := quotedIP + hlen
		if len(b) < ports+4 || len(b) < quotedIP+20 {
			return errTruncated
		}
		dport := be16(b[ports+2:])
		p.ip4(b[quotedIP+16:])
		p.quotedPort(b[quotedIP+9], dport)
		p.str(" unreachable")
	case 4: // need to fragment
		if len(b) < 8 {
			return errTruncated
		}
		mtu := be16(b[6:])
		if err := quotedDst(); err != nil {
			return err
		}
		p.str(" unreachable - need to frag")
		if mtu != 0 {
			p.str(" (mtu ")
			p.uint(uint64(mtu))
			p.byte(')')
		}
	default:
		if err := quotedDst(); err != nil {
			return err
		}
		p.str(" unreachable - #")
		p.uint(uint64(code))
	}
	return nil
}

func (p *Printer) icmpRouterAdvert(b []byte) error {
	p.str("router advertisement lifetime ")
	if len(b) < 8 {
		return errTruncated
	}
	num, size, lifetime := int(b[4]), int(b[5]), int(be16(b[6:]))
	switch {
	case lifetime < 60:
		p.uint(uint64(lifetime))
	case lifetime < 3600:
		p.uint(uint64(lifetime / 60))
		p.byte(':')
		p.pad(uint64(lifetime%60), 2)
	default:
		p.uint(uint64(lifetime / 3600))
		p.byte(':')
		p.pad(uint64(lifetime%3600/60), 2)
		p.byte(':')
		p.pad(uint64(lifetime%60), 2)
	}
	p.byte(' ')
	p.uint(uint64(num))
	p.byte(':')
	if size != 2 {
		p.str(" [size ")
		p.uint(uint64(size))
		p.byte(']')
		return nil
	}
	for i := 0; i < num; i++ {
		entry := 8 + 8*i
		if len(b) < entry+8 {
			return errTruncated
		}
		p.str(" {")
		p.ip4(b[entry:])
		p.byte(' ')
		p.uint(uint64(be32(b[entry+4:])))
		p.byte('}')
	}
	return nil
}

// icmpTime prints milliseconds since midnight UTC as tcpdump's
// icmp_tstamp_print does; hours are not wrapped.
func (p *Printer) icmpTime(ms uint32) {
	sec := ms / 1000
	p.pad(uint64(sec/3600), 2)
	p.byte(':')
	p.pad(uint64(sec%3600/60), 2)
	p.byte(':')
	p.pad(uint64(sec%60), 2)
	p.byte('.')
	p.pad(uint64(ms%1000), 3)
}

// quotedPort prints the protocol and destination port of the datagram an
// ICMP or ICMPv6 port-unreachable message quotes: " tcp port http", or
// " protocol 132 port 80" for other protocols.
func (p *Printer) quotedPort(proto uint8, dport uint16) {
	switch proto {
	case protoTCP:
		p.str(" tcp port ")
		p.tcpPort(dport)
	case protoUDP:
		p.str(" udp port ")
		p.udpPort(dport)
	default:
		p.str(" protocol ")
		p.uint(uint64(proto))
		p.str(" port ")
		p.uint(uint64(dport))
	}
}

package printer

// arp prints an ARP or RARP packet, like tcpdump's arp_print.
func (p *Printer) arp(b []byte, length int) error {
	const fixedLen = 8
	p.proto = "arp"
	if len(b) < fixedLen {
		return errTruncated
	}
	hrd, pro, hln, pln, op := be16(b), be16(b[2:]), int(b[4]), int(b[5]), be16(b[6:])
	if hrd == arpHardwareATM2225 {
		return p.unsupportedATMARP(length)
	}
	if len(b) < fixedLen+2*hln+2*pln {
		return errTruncated
	}
	sha := b[fixedLen : fixedLen+hln]
	spa := b[fixedLen+hln : fixedLen+hln+pln]
	tha := b[fixedLen+hln+pln : fixedLen+2*hln+pln]
	tpa := b[fixedLen+2*hln+pln : fixedLen+2*hln+2*pln]
	if !p.opts.Link {
		p.str("ARP, ")
	}
	isIP := pro == etherTypeIPv4 || pro == etherTypeTrailer
	if !isIP || pln != 4 || hln == 0 {
		hname, ok := arpHardwareNames[hrd]
		if ok {
			p.str(hname)
		} else {
			p.str("Unknown Hardware (")
			p.uint(uint64(hrd))
			p.byte(')')
		}
		p.str(" (len ")
		p.uint(uint64(hln))
		p.str("), ")
		if name, ok := etherTypeName(pro); ok {
			p.str(name)
		} else {
			p.str("Unknown Protocol (0x")
			p.hex(uint64(pro), 4)
			p.byte(')')
		}
		p.str(" (len ")
		p.uint(uint64(pln))
		p.byte(')')
		p.arpLength(length)
		return nil
	}
	if name, ok := arpOpNames[op]; ok {
		p.str(name)
	} else {
		p.str("Unknown (")
		p.uint(uint64(op))
		p.byte(')')
	}
	p.byte(' ')
	switch op {
	case arpOpRequest:
		p.str("who-has ")
		p.ip4(tpa)
		if nonZero(tha) {
			p.str(" (")
			p.arpHWAddr(tha)
			p.byte(')')
		}
		p.str(" tell ")
		p.ip4(spa)
	case arpOpReply:
		p.ip4(spa)
		p.str(" is-at ")
		p.arpHWAddr(sha)
	case arpOpRevRequest, arpOpInvRequest:
		p.str("who-is ")
		p.arpHWAddr(tha)
		p.str(" tell ")
		p.arpHWAddr(sha)
	case arpOpRevReply:
		p.arpHWAddr(tha)
		p.str(" at ")
		p.ip4(tpa)
	case arpOpInvReply:
		p.arpHWAddr(sha)
		p.str(" at ")
		p.ip4(spa)
	default:
		p.defaultPrint(b)
		return nil
	}
	p.arpLength(length)
	return nil
}

func (p *Printer) arpLength(length int) {
	p.str(", length ")
	p.uint(uint64(length))
}

// unsupportedATMARP prints a one-line summary of an ATM ARP packet, which
// this package does not decode.
func (p *Printer) unsupportedATMARP(length int) error {
	p.str("ATMARP")
	p.arpLength(length)
	return nil
}

// arpHWAddr prints an ARP hardware address: an Ethernet address when it has
// six bytes, colon-separated hex otherwise.
func (p *Printer) arpHWAddr(b []byte) {
	if len(b) == 6 {
		p.mac(b)
		return
	}
	p.linkAddr(b)
}

func nonZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return true
		}
	}
	return false
}

const (
	arpHardwareATM2225 = 19
	arpOpRequest       = 1
	arpOpReply         = 2
	arpOpRevRequest    = 3
	arpOpRevReply      = 4
	arpOpInvRequest    = 8
	arpOpInvReply      = 9
)

var arpOpNames = map[uint16]string{
	1: "Request", 2: "Reply", 3: "Reverse Request", 4: "Reverse Reply",
	8: "Inverse Request", 9: "Inverse Reply", 10: "NACK Reply",
}

var arpHardwareNames = map[uint16]string{
	1: "Ethernet", 6: "TokenRing", 7: "ArcNet", 15: "FrameRelay",
	23: "Strip", 24: "IEEE 1394", 19: "ATM", 32: "InfiniBand",
}

package printer

// DNS header flags and record types with special handling.
const (
	dnsHeaderLen = 12
	dnsTypeA     = 1
	dnsTypeNS    = 2
	dnsTypeCNAME = 5
	dnsTypeSOA   = 6
	dnsTypePTR   = 12
	dnsTypeMX    = 15
	dnsTypeTXT   = 16
	dnsTypeAAAA  = 28
	dnsTypeSRV   = 33
	dnsTypeA6    = 38
	dnsTypeDNAME = 39
	dnsTypeOPT   = 41
	dnsTypeTSIG  = 250
	dnsTypeURI   = 256
	dnsClassIN   = 1
	maxDomainLen = 255 // tcpdump's MAXCDNAME
)

var dnsOpcodes = [16]string{
	"", " inv_q", " stat", " op3", " notify", " update", " op6", " op7",
	" op8", " updateA", " updateD", " updateDA", " updateM", " updateMA",
	" zoneInit", " zoneRef",
}

var dnsRcodes = [...]string{
	"", " FormErr", " ServFail", " NXDomain", " NotImp", " Refused",
	" YXDomain", " YXRRSet", " NXRRSet", " NotAuth", " NotZone", " Resp11",
	" Resp12", " Resp13", " Resp14", " NoChange", " BadVers", "Resp17",
	" Resp18", " Resp19", " Resp20", "Resp21", " Resp22", " BadCookie",
}

var dnsTypeNames = map[uint16]string{
	1: "A", 2: "NS", 3: "MD", 4: "MF", 5: "CNAME", 6: "SOA", 7: "MB", 8: "MG",
	9: "MR", 10: "NULL", 11: "WKS", 12: "PTR", 13: "HINFO", 14: "MINFO",
	15: "MX", 16: "TXT", 17: "RP", 18: "AFSDB", 19: "X25", 20: "ISDN",
	21: "RT", 22: "NSAP", 23: "NSAP_PTR", 24: "SIG", 25: "KEY", 26: "PX",
	27: "GPOS", 28: "AAAA", 29: "LOC", 30: "NXT", 31: "EID", 32: "NIMLOC",
	33: "SRV", 34: "ATMA", 35: "NAPTR", 36: "KX", 37: "CERT", 38: "A6",
	39: "DNAME", 40: "SINK", 41: "OPT", 42: "APL", 43: "DS", 44: "SSHFP",
	45: "IPSECKEY", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 99: "SPF",
	100: "UINFO", 101: "UID", 102: "GID", 103: "UNSPEC", 104: "UNSPECA",
	249: "TKEY", 250: "TSIG", 251: "IXFR", 252: "AXFR", 253: "MAILB",
	254: "MAILA", 255: "ANY", 256: "URI",
}

var dnsClassNames = map[uint16]string{1: "IN", 3: "CHAOS", 4: "HS", 255: "ANY"}

func (p *Printer) dnsType(t uint16) {
	if name, ok := dnsTypeNames[t]; ok {
		p.str(name)
		return
	}
	p.str("Type")
	p.uint(uint64(t))
}

func (p *Printer) dnsClass(c uint16) {
	if name, ok := dnsClassNames[c]; ok {
		p.str(name)
		return
	}
	p.str("(Class ")
	p.uint(uint64(c))
	p.byte(')')
}

// dns prints a DNS message summary at the default verbosity, like
// tcpdump's domain_print: "id+ A? name. (len)" for a query,
// "id q/n/a A addr, ... (len)" for a response.
func (p *Printer) dns(b []byte, length int, overTCP, mdns bool) error {
	p.proto = "domain"
	if overTCP {
		if length < 2 {
			p.str(" [DNS over TCP: length ")
			p.uint(uint64(length))
			p.str(" < 2] (invalid)")
			return nil
		}
		length -= 2 // the length prefix
		if len(b) < 2 {
			return errTruncated
		}
		if prefix := int(be16(b)); prefix != length {
			p.str(" [prefix length(")
			p.uint(uint64(prefix))
			p.str(") != length(")
			p.uint(uint64(length))
			p.str(")] (invalid)")
			return nil
		}
		b = b[2:]
		p.byte(' ')
	}
	if length < dnsHeaderLen {
		p.str("domain [length ")
		p.uint(uint64(length))
		p.str(" < 12] (invalid)")
		return nil
	}
	if len(b) < dnsHeaderLen {
		return errTruncated
	}
	m := dnsMessage{msg: b}
	id, flags := be16(b), be16(b[2:])
	qd, an, ns, ar := int(be16(b[4:])), int(be16(b[6:])), int(be16(b[8:])), int(be16(b[10:]))
	opcode := flags >> 11 & 0xf
	if flags&0x8000 != 0 {
		rcode := m.extendedRcode(flags&0xf, qd, an+ns, ar)
		p.uint(uint64(id))
		p.str(dnsOpcodes[opcode])
		if int(rcode) < len(dnsRcodes) {
			p.str(dnsRcodes[rcode])
		} else {
			p.str(" Resp")
			p.uint(uint64(rcode & 0xfff))
		}
		if flags&0x0400 != 0 {
			p.byte('*')
		}
		if flags&0x0080 == 0 {
			p.byte('-')
		}
		if flags&0x0200 != 0 {
			p.byte('|')
		}
		if flags&0x0020 != 0 {
			p.byte('$')
		}
		if qd != 1 {
			p.str(" [")
			p.uint(uint64(qd))
			p.str("q]")
		}
		off := dnsHeaderLen
		for range qd {
			next, ok := m.skipName(off)
			if !ok {
				return p.dnsTrunc()
			}
			off = next + 4
		}
		p.byte(' ')
		p.uint(uint64(an))
		p.byte('/')
		p.uint(uint64(ns))
		p.byte('/')
		p.uint(uint64(ar))
		for i := 0; i < an; i++ {
			if i > 0 {
				if off >= len(b) {
					return p.dnsTrunc()
				}
				p.byte(',')
			}
			next, ok := p.dnsRecord(&m, off, mdns)
			if !ok {
				return p.dnsTrunc()
			}
			off = next
		}
	} else {
		p.uint(uint64(id))
		p.str(dnsOpcodes[opcode])
		if flags&0x0100 != 0 {
			p.byte('+')
		}
		if flags&0x0010 != 0 {
			p.byte('%')
		}
		if flags&0x6cf != 0 {
			p.str(" [b2&3=0x")
			p.hex(uint64(flags), 1)
			p.byte(']')
		}
		counts := func(n int, suffix string) {
			p.str(" [")
			p.uint(uint64(n))
			p.str(suffix)
		}
		if opcode == 1 { // inverse query
			if qd != 0 {
				counts(qd, "q]")
			}
			if an != 1 {
				counts(an, "a]")
			}
		} else {
			if an != 0 {
				counts(an, "a]")
			}
			if qd != 1 {
				counts(qd, "q]")
			}
		}
		if ns != 0 {
			counts(ns, "n]")
		}
		if ar != 0 {
			counts(ar, "au]")
		}
		off := dnsHeaderLen
		for i := 0; i < qd; i++ {
			if i > 0 && off >= len(b) {
				return p.dnsTrunc()
			}
			next, ok := p.dnsQuestion(&m, off, mdns)
			if !ok {
				return p.dnsTrunc()
			}
			off = next
		}
	}
	p.str(" (")
	p.uint(uint64(length))
	p.byte(')')
	return nil
}

// dnsTrunc ends a DNS summary cut short, which tcpdump marks without
// abandoning the rest of the line.
func (p *Printer) dnsTrunc() error {
	p.trunc()
	return nil
}

// dnsMessage reads names and records out of a captured DNS message.
type dnsMessage struct{ msg []byte }

// extendedRcode adds the high bits an EDNS OPT record carries to rcode,
// walking the message as tcpdump does and giving up quietly when it ends.
func (m *dnsMessage) extendedRcode(rcode uint16, qd, records, ar int) uint16 {
	b := m.msg
	off := dnsHeaderLen
	for range qd {
		next, ok := m.skipName(off)
		if !ok || next >= len(b) {
			return rcode
		}
		off = next
	}
	for range records {
		next, ok := m.skipName(off)
		if !ok || next+2 > len(b) {
			return rcode
		}
		off = next + 2 + int(be16(b[next:]))
		if off >= len(b) {
			return rcode
		}
	}
	for range ar {
		next, ok := m.skipName(off)
		if !ok || next+2 > len(b) {
			return rcode
		}
		if be16(b[next:]) == dnsTypeOPT {
			return rcode | uint16(b[next])<<4
		}
		next += 4
		if next+2 > len(b) {
			return rcode
		}
		off = next + 2 + int(be16(b[next:]))
		if off >= len(b) {
			return rcode
		}
	}
	return rcode
}

// skipName returns the offset just past the name at off, like tcpdump's
// ns_nskip: a compression pointer ends the name.
func (m *dnsMessage) skipName(off int) (int, bool) {
	b := m.msg
	if off >= len(b) {
		return 0, false
	}
	i := b[off]
	off++
	for i != 0 {
		switch i & 0xc0 {
		case 0xc0:
			return off + 1, true
		case 0x40:
			if i&0x3f != 0x01 { // only bit-string labels are known
				return 0, false
			}
			if off >= len(b) {
				return 0, false
			}
			bitlen := int(b[off])
			if bitlen == 0 {
				bitlen = 256
			}
			off += 1 + (bitlen+7)/8
		case 0x80:
			return 0, false
		default:
			off += int(i)
		}
		if off >= len(b) {
			return 0, false
		}
		i = b[off]
		off++
	}
	return off, true
}

// labelLen is tcpdump's labellen: the length of the label at off, or -1
// after printing why it cannot be read.
func (p *Printer) labelLen(m *dnsMessage, off int) int {
	b := m.msg
	if off >= len(b) {
		return -1
	}
	i := b[off]
	switch i & 0xc0 {
	case 0x40:
		if elt := i & 0x3f; elt != 0x01 {
			p.str("<ELT ")
			p.uint(uint64(elt))
			p.byte('>')
			return -1
		}
		if off+1 >= len(b) {
			return -1
		}
		bitlen := int(b[off+1])
		if bitlen == 0 {
			bitlen = 256
		}
		return (bitlen+7)/8 + 1
	case 0x80:
		p.str("<BAD LABEL TYPE>")
		return -1
	}
	return int(i)
}

// name prints the domain name at off with a trailing dot, following
// compression pointers backwards only, and returns the offset just past
// it, like tcpdump's fqdn_print.
func (p *Printer) name(m *dnsMessage, off int) (int, bool) {
	b := m.msg
	l := p.labelLen(m, off)
	if l < 0 {
		return 0, false
	}
	maxOff := off
	i := b[off]
	off++
	compressed := false
	rp := 0
	if i&0xc0 != 0xc0 {
		rp = off + l
	}
	if i == 0 {
		p.byte('.')
		return rp, true
	}
	nameChars := 0
	for i != 0 && off < len(b) {
		switch i & 0xc0 {
		case 0xc0:
			if !compressed {
				rp = off + 1
				compressed = true
			}
			if off >= len(b) {
				return 0, false
			}
			target := (int(i)<<8 | int(b[off])) & 0x3fff
			if target >= maxOff {
				p.str("<BAD PTR>")
				return 0, false
			}
			maxOff = target
			off = target
			if off >= len(b) {
				return 0, false
			}
			i = b[off]
			if l = p.labelLen(m, off); l < 0 {
				return 0, false
			}
			off++
			continue
		case 0x40:
			if !p.bitLabel(b, off) {
				return 0, false
			}
		case 0x80:
			p.str("<BAD LABEL TYPE>")
			return 0, false
		default:
			n := l
			if nameChars+l > maxDomainLen {
				n = max(maxDomainLen-nameChars, 0)
			}
			for j := 0; j < n; j++ {
				if off+j >= len(b) {
					return 0, false
				}
				p.printChar(b[off+j])
			}
			nameChars += l
		}
		off += l
		if nameChars <= maxDomainLen {
			p.byte('.')
		}
		nameChars++
		if off >= len(b) {
			return 0, false
		}
		i = b[off]
		if l = p.labelLen(m, off); l < 0 {
			return 0, false
		}
		off++
		if !compressed {
			rp += l + 1
		}
	}
	if nameChars > maxDomainLen {
		p.str("<DOMAIN NAME TOO LONG>")
	}
	return rp, true
}

// bitLabel prints an EDNS0 bit-string label, "\[x0a/8]".
func (p *Printer) bitLabel(b []byte, off int) bool {
	if off >= len(b) {
		return false
	}
	bitlen := int(b[off])
	if bitlen == 0 {
		bitlen = 256
	}
	lim := off + 1 + (bitlen+3)/4
	p.str("\\[x")
	bp, bits := off+1, bitlen
	for ; bp < lim && bits > 7; bits, bp = bits-8, bp+1 {
		if bp >= len(b) {
			return false
		}
		p.hex(uint64(b[bp]), 2)
	}
	if bits > 0 && bp >= len(b) {
		return false
	}
	if bits > 4 {
		p.hex(uint64(b[bp]&(0xff<<(8-bits))), 2)
	} else if bits > 0 {
		p.hex(uint64((b[bp]>>4)&0x0f&(0x0f<<(4-bits))), 1)
	}
	p.byte('/')
	p.uint(uint64(bitlen))
	p.byte(']')
	return true
}

// dnsQuestion prints " TYPE? name." and returns the offset past the question.
func (p *Printer) dnsQuestion(m *dnsMessage, off int, mdns bool) (int, bool) {
	b := m.msg
	next, ok := m.skipName(off)
	if !ok || next+4 > len(b) {
		return 0, false
	}
	typ, class := be16(b[next:]), be16(b[next+2:])
	p.byte(' ')
	p.dnsType(typ)
	c := class
	if mdns {
		c &^= 0x8000
	}
	if c != dnsClassIN {
		p.byte(' ')
		p.dnsClass(c)
	}
	if mdns {
		if class&0x8000 != 0 {
			p.str(" (QU)")
		} else {
			p.str(" (QM)")
		}
	}
	p.str("? ")
	end, ok := p.name(m, off)
	if !ok {
		return 0, false
	}
	return end + 4, true
}

// dnsRecord prints one answer, " TYPE data", and returns the offset past
// it, like tcpdump's ns_rprint at the default verbosity.
func (p *Printer) dnsRecord(m *dnsMessage, off int, mdns bool) (int, bool) {
	b := m.msg
	cp, ok := m.skipName(off)
	if !ok || cp+10 > len(b) {
		// tcpdump ends the answers here without a marker.
		return len(b), true
	}
	typ, class := be16(b[cp:]), be16(b[cp+2:])
	c := class
	if mdns {
		c &^= 0x8000
	}
	if c != dnsClassIN && typ != dnsTypeOPT {
		p.byte(' ')
		p.dnsClass(c)
	}
	if mdns && class&0x8000 != 0 {
		p.str(" (Cache flush)")
	}
	optFlags := uint16(0)
	if typ == dnsTypeOPT {
		optFlags = be16(b[cp+6:])
	}
	rdlen := int(be16(b[cp+8:]))
	cp += 10
	end := cp + rdlen
	p.byte(' ')
	p.dnsType(typ)
	if end > len(b) {
		return 0, false
	}
	rdata := b[cp:end]
	switch typ {
	case dnsTypeA:
		if len(rdata) < 4 {
			return 0, false
		}
		p.byte(' ')
		p.ip4Numeric(rdata)
	case dnsTypeNS, dnsTypeCNAME, dnsTypePTR, dnsTypeDNAME:
		p.byte(' ')
		if _, ok := p.name(m, cp); !ok {
			return 0, false
		}
	case dnsTypeMX:
		p.byte(' ')
		if len(rdata) < 2 {
			return 0, false
		}
		if _, ok := p.name(m, cp+2); !ok {
			return 0, false
		}
		p.byte(' ')
		p.uint(uint64(be16(rdata)))
	case dnsTypeTXT:
		for i := 0; i < len(rdata); {
			p.str(" \"")
			n := int(rdata[i])
			i++
			for j := 0; j < n; j++ {
				if i >= len(rdata) {
					return 0, false
				}
				p.printChar(rdata[i])
				i++
			}
			p.byte('"')
		}
	case dnsTypeSRV:
		p.byte(' ')
		if len(rdata) < 6 {
			return 0, false
		}
		if _, ok := p.name(m, cp+6); !ok {
			return 0, false
		}
		p.byte(':')
		p.uint(uint64(be16(rdata[4:])))
		p.byte(' ')
		p.uint(uint64(be16(rdata)))
		p.byte(' ')
		p.uint(uint64(be16(rdata[2:])))
	case dnsTypeAAAA:
		if len(rdata) < 16 {
			return 0, false
		}
		p.byte(' ')
		p.line = netipAppend16(p.line, rdata)
	case dnsTypeOPT:
		p.str(" UDPsize=")
		p.uint(uint64(class))
		if optFlags&0x8000 != 0 {
			p.str(" DO")
		}
		if len(rdata) > 0 {
			p.str(" [")
			p.ednsOptions(rdata)
			p.byte(']')
		}
	case dnsTypeURI:
		if len(rdata) < 4 {
			return 0, false
		}
		p.byte(' ')
		p.uint(uint64(be16(rdata)))
		p.byte(' ')
		p.uint(uint64(be16(rdata[2:])))
		p.byte(' ')
		for _, c := range rdata[4:] {
			p.printChar(c)
		}
	}
	return end, true
}

// ednsOptions prints the options of an OPT record by code and length.
func (p *Printer) ednsOptions(b []byte) {
	for i := 0; i+4 <= len(b); {
		if i > 0 {
			p.byte(',')
		}
		code, n := be16(b[i:]), int(be16(b[i+2:]))
		if name, ok := ednsOptionNames[code]; ok {
			p.str(name)
		} else {
			p.str("Opt")
			p.uint(uint64(code))
		}
		i += 4 + n
	}
}

var ednsOptionNames = map[uint16]string{
	1: "LLQ", 2: "UL", 3: "NSID", 5: "DAU", 6: "DHU", 7: "N3U",
	8: "ECS", 9: "EXPIRE", 10: "COOKIE", 11: "KEEPALIVE", 12: "PADDING",
	13: "CHAIN", 14: "KEY-TAG", 15: "EDE",
}

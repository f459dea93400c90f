package printer

import "encoding/binary"

// ether prints an Ethernet frame, like tcpdump's ether_common_print.
func (p *Printer) ether(b []byte, length int) (int, error) {
	const addrLen = 12
	if length < len(b) {
		p.str("[length ")
		p.uint(uint64(length))
		p.str(" < caplen ")
		p.uint(uint64(len(b)))
		p.str("] (invalid)")
		return length, nil
	}
	if len(b) < addrLen+2 {
		p.trunc()
		return len(b), nil
	}
	origLength := length
	dst, src := b[0:6], b[6:12]
	if p.opts.Link {
		p.etherAddrs(src, dst)
	}
	hdrlen := addrLen + 2
	typ := be16(b[addrLen:])
	b, length = b[hdrlen:], length-hdrlen

	printedLength := false
	for typ == etherType8021Q || typ == etherType8021Q9100 || typ == etherType8021Q9200 || typ == etherType8021QinQ {
		if len(b) < 4 {
			p.proto = "vlan"
			p.trunc()
			return hdrlen + len(b), nil
		}
		if length < 4 {
			p.proto = "vlan"
			p.trunc()
			return hdrlen + length, nil
		}
		if p.opts.Link {
			p.etherTypeField(typ)
			if !printedLength {
				p.lengthColon(origLength)
				printedLength = true
			} else {
				p.str(", ")
			}
			p.vlanTag(be16(b))
			p.str(", ")
		}
		typ = be16(b[2:])
		b, length, hdrlen = b[4:], length-4, hdrlen+4
	}

	if typ <= maxEthernetLength {
		// An 802.3 length field: an LLC header follows, which this package
		// does not decode.
		if int(typ) < length {
			length = int(typ)
			b = window(b, length)
		}
		if p.opts.Link {
			p.str("802.3")
			if !printedLength {
				p.lengthColon(length)
			}
		}
		p.llc(src, dst, b, length)
		return hdrlen, nil
	}

	if p.opts.Link {
		p.etherTypeField(typ)
		if !printedLength {
			p.lengthColon(origLength)
		} else {
			p.str(", ")
		}
	}
	known, err := p.etherTypePayload(typ, b, length)
	if err != nil {
		return hdrlen, err
	}
	if !known {
		if !p.opts.Link {
			p.etherAddrs(src, dst)
			p.etherTypeField(typ)
			p.lengthColon(origLength)
		}
		p.defaultPrint(b)
	}
	return hdrlen, nil
}

// llc prints an 802.2 LLC frame as tcpdump does for SAPs it has no printer
// for: the addresses, the SAPs and the raw payload.
func (p *Printer) llc(src, dst, b []byte, length int) {
	if !p.opts.Link {
		p.etherAddrs(src, dst)
		p.str("802.3, length ")
		p.uint(uint64(length))
		p.str(": ")
	}
	p.str("LLC, length ")
	p.uint(uint64(length))
	p.defaultPrint(b)
}

func (p *Printer) etherAddrs(src, dst []byte) {
	p.mac(src)
	p.str(" > ")
	p.mac(dst)
	p.str(", ")
}

func (p *Printer) lengthColon(length int) {
	p.str(", length ")
	p.uint(uint64(length))
	p.str(": ")
}

// vlanTag prints an 802.1Q tag control field, "vlan 100, p 0[, DEI]".
func (p *Printer) vlanTag(tci uint16) {
	p.str("vlan ")
	p.uint(uint64(tci & 0xfff))
	p.str(", p ")
	p.uint(uint64(tci >> 13))
	if tci&0x1000 != 0 {
		p.str(", DEI")
	}
}

// sllPacketTypes names the packet types of Linux cooked headers.
var sllPacketTypes = [...]string{"In", "B", "M", "P", "Out"}

func sllPacketType(t uint16) string {
	if int(t) < len(sllPacketTypes) {
		return sllPacketTypes[t]
	}
	return "?"
}

// sllHeader prints the -e part of a LINUX_SLL or LINUX_SLL2 header.
func (p *Printer) sllHeader(addr []byte, halen int, proto uint16, length int) {
	if halen == 6 {
		p.mac(addr)
		p.byte(' ')
	}
	if p.opts.Quick {
		return
	}
	if proto <= maxEthernetLength {
		switch proto {
		case linuxSLLProto8023:
			p.str("802.3")
		case linuxSLLProto8022:
			p.str("802.2")
		default:
			p.str("ethertype Unknown (0x")
			p.hex(uint64(proto), 4)
			p.byte(')')
		}
	} else {
		name, ok := etherTypeName(proto)
		if !ok {
			name = "Unknown"
		}
		p.str("ethertype ")
		p.str(name)
		p.str(" (0x")
		p.hex(uint64(proto), 4)
		p.byte(')')
	}
	p.lengthColon(length)
}

// sll prints a LINUX_SLL (Linux cooked v1) packet.
func (p *Printer) sll(b []byte, length int) (int, error) {
	const hdrLen = 16
	p.proto = "sll"
	if len(b) < hdrLen {
		return 0, errTruncated
	}
	pktType, halen, proto := be16(b), int(be16(b[4:])), be16(b[14:])
	header := func(length int) {
		p.padLeft(sllPacketType(pktType), 3)
		p.byte(' ')
		p.sllHeader(b[6:14], halen, proto, length)
	}
	if p.opts.Link {
		header(length)
	}
	n, err := p.cookedPayload(b[hdrLen:], length-hdrLen, proto, func() { header(length) })
	return hdrLen + n, err
}

// sll2 prints a LINUX_SLL2 (Linux cooked v2) packet, which starts with the
// interface name and direction even without -e.
func (p *Printer) sll2(b []byte, length int) (int, error) {
	const hdrLen = 20
	p.proto = "sll2"
	if len(b) < hdrLen {
		return 0, errTruncated
	}
	proto, ifIndex, pktType, halen := be16(b), be32(b[4:]), uint16(b[10]), int(b[11])
	p.padRight(p.interfaceName(ifIndex), 5)
	p.byte(' ')
	p.padRight(sllPacketType(pktType), 3)
	p.byte(' ')
	header := func(length int) {
		p.str("ifindex ")
		p.uint(uint64(ifIndex))
		p.byte(' ')
		p.sllHeader(b[12:20], halen, proto, length)
	}
	if p.opts.Link {
		header(length)
	}
	n, err := p.cookedPayload(b[hdrLen:], length-hdrLen, proto, func() { header(length) })
	return hdrLen + n, err
}

// cookedPayload prints what follows a Linux cooked header and returns the
// length of the VLAN tags it skipped. header prints the cooked header for
// payloads without a printer when -e did not print it already.
func (p *Printer) cookedPayload(b []byte, length int, proto uint16, header func()) (int, error) {
	skipped := 0
	for proto == etherType8021Q {
		if len(b) < 4 {
			p.proto = "vlan"
			p.trunc()
			return skipped + len(b), nil
		}
		if p.opts.Link {
			p.vlanTag(be16(b))
			p.str(", ")
		}
		proto = be16(b[2:])
		if proto <= maxEthernetLength {
			proto = linuxSLLProto8022
		}
		if !p.opts.Quick {
			name, ok := etherTypeName(proto)
			if !ok {
				name = "Unknown"
			}
			p.str("ethertype ")
			p.str(name)
			p.str(", ")
		}
		b, length, skipped = b[4:], length-4, skipped+4
	}
	if proto <= maxEthernetLength {
		p.defaultPrint(b)
		return skipped, nil
	}
	known, err := p.etherTypePayload(proto, b, length)
	if err != nil || known {
		return skipped, err
	}
	if !p.opts.Link {
		header()
	}
	p.defaultPrint(b)
	return skipped, nil
}

// padLeft appends s right-justified in width columns, like printf's %*s.
func (p *Printer) padLeft(s string, width int) {
	for i := len(s); i < width; i++ {
		p.byte(' ')
	}
	p.str(s)
}

// padRight appends s left-justified in width columns, like printf's %-*s.
func (p *Printer) padRight(s string, width int) {
	p.str(s)
	for i := len(s); i < width; i++ {
		p.byte(' ')
	}
}

// BSD address families of DLT_NULL and DLT_LOOP headers.
var bsdAddressFamilies = map[uint32]string{
	2: "IPv4", 6: "NS", 7: "ISO", 16: "Appletalk", 23: "IPX",
	24: "IPv6", 28: "IPv6", 30: "IPv6",
}

// null prints a DLT_NULL or DLT_LOOP packet: a four-byte address family in
// either byte order, then the network packet.
func (p *Printer) null(b []byte, length int) (int, error) {
	const hdrLen = 4
	p.proto = "null"
	if len(b) < hdrLen {
		return 0, errTruncated
	}
	family := binary.LittleEndian.Uint32(b)
	if family&0xffff0000 != 0 {
		family = binary.BigEndian.Uint32(b)
	}
	header := func(length int) {
		name, ok := bsdAddressFamilies[family]
		if p.opts.Quick {
			if ok {
				p.str(name)
			} else {
				p.str("Unknown AF ")
				p.uint(uint64(family))
			}
		} else {
			if !ok {
				name = "Unknown"
			}
			p.str("AF ")
			p.str(name)
			p.str(" (")
			p.uint(uint64(family))
			p.byte(')')
		}
		p.lengthColon(length)
	}
	if p.opts.Link {
		header(length)
	}
	b, length = b[hdrLen:], length-hdrLen
	switch family {
	case 2:
		return hdrLen, p.ip4Packet(b, length)
	case 24, 28, 30:
		return hdrLen, p.ip6Packet(b, length)
	}
	if !p.opts.Link {
		header(length + hdrLen)
	}
	p.defaultPrint(b)
	return hdrLen, nil
}

// ipN prints a raw IPv4 or IPv6 packet, choosing by the version field.
func (p *Printer) ipN(b []byte, length int) error {
	p.proto = "ipn"
	if length < 1 {
		p.str("truncated-ip ")
		p.uint(uint64(length))
		return nil
	}
	if len(b) < 1 {
		return errTruncated
	}
	switch b[0] & 0xf0 {
	case 0x40:
		return p.ip4Packet(b, length)
	case 0x60:
		return p.ip6Packet(b, length)
	}
	p.str("unknown ip ")
	p.uint(uint64(b[0] >> 4))
	return nil
}

package printer

// Ethernet types that select a printer or a special case.
const (
	etherTypeIPv4      = 0x0800
	etherTypeARP       = 0x0806
	etherTypeRevARP    = 0x8035
	etherTypeIPv6      = 0x86dd
	etherType8021Q     = 0x8100
	etherType8021Q9100 = 0x9100
	etherType8021Q9200 = 0x9200
	etherType8021QinQ  = 0x88a8
	maxEthernetLength  = 1500 // larger values of the type/length field are types
	etherTypeTrailer   = 0x1000
	linuxSLLProto8023  = 0x0001
	linuxSLLProto8022  = 0x0004
)

// etherTypeNames is tcpdump's ethertype_values table.
var etherTypeNames = map[uint16]string{
	0x0800: "IPv4",
	0x8847: "MPLS unicast",
	0x8848: "MPLS multicast",
	0x86dd: "IPv6",
	0x8100: "802.1Q",
	0x9100: "802.1Q-9100",
	0x88a8: "802.1Q-QinQ",
	0x9200: "802.1Q-9200",
	0x88e5: "802.1AE MACsec",
	0x0200: "PUP",
	0x0806: "ARP",
	0x8035: "Reverse ARP",
	0x0600: "NS",
	0x0500: "Sprite",
	0x1000: "Trail",
	0x6001: "MOP DL",
	0x6002: "MOP RC",
	0x6003: "DN",
	0x6004: "LAT",
	0x6007: "SCA",
	0x6558: "TEB",
	0x8038: "Lanbridge",
	0x803c: "DEC DNS",
	0x803e: "DEC DTS",
	0x805b: "VEXP",
	0x805c: "VPROD",
	0x809b: "Appletalk",
	0x80f3: "Appletalk ARP",
	0x8137: "IPX",
	0x880b: "PPP",
	0x8808: "MPCP",
	0x8809: "Slow Protocols",
	0x8863: "PPPoE D",
	0x8864: "PPPoE S",
	0x888e: "EAPOL",
	0x8899: "Realtek protocols",
	0x886f: "MS NLB heartbeat",
	0x8870: "Jumbo",
	0x894f: "NSH",
	0x9000: "Loopback",
	0xfefe: "OSI",
	0x00fe: "GRE-OSI",
	0xabcd: "CFM (old)",
	0x8902: "CFM",
	0x893a: "IEEE1905.1",
	0x88cc: "LLDP",
	0x88ca: "TIPC",
	0x0707: "GeoNet (old)",
	0x8947: "GeoNet",
	0x1111: "CALM FAST",
	0x88a2: "AoE",
	0x88f7: "PTP",
	0xd28b: "Arista Vendor Specific Protocol",
}

func etherTypeName(t uint16) (string, bool) {
	name, ok := etherTypeNames[t]
	return name, ok
}

// etherTypeField prints "ethertype NAME (0x0800)", or just the name with -q.
func (p *Printer) etherTypeField(t uint16) {
	name, ok := etherTypeName(t)
	if p.opts.Quick {
		if ok {
			p.str(name)
		} else {
			p.str("Unknown Ethertype (0x")
			p.hex(uint64(t), 4)
			p.byte(')')
		}
		return
	}
	if !ok {
		name = "Unknown"
	}
	p.str("ethertype ")
	p.str(name)
	p.str(" (0x")
	p.hex(uint64(t), 4)
	p.byte(')')
}

// etherTypePayload prints the payload of a frame of type t and reports
// whether it knew the type, like tcpdump's ethertype_print.
func (p *Printer) etherTypePayload(t uint16, b []byte, length int) (bool, error) {
	switch t {
	case etherTypeIPv4:
		return true, p.ip4Packet(b, length)
	case etherTypeIPv6:
		return true, p.ip6Packet(b, length)
	case etherTypeARP, etherTypeRevARP:
		return true, p.arp(b, length)
	}
	return false, nil
}

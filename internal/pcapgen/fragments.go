package main

import (
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// fragmentIPv4 adds the datagram ip+upper as IPv4 fragments over fr. sizes
// gives each fragment's payload length (multiples of 8 except the last,
// which takes the rest); order lists the fragments in transmission order,
// nil meaning in sequence.
func (c *capture) fragmentIPv4(fr framer, src, dst endpoint, ip *layers.IPv4, sizes []int, order []int, upper ...gopacket.SerializableLayer) {
	datagram := c.embed(append([]gopacket.SerializableLayer{ip}, upper...)...)
	if c.err != nil {
		return
	}
	payload := datagram[int(ip.IHL)*4:]
	type fragment struct {
		offset int
		data   []byte
	}
	var frags []fragment
	for i, offset := 0, 0; offset < len(payload); i++ {
		end := len(payload)
		if i < len(sizes) {
			end = min(offset+sizes[i], end)
		}
		frags = append(frags, fragment{offset, payload[offset:end]})
		offset = end
	}
	if order == nil {
		for i := range frags {
			order = append(order, i)
		}
	}
	for _, i := range order {
		f := frags[i]
		hdr := *ip
		hdr.Flags = 0
		if i < len(frags)-1 {
			hdr.Flags = layers.IPv4MoreFragments
		}
		hdr.FragOffset = uint16(f.offset / 8)
		c.add(append(fr(src, dst, layers.EthernetTypeIPv4), &hdr, gopacket.Payload(f.data))...)
	}
}

// ethIPv4Fragments covers IPv4 fragmentation: the transport header is only
// in the fragment at offset 0.
func ethIPv4Fragments() *capture {
	c := newCapture("eth-ipv4-fragments.pcap", layers.LinkTypeEthernet,
		"IPv4 fragments: UDP 3000-byte datagram in first/middle/last fragments, ICMP echo in two fragments, DNS response whose last fragment arrives first, TCP SYN split after 8 bytes of TCP header (tiny fragment), fragments inside VLAN 100, unfragmented datagram with DF and with MF clear")

	nfs := c.ipv4(server, desktop, layers.IPProtocolUDP)
	nfs.Flags = 0
	c.fragmentIPv4(ether, server, desktop, nfs, []int{1480, 1480}, nil,
		&layers.UDP{SrcPort: 5001, DstPort: 33001}, gopacket.Payload(pattern(3000, 0)))

	bigPing := c.ipv4(laptop, resolver, layers.IPProtocolICMPv4)
	bigPing.Flags = 0
	c.fragmentIPv4(ether, laptop, resolver, bigPing, []int{1480}, nil,
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0), Id: 0x4d5, Seq: 1},
		gopacket.Payload(pattern(1992, 0x10)))

	dns := dnsAnswer(0x6f70, "big.example.com", web.ip)
	for i := range 60 {
		dns.Answers = append(dns.Answers, layers.DNSResourceRecord{Name: []byte("big.example.com"), Type: layers.DNSTypeA, Class: layers.DNSClassIN, TTL: 60,
			IP: []byte{198, 51, 100, byte(i + 1)}})
	}
	reply := c.ipv4(router, desktop, layers.IPProtocolUDP)
	reply.Flags = 0
	c.fragmentIPv4(ether, router, desktop, reply, []int{512}, []int{1, 0}, &layers.UDP{SrcPort: 53, DstPort: 41002}, dns)

	// A SYN whose first fragment holds only the ports and sequence number.
	tiny := c.ipv4(farHost, laptop, layers.IPProtocolTCP)
	tiny.Flags = 0
	scan := c.newTCPFlow(ether, farHost, 62000, laptop, 80)
	c.fragmentIPv4(ether, farHost, laptop, tiny, []int{8}, nil, scan.segment(true, syn, nil))

	tagged := c.ipv4(desktop, server, layers.IPProtocolUDP)
	tagged.Flags = 0
	c.fragmentIPv4(vlan(100), desktop, server, tagged, []int{64}, nil,
		&layers.UDP{SrcPort: 48600, DstPort: 8000}, gopacket.Payload(pattern(100, 0x30)))

	c.udp(ether, desktop, server, 48601, 8000, gopacket.Payload(pattern(16, 0x30)))
	whole := c.ipv4(desktop, server, layers.IPProtocolUDP)
	whole.Flags = 0
	c.add(ether(desktop, server, layers.EthernetTypeIPv4)[0], whole, &layers.UDP{SrcPort: 48602, DstPort: 8100}, gopacket.Payload(pattern(16, 0x31)))
	return c
}

package main

import (
	"net"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// destinationOptions returns a destination options header padded to 8
// bytes, followed by next.
func destinationOptions(next layers.IPProtocol) *layers.IPv6Destination {
	d := &layers.IPv6Destination{Options: []*layers.IPv6DestinationOption{{OptionType: 1, OptionLength: 4, OptionData: make([]byte, 4)}}}
	d.NextHeader = next
	return d
}

// hopByHop returns a hop-by-hop header holding only padding, followed by next.
func hopByHop(next layers.IPProtocol) *layers.IPv6HopByHop {
	h := &layers.IPv6HopByHop{Options: []*layers.IPv6HopByHopOption{padN(4)}}
	h.NextHeader = next
	return h
}

// sourceRoute returns a type 0 routing header through the given addresses,
// followed by next.
func sourceRoute(next layers.IPProtocol, segmentsLeft uint8, via ...net.IP) *layers.IPv6Routing {
	r := &layers.IPv6Routing{RoutingType: 0, SegmentsLeft: segmentsLeft, Reserved: make([]byte, 4), SourceRoutingIPs: via}
	r.NextHeader = next
	return r
}

// fragmentHeader returns an IPv6 fragment header.
func fragmentHeader(next layers.IPProtocol, offset uint16, more bool, id uint32) *layers.IPv6Fragment {
	return &layers.IPv6Fragment{NextHeader: next, FragmentOffset: offset, MoreFragments: more, Identification: id}
}

// authHeader returns an AH with an HMAC-SHA1-96 sized ICV (24 bytes in
// all, a multiple of 8 as IPv6 requires).
func authHeader(next layers.IPProtocol, seq uint32) *ipsecAH {
	return &ipsecAH{next: next, spi: 0x00001001, seq: seq, icv: pattern(12, 0xe0)}
}

// ethIPv6ExtHeaders covers IPv6 extension header chains in front of TCP,
// UDP and ICMPv6, the headers that libpcap's protochain walks.
func ethIPv6ExtHeaders() *capture {
	c := newCapture("eth-ipv6-exthdrs.pcap", layers.LinkTypeEthernet,
		"IPv6 extension headers: hop-by-hop before TCP/UDP/ICMPv6 and before no-next-header (59), destination options before TCP, type 0 routing header (checksum to final destination), fragment header (first and non-first fragments of UDP, atomic fragment), AH before TCP and UDP, destination options + AH, chain HBH+DST+RH+FRAG+DST before TCP, ESP")

	pkt := func(src, dst endpoint, next layers.IPProtocol, ls ...gopacket.SerializableLayer) {
		c.add(append([]gopacket.SerializableLayer{ether(src, dst, layers.EthernetTypeIPv6)[0], ipv6(src, dst, next)}, ls...)...)
	}
	f := c.newTCPFlow(ether, laptop6, 51700, server6, 80)
	pkt(laptop6, server6, layers.IPProtocolIPv6HopByHop, hopByHop(layers.IPProtocolTCP), f.segment(true, syn, nil))
	pkt(server6, laptop6, layers.IPProtocolIPv6Destination, destinationOptions(layers.IPProtocolTCP), f.segment(false, syn|ack, nil))
	// Source-routed through the office router towards server6.
	routerLL := endpoint{routerMAC, mustIP("2001:db8:a::1")}
	pkt(laptop6, routerLL, layers.IPProtocolIPv6Routing, sourceRoute(layers.IPProtocolTCP, 1, server6.ip), f.segment(true, ack, nil))
	pkt(laptop6, server6, layers.IPProtocolIPv6HopByHop, hopByHop(layers.IPProtocolUDP),
		&layers.UDP{SrcPort: 53500, DstPort: 53}, dnsQuery(0x7071, "example.com", layers.DNSTypeAAAA))
	pkt(laptop6, multicastTo("ff02::1"), layers.IPProtocolIPv6HopByHop, hopByHop(layers.IPProtocolICMPv6),
		&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeEchoRequest, 0)}, &layers.ICMPv6Echo{Identifier: 0x25, SeqNumber: 1})
	pkt(laptop6, server6, layers.IPProtocolIPv6HopByHop, hopByHop(layers.IPProtocolNoNextHeader))

	// A 1600-byte UDP datagram in two fragments.
	datagram := c.embed(ipv6(server6, laptop6, layers.IPProtocolUDP), &layers.UDP{SrcPort: 5001, DstPort: 33002}, gopacket.Payload(pattern(1600, 0)))
	if c.err != nil {
		return c
	}
	udp := datagram[40:]
	pkt(server6, laptop6, layers.IPProtocolIPv6Fragment, fragmentHeader(layers.IPProtocolUDP, 0, true, 0x0badf00d), gopacket.Payload(udp[:1232]))
	pkt(server6, laptop6, layers.IPProtocolIPv6Fragment, fragmentHeader(layers.IPProtocolUDP, 1232/8, false, 0x0badf00d), gopacket.Payload(udp[1232:]))
	pkt(laptop6, resolver6, layers.IPProtocolIPv6Fragment, fragmentHeader(layers.IPProtocolICMPv6, 0, false, 0x0badf00e),
		&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeEchoRequest, 0)}, &layers.ICMPv6Echo{Identifier: 0x26, SeqNumber: 1})

	pkt(laptop6, server6, layers.IPProtocolAH, authHeader(layers.IPProtocolTCP, 1), f.segment(true, psh|ack, []byte("GET / HTTP/1.0\r\n\r\n")), gopacket.Payload("GET / HTTP/1.0\r\n\r\n"))
	pkt(laptop6, server6, layers.IPProtocolAH, authHeader(layers.IPProtocolUDP, 2), &layers.UDP{SrcPort: 48700, DstPort: 8000}, gopacket.Payload(pattern(8, 8)))
	pkt(laptop6, resolver6, layers.IPProtocolIPv6Destination, destinationOptions(layers.IPProtocolAH), authHeader(layers.IPProtocolUDP, 3),
		&layers.UDP{SrcPort: 53501, DstPort: 53}, dnsQuery(0x7072, "example.org", layers.DNSTypeAAAA))
	pkt(laptop6, routerLL, layers.IPProtocolIPv6HopByHop,
		hopByHop(layers.IPProtocolIPv6Destination),
		destinationOptions(layers.IPProtocolIPv6Routing),
		sourceRoute(layers.IPProtocolIPv6Fragment, 1, server6.ip),
		fragmentHeader(layers.IPProtocolIPv6Destination, 0, false, 0x0badf00f),
		destinationOptions(layers.IPProtocolTCP),
		f.segment(true, fin|ack, nil))
	pkt(server6, laptop6, layers.IPProtocolESP, &ipsecESP{spi: 0x00002002, seq: 1, ciphertext: pattern(48, 0x55)})
	return c
}

// ethIPsec covers IPsec over IPv4: AH before TCP and UDP, ESP.
func ethIPsec() *capture {
	c := newCapture("eth-ipv4-ipsec.pcap", layers.LinkTypeEthernet,
		"IPv4 IPsec: AH before TCP (port 22), UDP (port 8000) and ICMP, ESP both ways, ESP in UDP 4500 (NAT traversal) both ways and a keepalive; a plain TCP segment for contrast")
	f := c.newTCPFlow(ether, desktop, 51800, server, 22)
	ahTCP := c.ipv4(desktop, server, layers.IPProtocolAH)
	c.add(ether(desktop, server, layers.EthernetTypeIPv4)[0], ahTCP, authHeader(layers.IPProtocolTCP, 1), f.segment(true, syn, nil))
	ahTCP = c.ipv4(server, desktop, layers.IPProtocolAH)
	c.add(ether(server, desktop, layers.EthernetTypeIPv4)[0], ahTCP, authHeader(layers.IPProtocolTCP, 1), f.segment(false, syn|ack, nil))
	ahUDP := c.ipv4(desktop, server, layers.IPProtocolAH)
	c.add(ether(desktop, server, layers.EthernetTypeIPv4)[0], ahUDP, authHeader(layers.IPProtocolUDP, 2), &layers.UDP{SrcPort: 48800, DstPort: 8000}, gopacket.Payload(pattern(8, 9)))
	c.send(ether, desktop, farHost, layers.IPProtocolESP, &ipsecESP{spi: 0xc0ffee01, seq: 7, ciphertext: pattern(64, 0x33)})
	c.udp(ether, laptop, farHost, 4500, 4500, gopacket.Payload(append([]byte{0xc0, 0xff, 0xee, 0x02, 0, 0, 0, 8}, pattern(56, 0x44)...)))
	f.send(true, ack, nil)
	c.send(ether, farHost, desktop, layers.IPProtocolESP, &ipsecESP{spi: 0x0a0b0c0d, seq: 9, ciphertext: pattern(80, 0x66)})
	c.add(ether(desktop, server, layers.EthernetTypeIPv4)[0], c.ipv4(desktop, server, layers.IPProtocolAH), authHeader(layers.IPProtocolICMPv4, 3),
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0), Id: 0x7c, Seq: 1}, gopacket.Payload(pattern(32, 0)))
	c.udp(ether, farHost, laptop, 4500, 4500, gopacket.Payload(append([]byte{0x0a, 0x0b, 0x0c, 0x0e, 0, 0, 0, 1}, pattern(56, 0x77)...)))
	c.udp(ether, laptop, farHost, 4500, 4500, gopacket.Payload([]byte{0xff}))
	return c
}

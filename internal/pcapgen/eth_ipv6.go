package main

import (
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// ethIPv6TCPUDP covers IPv6 TCP and UDP over Ethernet.
func ethIPv6TCPUDP() *capture {
	c := newCapture("eth-ipv6-tcp-udp.pcap", layers.LinkTypeEthernet,
		"IPv6 TCP: HTTPS connection (handshake, data, FIN), ports 7999/8000/8100/8101 with resets; IPv6 UDP: DNS AAAA over IPv6, mDNS to ff02::fb, DHCPv6 solicit to ff02::1:2, ports 8000/8100, empty datagram, traffic class")

	https := c.newTCPFlow(ether, laptop6, 51300, web6, 443)
	https.handshake()
	https.exchange(tlsClientHello, pattern(120, 0x17))
	https.closeByClient()
	for _, port := range []uint16{7999, 8000, 8100, 8101} {
		f := c.newTCPFlow(ether, laptop6, 41000+port, server6, port)
		f.send(true, syn, nil)
		if port == 8000 || port == 8100 {
			f.send(false, syn|ack, nil)
			f.send(true, rst, nil)
			continue
		}
		f.send(false, rst|ack, nil)
	}

	c.udp(ether, laptop6, resolver6, 53100, 53, dnsQuery(0x2b3c, "example.com", layers.DNSTypeAAAA))
	c.udp(ether, resolver6, laptop6, 53, 53100, dnsAnswer(0x2b3c, "example.com", web6.ip))
	mdns := dnsQuery(0, "_ipp._tcp.local", layers.DNSTypePTR)
	mdns.RD = false
	c.udp(ether, laptopLL, multicastTo("ff02::fb"), 5353, 5353, mdns)
	c.udp(ether, laptopLL, multicastTo("ff02::1:2"), 546, 547, &layers.DHCPv6{
		MsgType: layers.DHCPv6MsgTypeSolicit, TransactionID: []byte{0x5a, 0x0b, 0x3c},
		Options: layers.DHCPv6Options{
			layers.NewDHCPv6Option(layers.DHCPv6OptClientID, append([]byte{0, 3, 0, 1}, laptopMAC...)),
			layers.NewDHCPv6Option(layers.DHCPv6OptElapsedTime, []byte{0, 0}),
		},
	})
	for _, port := range []uint16{8000, 8100} {
		c.udp(ether, laptop6, server6, 33000+port, port, gopacket.Payload(pattern(12, byte(port))))
	}
	c.udp(ether, server6, laptop6, 65535, 33434, nil)
	expedited := ipv6(server6, laptop6, layers.IPProtocolUDP)
	expedited.TrafficClass = 0xb8
	expedited.FlowLabel = 0xfffff
	c.add(ether(server6, laptop6, layers.EthernetTypeIPv6)[0], expedited,
		&layers.UDP{SrcPort: 5004, DstPort: 5004}, gopacket.Payload(pattern(172, 0x80)))
	return c
}

// icmp6 adds an ICMPv6 message; neighbor discovery requires hop limit 255.
func (c *capture) icmp6(src, dst endpoint, hopLimit uint8, typ, code uint8, body ...gopacket.SerializableLayer) {
	ip := ipv6(src, dst, layers.IPProtocolICMPv6)
	ip.HopLimit = hopLimit
	ip.FlowLabel = 0
	ls := []gopacket.SerializableLayer{ether(src, dst, layers.EthernetTypeIPv6)[0], ip,
		&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(typ, code)}}
	c.add(append(ls, body...)...)
}

// prefixInformation is an RA prefix option for 2001:db8:1::/64, on-link
// and autonomous, with valid and preferred lifetimes of a day and 4 hours.
var prefixInformation = layers.ICMPv6Option{Type: layers.ICMPv6OptPrefixInfo, Data: append(
	[]byte{64, 0xc0, 0, 1, 0x51, 0x80, 0, 0, 0x38, 0x40, 0, 0, 0, 0},
	mustIP("2001:db8:1::")...)}

// ethICMPv6 covers ICMPv6 over Ethernet: echo, neighbor and router
// discovery, errors quoting the offending packet, and an MLDv2 report behind
// a hop-by-hop router alert.
func ethICMPv6() *capture {
	c := newCapture("eth-icmpv6.pcap", layers.LinkTypeEthernet,
		"ICMPv6: echo request/reply (global and ff02::1), neighbor solicitation (address resolution and DAD from ::), neighbor advertisement, router solicitation/advertisement (prefix, MTU, source link-layer options), destination unreachable, packet too big, time exceeded, MLDv2 report with hop-by-hop router alert")

	c.ping(ether, laptop6, resolver6, false, 0x1f, 1)
	c.ping(ether, resolver6, laptop6, true, 0x1f, 1)
	c.ping(ether, laptopLL, multicastTo("ff02::1"), false, 0x20, 1)
	c.ping(ether, printerLL, laptopLL, true, 0x20, 1)

	c.icmp6(laptopLL, solicitedNode(printerLL.ip), 255, layers.ICMPv6TypeNeighborSolicitation, 0,
		&layers.ICMPv6NeighborSolicitation{TargetAddress: printerLL.ip,
			Options: layers.ICMPv6Options{{Type: layers.ICMPv6OptSourceAddress, Data: laptopMAC}}})
	c.icmp6(printerLL, laptopLL, 255, layers.ICMPv6TypeNeighborAdvertisement, 0,
		&layers.ICMPv6NeighborAdvertisement{Flags: 0x60, TargetAddress: printerLL.ip,
			Options: layers.ICMPv6Options{{Type: layers.ICMPv6OptTargetAddress, Data: printerMAC}}})
	unspecified := endpoint{laptopMAC, mustIP("::")}
	c.icmp6(unspecified, solicitedNode(laptop6.ip), 255, layers.ICMPv6TypeNeighborSolicitation, 0,
		&layers.ICMPv6NeighborSolicitation{TargetAddress: laptop6.ip})
	c.icmp6(laptopLL, multicastTo("ff02::2"), 255, layers.ICMPv6TypeRouterSolicitation, 0,
		&layers.ICMPv6RouterSolicitation{Options: layers.ICMPv6Options{{Type: layers.ICMPv6OptSourceAddress, Data: laptopMAC}}})
	c.icmp6(gateway6, multicastTo("ff02::1"), 255, layers.ICMPv6TypeRouterAdvertisement, 0,
		&layers.ICMPv6RouterAdvertisement{HopLimit: 64, RouterLifetime: 1800,
			Options: layers.ICMPv6Options{
				{Type: layers.ICMPv6OptSourceAddress, Data: gatewayMAC},
				{Type: layers.ICMPv6OptMTU, Data: []byte{0, 0, 0, 0, 0x05, 0xdc}},
				prefixInformation,
			}})

	// A UDP datagram to a closed port, quoted in full by the reply.
	probeIP := ipv6(laptop6, server6, layers.IPProtocolUDP)
	probeUDP := &layers.UDP{SrcPort: 45300, DstPort: 33434}
	probePayload := gopacket.Payload(pattern(16, 0x40))
	c.add(ether(laptop6, server6, layers.EthernetTypeIPv6)[0], probeIP, probeUDP, probePayload)
	quoted := c.embed(probeIP, probeUDP, probePayload)
	c.icmp6(server6, laptop6, 64, layers.ICMPv6TypeDestinationUnreachable, layers.ICMPv6CodePortUnreachable,
		gopacket.Payload(append(make([]byte, 4), quoted...)))

	// A full-size segment too big for the next hop (MTU 1280).
	bulk := c.newTCPFlow(ether, laptop6, 52400, farHost6, 443)
	bigIP := ipv6(laptop6, farHost6, layers.IPProtocolTCP)
	bigTCP := bulk.segment(true, psh|ack, make([]byte, 1428))
	bigPayload := gopacket.Payload(pattern(1428, 0))
	c.add(ether(laptop6, farHost6, layers.EthernetTypeIPv6)[0], bigIP, bigTCP, bigPayload)
	quoted = c.embed(bigIP, bigTCP, bigPayload)
	c.icmp6(gateway6, laptop6, 64, layers.ICMPv6TypePacketTooBig, 0,
		gopacket.Payload(append([]byte{0, 0, 0x05, 0x00}, truncate(quoted, 1280-48)...)))

	// A traceroute probe with hop limit 1 and the time exceeded answer.
	traceIP := ipv6(laptop6, farHost6, layers.IPProtocolUDP)
	traceIP.HopLimit = 1
	traceUDP := &layers.UDP{SrcPort: 45301, DstPort: 33435}
	c.add(ether(laptop6, farHost6, layers.EthernetTypeIPv6)[0], traceIP, traceUDP, gopacket.Payload(pattern(20, 0x40)))
	c.icmp6(gateway6, laptop6, 64, layers.ICMPv6TypeTimeExceeded, layers.ICMPv6CodeHopLimitExceeded,
		gopacket.Payload(append(make([]byte, 4), c.embed(traceIP, traceUDP, gopacket.Payload(pattern(20, 0x40)))...)))

	// MLDv2 report joining ff02::fb, behind a hop-by-hop router alert.
	report := ipv6(laptopLL, multicastTo("ff02::16"), layers.IPProtocolIPv6HopByHop)
	report.HopLimit = 1
	report.FlowLabel = 0
	c.add(ether(laptopLL, multicastTo("ff02::16"), layers.EthernetTypeIPv6)[0], report,
		routerAlert(layers.IPProtocolICMPv6),
		&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeMLDv2MulticastListenerReportMessageV2, 0)},
		gopacket.Payload(append([]byte{0, 0, 0, 1, 4, 0, 0, 0}, mustIP("ff02::fb")...)))
	return c
}

// routerAlert returns a hop-by-hop header holding the router alert option
// (RFC 2711, value 0: MLD), followed by next. The explicit PadN fills the
// header to 8 bytes.
func routerAlert(next layers.IPProtocol) *layers.IPv6HopByHop {
	hbh := &layers.IPv6HopByHop{Options: []*layers.IPv6HopByHopOption{
		{OptionType: 5, OptionLength: 2, OptionData: []byte{0, 0}, OptionAlignment: [2]uint8{2, 0}},
		padN(0),
	}}
	hbh.NextHeader = next
	return hbh
}

// padN is the PadN option (RFC 8200 section 4.2) covering n+2 bytes.
func padN(n int) *layers.IPv6HopByHopOption {
	return &layers.IPv6HopByHopOption{OptionType: 1, OptionLength: uint8(n), OptionData: make([]byte, n)}
}

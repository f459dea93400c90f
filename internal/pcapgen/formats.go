package main

import (
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// ethSnaplen64 covers records cut short by a 64-byte snap length, so that
// loads past the captured length are exercised: some cut inside the IPv4
// options, the TCP header, the UDP payload or a VLAN-tagged IPv6 header.
func ethSnaplen64() *capture {
	c := newCapture("eth-snaplen64.pcap", layers.LinkTypeEthernet,
		"snap length 64 (caplen < len): IPv4 TCP handshake and HTTP data, IPv4 header with 40 bytes of options cut at 50 bytes, IPv6 TCP with options cut in the TCP header, QinQ IPv6 UDP cut in the IPv6 addresses, DNS over UDP, full-size segment; short ARP and ICMP frames captured whole")
	c.ifaces[0].snaplen = 64

	f := c.newTCPFlow(ether, laptop, 52400, web, 80)
	f.handshake()
	f.exchange(httpRequest, httpResponse)
	c.udp(ether, laptop, resolver, 53800, 53, dnsQuery(0xa0a1, "example.com", layers.DNSTypeA))
	c.udp(ether, resolver, laptop, 53, 53800, dnsAnswer(0xa0a1, "example.com", web.ip))

	rr := c.ipv4(laptop, web, layers.IPProtocolTCP)
	rr.Options = []layers.IPv4Option{{OptionType: 7, OptionLength: 39, OptionData: append([]byte{4}, make([]byte, 36)...)}}
	c.add(ether(laptop, web, layers.EthernetTypeIPv4)[0], rr, c.newTCPFlow(ether, laptop, 52401, web, 80).segment(true, syn, nil))

	c.newTCPFlow(ether, laptop6, 52402, server6, 8000).send(true, syn, nil)
	qinq := tagged(vlanTag{tpid: tpidService, id: 100}, vlanTag{tpid: tpidCustomer, id: 200})
	c.udp(qinq, laptop6, server6, 52403, 8100, gopacket.Payload(pattern(8, 15)))
	f.send(false, ack, pattern(1448, 0))

	c.arp(ether, layers.EthernetTypeARP, arpRequest, broadcastMAC, desktop, router)
	c.send(ether, laptop, web, layers.IPProtocolICMPv4, &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0), Id: 10, Seq: 1})
	return c
}

// ethNanosecond covers the nanosecond-resolution pcap format (magic
// a1b23c4d): timestamps advance by 10.137042 ms, which microseconds cannot
// represent.
func ethNanosecond() *capture {
	c := newCapture("eth-nanosecond.pcap", layers.LinkTypeEthernet,
		"nanosecond pcap (magic a1b23c4d), timestamps 10.137042 ms apart: IPv4 TCP connection with HTTP, DNS, ICMP echo, IPv6 ICMPv6 echo")
	c.format = pcapNano
	f := c.newTCPFlow(ether, laptop, 52500, web, 80)
	f.handshake()
	f.exchange(httpRequest, httpResponse)
	f.closeByClient()
	c.udp(ether, laptop, resolver, 53900, 53, dnsQuery(0xb0b1, "example.com", layers.DNSTypeA))
	c.udp(ether, resolver, laptop, 53, 53900, dnsAnswer(0xb0b1, "example.com", web.ip))
	c.ping(ether, laptop, resolver, false, 0x4d7, 1)
	c.ping(ether, resolver, laptop, true, 0x4d7, 1)
	c.ping(ether, laptop6, resolver6, false, 0x2a, 1)
	c.ping(ether, resolver6, laptop6, true, 0x2a, 1)
	return c
}

// interleave fills c with the packets of parts, the i-th part captured on
// interface i, taking one packet from each in turn until all are drained.
func (c *capture) interleave(parts ...*capture) {
	for _, part := range parts {
		if part.err != nil && c.err == nil {
			c.err = part.err
		}
	}
	for i := 0; ; i++ {
		added := false
		for intf, part := range parts {
			if i < len(part.packets) {
				c.packets = append(c.packets, packet{data: part.packets[i].data, iface: intf})
				added = true
			}
		}
		if !added {
			return
		}
	}
}

// pcapngEthRaw covers pcapng with two interfaces of different link types,
// Ethernet (interface 0) and raw IP (interface 1), whose packets
// interleave; both declare if_tsresol 9 (nanoseconds). libpcap 1.10 refuses
// such files ("an interface has a type 101 different from the type of the
// first interface"); readers of our own must not.
func pcapngEthRaw() *capture {
	c := newCapture("pcapng-eth-raw.pcapng", layers.LinkTypeEthernet,
		"pcapng, interface 0 EN10MB (snap length 262144) and interface 1 RAW (65535, its IDB after the first packet), if_tsresol 9, interleaved: Ethernet IPv4 TCP handshake, ARP, IPv6 ICMPv6 echo; raw IPv4 DNS, ICMP echo, UDP 8000, raw IPv6 TCP SYN. libpcap 1.10 cannot read mixed link types")
	c.format = pcapNG
	c.ifaces = append(c.ifaces, iface{layers.LinkTypeRaw, 65535})
	eth := newCapture(c.file+" interface 0", layers.LinkTypeEthernet, "")
	f := eth.newTCPFlow(ether, laptop, 52600, web, 80)
	f.handshake()
	eth.arp(ether, layers.EthernetTypeARP, arpRequest, broadcastMAC, laptop, gateway)
	eth.ping(ether, laptop6, resolver6, false, 0x2b, 1)
	eth.ping(ether, resolver6, laptop6, true, 0x2b, 1)

	raw := newCapture(c.file+" interface 1", layers.LinkTypeRaw, "")
	raw.ipID = 0x3000
	raw.udp(rawIP, desktop, router, 54000, 53, dnsQuery(0xc0c1, "example.com", layers.DNSTypeA))
	raw.udp(rawIP, router, desktop, 53, 54000, dnsAnswer(0xc0c1, "example.com", web.ip))
	raw.ping(rawIP, desktop, router, false, 0x7b, 1)
	raw.udp(rawIP, desktop, server, 54001, 8000, gopacket.Payload(pattern(8, 16)))
	raw.newTCPFlow(rawIP, laptop6, 52601, server6, 22).send(true, syn, nil)
	c.interleave(eth, raw)
	return c
}

// pcapngTwoEthernet covers pcapng with two Ethernet interfaces, which
// libpcap reads as one stream as long as link types and snap lengths agree.
func pcapngTwoEthernet() *capture {
	c := newCapture("pcapng-two-eth.pcapng", layers.LinkTypeEthernet,
		"pcapng, two EN10MB interfaces (the second IDB after the first packet), if_tsresol 9, interleaved: interface 0 IPv4 TCP connection with HTTP and DNS; interface 1 VLAN 100 TCP handshake and HTTP data, IPv6 UDP 8000")
	c.format = pcapNG
	c.ifaces = append(c.ifaces, iface{layers.LinkTypeEthernet, defaultSnaplen})
	wan := newCapture(c.file+" interface 0", layers.LinkTypeEthernet, "")
	f := wan.newTCPFlow(ether, laptop, 52700, web, 80)
	f.handshake()
	f.exchange(httpRequest, httpResponse)
	f.closeByClient()
	wan.udp(ether, laptop, resolver, 54100, 53, dnsQuery(0xd0d1, "example.com", layers.DNSTypeA))
	wan.udp(ether, resolver, laptop, 53, 54100, dnsAnswer(0xd0d1, "example.com", web.ip))

	lan := newCapture(c.file+" interface 1", layers.LinkTypeEthernet, "")
	lan.ipID = 0x4000
	g := lan.newTCPFlow(vlan(100), desktop, 52701, server, 8080)
	g.handshake()
	g.exchange(httpRequest, httpResponse)
	lan.udp(ether, laptop6, server6, 54101, 8000, gopacket.Payload(pattern(8, 17)))
	c.interleave(wan, lan)
	return c
}

package main

import (
	"net"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// dnsQuery returns a recursive query for name.
func dnsQuery(id uint16, name string, qtype layers.DNSType) *layers.DNS {
	return &layers.DNS{
		ID: id, RD: true,
		Questions: []layers.DNSQuestion{{Name: []byte(name), Type: qtype, Class: layers.DNSClassIN}},
	}
}

// dnsAnswer returns the response to dnsQuery(id, name, type of addr) with
// one address record.
func dnsAnswer(id uint16, name string, addr net.IP) *layers.DNS {
	qtype := layers.DNSTypeAAAA
	if addr.To4() != nil {
		qtype = layers.DNSTypeA
	}
	d := dnsQuery(id, name, qtype)
	d.QR, d.RA = true, true
	d.Answers = []layers.DNSResourceRecord{{Name: []byte(name), Type: qtype, Class: layers.DNSClassIN, TTL: 3600, IP: addr}}
	return d
}

// ntpTimestamp is a fixed NTP time near baseTime (2024-03-14).
const ntpTimestamp = layers.NTPTimestamp(0xe99d415d_2d0e5604)

// ethIPv4UDP covers IPv4 UDP over Ethernet: DNS, NTP, DHCP broadcast, mDNS
// and SSDP multicast, a subnet broadcast and ports at range edges.
func ethIPv4UDP() *capture {
	c := newCapture("eth-ipv4-udp.pcap", layers.LinkTypeEthernet,
		"IPv4 UDP: DNS A/AAAA/MX queries and answers (8.8.8.8 and 10.0.0.1), NXDOMAIN, NTP client/server, DHCP discover/offer (0.0.0.0 to 255.255.255.255), mDNS 224.0.0.251, SSDP 239.255.255.250, NetBIOS to 192.168.1.255, QUIC-like 443, port 80, syslog 514, ports 7999/8000/8100/8101/0/65535, empty payload")

	c.udp(ether, laptop, resolver, 53001, 53, dnsQuery(0x1a2b, "example.com", layers.DNSTypeA))
	c.udp(ether, resolver, laptop, 53, 53001, dnsAnswer(0x1a2b, "example.com", web.ip))
	c.udp(ether, laptop, resolver, 53002, 53, dnsQuery(0x1a2c, "example.com", layers.DNSTypeAAAA))
	c.udp(ether, resolver, laptop, 53, 53002, dnsAnswer(0x1a2c, "example.com", web6.ip))
	c.udp(ether, desktop, router, 41000, 53, dnsQuery(0x0101, "gotcpdump.example.org", layers.DNSTypeMX))
	mx := dnsQuery(0x0101, "gotcpdump.example.org", layers.DNSTypeMX)
	mx.QR, mx.RA = true, true
	mx.Answers = []layers.DNSResourceRecord{{Name: []byte("gotcpdump.example.org"), Type: layers.DNSTypeMX, Class: layers.DNSClassIN, TTL: 300,
		MX: layers.DNSMX{Preference: 10, Name: []byte("mail.example.org")}}}
	c.udp(ether, router, desktop, 53, 41000, mx)
	c.udp(ether, desktop, router, 41001, 53, dnsQuery(0x0102, "nonexistent.invalid", layers.DNSTypeA))
	nx := dnsQuery(0x0102, "nonexistent.invalid", layers.DNSTypeA)
	nx.QR, nx.RA, nx.ResponseCode = true, true, layers.DNSResponseCodeNXDomain
	c.udp(ether, router, desktop, 53, 41001, nx)

	c.udp(ether, laptop, ntpPeer, 123, 123, &layers.NTP{Version: 4, Mode: 3, Poll: 6, Precision: -20, TransmitTimestamp: ntpTimestamp})
	c.udp(ether, ntpPeer, laptop, 123, 123, &layers.NTP{Version: 4, Mode: 4, Stratum: 3, Poll: 6, Precision: -25,
		RootDelay: 0x0000012c, RootDispersion: 0x00000033, ReferenceID: 0x0a0b0c0d,
		ReferenceTimestamp: ntpTimestamp - 1<<36, OriginTimestamp: ntpTimestamp,
		ReceiveTimestamp: ntpTimestamp + 0x01000000, TransmitTimestamp: ntpTimestamp + 0x01100000})

	dhcpClient := endpoint{laptopMAC, net.IPv4zero.To4()}
	c.udp(ether, dhcpClient, multicastTo("255.255.255.255"), 68, 67, &layers.DHCPv4{
		Operation: layers.DHCPOpRequest, HardwareType: layers.LinkTypeEthernet, HardwareLen: 6,
		Xid: 0x3903f326, Flags: 0x8000, ClientHWAddr: laptopMAC,
		Options: layers.DHCPOptions{
			layers.NewDHCPOption(layers.DHCPOptMessageType, []byte{byte(layers.DHCPMsgTypeDiscover)}),
			layers.NewDHCPOption(layers.DHCPOptParamsRequest, []byte{1, 3, 6, 15}),
			layers.NewDHCPOption(layers.DHCPOptEnd, nil),
		},
	})
	c.udp(ether, gateway, multicastTo("255.255.255.255"), 67, 68, &layers.DHCPv4{
		Operation: layers.DHCPOpReply, HardwareType: layers.LinkTypeEthernet, HardwareLen: 6,
		Xid: 0x3903f326, Flags: 0x8000, YourClientIP: laptop.ip, NextServerIP: gateway.ip, ClientHWAddr: laptopMAC,
		Options: layers.DHCPOptions{
			layers.NewDHCPOption(layers.DHCPOptMessageType, []byte{byte(layers.DHCPMsgTypeOffer)}),
			layers.NewDHCPOption(layers.DHCPOptServerID, gateway.ip),
			layers.NewDHCPOption(layers.DHCPOptLeaseTime, []byte{0, 0, 0x0e, 0x10}),
			layers.NewDHCPOption(layers.DHCPOptSubnetMask, []byte{255, 255, 255, 0}),
			layers.NewDHCPOption(layers.DHCPOptRouter, gateway.ip),
			layers.NewDHCPOption(layers.DHCPOptDNS, gateway.ip),
			layers.NewDHCPOption(layers.DHCPOptEnd, nil),
		},
	})

	mdns := dnsQuery(0, "_ipp._tcp.local", layers.DNSTypePTR)
	mdns.RD = false
	c.udp(ether, laptop, multicastTo("224.0.0.251"), 5353, 5353, mdns)
	c.udp(ether, laptop, multicastTo("239.255.255.250"), 50123, 1900,
		gopacket.Payload("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n"))
	// NetBIOS name query to the subnet broadcast address.
	c.udp(ether, printer, endpoint{broadcastMAC, mustIP("192.168.1.255")}, 137, 137,
		gopacket.Payload([]byte{0x80, 0x01, 0x01, 0x10, 0x00, 0x01, 0, 0, 0, 0, 0, 0,
			0x20, 'E', 'O', 'E', 'B', 'F', 'A', 'C', 'A', 'C', 'A', 'C', 'A', 'C', 'A', 'C', 'A', 'C', 'A', 'C', 'A', 'C', 'A', 'C', 'A', 'C', 'A', 'C', 'A', 'C', 'A', 'A', 'A', 0,
			0x00, 0x20, 0x00, 0x01}))

	c.udp(ether, laptop, web, 54321, 443, gopacket.Payload(append([]byte{0xc3, 0, 0, 0, 1, 8}, pattern(40, 0x21)...)))
	c.udp(ether, laptop, web, 54322, 80, gopacket.Payload(pattern(12, 0x50)))
	c.udp(ether, server, endpoint{routerMAC, mustIP("10.255.0.5")}, 514, 514, gopacket.Payload("<34>Mar 14 09:26:53 server su: 'su root' failed for alice on /dev/pts/8"))
	for _, port := range []uint16{7999, 8000, 8100, 8101} {
		c.udp(ether, desktop, server, 33000+port, port, gopacket.Payload(pattern(8, byte(port))))
	}
	c.udp(ether, desktop, server, 33434, 0, gopacket.Payload(pattern(4, 0)))
	c.udp(ether, server, desktop, 65535, 33434, nil)
	c.udp(ether, desktop, server, 1, 65535, nil)
	return c
}

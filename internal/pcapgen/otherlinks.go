package main

import (
	"net"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// rawIP frames nothing: the packet starts with the IP header (DLT_RAW,
// LINKTYPE_IPV4, LINKTYPE_IPV6).
func rawIP(endpoint, endpoint, layers.EthernetType) []gopacket.SerializableLayer { return nil }

// ARPHRD types of the Linux cooked headers.
const (
	arphrdEther    = 1
	arphrdLoopback = 772
)

// cooked frames packets in a LINUX_SLL header of the given packet type,
// carrying the sender's Ethernet address as Linux does.
func cooked(pktType layers.LinuxSLLPacketType) framer {
	return func(src, _ endpoint, et layers.EthernetType) []gopacket.SerializableLayer {
		return []gopacket.SerializableLayer{&linuxSLL{pktType: pktType, arphrd: arphrdEther, addr: src.mac, proto: et}}
	}
}

// cooked2 frames packets in a LINUX_SLL2 header for interface ifindex.
func cooked2(ifindex uint32, pktType layers.LinuxSLLPacketType) framer {
	return func(src, _ endpoint, et layers.EthernetType) []gopacket.SerializableLayer {
		return []gopacket.SerializableLayer{&linuxSLL2{proto: et, ifindex: ifindex, arphrd: arphrdEther, pktType: pktType, addr: src.mac}}
	}
}

// Address families in DLT_NULL and DLT_LOOP headers. AF_INET is 2 on every
// BSD; AF_INET6 differs, and libpcap accepts all three values.
const (
	afInet            = 2
	afInet6NetOpenBSD = 24
	afInet6FreeBSD    = 28
	afInet6Darwin     = 30
)

// null frames packets in a DLT_NULL header (host-endian, written
// little-endian); inet6 is the AF_INET6 value of the capturing system.
func null(inet6 uint32) framer {
	return func(_, _ endpoint, et layers.EthernetType) []gopacket.SerializableLayer {
		family := uint32(afInet)
		if et == layers.EthernetTypeIPv6 {
			family = inet6
		}
		return []gopacket.SerializableLayer{&layers.Loopback{Family: layers.ProtocolFamily(family)}}
	}
}

// loop frames packets in a DLT_LOOP header (big-endian).
func loop(inet6 uint32) framer {
	return func(_, _ endpoint, et layers.EthernetType) []gopacket.SerializableLayer {
		family := uint32(afInet)
		if et == layers.EthernetTypeIPv6 {
			family = inet6
		}
		return []gopacket.SerializableLayer{&loopHeader{family: family}}
	}
}

// mixedIPTraffic adds a little of everything IP over fr: a TCP handshake,
// data and reset over IPv4 and IPv6, DNS, pings, UDP to ports 8000 and
// 8100, and an IPv6 hop-by-hop header. v4 and v6 supply the two families'
// client and server; either may be nil for a link carrying only the other.
func (c *capture) mixedIPTraffic(fr framer, v4, v6 *[2]endpoint) {
	if v4 != nil {
		client, server := v4[0], v4[1]
		f := c.newTCPFlow(fr, client, 51900, server, 80)
		f.handshake()
		f.exchange(httpRequest, httpResponse)
		f.send(true, rst|ack, nil)
		c.udp(fr, client, server, 53600, 53, dnsQuery(0x8081, "example.com", layers.DNSTypeA))
		c.udp(fr, server, client, 53, 53600, dnsAnswer(0x8081, "example.com", web.ip))
		c.ping(fr, client, server, false, 0x4d6, 1)
		c.ping(fr, server, client, true, 0x4d6, 1)
		c.udp(fr, client, server, 48900, 8000, gopacket.Payload(pattern(8, 10)))
	}
	if v6 != nil {
		client, server := v6[0], v6[1]
		f := c.newTCPFlow(fr, client, 51901, server, 443)
		f.handshake()
		f.send(true, fin|ack, nil)
		c.udp(fr, client, server, 53601, 53, dnsQuery(0x8082, "example.com", layers.DNSTypeAAAA))
		c.ping(fr, client, server, false, 0x27, 1)
		c.ping(fr, server, client, true, 0x27, 1)
		c.udp(fr, client, server, 48901, 8100, gopacket.Payload(pattern(8, 11)))
		c.add(append(fr(client, server, layers.EthernetTypeIPv6), ipv6(client, server, layers.IPProtocolIPv6HopByHop),
			hopByHop(layers.IPProtocolUDP), &layers.UDP{SrcPort: 48902, DstPort: 8000}, gopacket.Payload(pattern(8, 12)))...)
	}
}

// rawIPv4 covers DLT_RAW with both IP versions.
func rawIPv4IPv6() *capture {
	c := newCapture("raw-ipv4-ipv6.pcap", layers.LinkTypeRaw,
		"DLT_RAW (LINKTYPE_RAW 101): IPv4 TCP (handshake, HTTP, RST), DNS, ICMP echo, UDP 8000, IPv4 fragments; IPv6 TCP, DNS, ICMPv6 echo, UDP 8100, hop-by-hop before UDP")
	c.mixedIPTraffic(rawIP, &[2]endpoint{laptop, server}, &[2]endpoint{laptop6, server6})
	frag := c.ipv4(laptop, resolver, layers.IPProtocolUDP)
	frag.Flags = 0
	c.fragmentIPv4(rawIP, laptop, resolver, frag, []int{64}, nil, &layers.UDP{SrcPort: 48903, DstPort: 8000}, gopacket.Payload(pattern(100, 0x20)))
	return c
}

// linkIPv4 covers LINKTYPE_IPV4, which carries only IPv4.
func linkIPv4() *capture {
	c := newCapture("ipv4-linktype228.pcap", layers.LinkTypeIPv4,
		"LINKTYPE_IPV4 (228): IPv4 TCP (handshake, HTTP, RST), DNS, ICMP echo, UDP 8000")
	c.mixedIPTraffic(rawIP, &[2]endpoint{desktop, server}, nil)
	return c
}

// linkIPv6 covers LINKTYPE_IPV6, which carries only IPv6.
func linkIPv6() *capture {
	c := newCapture("ipv6-linktype229.pcap", layers.LinkTypeIPv6,
		"LINKTYPE_IPV6 (229): IPv6 TCP, DNS, ICMPv6 echo, UDP 8100 and 65535 (empty), hop-by-hop before UDP")
	c.mixedIPTraffic(rawIP, nil, &[2]endpoint{laptop6, server6})
	c.udp(rawIP, server6, laptop6, 33434, 65535, nil)
	return c
}

// The loopback addresses of the null and loop captures.
var (
	localhost  = endpoint{nil, mustIP("127.0.0.1")}
	localhost6 = endpoint{nil, mustIP("::1")}
	localPeer  = endpoint{nil, mustIP("127.0.0.53")}
)

// nullBSD covers DLT_NULL with every AF_INET6 value libpcap knows.
func nullBSD() *capture {
	c := newCapture("null-bsd.pcap", layers.LinkTypeNull,
		"DLT_NULL (0), little-endian AF: AF_INET 2 (TCP, DNS to 127.0.0.53, ICMP, UDP 8000), AF_INET6 24 (TCP, DNS, ICMPv6, UDP 8100, hop-by-hop), 28 and 30 (TCP SYN, ICMPv6 echo)")
	c.mixedIPTraffic(null(afInet6NetOpenBSD), &[2]endpoint{localhost, localPeer}, &[2]endpoint{localhost6, localhost6})
	for _, family := range []uint32{afInet6FreeBSD, afInet6Darwin} {
		c.newTCPFlow(null(family), localhost6, 52000+uint16(family), localhost6, 8000).send(true, syn, nil)
		c.ping(null(family), localhost6, localhost6, false, uint16(family), 1)
	}
	return c
}

// loopOpenBSD covers DLT_LOOP, whose AF is big-endian.
func loopOpenBSD() *capture {
	c := newCapture("loop-openbsd.pcap", layers.LinkTypeLoop,
		"DLT_LOOP (108), big-endian AF: AF_INET 2 (TCP, DNS to 127.0.0.53, ICMP, UDP 8000), AF_INET6 24 (TCP, DNS, ICMPv6, UDP 8100, hop-by-hop), 28 and 30 (TCP SYN, ICMPv6 echo)")
	c.mixedIPTraffic(loop(afInet6NetOpenBSD), &[2]endpoint{localhost, localPeer}, &[2]endpoint{localhost6, localhost6})
	for _, family := range []uint32{afInet6FreeBSD, afInet6Darwin} {
		c.newTCPFlow(loop(family), localhost6, 52000+uint16(family), localhost6, 8000).send(true, syn, nil)
		c.ping(loop(family), localhost6, localhost6, false, uint16(family), 1)
	}
	return c
}

// cookedLoopback frames packets captured on lo by the "any" device: ARPHRD
// loopback with an all-zero address.
func cookedLoopback(pktType layers.LinuxSLLPacketType) framer {
	return func(_, _ endpoint, et layers.EthernetType) []gopacket.SerializableLayer {
		return []gopacket.SerializableLayer{&linuxSLL{pktType: pktType, arphrd: arphrdLoopback, addr: make(net.HardwareAddr, 6), proto: et}}
	}
}

// cookedTraffic adds, over the framer returned by frame for each packet
// type, the traffic of a host capturing on every interface.
func (c *capture) cookedTraffic(frame func(layers.LinuxSLLPacketType) framer) {
	out, in := frame(layers.LinuxSLLPacketTypeOutgoing), frame(layers.LinuxSLLPacketTypeHost)
	f := c.newTCPFlow(out, laptop, 52100, web, 80)
	f.send(true, syn, nil)
	f.fr = in
	f.send(false, syn|ack, nil)
	f.fr = out
	f.send(true, ack, nil)
	c.udp(out, laptop, resolver, 53700, 53, dnsQuery(0x9091, "example.com", layers.DNSTypeA))
	c.udp(in, resolver, laptop, 53, 53700, dnsAnswer(0x9091, "example.com", web.ip))
	bcast := frame(layers.LinuxSLLPacketTypeBroadcast)
	c.arp(bcast, layers.EthernetTypeARP, arpRequest, broadcastMAC, gateway, printer)
	c.arp(out, layers.EthernetTypeARP, arpReply, gatewayMAC, printer, gateway)
	mcast := frame(layers.LinuxSLLPacketTypeMulticast)
	c.udp(mcast, printer, multicastTo("224.0.0.251"), 5353, 5353, dnsQuery(0, "_ipp._tcp.local", layers.DNSTypePTR))
	c.ping(mcast, printerLL, multicastTo("ff02::1"), false, 0x28, 1)
	c.udp(frame(layers.LinuxSLLPacketTypeOtherhost), printer, server, 49000, 8000, gopacket.Payload(pattern(8, 13)))
	c.newTCPFlow(out, laptop6, 52101, web6, 443).send(true, syn, nil)
	c.ping(in, resolver6, laptop6, true, 0x29, 1)
	// Linux gives 802.3 frames protocol ETH_P_802_2 (4).
	c.add(append(mcast(endpoint{mac: bridgeMAC}, endpoint{}, 0x0004),
		&layers.LLC{DSAP: 0x42, SSAP: 0x42, Control: 0x03},
		&layers.STP{RouteID: layers.STPSwitchID{Priority: 32768, HwAddr: bridgeMAC}, BridgeID: layers.STPSwitchID{Priority: 32768, HwAddr: bridgeMAC},
			PortID: 0x8002, MaxAge: 20 << 8, HelloTime: 2 << 8, FDelay: 15 << 8})...)
}

// sllMixed covers LINUX_SLL with every packet type.
func sllMixed() *capture {
	c := newCapture("sll-mixed.pcap", layers.LinkTypeLinuxSLL,
		"LINUX_SLL (113): outgoing/host TCP handshake and DNS, broadcast ARP request, outgoing ARP reply, multicast mDNS and ICMPv6 to ff02::1, otherhost UDP 8000, IPv6 TCP SYN and ICMPv6 echo reply, 802.2 LLC (protocol 4) STP; loopback device (ARPHRD 772) TCP on 127.0.0.1:8080")
	c.cookedTraffic(cooked)
	lo := c.newTCPFlow(cookedLoopback(layers.LinuxSLLPacketTypeHost), localhost, 52200, localhost, 8080)
	lo.handshake()
	return c
}

// sll2Mixed covers LINUX_SLL2 with every packet type and several interfaces.
func sll2Mixed() *capture {
	c := newCapture("sll2-mixed.pcap", layers.LinkTypeLinuxSLL2,
		"LINUX_SLL2 (276): ifindex 2 outgoing/host TCP handshake and DNS, broadcast ARP request, outgoing ARP reply, multicast mDNS and ICMPv6 to ff02::1, otherhost UDP 8000, IPv6 TCP SYN and ICMPv6 echo reply, 802.2 LLC (protocol 4) STP; ifindex 3 TCP 8100 and UDP")
	c.cookedTraffic(func(t layers.LinuxSLLPacketType) framer { return cooked2(2, t) })
	wlan := c.newTCPFlow(cooked2(3, layers.LinuxSLLPacketTypeOutgoing), laptop, 52300, server, 8100)
	wlan.send(true, syn, nil)
	c.udp(cooked2(3, layers.LinuxSLLPacketTypeHost), server, laptop, 8100, 52301, gopacket.Payload(pattern(8, 14)))
	return c
}

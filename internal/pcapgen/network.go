package main

import (
	"net"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// endpoint is one side of a conversation as seen on the captured link: the
// MAC address is the host's own on the local segment, the gateway's for a
// remote host.
type endpoint struct {
	mac net.HardwareAddr
	ip  net.IP
}

func (e endpoint) isIPv4() bool { return e.ip.To4() != nil }

// The hosts of the captured networks: a home LAN 192.168.1.0/24 behind
// gateway 192.168.1.1, an office LAN in 10.0.0.0/8, and remote hosts on the
// Internet seen through the gateway. IPv6 uses the documentation prefix
// 2001:db8::/32 and link-local addresses.
var (
	gatewayMAC = mustMAC("00:1b:21:3a:4f:01")
	laptopMAC  = mustMAC("3c:22:fb:12:34:56")
	printerMAC = mustMAC("00:80:77:a1:b2:c3")
	routerMAC  = mustMAC("00:0c:29:9e:10:01")
	serverMAC  = mustMAC("52:54:00:6b:2e:14")
	desktopMAC = mustMAC("b8:27:eb:45:67:89")
	bridgeMAC  = mustMAC("00:1f:9e:c0:ff:ee")

	broadcastMAC = mustMAC("ff:ff:ff:ff:ff:ff")

	gateway  = endpoint{gatewayMAC, mustIP("192.168.1.1")}
	laptop   = endpoint{laptopMAC, mustIP("192.168.1.10")}
	printer  = endpoint{printerMAC, mustIP("192.168.1.50")}
	router   = endpoint{routerMAC, mustIP("10.0.0.1")}
	server   = endpoint{serverMAC, mustIP("10.0.0.20")}
	desktop  = endpoint{desktopMAC, mustIP("10.1.2.3")}
	web      = endpoint{gatewayMAC, mustIP("93.184.216.34")}
	resolver = endpoint{gatewayMAC, mustIP("8.8.8.8")}
	ntpPeer  = endpoint{gatewayMAC, mustIP("162.159.200.123")}
	farHost  = endpoint{gatewayMAC, mustIP("203.0.113.7")}
	transit  = endpoint{gatewayMAC, mustIP("172.16.5.4")}
	docHost  = endpoint{gatewayMAC, mustIP("198.51.100.23")}

	gateway6  = endpoint{gatewayMAC, mustIP("fe80::21b:21ff:fe3a:4f01")}
	laptop6   = endpoint{laptopMAC, mustIP("2001:db8:1::10")}
	laptopLL  = endpoint{laptopMAC, mustIP("fe80::3e22:fbff:fe12:3456")}
	printer6  = endpoint{printerMAC, mustIP("2001:db8:1::50")}
	printerLL = endpoint{printerMAC, mustIP("fe80::280:77ff:fea1:b2c3")}
	server6   = endpoint{serverMAC, mustIP("2001:db8:a::20")}
	web6      = endpoint{gatewayMAC, mustIP("2606:2800:220:1:248:1893:25c8:1946")}
	resolver6 = endpoint{gatewayMAC, mustIP("2001:4860:4860::8888")}
	farHost6  = endpoint{gatewayMAC, mustIP("2001:db8:ff::7")}
)

// multicastTo returns the endpoint of an IP multicast or broadcast group as
// an Ethernet destination: 01:00:5e + low 23 bits for IPv4 (RFC 1112),
// 33:33 + low 32 bits for IPv6 (RFC 2464), ff:ff:ff:ff:ff:ff for broadcast.
func multicastTo(group string) endpoint {
	ip := mustIP(group)
	if ip4 := ip.To4(); ip4 != nil {
		if ip4[0] < 224 || ip4[0] > 239 {
			return endpoint{broadcastMAC, ip4}
		}
		return endpoint{net.HardwareAddr{0x01, 0x00, 0x5e, ip4[1] & 0x7f, ip4[2], ip4[3]}, ip4}
	}
	return endpoint{net.HardwareAddr{0x33, 0x33, ip[12], ip[13], ip[14], ip[15]}, ip}
}

// solicitedNode returns the solicited-node multicast group of ip (RFC 4291).
func solicitedNode(ip net.IP) endpoint {
	group := net.ParseIP("ff02::1:ff00:0")
	copy(group[13:], ip[13:16])
	return multicastTo(group.String())
}

// framer builds the link-layer headers that carry a packet of type et from
// src to dst. Captures of different link types share packet builders by
// passing different framers.
type framer func(src, dst endpoint, et layers.EthernetType) []gopacket.SerializableLayer

// ether frames packets in plain Ethernet II.
func ether(src, dst endpoint, et layers.EthernetType) []gopacket.SerializableLayer {
	return []gopacket.SerializableLayer{&layers.Ethernet{SrcMAC: src.mac, DstMAC: dst.mac, EthernetType: et}}
}

// etherType is the Ethernet type of an IP packet from e.
func etherType(e endpoint) layers.EthernetType {
	if e.isIPv4() {
		return layers.EthernetTypeIPv4
	}
	return layers.EthernetTypeIPv6
}

// ipv4 returns an IPv4 header with the values a Linux host sends: TTL 64,
// don't-fragment, a fresh identification.
func (c *capture) ipv4(src, dst endpoint, proto layers.IPProtocol) *layers.IPv4 {
	return &layers.IPv4{
		Version:  4,
		TTL:      64,
		Id:       c.nextIPID(),
		Flags:    layers.IPv4DontFragment,
		Protocol: proto,
		SrcIP:    src.ip,
		DstIP:    dst.ip,
	}
}

// ipv6 returns an IPv6 header with hop limit 64 and a flow label.
func ipv6(src, dst endpoint, next layers.IPProtocol) *layers.IPv6 {
	return &layers.IPv6{
		Version:    6,
		HopLimit:   64,
		FlowLabel:  0x4a2b1,
		NextHeader: next,
		SrcIP:      src.ip,
		DstIP:      dst.ip,
	}
}

// ipHeader returns the IPv4 or IPv6 header, chosen by src's address family.
func (c *capture) ipHeader(src, dst endpoint, proto layers.IPProtocol) gopacket.SerializableLayer {
	if src.isIPv4() {
		return c.ipv4(src, dst, proto)
	}
	return ipv6(src, dst, proto)
}

// send adds one IP packet from src to dst over fr carrying upper.
func (c *capture) send(fr framer, src, dst endpoint, proto layers.IPProtocol, upper ...gopacket.SerializableLayer) {
	ls := fr(src, dst, etherType(src))
	ls = append(ls, c.ipHeader(src, dst, proto))
	c.add(append(ls, upper...)...)
}

// udp adds one UDP datagram; payload may be nil for an empty datagram.
func (c *capture) udp(fr framer, src, dst endpoint, sport, dport uint16, payload gopacket.SerializableLayer) {
	upper := []gopacket.SerializableLayer{&layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}}
	if payload != nil {
		upper = append(upper, payload)
	}
	c.send(fr, src, dst, layers.IPProtocolUDP, upper...)
}

// ping adds an ICMP or ICMPv6 echo request (or reply) with a 32-byte
// payload.
func (c *capture) ping(fr framer, src, dst endpoint, reply bool, id, seq uint16) {
	payload := gopacket.Payload(pattern(32, byte(seq)))
	if src.isIPv4() {
		typ := uint8(layers.ICMPv4TypeEchoRequest)
		if reply {
			typ = layers.ICMPv4TypeEchoReply
		}
		c.send(fr, src, dst, layers.IPProtocolICMPv4,
			&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, 0), Id: id, Seq: seq}, payload)
		return
	}
	typ := uint8(layers.ICMPv6TypeEchoRequest)
	if reply {
		typ = layers.ICMPv6TypeEchoReply
	}
	c.send(fr, src, dst, layers.IPProtocolICMPv6,
		&layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(typ, 0)},
		&layers.ICMPv6Echo{Identifier: id, SeqNumber: seq}, payload)
}

// pattern returns n bytes counting up from start, the payload ping uses.
func pattern(n int, start byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = start + byte(i)
	}
	return b
}

// truncate returns the first n bytes of p, or p if it is shorter.
func truncate(p gopacket.Payload, n int) gopacket.Payload {
	return p[:min(n, len(p))]
}

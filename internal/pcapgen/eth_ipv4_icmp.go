package main

import (
	"encoding/binary"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// icmpError adds an ICMP error from src to dst quoting the datagram quoted;
// rest is the second header word (zero, or the next-hop MTU for
// fragmentation needed, or the gateway for a redirect).
func (c *capture) icmpError(src, dst endpoint, typ, code uint8, rest uint32, quoted gopacket.Payload) {
	ip := c.ipv4(src, dst, layers.IPProtocolICMPv4)
	ip.Flags = 0
	ip.TOS = 0xc0 // network control, as routers send errors
	c.add(ether(src, dst, layers.EthernetTypeIPv4)[0], ip,
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, code), Id: uint16(rest >> 16), Seq: uint16(rest)},
		quoted)
}

// ethIPv4ICMP covers ICMP over Ethernet: echo, errors quoting the offending
// datagram in full or RFC 792 style (IP header and 8 bytes), redirect, and
// pings to broadcast addresses.
func ethIPv4ICMP() *capture {
	c := newCapture("eth-ipv4-icmp.pcap", layers.LinkTypeEthernet,
		"ICMP: echo request/reply (8.8.8.8, 10.0.0.1, empty payload, subnet broadcast), port/host unreachable and time exceeded quoting the full datagram, fragmentation needed (MTU 1400) quoting header+8 bytes, redirect")

	c.ping(ether, laptop, resolver, false, 0x4d2, 1)
	c.ping(ether, resolver, laptop, true, 0x4d2, 1)
	c.ping(ether, laptop, resolver, false, 0x4d2, 2)
	c.ping(ether, resolver, laptop, true, 0x4d2, 2)
	c.ping(ether, desktop, router, false, 0x77, 1)
	c.ping(ether, router, desktop, true, 0x77, 1)
	c.send(ether, laptop, web, layers.IPProtocolICMPv4, &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0), Id: 9, Seq: 0})
	c.ping(ether, laptop, endpoint{broadcastMAC, mustIP("192.168.1.255")}, false, 0x4d3, 1)

	// UDP probe to a closed port, answered with the whole datagram quoted.
	probe := c.ipv4(desktop, server, layers.IPProtocolUDP)
	probe.Flags = 0
	probeUDP := &layers.UDP{SrcPort: 45123, DstPort: 33434}
	probePayload := gopacket.Payload(pattern(24, 0x40))
	c.add(ether(desktop, server, layers.EthernetTypeIPv4)[0], probe, probeUDP, probePayload)
	c.icmpError(server, desktop, layers.ICMPv4TypeDestinationUnreachable, layers.ICMPv4CodePort, 0,
		c.embed(probe, probeUDP, probePayload))

	// SYN to an unreachable host in the office network, rejected by the router.
	lost := endpoint{routerMAC, mustIP("10.99.0.1")}
	rejected := c.newTCPFlow(ether, desktop, 44000, lost, 22)
	synIP := c.ipv4(desktop, lost, layers.IPProtocolTCP)
	synTCP := rejected.segment(true, syn, nil)
	c.add(ether(desktop, lost, layers.EthernetTypeIPv4)[0], synIP, synTCP)
	c.icmpError(router, desktop, layers.ICMPv4TypeDestinationUnreachable, layers.ICMPv4CodeHost, 0,
		c.embed(synIP, synTCP))

	// Traceroute probe with TTL 1 expiring at the gateway.
	trace := c.ipv4(laptop, farHost, layers.IPProtocolUDP)
	trace.TTL, trace.Flags = 1, 0
	traceUDP := &layers.UDP{SrcPort: 45200, DstPort: 33435}
	tracePayload := gopacket.Payload(pattern(32, 0x40))
	c.add(ether(laptop, farHost, layers.EthernetTypeIPv4)[0], trace, traceUDP, tracePayload)
	c.icmpError(transit, laptop, layers.ICMPv4TypeTimeExceeded, layers.ICMPv4CodeTTLExceeded, 0,
		c.embed(trace, traceUDP, tracePayload))

	// Fragmentation needed for a full-size segment: routers quote only the
	// IP header and the first 8 bytes of the transport header (RFC 792).
	bulk := c.newTCPFlow(ether, laptop, 52300, farHost, 443)
	bigIP := c.ipv4(laptop, farHost, layers.IPProtocolTCP)
	bigTCP := bulk.segment(true, psh|ack, make([]byte, 1448))
	bigPayload := gopacket.Payload(pattern(1448, 0))
	c.add(ether(laptop, farHost, layers.EthernetTypeIPv4)[0], bigIP, bigTCP, bigPayload)
	c.icmpError(transit, laptop, layers.ICMPv4TypeDestinationUnreachable, layers.ICMPv4CodeFragmentationNeeded, 1400,
		truncate(c.embed(bigIP, bigTCP, bigPayload), 28))

	// Redirect to a better first hop for 203.0.113.7.
	c.icmpError(gateway, laptop, layers.ICMPv4TypeRedirect, layers.ICMPv4CodeHost,
		binary.BigEndian.Uint32(mustIP("192.168.1.2")), c.embed(c.ipv4(laptop, farHost, layers.IPProtocolICMPv4),
			&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0), Id: 1, Seq: 1}))
	return c
}

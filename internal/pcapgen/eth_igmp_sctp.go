package main

import (
	"net"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// routerAlertOption is the IPv4 router alert option (RFC 2113) that IGMPv2
// and v3 messages carry, making the header 24 bytes long.
var routerAlertOption = layers.IPv4Option{OptionType: 148, OptionLength: 4, OptionData: []byte{0, 0}}

// igmpPacket adds an IGMP message from src to the group dst with TTL 1 and,
// unless it is IGMPv1, the router alert option.
func (c *capture) igmpPacket(src, dst endpoint, m *igmp) {
	ip := c.ipv4(src, dst, layers.IPProtocolIGMP)
	ip.TTL, ip.TOS = 1, 0xc0
	if m.msgType != igmpV1Report {
		ip.Options = []layers.IPv4Option{routerAlertOption}
	}
	c.add(ether(src, dst, layers.EthernetTypeIPv4)[0], ip, m)
}

// ethIGMP covers IGMP versions 1 to 3 over Ethernet.
func ethIGMP() *capture {
	c := newCapture("eth-ipv4-igmp.pcap", layers.LinkTypeEthernet,
		"IGMP: general query to 224.0.0.1, v1/v2 reports, v2 leave to 224.0.0.2, v3 report to 224.0.0.22 with include/exclude records, group-specific query; router alert option (IHL 6), TTL 1; UDP to 239.1.2.3 between a join and a leave")

	c.igmpPacket(gateway, multicastTo("224.0.0.1"), &igmp{msgType: igmpQuery, maxResp: 100, group: net.IPv4zero})
	c.igmpPacket(laptop, multicastTo("239.255.255.250"), &igmp{msgType: igmpV2Report, group: mustIP("239.255.255.250")})
	c.igmpPacket(printer, multicastTo("224.0.0.251"), &igmp{msgType: igmpV1Report, group: mustIP("224.0.0.251")})
	c.igmpPacket(laptop, multicastTo("224.0.0.2"), &igmp{msgType: igmpV2Leave, group: mustIP("239.255.255.250")})
	c.igmpPacket(laptop, multicastTo("224.0.0.22"), &igmp{msgType: igmpV3Report, records: []igmpGroupRecord{
		{recordType: 4, group: mustIP("224.0.0.251")},
		{recordType: 1, group: mustIP("232.1.1.1"), sources: []net.IP{mustIP("198.51.100.23"), mustIP("203.0.113.7")}},
	}})
	c.igmpPacket(gateway, multicastTo("224.0.0.1"), &igmp{msgType: igmpQuery, maxResp: 10, group: mustIP("239.255.255.250")})
	// A receiver joins a media stream, gets two datagrams, and leaves.
	stream := multicastTo("239.1.2.3")
	c.igmpPacket(printer, stream, &igmp{msgType: igmpV2Report, group: stream.ip})
	c.udp(ether, endpoint{gatewayMAC, server.ip}, stream, 5004, 5004, gopacket.Payload(pattern(172, 0x80)))
	c.udp(ether, endpoint{gatewayMAC, server.ip}, stream, 5004, 5004, gopacket.Payload(pattern(172, 0x81)))
	c.igmpPacket(printer, multicastTo("224.0.0.2"), &igmp{msgType: igmpV2Leave, group: stream.ip})
	return c
}

// sctpAssociation adds the four-way SCTP handshake, one DATA chunk each way
// with its SACK, and the shutdown between client and server.
func (c *capture) sctpAssociation(client endpoint, cport uint16, server endpoint, sport uint16) {
	const clientTag, serverTag = 0x3bd4a1f2, 0x8e0c77d5
	hdr := func(fromClient bool) *layers.SCTP {
		if fromClient {
			return &layers.SCTP{SrcPort: layers.SCTPPort(cport), DstPort: layers.SCTPPort(sport), VerificationTag: serverTag}
		}
		return &layers.SCTP{SrcPort: layers.SCTPPort(sport), DstPort: layers.SCTPPort(cport), VerificationTag: clientTag}
	}
	send := func(fromClient bool, chunk gopacket.SerializableLayer) {
		src, dst := server, client
		if fromClient {
			src, dst = client, server
		}
		c.send(ether, src, dst, layers.IPProtocolSCTP, hdr(fromClient), chunk)
	}
	init := &layers.SCTP{SrcPort: layers.SCTPPort(cport), DstPort: layers.SCTPPort(sport)}
	c.send(ether, client, server, layers.IPProtocolSCTP, init, &layers.SCTPInit{
		SCTPChunk:   layers.SCTPChunk{Type: layers.SCTPChunkTypeInit},
		InitiateTag: clientTag, AdvertisedReceiverWindowCredit: 106496, OutboundStreams: 10, InboundStreams: 65535, InitialTSN: 1000})
	cookie := pattern(32, 0xc0)
	send(false, &layers.SCTPInit{
		SCTPChunk:   layers.SCTPChunk{Type: layers.SCTPChunkTypeInitAck},
		InitiateTag: serverTag, AdvertisedReceiverWindowCredit: 106496, OutboundStreams: 10, InboundStreams: 10, InitialTSN: 5000,
		Parameters: []layers.SCTPInitParameter{{Type: 7, Length: 4 + uint16(len(cookie)), Value: cookie}}})
	send(true, &layers.SCTPCookieEcho{SCTPChunk: layers.SCTPChunk{Type: layers.SCTPChunkTypeCookieEcho}, Cookie: cookie})
	send(false, &layers.SCTPEmptyLayer{SCTPChunk: layers.SCTPChunk{Type: layers.SCTPChunkTypeCookieAck}})
	msg := []byte("diameter-like request")
	send(true, &layers.SCTPData{SCTPChunk: layers.SCTPChunk{Type: layers.SCTPChunkTypeData, Length: uint16(16 + len(msg))},
		BeginFragment: true, EndFragment: true, TSN: 1000, PayloadProtocol: 46, Payload: msg})
	send(false, &layers.SCTPSack{SCTPChunk: layers.SCTPChunk{Type: layers.SCTPChunkTypeSack}, CumulativeTSNAck: 1000, AdvertisedReceiverWindowCredit: 106496})
	send(false, &layers.SCTPShutdown{SCTPChunk: layers.SCTPChunk{Type: layers.SCTPChunkTypeShutdown}, CumulativeTSNAck: 1000})
	send(true, &layers.SCTPShutdownAck{SCTPChunk: layers.SCTPChunk{Type: layers.SCTPChunkTypeShutdownAck}})
	send(false, &layers.SCTPEmptyLayer{SCTPChunk: layers.SCTPChunk{Type: layers.SCTPChunkTypeShutdownComplete}})
}

// ethSCTP covers SCTP over IPv4 and IPv6.
func ethSCTP() *capture {
	c := newCapture("eth-sctp.pcap", layers.LinkTypeEthernet,
		"SCTP over IPv4 (port 3868) and IPv6 (port 38412): INIT, INIT-ACK with cookie, COOKIE-ECHO/ACK, DATA, SACK, SHUTDOWN sequence")
	c.sctpAssociation(desktop, 40123, server, 3868)
	c.sctpAssociation(laptop6, 40124, server6, 38412)
	return c
}

package main

import (
	"bytes"
	"encoding/binary"
	"net"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// A DLT_SUNATM record is an AAL5 PDU (or a raw OAM cell) behind a 4-byte
// pseudo-header: byte 0 holds the direction (0x80 transmit) and the
// protocol type in its low 4 bits, byte 1 the VPI, bytes 2-3 the VCI
// (big-endian). libpcap's vpi, vci, lane, llc, oam, sc, ilmic, connectmsg
// and metaconnect primitives test these fields and, for signalling, the
// Q.2931 message type 5 bytes into the PDU.

// SunATM protocol types.
const (
	atmProtoRaw   = 0 // no AAL5 protocol: OAM cells
	atmProtoLANE  = 1 // LAN emulation (LE header + Ethernet frame)
	atmProtoLLC   = 2 // RFC 2684 LLC encapsulation
	atmProtoILMI  = 5
	atmProtoQSAAL = 6 // signalling AAL (SSCOP)
)

// atmTransmit marks a record the capturing host sent.
const atmTransmit = 0x80

// atmVC is a virtual circuit: virtual path and channel identifiers.
type atmVC struct {
	vpi uint8
	vci uint16
}

// The reserved circuits of VPI 0 (ITU-T I.361, ATM Forum UNI 3.1).
var (
	vcMetaSignalling      = atmVC{0, 1}
	vcBroadcastSignalling = atmVC{0, 2}
	vcOAMSegment          = atmVC{0, 3}
	vcOAMEndToEnd         = atmVC{0, 4}
	vcSignalling          = atmVC{0, 5}
	vcILMI                = atmVC{0, 16}
)

// sunATMHeader returns the pseudo-header as a payload layer, since
// gopacket has no SunATM layer type; a Payload prepends its bytes like
// any header.
func sunATMHeader(transmit bool, proto uint8, vc atmVC) gopacket.Payload {
	flags := proto
	if transmit {
		flags |= atmTransmit
	}
	return binary.BigEndian.AppendUint16([]byte{flags, vc.vpi}, vc.vci)
}

// atmLLC frames packets on vc with RFC 2684 LLC/SNAP encapsulation (AA-AA-03,
// OUI 00-00-00, EtherType). Packets from local are transmitted, all others
// received.
func atmLLC(vc atmVC, local endpoint) framer {
	return func(src, _ endpoint, et layers.EthernetType) []gopacket.SerializableLayer {
		return []gopacket.SerializableLayer{
			sunATMHeader(src.ip.Equal(local.ip), atmProtoLLC, vc),
			&layers.LLC{DSAP: 0xaa, SSAP: 0xaa, Control: 0x03},
			&layers.SNAP{OrganizationalCode: []byte{0, 0, 0}, Type: et},
		}
	}
}

// laneLECID is the LE header (ATM Forum LAN Emulation over ATM) of an
// Ethernet data frame: the sending client's LECID, or 0.
func laneLECID(lecid uint16) gopacket.Payload { return binary.BigEndian.AppendUint16(nil, lecid) }

// laneControlMarker starts an LE control frame where a data frame has its
// LECID; libpcap's lane primitive excludes such frames from tests on the
// emulated Ethernet.
const laneControlMarker = 0xff00

// lane frames packets as LAN-emulation Ethernet frames on vc from the
// client with the given LECID. Packets from local are transmitted.
func lane(vc atmVC, lecid uint16, local endpoint) framer {
	return func(src, dst endpoint, et layers.EthernetType) []gopacket.SerializableLayer {
		return []gopacket.SerializableLayer{
			sunATMHeader(bytes.Equal(src.mac, local.mac), atmProtoLANE, vc),
			laneLECID(lecid),
			&layers.Ethernet{SrcMAC: src.mac, DstMAC: dst.mac, EthernetType: et},
		}
	}
}

// laneARPRequest returns an LE_ARP_REQUEST control frame (LAN Emulation
// over ATM v1.0): the client with lecid asks which ATM address serves
// target's MAC address.
func laneARPRequest(lecid uint16, transaction uint32, src, target endpoint) gopacket.Payload {
	const leARPRequest = 0x0006
	b := binary.BigEndian.AppendUint16(nil, laneControlMarker)
	b = append(b, 0x01, 0x01) // protocol ATM-LANE, version 1
	b = binary.BigEndian.AppendUint16(b, leARPRequest)
	b = binary.BigEndian.AppendUint16(b, 0) // status: success
	b = binary.BigEndian.AppendUint32(b, transaction)
	b = binary.BigEndian.AppendUint16(b, lecid)
	b = binary.BigEndian.AppendUint16(b, 0) // flags
	b = append(b, laneMACDestination(src)...)
	b = append(b, laneMACDestination(target)...)
	b = append(b, atmAddress(src)...)     // source ATM address
	b = append(b, 0x01, 0x01, 0x00, 0x00) // LAN type Ethernet, max frame 1516, no TLVs, no ELAN name
	b = append(b, make([]byte, 20)...)    // target ATM address: unknown
	return append(b, make([]byte, 32)...) // ELAN name
}

// laneMACDestination is an 8-byte LAN destination field holding e's MAC
// address (tag 0x0001).
func laneMACDestination(e endpoint) []byte { return append([]byte{0x00, 0x01}, e.mac...) }

// atmAddress returns the 20-byte ATM end system address of esi in the
// ICD format (AFI 0x47): a switch prefix, esi's MAC address as end system
// identifier and selector 0.
func atmAddress(esi endpoint) []byte {
	b := []byte{0x47, 0x00, 0x91, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01}
	return append(append(b, esi.mac...), 0x00)
}

// inATMARP returns an RFC 2225 InATMARP request or reply on a PVC, which
// asks the far end of the circuit for its IPv4 address: the sender gives
// its NSAP ATM address and IPv4 address, the target's ATM address is left
// empty (the circuit identifies it) and a request's target IPv4 address is
// 0.0.0.0.
func inATMARP(reply bool, sender endpoint, target net.IP) gopacket.Payload {
	const (
		arphrdATM     = 19
		inARPRequest  = 8
		inARPReply    = 9
		ipv4AddrBytes = 4
	)
	op := uint16(inARPRequest)
	if reply {
		op = inARPReply
	}
	atm := atmAddress(sender)
	b := binary.BigEndian.AppendUint16(nil, arphrdATM)
	b = binary.BigEndian.AppendUint16(b, uint16(layers.EthernetTypeIPv4))
	b = append(b, byte(len(atm)), 0) // sender ATM number (NSAP format) and subaddress lengths
	b = binary.BigEndian.AppendUint16(b, op)
	b = append(b, ipv4AddrBytes, 0, 0, ipv4AddrBytes) // spln, thtl, tstl, tpln
	b = append(append(b, atm...), sender.ip.To4()...)
	return append(b, target.To4()...)
}

// sunATMMixed covers DLT_SUNATM: LLC-encapsulated IP and InATMARP on PVCs,
// LAN emulation with an LE control frame, UNI signalling that sets up and
// clears a call, meta- and broadcast signalling, OAM F4 cells, ILMI and
// records cut short by the capture.
func sunATMMixed() *capture {
	c := newCapture("sunatm-mixed.pcap", layers.LinkTypeSunATM,
		"DLT_SUNATM (123): LLC/SNAP on VPI/VCI 0/32 (IPv4 TCP handshake and HTTP, a TCP segment cut at 64 bytes, DNS, InATMARP request/reply), 1/100 (ICMP echo, UDP 8000), 10/20001 (IPv6 TCP SYN, ICMPv6 echo, UDP 8100 cut in the IPv6 header); Q.SAAL on 0/5: Q.2931 SETUP, CALL PROCEEDING, CONNECT, CONNECT ACK, STATUS ENQUIRY, RELEASE, RELEASE COMPLETE; LANE: LE_ARP_REQUEST control frame (0xff00) on 0/33, LE headers 2, 5 and 0 on 0/34 and 1/32 (broadcast ARP and reply, ICMP echo, mDNS to 01:00:5e:00:00:fb); SETUP and CONNECT ACK on 0/1 (meta-signalling), SETUP on 0/2 (broadcast); OAM F4 loopback request/reply on 0/3, AIS on 0/4; ILMI GetRequest/GetResponse on 0/16")

	pvc := atmLLC(atmVC{0, 32}, desktop)
	f := c.newTCPFlow(pvc, desktop, 51700, web, 80)
	f.handshake()
	f.exchange(httpRequest, httpResponse)
	f.send(false, ack, pattern(1400, 0))
	c.truncateLast(64)
	c.udp(pvc, desktop, resolver, 54200, 53, dnsQuery(0xe0e1, "example.com", layers.DNSTypeA))
	c.udp(pvc, resolver, desktop, 53, 54200, dnsAnswer(0xe0e1, "example.com", web.ip))
	c.add(append(pvc(router, desktop, layers.EthernetTypeARP), inATMARP(false, router, net.IPv4zero))...)
	c.add(append(pvc(desktop, router, layers.EthernetTypeARP), inATMARP(true, desktop, router.ip))...)

	// A switched call from the desktop to the server, which gets VCC 1/100.
	const callRef = 0x000001
	svc := atmVC{1, 100}
	sig := func(transmit bool, msgType uint8, seq uint32, ies ...q2931IE) {
		c.add(sunATMHeader(transmit, atmProtoQSAAL, vcSignalling), q2931Message(msgType, callRef, !transmit, seq, ies...))
	}
	sig(true, q2931Setup, 1, ieAAL5, ieTrafficBestEffort, ieBearerBCOBX, ieCalledParty(atmAddress(server)), ieQoSUnspecified)
	sig(false, q2931CallProceeding, 1, ieConnectionID(svc))
	sig(false, q2931Connect, 2, ieAAL5)
	sig(true, q2931ConnectAck, 2)
	onSVC := atmLLC(svc, desktop)
	c.ping(onSVC, desktop, farHost, false, 0x96, 1)
	c.ping(onSVC, farHost, desktop, true, 0x96, 1)
	c.udp(onSVC, desktop, docHost, 48600, 8000, gopacket.Payload(pattern(16, 0x30)))
	sig(true, q2931StatusEnquiry, 3)
	sig(true, q2931Release, 4, ieCauseNormal)
	sig(false, q2931ReleaseComplete, 3)

	v6 := atmLLC(atmVC{10, 20001}, laptop6)
	c.newTCPFlow(v6, laptop6, 51701, server6, 443).send(true, syn, nil)
	c.ping(v6, laptop6, server6, false, 0x2c, 1)
	c.ping(v6, server6, laptop6, true, 0x2c, 1)
	c.udp(v6, laptop6, server6, 48601, 8100, gopacket.Payload(pattern(64, 0x40)))
	c.truncateLast(4 + 8 + 20)

	// An emulated LAN: the desktop (LECID 2) and the server (LECID 5) talk
	// over a data direct VCC; broadcasts reach everyone through the BUS.
	bus, direct := atmVC{0, 34}, atmVC{1, 32}
	c.add(sunATMHeader(true, atmProtoLANE, atmVC{0, 33}), laneARPRequest(2, 0x2a000001, desktop, server))
	c.arp(lane(bus, 2, desktop), layers.EthernetTypeARP, arpRequest, broadcastMAC, desktop, server)
	c.arp(lane(direct, 5, desktop), layers.EthernetTypeARP, arpReply, desktopMAC, server, desktop)
	c.ping(lane(direct, 2, desktop), desktop, server, false, 0x7c, 1)
	c.ping(lane(direct, 5, desktop), server, desktop, true, 0x7c, 1)
	c.udp(lane(bus, 0, desktop), server, multicastTo("224.0.0.251"), 5353, 5353, dnsQuery(0, "_ipp._tcp.local", layers.DNSTypePTR))

	c.add(sunATMHeader(true, atmProtoQSAAL, vcMetaSignalling), q2931Message(q2931Setup, 0x000002, false, 1, ieAAL5))
	c.add(sunATMHeader(false, atmProtoQSAAL, vcMetaSignalling), q2931Message(q2931ConnectAck, 0x000002, true, 1))
	c.add(sunATMHeader(false, atmProtoQSAAL, vcBroadcastSignalling), q2931Message(q2931Setup, 0x000003, false, 1, ieAAL5, ieBearerBCOBX))

	c.add(sunATMHeader(false, atmProtoRaw, vcOAMSegment), oamLoopbackCell(vcOAMSegment, true, 0x0badcafe))
	c.add(sunATMHeader(true, atmProtoRaw, vcOAMSegment), oamLoopbackCell(vcOAMSegment, false, 0x0badcafe))
	c.add(sunATMHeader(false, atmProtoRaw, vcOAMEndToEnd), oamAISCell(vcOAMEndToEnd))

	c.add(sunATMHeader(false, atmProtoILMI, vcILMI), ilmiGet(7, false, 0))
	c.add(sunATMHeader(true, atmProtoILMI, vcILMI), ilmiGet(7, true, 8_640_000))
	return c
}

package main

import (
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// vlanTag is one 802.1Q or 802.1ad tag: the TPID that announces it, the
// VLAN ID, priority and drop-eligible bit.
type vlanTag struct {
	tpid     layers.EthernetType
	id       uint16
	priority uint8
	dei      bool
}

// EtherTypes of VLAN tags: 802.1Q, 802.1ad (QinQ service tag) and the
// pre-standard 0x9100 that libpcap's vlan primitive also accepts.
const (
	tpidCustomer layers.EthernetType = 0x8100
	tpidService  layers.EthernetType = 0x88a8
	tpid9100     layers.EthernetType = 0x9100
)

// tagged frames packets in Ethernet with the given VLAN tags, outermost
// first.
func tagged(tags ...vlanTag) framer {
	return func(src, dst endpoint, et layers.EthernetType) []gopacket.SerializableLayer {
		ls := []gopacket.SerializableLayer{&layers.Ethernet{SrcMAC: src.mac, DstMAC: dst.mac, EthernetType: tags[0].tpid}}
		for i, t := range tags {
			next := et
			if i+1 < len(tags) {
				next = tags[i+1].tpid
			}
			ls = append(ls, &layers.Dot1Q{VLANIdentifier: t.id, Priority: t.priority, DropEligible: t.dei, Type: next})
		}
		return ls
	}
}

// vlan frames packets with a single 802.1Q tag.
func vlan(id uint16) framer { return tagged(vlanTag{tpid: tpidCustomer, id: id}) }

// ethVLAN covers 802.1Q tags and stacked tags.
func ethVLAN() *capture {
	c := newCapture("eth-vlan-qinq.pcap", layers.LinkTypeEthernet,
		"802.1Q VLAN 100 (IPv4 TCP, DNS), 200 (ARP, IPv6 ICMPv6), 1 and 4094 (UDP 8000/8100), 0 (priority tag, PCP 5), 300 (PCP 7, DEI); QinQ 0x88a8/0x8100 (100/200: IPv4 TCP, DNS, IPv6 UDP; 4094/1: ARP), 0x8100/0x8100 (10/20: ICMP), 0x9100/0x8100 (30/40: UDP); untagged IPv4 and IPv6")

	v100 := vlan(100)
	f := c.newTCPFlow(v100, laptop, 51400, web, 80)
	f.handshake()
	c.udp(v100, laptop, resolver, 53200, 53, dnsQuery(0x3c4d, "example.com", layers.DNSTypeA))
	c.udp(v100, resolver, laptop, 53, 53200, dnsAnswer(0x3c4d, "example.com", web.ip))

	v200 := vlan(200)
	c.arp(v200, layers.EthernetTypeARP, arpRequest, broadcastMAC, desktop, router)
	c.arp(v200, layers.EthernetTypeARP, arpReply, desktopMAC, router, desktop)
	c.ping(v200, laptop6, resolver6, false, 0x21, 1)
	c.ping(v200, resolver6, laptop6, true, 0x21, 1)

	c.udp(vlan(1), desktop, server, 48000, 8000, gopacket.Payload(pattern(8, 1)))
	c.udp(vlan(4094), desktop, server, 48100, 8100, gopacket.Payload(pattern(8, 2)))
	c.ping(tagged(vlanTag{tpid: tpidCustomer, id: 0, priority: 5}), desktop, router, false, 0x78, 1)
	c.udp(tagged(vlanTag{tpid: tpidCustomer, id: 300, priority: 7, dei: true}), server, desktop, 5004, 5004, gopacket.Payload(pattern(40, 0x80)))

	qinq := tagged(vlanTag{tpid: tpidService, id: 100}, vlanTag{tpid: tpidCustomer, id: 200})
	c.newTCPFlow(qinq, laptop, 51401, web, 443).send(true, syn, nil)
	c.udp(qinq, laptop, resolver, 53201, 53, dnsQuery(0x3c4e, "example.net", layers.DNSTypeA))
	c.udp(qinq, laptop6, server6, 48200, 8000, gopacket.Payload(pattern(8, 3)))
	c.arp(tagged(vlanTag{tpid: tpidService, id: 4094, priority: 3}, vlanTag{tpid: tpidCustomer, id: 1}),
		layers.EthernetTypeARP, arpRequest, broadcastMAC, desktop, router)
	c.ping(tagged(vlanTag{tpid: tpidCustomer, id: 10}, vlanTag{tpid: tpidCustomer, id: 20}), desktop, router, false, 0x79, 1)
	c.udp(tagged(vlanTag{tpid: tpid9100, id: 30}, vlanTag{tpid: tpidCustomer, id: 40}), desktop, server, 48300, 8100, gopacket.Payload(pattern(8, 4)))

	c.ping(ether, desktop, router, false, 0x7a, 1)
	c.ping(ether, laptop6, resolver6, false, 0x22, 1)
	return c
}

// mplsLabel is one MPLS label stack entry.
type mplsLabel struct {
	label uint32
	tc    uint8
}

// mpls frames packets in Ethernet with an MPLS label stack, outermost
// first; multicast selects EtherType 0x8848 instead of 0x8847.
func mpls(multicast bool, stack ...mplsLabel) framer {
	et := layers.EthernetTypeMPLSUnicast
	if multicast {
		et = layers.EthernetTypeMPLSMulticast
	}
	return func(src, dst endpoint, _ layers.EthernetType) []gopacket.SerializableLayer {
		ls := []gopacket.SerializableLayer{&layers.Ethernet{SrcMAC: src.mac, DstMAC: dst.mac, EthernetType: et}}
		for i, l := range stack {
			ls = append(ls, &layers.MPLS{Label: l.label, TrafficClass: l.tc, TTL: 63, StackBottom: i == len(stack)-1})
		}
		return ls
	}
}

// ethMPLS covers MPLS label stacks of one to three entries carrying IPv4
// and IPv6, and MPLS behind a VLAN tag.
func ethMPLS() *capture {
	c := newCapture("eth-mpls.pcap", layers.LinkTypeEthernet,
		"MPLS unicast 0x8847: one label (16000: IPv4 TCP handshake; 16001: DNS; 0 explicit null: ICMP; 2 IPv6 explicit null: IPv6 TCP), two labels (100/200: ICMP, TCP 8080), three labels (1048575/300/301: UDP), one label with IPv6 ICMPv6; MPLS multicast 0x8848; VLAN 100 + MPLS; untagged IPv4")

	one := mpls(false, mplsLabel{label: 16000})
	f := c.newTCPFlow(one, laptop, 51500, web, 80)
	f.handshake()
	dnsPath := mpls(false, mplsLabel{label: 16001, tc: 5})
	c.udp(dnsPath, laptop, resolver, 53300, 53, dnsQuery(0x4d5e, "example.com", layers.DNSTypeA))
	c.udp(dnsPath, resolver, laptop, 53, 53300, dnsAnswer(0x4d5e, "example.com", web.ip))
	c.ping(mpls(false, mplsLabel{label: 0}), desktop, farHost, false, 0x90, 1)
	c.newTCPFlow(mpls(false, mplsLabel{label: 2}), laptop6, 51501, web6, 443).send(true, syn, nil)

	two := mpls(false, mplsLabel{label: 100}, mplsLabel{label: 200})
	c.ping(two, desktop, farHost, false, 0x91, 1)
	c.ping(two, farHost, desktop, true, 0x91, 1)
	c.newTCPFlow(two, desktop, 51502, docHost, 8080).send(true, syn, nil)
	three := mpls(false, mplsLabel{label: 1048575}, mplsLabel{label: 300}, mplsLabel{label: 301, tc: 7})
	c.udp(three, desktop, docHost, 48400, 8000, gopacket.Payload(pattern(16, 5)))
	c.ping(mpls(false, mplsLabel{label: 16002}), laptop6, farHost6, false, 0x23, 1)
	c.udp(mpls(true, mplsLabel{label: 24000}), server, multicastTo("232.1.1.1"), 5000, 5000, gopacket.Payload(pattern(64, 0x10)))

	vlanMPLS := func(src, dst endpoint, et layers.EthernetType) []gopacket.SerializableLayer {
		return append(tagged(vlanTag{tpid: tpidCustomer, id: 100})(src, dst, layers.EthernetTypeMPLSUnicast),
			mpls(false, mplsLabel{label: 17000})(src, dst, et)[1:]...)
	}
	c.ping(vlanMPLS, desktop, farHost, false, 0x92, 1)
	c.ping(ether, desktop, farHost, false, 0x93, 1)
	return c
}

// PPP protocol numbers carried in PPPoE sessions.
const pppLCP layers.PPPType = 0xc021

// pppoeSession frames packets in a PPPoE session with the given ID.
func pppoeSession(id uint16) framer {
	return func(src, dst endpoint, et layers.EthernetType) []gopacket.SerializableLayer {
		proto := layers.PPPTypeIPv4
		if et == layers.EthernetTypeIPv6 {
			proto = layers.PPPTypeIPv6
		}
		return []gopacket.SerializableLayer{
			&layers.Ethernet{SrcMAC: src.mac, DstMAC: dst.mac, EthernetType: layers.EthernetTypePPPoESession},
			&layers.PPPoE{Version: 1, Type: 1, Code: layers.PPPoECodeSession, SessionId: id},
			&layers.PPP{PPPType: proto},
		}
	}
}

// accessConcentrator is the PPPoE server the laptop dials.
var accessConcentrator = mustMAC("00:90:1a:a0:00:01")

// pppoeDiscovery adds one discovery packet.
func (c *capture) pppoeDiscovery(src, dst []byte, code layers.PPPoECode, session uint16, tags ...pppoeTag) {
	c.add(&layers.Ethernet{SrcMAC: src, DstMAC: dst, EthernetType: layers.EthernetTypePPPoEDiscovery},
		&layers.PPPoE{Version: 1, Type: 1, Code: code, SessionId: session}, pppoeTags(tags...))
}

// ethPPPoE covers PPPoE discovery and sessions carrying LCP, IPv4 and IPv6.
func ethPPPoE() *capture {
	c := newCapture("eth-pppoe.pcap", layers.LinkTypeEthernet,
		"PPPoE discovery 0x8863 (PADI broadcast, PADO, PADR, PADS, PADT) and sessions 0x8864: session 0x0011 (LCP echo, IPv4 TCP handshake, DNS, ICMP, IPv6 ICMPv6 and TCP), 0x2345 (IPv4 UDP 8000, IPv6 UDP 8100), 0xfffe (IPv4 ICMP)")

	hostUniq := pppoeTag{tagHostUniq, []byte{0x2a, 0x00, 0x00, 0x01}}
	service := pppoeTag{tagServiceName, nil}
	c.pppoeDiscovery(laptopMAC, broadcastMAC, layers.PPPoECodePADI, 0, service, hostUniq)
	c.pppoeDiscovery(accessConcentrator, laptopMAC, layers.PPPoECodePADO, 0,
		pppoeTag{tagACName, []byte("bras-01")}, service, pppoeTag{tagACCookie, pattern(16, 0xa0)}, hostUniq)
	c.pppoeDiscovery(laptopMAC, accessConcentrator, layers.PPPoECodePADR, 0, service, pppoeTag{tagACCookie, pattern(16, 0xa0)}, hostUniq)
	c.pppoeDiscovery(accessConcentrator, laptopMAC, layers.PPPoECodePADS, 0x0011, service, hostUniq)

	// In a session the laptop talks to everything through the concentrator.
	viaAC := func(e endpoint) endpoint { return endpoint{accessConcentrator, e.ip} }
	s11 := pppoeSession(0x0011)
	lcp := s11(laptop, viaAC(web), 0)
	lcp[2] = &layers.PPP{PPPType: pppLCP}
	c.add(append(lcp, gopacket.Payload([]byte{0x09, 0x01, 0x00, 0x08, 0x12, 0x34, 0x56, 0x78}))...)
	f := c.newTCPFlow(s11, laptop, 51600, viaAC(web), 80)
	f.handshake()
	c.udp(s11, laptop, viaAC(resolver), 53400, 53, dnsQuery(0x5e6f, "example.com", layers.DNSTypeA))
	c.udp(s11, viaAC(resolver), laptop, 53, 53400, dnsAnswer(0x5e6f, "example.com", web.ip))
	c.ping(s11, laptop, viaAC(resolver), false, 0x4d4, 1)
	c.ping(s11, viaAC(resolver), laptop, true, 0x4d4, 1)
	c.ping(s11, laptop6, viaAC(resolver6), false, 0x24, 1)
	c.ping(s11, viaAC(resolver6), laptop6, true, 0x24, 1)
	c.newTCPFlow(s11, laptop6, 51601, viaAC(web6), 443).send(true, syn, nil)

	s2345 := pppoeSession(0x2345)
	c.udp(s2345, printer, viaAC(server), 48500, 8000, gopacket.Payload(pattern(8, 6)))
	c.udp(s2345, printer6, viaAC(server6), 48501, 8100, gopacket.Payload(pattern(8, 7)))
	c.ping(pppoeSession(0xfffe), desktop, viaAC(farHost), false, 0x95, 1)

	c.pppoeDiscovery(laptopMAC, accessConcentrator, layers.PPPoECodePADT, 0x0011, hostUniq)
	return c
}

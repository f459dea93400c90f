package main

import (
	"net"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// ARP operations (RFC 826, RFC 903).
const (
	arpRequest         = 1
	arpReply           = 2
	rarpRequest        = 3
	rarpReply          = 4
	lldpMulticastGroup = "01:80:c2:00:00:0e"
	stpMulticastGroup  = "01:80:c2:00:00:00"
)

// ethernetTypeRARP is missing from gopacket's EthernetType constants.
const ethernetTypeRARP layers.EthernetType = 0x8035

// arp adds an ARP or RARP packet (et says which) over fr with the given
// operation, link-layer destination, sender and target.
func (c *capture) arp(fr framer, et layers.EthernetType, op uint16, ethDst net.HardwareAddr, sender, target endpoint) {
	targetMAC := target.mac
	if op == arpRequest {
		targetMAC = make(net.HardwareAddr, 6)
	}
	c.add(append(fr(sender, endpoint{mac: ethDst}, et),
		&layers.ARP{
			AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4,
			HwAddressSize: 6, ProtAddressSize: 4, Operation: op,
			SourceHwAddress: sender.mac, SourceProtAddress: sender.ip,
			DstHwAddress: targetMAC, DstProtAddress: target.ip,
		})...)
}

// ethL2 covers Ethernet traffic other than IP: ARP and RARP, 802.3 frames
// with LLC (spanning tree) and SNAP headers, LLDP, EAPOL and an experimental
// EtherType.
func ethL2() *capture {
	c := newCapture("eth-arp-l2.pcap", layers.LinkTypeEthernet,
		"ARP request/reply for 10.0.0.1 and 192.168.1.1, gratuitous ARP, RARP request/reply, 802.3 length frames with LLC (STP BPDU to 01:80:c2:00:00:00) and SNAP (OUI 00:00:0c, type 0x2000), LLDP, EAPOL-Start, EtherType 0x88b5")

	c.arp(ether, layers.EthernetTypeARP, arpRequest, broadcastMAC, desktop, router)
	c.arp(ether, layers.EthernetTypeARP, arpReply, desktopMAC, router, desktop)
	c.arp(ether, layers.EthernetTypeARP, arpRequest, broadcastMAC, laptop, gateway)
	c.arp(ether, layers.EthernetTypeARP, arpReply, laptopMAC, gateway, laptop)
	c.arp(ether, layers.EthernetTypeARP, arpRequest, broadcastMAC, server, server)
	c.arp(ether, layers.EthernetTypeARP, arpReply, broadcastMAC, printer, printer)
	// A diskless client asks for its own address.
	diskless := endpoint{mustMAC("00:00:0c:07:ac:01"), net.IPv4zero.To4()}
	c.arp(ether, ethernetTypeRARP, rarpRequest, broadcastMAC, diskless, diskless)
	c.arp(ether, ethernetTypeRARP, rarpReply, diskless.mac, server, endpoint{diskless.mac, mustIP("10.0.0.77")})

	bridge := layers.STPSwitchID{Priority: 32768, SysID: 1, HwAddr: bridgeMAC}
	c.add(&layers.Ethernet{SrcMAC: bridgeMAC, DstMAC: mustMAC(stpMulticastGroup), EthernetType: layers.EthernetTypeLLC},
		&layers.LLC{DSAP: 0x42, SSAP: 0x42, Control: 0x03},
		&layers.STP{RouteID: bridge, BridgeID: bridge, PortID: 0x8001, MaxAge: 20 << 8, HelloTime: 2 << 8, FDelay: 15 << 8})
	c.add(&layers.Ethernet{SrcMAC: bridgeMAC, DstMAC: mustMAC("01:00:0c:cc:cc:cc"), EthernetType: layers.EthernetTypeLLC},
		&layers.LLC{DSAP: 0xaa, SSAP: 0xaa, Control: 0x03},
		&layers.SNAP{OrganizationalCode: []byte{0x00, 0x00, 0x0c}, Type: 0x2000},
		gopacket.Payload([]byte{0x02, 0xb4, 0x00, 0x00, 0x00, 0x01, 0x00, 0x0b, 's', 'w', '-', 'c', 'o', 'r', 'e'}))

	c.add(&layers.Ethernet{SrcMAC: bridgeMAC, DstMAC: mustMAC(lldpMulticastGroup), EthernetType: layers.EthernetTypeLinkLayerDiscovery},
		&layers.LinkLayerDiscovery{
			ChassisID: layers.LLDPChassisID{Subtype: layers.LLDPChassisIDSubTypeMACAddr, ID: bridgeMAC},
			PortID:    layers.LLDPPortID{Subtype: layers.LLDPPortIDSubtypeIfaceName, ID: []byte("ge-0/0/1")},
			TTL:       120,
		})
	c.add(&layers.Ethernet{SrcMAC: laptopMAC, DstMAC: mustMAC("01:80:c2:00:00:03"), EthernetType: layers.EthernetTypeEAPOL},
		&layers.EAPOL{Version: 2, Type: layers.EAPOLTypeStart})
	c.add(&layers.Ethernet{SrcMAC: serverMAC, DstMAC: broadcastMAC, EthernetType: 0x88b5},
		gopacket.Payload("local experimental ethertype"))
	return c
}

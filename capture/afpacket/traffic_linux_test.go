package afpacket_test

import (
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// frames returns the test traffic, sent from b to a: ARP, IPv4 ICMP, UDP
// and TCP, an IPv4 datagram in two fragments, IPv6 ICMPv6 and UDP,
// 802.1Q and 802.1ad tagged frames, a frame for another host and a
// broadcast. a answers some of them, so a capture sees both directions.
func (n *testNet) frames(t testing.TB) [][]byte {
	t.Helper()
	other := net.HardwareAddr{0x02, 0, 0, 0, 0, 0x99}
	bcast := net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	eth := func(dst net.HardwareAddr, typ layers.EthernetType) *layers.Ethernet {
		return &layers.Ethernet{SrcMAC: n.macB, DstMAC: dst, EthernetType: typ}
	}
	ip4 := func(proto layers.IPProtocol) *layers.IPv4 {
		return &layers.IPv4{Version: 4, TTL: 64, Protocol: proto, SrcIP: n.ipB, DstIP: n.ipA, Id: 0x4242}
	}
	ip6 := func(next layers.IPProtocol) *layers.IPv6 {
		return &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: next, SrcIP: n.ip6B, DstIP: n.ip6A}
	}
	payload := gopacket.Payload("gotcpdump live capture test")
	var out [][]byte
	add := func(ls ...gopacket.SerializableLayer) {
		buf := gopacket.NewSerializeBuffer()
		for _, l := range ls {
			if nl, ok := l.(interface {
				SetNetworkLayerForChecksum(gopacket.NetworkLayer) error
			}); ok {
				for _, m := range ls {
					if netl, ok := m.(gopacket.NetworkLayer); ok {
						nl.SetNetworkLayerForChecksum(netl)
					}
				}
			}
		}
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
			t.Fatal(err)
		}
		out = append(out, append([]byte(nil), buf.Bytes()...))
	}
	add(eth(bcast, layers.EthernetTypeARP), &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4,
		HwAddressSize: 6, ProtAddressSize: 4, Operation: layers.ARPRequest,
		SourceHwAddress: n.macB, SourceProtAddress: n.ipB, DstHwAddress: make([]byte, 6), DstProtAddress: n.ipA})
	add(eth(n.macA, layers.EthernetTypeIPv4), ip4(layers.IPProtocolICMPv4), &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0), Id: 7, Seq: 1}, payload)
	add(eth(n.macA, layers.EthernetTypeIPv4), ip4(layers.IPProtocolUDP), &layers.UDP{SrcPort: 40000, DstPort: 9}, payload)
	add(eth(n.macA, layers.EthernetTypeIPv4), ip4(layers.IPProtocolTCP), &layers.TCP{SrcPort: 40001, DstPort: 80, SYN: true, Seq: 1000, Window: 64240})
	// One UDP datagram in two fragments: 8 bytes of UDP header plus 16
	// of data, then the rest.
	whole := gopacket.NewSerializeBuffer()
	udp := &layers.UDP{SrcPort: 40002, DstPort: 9}
	udp.SetNetworkLayerForChecksum(ip4(layers.IPProtocolUDP))
	gopacket.SerializeLayers(whole, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, udp, gopacket.Payload(make([]byte, 40)))
	first := ip4(layers.IPProtocolUDP)
	first.Flags = layers.IPv4MoreFragments
	add(eth(n.macA, layers.EthernetTypeIPv4), first, gopacket.Payload(whole.Bytes()[:24]))
	second := ip4(layers.IPProtocolUDP)
	second.FragOffset = 3
	add(eth(n.macA, layers.EthernetTypeIPv4), second, gopacket.Payload(whole.Bytes()[24:]))
	add(eth(n.macA, layers.EthernetTypeIPv6), ip6(layers.IPProtocolICMPv6), &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(128, 0)}, &layers.ICMPv6Echo{Identifier: 9, SeqNumber: 1}, payload)
	add(eth(n.macA, layers.EthernetTypeIPv6), ip6(layers.IPProtocolUDP), &layers.UDP{SrcPort: 40003, DstPort: 9}, payload)
	add(eth(n.macA, layers.EthernetTypeDot1Q), &layers.Dot1Q{VLANIdentifier: 100, Priority: 3, Type: layers.EthernetTypeIPv4}, ip4(layers.IPProtocolUDP), &layers.UDP{SrcPort: 40004, DstPort: 5000}, payload)
	add(eth(n.macA, layers.EthernetTypeQinQ), &layers.Dot1Q{VLANIdentifier: 200, Type: layers.EthernetTypeIPv4}, ip4(layers.IPProtocolUDP), &layers.UDP{SrcPort: 40005, DstPort: 5000}, payload)
	add(eth(other, layers.EthernetTypeIPv4), ip4(layers.IPProtocolUDP), &layers.UDP{SrcPort: 40006, DstPort: 5001}, payload)
	add(eth(bcast, layers.EthernetTypeIPv4), &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: n.ipB, DstIP: net.IPv4bcast}, &layers.UDP{SrcPort: 40007, DstPort: 5002}, payload)
	return out
}

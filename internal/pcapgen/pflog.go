package main

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// pf actions, reasons and directions as libpcap's pflog.h numbers them;
// its action, reason, inbound and outbound primitives compare these.
const (
	pfPass  = 0
	pfBlock = 1
	pfScrub = 2
	pfNAT   = 4
	pfBinat = 6
	pfRdr   = 8

	pfReasonMatch     = 0
	pfReasonBadOffset = 1
	pfReasonFragment  = 2
	pfReasonShort     = 3
	pfReasonNormalize = 4
	pfReasonMemory    = 5

	pfIn  = 1
	pfOut = 2
)

// pfNoSubrule is the subrule number of a rule outside any anchor.
const pfNoSubrule = 0xffffffff

// pfRule says which rule logged a packet, and why.
type pfRule struct {
	ifname, ruleset   string
	rulenr, subrulenr uint32
	action, reason    uint8
	dir               uint8
}

// pflogHeader is the BSD pflog header: length 61 (the fields up to the
// padding), address family, action, reason, interface and ruleset names
// (NUL-padded to 16 bytes), rule and subrule numbers (big-endian), the
// socket owner's uid and pid and the rule creator's (host order,
// little-endian here: unknown uid 0xffffffff, NO_PID 100000), direction
// and 3 bytes of padding to the 64 bytes that precede the packet.
type pflogHeader struct {
	rule   pfRule
	family uint8
}

// errNameTooLong reports an interface or ruleset name that leaves no room
// for the terminating NUL.
var errNameTooLong = errors.New("name longer than 15 bytes")

const (
	pflogLength    = 61
	pflogNameBytes = 16
	pfUnknownUID   = 0xffffffff
	pfNoPID        = 100000
	pfRuleCreator  = 4242 // pid of the pfctl that loaded the rules
)

func (*pflogHeader) LayerType() gopacket.LayerType { return layers.LayerTypePFLog }

func (h *pflogHeader) SerializeTo(b gopacket.SerializeBuffer, _ gopacket.SerializeOptions) error {
	r := h.rule
	if len(r.ifname) >= pflogNameBytes || len(r.ruleset) >= pflogNameBytes {
		return fmt.Errorf("pflog names %q and %q: %w", r.ifname, r.ruleset, errNameTooLong)
	}
	hdr := make([]byte, (pflogLength+3)&^3)
	hdr[0], hdr[1], hdr[2], hdr[3] = pflogLength, h.family, r.action, r.reason
	copy(hdr[4:20], r.ifname)
	copy(hdr[20:36], r.ruleset)
	binary.BigEndian.PutUint32(hdr[36:], r.rulenr)
	binary.BigEndian.PutUint32(hdr[40:], r.subrulenr)
	binary.LittleEndian.PutUint32(hdr[44:], pfUnknownUID)
	binary.LittleEndian.PutUint32(hdr[48:], pfNoPID)
	binary.LittleEndian.PutUint32(hdr[52:], 0) // rules loaded by root
	binary.LittleEndian.PutUint32(hdr[56:], pfRuleCreator)
	hdr[60] = r.dir
	return prepend(b, hdr)
}

// pflog frames packets in a pflog header for rule; IPv6 gets address
// family inet6, which differs between the BSDs.
func pflog(rule pfRule, inet6 uint8) framer {
	return func(_, _ endpoint, et layers.EthernetType) []gopacket.SerializableLayer {
		family := uint8(afInet)
		if et == layers.EthernetTypeIPv6 {
			family = inet6
		}
		return []gopacket.SerializableLayer{&pflogHeader{rule: rule, family: family}}
	}
}

// pflogOpenBSD frames packets as OpenBSD's pflog0 logs them.
func pflogOpenBSD(rule pfRule) framer { return pflog(rule, afInet6NetOpenBSD) }

// pflogMixed covers DLT_PFLOG: packets logged on eth0, em0 and lo0, in
// both directions, by rules of the main ruleset and of anchors, with the
// actions pass, block, scrub, nat, binat and rdr and the reasons match to
// memory.
func pflogMixed() *capture {
	c := newCapture("pflog-mixed.pcap", layers.LinkTypePFLog,
		"DLT_PFLOG (117), 64-byte header (length 61), AF 2 and OpenBSD's AF_INET6 24: eth0 rule 0 pass out/in (TCP handshake to port 80, ICMPv6 echo), rule 7 of anchor main subrules 1 and 0 block in reason match (TCP SYN to 22, UDP 8000), rule 1 block in short (ICMP echo) and scrub in normalize (UDP 7999), rule 7 of anchor other subrule 7 rdr in (TCP SYN to 8080); em0 rule 1 of anchor other subrule 7 nat out (DNS), rule 1 binat out (IPv6 TCP SYN), rule 0 block in fragment (two IPv4 fragments) and bad-offset (fragment at offset 65528), rule 1 block out memory (IPv6 UDP 8100 with FreeBSD's AF_INET6 28); lo0 rule 0 pass out/in (ICMP echo on 127.0.0.1)")

	passIn := pflogOpenBSD(pfRule{ifname: "eth0", subrulenr: pfNoSubrule, action: pfPass, dir: pfIn})
	passOut := pflogOpenBSD(pfRule{ifname: "eth0", subrulenr: pfNoSubrule, action: pfPass, dir: pfOut})
	f := c.newTCPFlow(passOut, laptop, 52800, web, 80)
	f.send(true, syn, nil)
	f.fr = passIn
	f.send(false, syn|ack, nil)
	f.fr = passOut
	f.send(true, ack, nil)
	c.ping(passOut, laptop6, resolver6, false, 0x2d, 1)
	c.ping(passIn, resolver6, laptop6, true, 0x2d, 1)

	anchored := pfRule{ifname: "eth0", ruleset: "main", rulenr: 7, subrulenr: 1, action: pfBlock, reason: pfReasonMatch, dir: pfIn}
	c.newTCPFlow(pflogOpenBSD(anchored), farHost, 52801, laptop, 22).send(true, syn, nil)
	anchored.subrulenr = 0
	c.udp(pflogOpenBSD(anchored), farHost, laptop, 52802, 8000, gopacket.Payload(pattern(8, 0x50)))
	c.send(pflogOpenBSD(pfRule{ifname: "eth0", rulenr: 1, subrulenr: pfNoSubrule, action: pfBlock, reason: pfReasonShort, dir: pfIn}),
		farHost, laptop, layers.IPProtocolICMPv4, &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0), Id: 0x97, Seq: 1})
	c.udp(pflogOpenBSD(pfRule{ifname: "eth0", rulenr: 1, subrulenr: pfNoSubrule, action: pfScrub, reason: pfReasonNormalize, dir: pfIn}),
		farHost, laptop, 52803, 7999, gopacket.Payload(pattern(24, 0x60)))
	c.newTCPFlow(pflogOpenBSD(pfRule{ifname: "eth0", ruleset: "other", rulenr: 7, subrulenr: 7, action: pfRdr, dir: pfIn}),
		farHost, 52804, laptop, 8080).send(true, syn, nil)

	c.udp(pflogOpenBSD(pfRule{ifname: "em0", ruleset: "other", rulenr: 1, subrulenr: 7, action: pfNAT, dir: pfOut}),
		desktop, resolver, 54300, 53, dnsQuery(0xf0f1, "example.com", layers.DNSTypeA))
	c.newTCPFlow(pflogOpenBSD(pfRule{ifname: "em0", rulenr: 1, subrulenr: pfNoSubrule, action: pfBinat, dir: pfOut}),
		laptop6, 52805, web6, 443).send(true, syn, nil)
	frag := c.ipv4(farHost, desktop, layers.IPProtocolUDP)
	frag.Flags = 0
	blockFragment := pflogOpenBSD(pfRule{ifname: "em0", rulenr: 0, subrulenr: pfNoSubrule, action: pfBlock, reason: pfReasonFragment, dir: pfIn})
	c.fragmentIPv4(blockFragment, farHost, desktop, frag, []int{64}, nil, &layers.UDP{SrcPort: 52806, DstPort: 8000}, gopacket.Payload(pattern(100, 0x70)))
	badOffset := c.ipv4(farHost, desktop, layers.IPProtocolUDP)
	badOffset.Flags, badOffset.FragOffset = 0, 8191 // ends past 65535 bytes
	blockBadOffset := pflogOpenBSD(pfRule{ifname: "em0", rulenr: 0, subrulenr: pfNoSubrule, action: pfBlock, reason: pfReasonBadOffset, dir: pfIn})
	c.add(append(blockBadOffset(farHost, desktop, layers.EthernetTypeIPv4), badOffset, gopacket.Payload(pattern(16, 0x80)))...)
	c.udp(pflog(pfRule{ifname: "em0", rulenr: 1, subrulenr: pfNoSubrule, action: pfBlock, reason: pfReasonMemory, dir: pfOut}, afInet6FreeBSD),
		laptop6, server6, 52807, 8100, gopacket.Payload(pattern(8, 0x90)))

	loOut := pflogOpenBSD(pfRule{ifname: "lo0", subrulenr: pfNoSubrule, action: pfPass, dir: pfOut})
	loIn := pflogOpenBSD(pfRule{ifname: "lo0", subrulenr: pfNoSubrule, action: pfPass, dir: pfIn})
	c.ping(loOut, localhost, localhost, false, 0x98, 1)
	c.ping(loIn, localhost, localhost, true, 0x98, 1)
	return c
}

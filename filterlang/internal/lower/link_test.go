package lower

import (
	"testing"

	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// linkProto is how the grammar lowers a protocol keyword that names a
// link-layer protocol ("ip", "arp", "iso"...) or "ether proto N":
// gen_linktype of its Ethernet type or LLC SAP.
func linkProto(llProto uint32) func(c *Compiler) ir.Cond {
	return func(c *Compiler) ir.Cond { return c.linktypeCheck(llProto) }
}

// linkProtoExprs are the protocol expressions checked on every link
// type: each branch of the link-type checks is reached by one of them.
var linkProtoExprs = []struct {
	expr    string
	llProto uint32
}{
	{"ip", ethertypeIP},
	{"ip6", ethertypeIPv6},
	{"arp", ethertypeARP},
	{"rarp", ethertypeRevARP},
	{"atalk", ethertypeAtalk},
	{"aarp", ethertypeAARP},
	{"decnet", ethertypeDN},
	{"iso", llcsapISONS},
	{"stp", llcsap8021D},
	{"ipx", llcsapIPX},
	{"netbeui", llcsapNetbeui},
	{"ether proto 6", llcsapIP},
	{"ether proto 100", 100},
	{"ether proto 0x600", ethertypeNS},
	{"ether proto 0x1234", 0x1234},
}

// Link types whose protocol tests differ, by libpcap's names.
var linkProtoTypes = []string{
	"EN10MB", "NETANALYZER", "NETANALYZER_TRANSPARENT",
	"RAW", "IPV4", "IPV6", "SLIP", "SLIP_BSDOS",
	"NULL", "LOOP", "ENC",
	"LINUX_SLL", "LINUX_SLL2", "IPNET",
	"IEEE802_11", "IEEE802_11_RADIO", "PRISM_HEADER", "IEEE802_11_RADIO_AVS", "PPI",
	"PPP", "PPP_ETHER", "PPP_SERIAL", "PPP_PPPD", "PPP_BSDOS", "C_HDLC",
	"FDDI", "IEEE802", "IP_OVER_FC", "ATM_RFC1483", "ATM_CLIP", "SUNATM",
	"ARCNET", "ARCNET_LINUX", "PFLOG", "LTALK", "FRELAY",
	"APPLE_IP_OVER_IEEE1394", "SYMANTEC_FIREWALL",
	"JUNIPER_ETHER", "JUNIPER_ATM1", "BACNET_MS_TP",
}

// Link types whose protocol cannot be tested, each with its own message.
var linkUnfilterableTypes = []string{
	"MFR", "LINUX_IRDA", "DOCSIS", "MTP2", "MTP2_WITH_PHDR", "ERF", "PFSYNC",
	"LINUX_LAPD", "USB_LINUX", "USB_LINUX_MMAPPED", "USBPCAP", "USB_FREEBSD",
	"BLUETOOTH_HCI_H4", "BLUETOOTH_HCI_H4_WITH_PHDR", "CAN20B", "CAN_SOCKETCAN",
	"IEEE802_15_4", "IEEE802_15_4_LINUX", "IEEE802_15_4_NONASK_PHY",
	"IEEE802_15_4_NOFCS", "IEEE802_15_4_TAP", "IEEE802_16_MAC_CPS_RADIO",
	"SITA", "RAIF1", "IPMB_KONTRON", "IPMB_LINUX", "AX25_KISS", "NFLOG",
	// No type field and nothing special in libpcap: the description.
	"DBUS", "MPLS", "ETHERNET_MPACKET", "LINUX_EVDEV",
}

func TestLinkTypeChecks(t *testing.T) {
	var cases []linkCase
	for _, dlt := range linkProtoTypes {
		for _, p := range linkProtoExprs {
			cases = append(cases, linkCase{dlt: dlt, expr: p.expr, build: linkProto(p.llProto)})
		}
	}
	for _, dlt := range linkUnfilterableTypes {
		cases = append(cases, linkCase{dlt: dlt, expr: "ip", build: linkProto(ethertypeIP)})
	}
	// Capture files: every IPv6 family for BSD loopback, and the byte
	// order of the file for its host-order families.
	for _, dlt := range []string{"NULL", "LOOP", "ENC"} {
		for _, swapped := range []bool{false, true} {
			cases = append(cases,
				linkCase{dlt: dlt, file: true, swapped: swapped, expr: "ip", build: linkProto(ethertypeIP)},
				linkCase{dlt: dlt, file: true, swapped: swapped, expr: "ip6", build: linkProto(ethertypeIPv6)},
			)
		}
	}
	cases = append(cases,
		linkCase{dlt: "EN10MB", file: true, expr: "ip", build: linkProto(ethertypeIP)},
		// NetBSD's HDLC (LINKTYPE 112) has no name for -y.
		linkCase{dlt: "112", file: true, expr: "ip", build: linkProto(ethertypeIP)},
		linkCase{dlt: "112", file: true, expr: "iso", build: linkProto(llcsapISONS)},
		// A value libpcap does not know, and one in the range where it
		// knows only link[...].
		linkCase{dlt: "2", file: true, expr: "ip", build: linkProto(ethertypeIP)},
		linkCase{dlt: "300", file: true, expr: "ip", build: linkProto(ethertypeIP)},
		linkCase{dlt: "147", file: true, expr: "ip", build: linkProto(ethertypeIP)},
	)
	checkLinkCases(t, "linktype.golden", cases)
}

// TestLinkEncapsulated checks the link-layer tests after an
// encapsulation has moved the link layer: the payload of MPLS and PPPoE,
// the Ethernet frame inside Geneve (VXLAN, from libpcap master, is not
// in the oracle).
func TestLinkEncapsulated(t *testing.T) {
	then := func(first, second func(c *Compiler) ir.Cond) func(c *Compiler) ir.Cond {
		return func(c *Compiler) ir.Cond {
			a := first(c)
			return and(a, second(c))
		}
	}
	mpls := func(c *Compiler) ir.Cond { return c.Mpls(0, false) }
	pppoes := func(c *Compiler) ir.Cond { return c.Pppoes(0, false) }
	geneve := func(c *Compiler) ir.Cond { return c.Geneve(0, false) }
	broadcast := func(c *Compiler) ir.Cond { return c.Broadcast(QLink) }
	multicast := func(c *Compiler) ir.Cond { return c.Multicast(QLink) }
	cases := []linkCase{
		{dlt: "EN10MB", expr: "mpls and ip", build: then(mpls, linkProto(ethertypeIP))},
		{dlt: "EN10MB", expr: "mpls and ip6", build: then(mpls, linkProto(ethertypeIPv6))},
		{dlt: "EN10MB", expr: "pppoes and ip6", build: then(pppoes, linkProto(ethertypeIPv6))},
		{dlt: "EN10MB", expr: "geneve and ip", build: then(geneve, linkProto(ethertypeIP))},
		{dlt: "EN10MB", expr: "geneve and ether broadcast", build: then(geneve, broadcast)},
		{dlt: "EN10MB", expr: "geneve and ether multicast", build: then(geneve, multicast)},
		{dlt: "EN10MB", expr: "geneve and llc", build: then(geneve, (*Compiler).Llc)},
		{dlt: "IEEE802_11_RADIO", expr: "mpls and ip", build: then(mpls, linkProto(ethertypeIP))},
	}
	checkLinkCases(t, "encapsulated.golden", cases)
}

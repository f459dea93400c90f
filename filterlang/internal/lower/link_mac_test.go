package lower

import (
	"fmt"
	"testing"

	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// linkTestMAC is the address the MAC tests look for.
var linkTestMAC = []byte{0x01, 0x02, 0x03, 0x04, 0x05, 0x06}

// linkEtherHost is how the grammar lowers "ether DIR host ADDR": by link
// type, as libpcap's gen_ecode does.
func linkEtherHost(dir uint8) func(c *Compiler) ir.Cond {
	return func(c *Compiler) ir.Cond {
		switch c.linktype {
		case dltEN10MB, dltNetanalyzer, dltNetanalyzerTransparent:
			pre := c.prevLinkhdrCheck()
			return andIf(pre, c.ehostop(linkTestMAC, dir))
		case dltFDDI:
			return c.fhostop(linkTestMAC, dir)
		case dltIEEE802:
			return c.thostop(linkTestMAC, dir)
		case dltIEEE80211, dltPrismHeader, dltIEEE80211AVS, dltIEEE80211Radio, dltPPI:
			return c.wlanhostop(linkTestMAC, dir)
		case dltIPOverFC:
			return c.ipfchostop(linkTestMAC, dir)
		}
		c.fail("ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel")
		return nil
	}
}

// The direction qualifiers, as the expressions write them.
var linkMACDirs = []struct {
	words string
	dir   uint8
}{
	{"host", QDefault},
	{"src", QSrc},
	{"dst", QDst},
	{"src and dst", QAnd},
	{"src or dst", QOr},
	{"addr1", QAddr1},
	{"addr2", QAddr2},
	{"addr3", QAddr3},
	{"addr4", QAddr4},
	{"ra", QRA},
	{"ta", QTA},
}

func TestLinkMAC(t *testing.T) {
	var cases []linkCase
	for _, dlt := range []string{
		"EN10MB", "NETANALYZER_TRANSPARENT", "FDDI", "IEEE802", "IP_OVER_FC",
		"IEEE802_11", "IEEE802_11_RADIO", "PRISM_HEADER", "IEEE802_11_RADIO_AVS", "PPI",
		"LINUX_SLL",
	} {
		for _, d := range linkMACDirs {
			cases = append(cases, linkCase{
				dlt:   dlt,
				expr:  fmt.Sprintf("ether %s 01:02:03:04:05:06", d.words),
				build: linkEtherHost(d.dir),
			})
		}
	}
	// libpcap's pcap_ether_aton reads the ARCNET address "$35" as the
	// byte 0xd3.
	for _, d := range linkMACDirs {
		cases = append(cases, linkCase{
			dlt:   "ARCNET",
			expr:  fmt.Sprintf("ether %s $35", d.words),
			build: func(c *Compiler) ir.Cond { return c.ahostop([]byte{0xd3}, d.dir) },
		})
	}
	checkLinkCases(t, "mac.golden", cases)
}

// Link types whose broadcast and multicast tests differ.
var linkCastTypes = []string{
	"EN10MB", "NETANALYZER", "FDDI", "IEEE802", "IP_OVER_FC", "ARCNET", "ARCNET_LINUX",
	"IEEE802_11", "IEEE802_11_RADIO", "PRISM_HEADER", "PPI",
	"LINUX_SLL", "RAW", "NULL",
	// A payload offset computed from the header: pflog's prologue.
	"PFLOG",
}

func TestLinkBroadcastMulticast(t *testing.T) {
	var cases []linkCase
	for _, dlt := range linkCastTypes {
		cases = append(cases,
			linkCase{dlt: dlt, expr: "broadcast", build: func(c *Compiler) ir.Cond { return c.Broadcast(QDefault) }},
			linkCase{dlt: dlt, expr: "ether broadcast", build: func(c *Compiler) ir.Cond { return c.Broadcast(QLink) }},
			linkCase{dlt: dlt, expr: "multicast", build: func(c *Compiler) ir.Cond { return c.Multicast(QDefault) }},
			linkCase{dlt: dlt, expr: "ether multicast", build: func(c *Compiler) ir.Cond { return c.Multicast(QLink) }},
			linkCase{dlt: dlt, expr: "ip multicast", build: func(c *Compiler) ir.Cond { return c.Multicast(QIP) }},
			linkCase{dlt: dlt, expr: "ip6 multicast", build: func(c *Compiler) ir.Cond { return c.Multicast(QIPv6) }},
			linkCase{dlt: dlt, netmask: 0xffffff00, expr: "ip broadcast", build: func(c *Compiler) ir.Cond { return c.Broadcast(QIP) }},
		)
	}
	cases = append(cases,
		// No netmask on a dead handle unless given; 0 for a file.
		linkCase{dlt: "EN10MB", expr: "ip broadcast", build: func(c *Compiler) ir.Cond { return c.Broadcast(QIP) }},
		linkCase{dlt: "EN10MB", file: true, expr: "ip broadcast", build: func(c *Compiler) ir.Cond { return c.Broadcast(QIP) }},
		linkCase{dlt: "EN10MB", expr: "tcp broadcast", build: func(c *Compiler) ir.Cond { return c.Broadcast(QTCP) }},
		linkCase{dlt: "EN10MB", expr: "tcp multicast", build: func(c *Compiler) ir.Cond { return c.Multicast(QTCP) }},
	)
	checkLinkCases(t, "cast.golden", cases)
}

func TestLinkLLC(t *testing.T) {
	prims := []struct {
		expr  string
		build func(c *Compiler) ir.Cond
	}{
		{"llc", (*Compiler).Llc},
		{"llc i", (*Compiler).LlcI},
		{"llc s", (*Compiler).LlcS},
		{"llc u", (*Compiler).LlcU},
		{"llc rnr", func(c *Compiler) ir.Cond { return c.LlcSSubtype(0x05) }},
		{"llc sabme", func(c *Compiler) ir.Cond { return c.LlcUSubtype(0x6f) }},
	}
	var cases []linkCase
	for _, dlt := range []string{
		"EN10MB", "SUNATM", "IEEE802", "FDDI", "ATM_RFC1483",
		"IEEE802_11", "IEEE802_11_RADIO", "PPI",
		"NETANALYZER", "LINUX_SLL", "ATM_CLIP", "IP_OVER_FC", "DBUS",
	} {
		for _, p := range prims {
			cases = append(cases, linkCase{dlt: dlt, expr: p.expr, build: p.build})
		}
	}
	// The link type SunATM's llc test leaves behind.
	cases = append(cases, linkCase{dlt: "SUNATM", expr: "llc and ip", build: func(c *Compiler) ir.Cond {
		b := c.Llc()
		return and(b, c.linktypeCheck(ethertypeIP))
	}})
	checkLinkCases(t, "llc.golden", cases)
}

func TestLinkDirection(t *testing.T) {
	prims := []struct {
		expr  string
		build func(c *Compiler) ir.Cond
	}{
		{"inbound", func(c *Compiler) ir.Cond { return c.Inbound(0) }},
		{"outbound", func(c *Compiler) ir.Cond { return c.Inbound(1) }},
		{"ifindex 7", func(c *Compiler) ir.Cond { return c.Ifindex(7) }},
	}
	var cases []linkCase
	for _, dlt := range []string{
		"EN10MB", "NETANALYZER", "LINUX_SLL", "LINUX_SLL2", "IPNET", "PFLOG", "PPP_PPPD",
		"SLIP", "JUNIPER_ETHER", "RAW", "IEEE802_11_RADIO",
	} {
		for _, file := range []bool{false, true} {
			for _, p := range prims {
				cases = append(cases, linkCase{dlt: dlt, file: file, expr: p.expr, build: p.build})
			}
		}
	}
	checkLinkCases(t, "direction.golden", cases)
}

func TestLink80211(t *testing.T) {
	prims := []struct {
		expr  string
		build func(c *Compiler) ir.Cond
	}{
		{"type mgt", func(c *Compiler) ir.Cond { return c.P80211Type(0x00, 0x0c) }},
		{"type data subtype qos-data", func(c *Compiler) ir.Cond { return c.P80211Type(0x88, 0xfc) }},
		{"dir dstods", func(c *Compiler) ir.Cond { return c.P80211Fcdir(3) }},
		{"dir 1", func(c *Compiler) ir.Cond { return c.P80211Fcdir(1) }},
	}
	var cases []linkCase
	// Not PPI: libpcap 1.10.3 rejects these there, master accepts them
	// and its apply tests on http_PPI.pcap check it (TestMasterApply,
	// TestMasterListings).
	for _, dlt := range []string{
		"IEEE802_11", "IEEE802_11_RADIO", "PRISM_HEADER", "IEEE802_11_RADIO_AVS", "EN10MB",
	} {
		for _, p := range prims {
			cases = append(cases, linkCase{dlt: dlt, expr: p.expr, build: p.build})
		}
	}
	// An 802.11 payload offset and its data-frame check together, after
	// the radio header: the prologues in full.
	for _, dlt := range []string{"IEEE802_11", "IEEE802_11_RADIO", "PRISM_HEADER", "IEEE802_11_RADIO_AVS", "PPI"} {
		cases = append(cases, linkCase{dlt: dlt, expr: "ip and ether src 01:02:03:04:05:06", build: func(c *Compiler) ir.Cond {
			b := c.linktypeCheck(ethertypeIP)
			return and(b, c.wlanhostop(linkTestMAC, QSrc))
		}})
	}
	checkLinkCases(t, "p80211.golden", cases)
}

package lower

import (
	"testing"

	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// Building blocks of the encapsulation cases, as the grammar lowers them.
func ipAbbrev(c *Compiler) ir.Cond { return c.ProtoAbbrev(QIP) }

func tcpPort(c *Compiler, port uint32) ir.Cond {
	return c.Ncode("", port, Qual{Addr: QPort, Proto: QTCP, Dir: QDefault})
}

// tcpByte is "tcp[i] = v".
func tcpByte(c *Compiler, i, v uint32) ir.Cond {
	return c.Relation(RelEQ, c.Load(QTCP, c.Loadi(i), 1), c.Loadi(v), false)
}

func encapCases() []listingCase {
	vlan := func(c *Compiler) ir.Cond { return c.Vlan(0, false) }
	vlan100 := func(c *Compiler) ir.Cond { return c.Vlan(100, true) }
	var cases []listingCase
	for _, live := range []bool{false, true} {
		cases = append(cases,
			listingCase{"EN10MB", live, "vlan", vlan},
			listingCase{"EN10MB", live, "vlan 100", vlan100},
			listingCase{"EN10MB", live, "vlan 4096", func(c *Compiler) ir.Cond { return c.Vlan(4096, true) }},
			listingCase{"EN10MB", live, "vlan 100 and ip", func(c *Compiler) ir.Cond {
				return and(vlan100(c), ipAbbrev(c))
			}},
			listingCase{"EN10MB", live, "vlan and vlan 200 and tcp[1] = 2", func(c *Compiler) ir.Cond {
				b := and(vlan(c), c.Vlan(200, true))
				return and(b, tcpByte(c, 1, 2))
			}},
			listingCase{"EN10MB", live, "ip or vlan 7 and tcp port 80", func(c *Compiler) ir.Cond {
				b := or(ipAbbrev(c), c.Vlan(7, true))
				return and(b, tcpPort(c, 80))
			}},
			listingCase{"EN10MB", live, "not vlan and len > 60", func(c *Compiler) ir.Cond {
				return and(not(vlan(c)), c.Relation(RelGT, c.Loadlen(), c.Loadi(60), false))
			}},
			listingCase{"EN10MB", live, "mpls and vlan", func(c *Compiler) ir.Cond {
				return and(c.Mpls(0, false), vlan(c))
			}},
			listingCase{"EN10MB", live, "pppoes and vlan", func(c *Compiler) ir.Cond {
				return and(c.Pppoes(0, false), vlan(c))
			}},
			// Live, the program starts by zeroing the registers of
			// pppoes's offsets, not those vlan's tests add to.
			listingCase{"EN10MB", live, "vlan 1813 and pppoes", func(c *Compiler) ir.Cond {
				return and(c.Vlan(1813, true), c.Pppoes(0, false))
			}},
			listingCase{"EN10MB", live, "vlan and geneve and ip", func(c *Compiler) ir.Cond {
				return and(and(vlan(c), c.Geneve(0, false)), ipAbbrev(c))
			}},
			listingCase{"EN10MB", live, "geneve and vlan 3", func(c *Compiler) ir.Cond {
				return and(c.Geneve(0, false), c.Vlan(3, true))
			}},
		)
	}
	for _, dlt := range []string{"RAW", "LINUX_SLL", "NULL"} {
		cases = append(cases, listingCase{dlt, false, "vlan", vlan})
	}
	for _, dlt := range []string{"IEEE802_11", "IEEE802_11_RADIO", "PRISM_HEADER", "IEEE802_11_RADIO_AVS", "NETANALYZER", "PPI"} {
		cases = append(cases, listingCase{dlt, false, "vlan 100 and ip", func(c *Compiler) ir.Cond {
			return and(vlan100(c), ipAbbrev(c))
		}})
	}
	cases = append(cases,
		listingCase{"IEEE802_11_RADIO", false, "vlan and tcp[2:2] > 1024", func(c *Compiler) ir.Cond {
			return and(vlan(c), c.Relation(RelGT, c.Load(QTCP, c.Loadi(2), 2), c.Loadi(1024), false))
		}},
	)
	cases = append(cases,
		listingCase{"EN10MB", false, "mpls", func(c *Compiler) ir.Cond { return c.Mpls(0, false) }},
		listingCase{"EN10MB", false, "mpls 100", func(c *Compiler) ir.Cond { return c.Mpls(100, true) }},
		listingCase{"EN10MB", false, "mpls 1048576", func(c *Compiler) ir.Cond { return c.Mpls(1048576, true) }},
		listingCase{"EN10MB", false, "mpls 100 and mpls 200 and ip", func(c *Compiler) ir.Cond {
			return and(and(c.Mpls(100, true), c.Mpls(200, true)), ipAbbrev(c))
		}},
		listingCase{"EN10MB", false, "mpls and ip6", func(c *Compiler) ir.Cond {
			return and(c.Mpls(0, false), c.ProtoAbbrev(QIPv6))
		}},
		listingCase{"EN10MB", false, "mpls and arp", func(c *Compiler) ir.Cond {
			return and(c.Mpls(0, false), c.ProtoAbbrev(QARP))
		}},
		listingCase{"EN10MB", false, "vlan 5 and mpls 7 and tcp[0] = 1", func(c *Compiler) ir.Cond {
			return and(and(c.Vlan(5, true), c.Mpls(7, true)), tcpByte(c, 0, 1))
		}},
		listingCase{"PPP", false, "mpls 5", func(c *Compiler) ir.Cond { return c.Mpls(5, true) }},
		listingCase{"C_HDLC", false, "mpls", func(c *Compiler) ir.Cond { return c.Mpls(0, false) }},
		listingCase{"RAW", false, "mpls", func(c *Compiler) ir.Cond { return c.Mpls(0, false) }},
		listingCase{"EN10MB", false, "pppoed", func(c *Compiler) ir.Cond { return c.Pppoed() }},
		listingCase{"EN10MB", false, "pppoes", func(c *Compiler) ir.Cond { return c.Pppoes(0, false) }},
		listingCase{"EN10MB", false, "pppoes 0x3b", func(c *Compiler) ir.Cond { return c.Pppoes(0x3b, true) }},
		listingCase{"EN10MB", false, "pppoes 65536", func(c *Compiler) ir.Cond { return c.Pppoes(65536, true) }},
		listingCase{"EN10MB", false, "pppoes 5 and ip and tcp[2] = 3", func(c *Compiler) ir.Cond {
			return and(and(c.Pppoes(5, true), ipAbbrev(c)), tcpByte(c, 2, 3))
		}},
		listingCase{"EN10MB", false, "vlan and pppoes and ip6", func(c *Compiler) ir.Cond {
			return and(and(vlan(c), c.Pppoes(0, false)), c.ProtoAbbrev(QIPv6))
		}},
		listingCase{"EN10MB", false, "geneve", func(c *Compiler) ir.Cond { return c.Geneve(0, false) }},
		listingCase{"EN10MB", false, "geneve 10", func(c *Compiler) ir.Cond { return c.Geneve(10, true) }},
		listingCase{"EN10MB", false, "geneve 16777216", func(c *Compiler) ir.Cond { return c.Geneve(1<<24, true) }},
		listingCase{"EN10MB", false, "geneve and tcp port 22", func(c *Compiler) ir.Cond {
			return and(c.Geneve(0, false), tcpPort(c, 22))
		}},
		listingCase{"EN10MB", false, "geneve 11 and tcp[13] = 2", func(c *Compiler) ir.Cond {
			return and(c.Geneve(11, true), tcpByte(c, 13, 2))
		}},
		listingCase{"EN10MB", false, "geneve and geneve", func(c *Compiler) ir.Cond {
			return and(c.Geneve(0, false), c.Geneve(0, false))
		}},
		listingCase{"RAW", false, "geneve and ip", func(c *Compiler) ir.Cond {
			return and(c.Geneve(0, false), ipAbbrev(c))
		}},
	)
	return cases
}

func TestEncapListings(t *testing.T) { checkListings(t, "encap.listings", encapCases()) }

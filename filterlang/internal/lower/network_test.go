package lower

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
	"github.com/gotcpdump/gotcpdump/internal/netdb"
	"github.com/gotcpdump/gotcpdump/internal/netdb/netdbtest"
)

// oracleMachineNames are the name databases of the machine that wrote
// testdata/network.listings: Debian netbase's services and protocols (the
// embedded copy) and these hosts and networks files, so that names
// compile here as they did for libpcap there.
func oracleMachineNames() *netdb.DB {
	return netdb.New(netdb.Files{
		Networks: []byte("default 0.0.0.0\nloopback 127.0.0.0\nlink-local 169.254.0.0\n"),
	}, netdb.ParseHosts([]byte("127.0.0.1 localhost\n")))
}

func qual(addr, proto, dir uint8) Qual { return Qual{Addr: addr, Proto: proto, Dir: dir} }

// The calls libpcap's grammar makes for the values of primitives.

func ncode(s string, v uint32, q Qual) func(*Compiler) ir.Cond {
	return func(c *Compiler) ir.Cond { return c.Ncode(s, v, q) }
}

func scode(name string, q Qual) func(*Compiler) ir.Cond {
	return func(c *Compiler) ir.Cond { return c.Scode(name, q) }
}

func mcode(s1, s2 string, masklen uint32, q Qual) func(*Compiler) ir.Cond {
	return func(c *Compiler) ir.Cond { return c.Mcode(s1, s2, masklen, q) }
}

func mcode6(s string, masklen uint32, q Qual) func(*Compiler) ir.Cond {
	return func(c *Compiler) ir.Cond { return c.Mcode6(s, "", masklen, q) }
}

func ecode(s string, q Qual) func(*Compiler) ir.Cond {
	return func(c *Compiler) ir.Cond { return c.Ecode(s, q) }
}

func acode(s string, q Qual) func(*Compiler) ir.Cond {
	return func(c *Compiler) ir.Cond { return c.Acode(s, q) }
}

func abbrev(proto uint8) func(*Compiler) ir.Cond {
	return func(c *Compiler) ir.Cond { return c.ProtoAbbrev(proto) }
}

// andThen is "x and y", each built in turn as the grammar does.
func andThen(x, y func(*Compiler) ir.Cond) func(*Compiler) ir.Cond {
	return func(c *Compiler) ir.Cond {
		b := x(c)
		return and(b, y(c))
	}
}

// networkCases cover every branch of the host, net, port, portrange,
// proto, protochain and protocol keyword generators, and their errors.
func networkCases() []listingCase {
	host := qual(QHost, QDefault, QDefault)
	net := qual(QNet, QDefault, QDefault)
	port := qual(QPort, QDefault, QDefault)
	prange := qual(QPortrange, QDefault, QDefault)
	proto := qual(QProto, QDefault, QDefault)
	chain := qual(QProtochain, QDefault, QDefault)
	linkHost := qual(QHost, QLink, QDefault)
	dn := func(dir uint8) Qual { return qual(QDefault, QDecnet, dir) }
	var cases []listingCase
	add := func(dlt, expr string, build func(*Compiler) ir.Cond) {
		cases = append(cases, listingCase{dlt: dlt, expr: expr, build: func(c *Compiler) ir.Cond {
			c.cfg.Names = oracleMachineNames()
			return build(c)
		}})
	}
	for _, dlt := range []string{"EN10MB", "RAW", "IPV4", "IPV6"} {
		add(dlt, "host 10.1.2.3", ncode("10.1.2.3", 0, host))
		add(dlt, "host ::1", mcode6("::1", 128, host))
		add(dlt, "host localhost", scode("localhost", host))
		add(dlt, "port 80", ncode("", 80, port))
		add(dlt, "tcp portrange 1-1023", scode("1-1023", qual(QPortrange, QTCP, QDefault)))
		add(dlt, "proto 17", ncode("", 17, proto))
		add(dlt, "ip6 protochain 6", ncode("", 6, qual(QProtochain, QIPv6, QDefault)))
		add(dlt, "tcp", abbrev(QTCP))
		add(dlt, "arp", abbrev(QARP))
	}

	// IPv4 hosts and networks.
	add("EN10MB", "src host 10.1.2.3", ncode("10.1.2.3", 0, qual(QHost, QDefault, QSrc)))
	add("EN10MB", "dst host 10.1.2.3", ncode("10.1.2.3", 0, qual(QHost, QDefault, QDst)))
	add("EN10MB", "ip src and dst host 10.1.2.3", ncode("10.1.2.3", 0, qual(QHost, QIP, QAnd)))
	add("EN10MB", "arp src or dst host 10.1.2.3", ncode("10.1.2.3", 0, qual(QHost, QARP, QOr)))
	add("EN10MB", "rarp dst host 10.1.2.3", ncode("10.1.2.3", 0, qual(QHost, QRARP, QDst)))
	add("EN10MB", "dst 10.1.2.3", ncode("10.1.2.3", 0, qual(QDefault, QDefault, QDst)))
	add("EN10MB", "host 10.1", ncode("10.1", 0, host))
	add("EN10MB", "host 167", ncode("", 167, host))
	add("EN10MB", "net 10", ncode("", 10, net))
	add("EN10MB", "net 0", ncode("", 0, net))
	add("EN10MB", "net 10.20", ncode("10.20", 0, net))
	add("EN10MB", "ip dst net 172.16.5", ncode("172.16.5", 0, qual(QNet, QIP, QDst)))
	add("EN10MB", "net 10.0.0.0/8", mcode("10.0.0.0", "", 8, net))
	add("EN10MB", "net 0.0.0.0/0", mcode("0.0.0.0", "", 0, net))
	add("EN10MB", "arp net 10.1/16", mcode("10.1", "", 16, qual(QNet, QARP, QDefault)))
	add("EN10MB", "src net 192.168.0.0 mask 255.255.128.0", mcode("192.168.0.0", "255.255.128.0", 0, qual(QNet, QDefault, QSrc)))
	add("EN10MB", "net 10.1 mask 255.255", mcode("10.1", "255.255", 0, net))
	add("EN10MB", "net loopback", scode("loopback", net))
	add("EN10MB", "dst net link-local", scode("link-local", qual(QNet, QDefault, QDst)))
	add("EN10MB", "ip host localhost", scode("localhost", qual(QHost, QIP, QDefault)))

	// IPv6 hosts and networks.
	add("EN10MB", "ip6 src host 2001:db8::1", mcode6("2001:db8::1", 128, qual(QHost, QIPv6, QSrc)))
	add("EN10MB", "dst host fe80::1:2:3:4", mcode6("fe80::1:2:3:4", 128, qual(QHost, QDefault, QDst)))
	add("EN10MB", "src and dst host ::ffff:10.1.2.3", mcode6("::ffff:10.1.2.3", 128, qual(QHost, QDefault, QAnd)))
	add("EN10MB", "net fe80::/10", mcode6("fe80::", 10, net))
	add("EN10MB", "ip6 net 2001:db8:8000::/33", mcode6("2001:db8:8000::", 33, qual(QNet, QIPv6, QDefault)))
	add("EN10MB", "net ::/0", mcode6("::", 0, net))
	add("EN10MB", "net 2001:db8::1/128", mcode6("2001:db8::1", 128, net))
	add("EN10MB", "net 2001:db8::/64", mcode6("2001:db8::", 64, net))

	// DECnet.
	add("EN10MB", "decnet host 1.1", ncode("1.1", 0, qual(QHost, QDecnet, QDefault)))
	add("EN10MB", "decnet src 63.1023", ncode("63.1023", 0, qual(QDefault, QDecnet, QSrc)))
	add("EN10MB", "decnet dst host 2.5", ncode("2.5", 0, qual(QHost, QDecnet, QDst)))
	add("EN10MB", "decnet src and dst 1.2", ncode("1.2", 0, qual(QDefault, QDecnet, QAnd)))
	add("EN10MB", "decnet host 1025", ncode("", 1025, qual(QHost, QDecnet, QDefault)))
	add("EN10MB", "decnet host 70.2000", ncode("70.2000", 0, qual(QHost, QDecnet, QDefault)))

	// Ports and port ranges.
	add("EN10MB", "tcp port 80", ncode("", 80, qual(QPort, QTCP, QDefault)))
	add("EN10MB", "udp src port 53", ncode("", 53, qual(QPort, QUDP, QSrc)))
	add("EN10MB", "sctp dst port 7", ncode("", 7, qual(QPort, QSCTP, QDst)))
	add("EN10MB", "src and dst port 22", ncode("", 22, qual(QPort, QDefault, QAnd)))
	add("EN10MB", "src or dst port 0", ncode("", 0, qual(QPort, QDefault, QOr)))
	add("EN10MB", "port 65535", ncode("", 65535, port))
	add("EN10MB", "port ftp", scode("ftp", port))
	add("EN10MB", "port domain", scode("domain", port))
	add("EN10MB", "port bootps", scode("bootps", port))
	add("EN10MB", "tcp port domain", scode("domain", qual(QPort, QTCP, QDefault)))
	add("EN10MB", "udp port domain", scode("domain", qual(QPort, QUDP, QDefault)))
	add("EN10MB", "sctp port domain", scode("domain", qual(QPort, QSCTP, QDefault)))
	add("EN10MB", "tcp dst port ftp", scode("ftp", qual(QPort, QTCP, QDst)))
	add("EN10MB", "port 443", scode("443", port))
	add("EN10MB", "portrange 80", ncode("", 80, prange))
	add("EN10MB", "portrange 6000-6010", scode("6000-6010", prange))
	add("EN10MB", "udp src portrange 20-10", scode("20-10", qual(QPortrange, QUDP, QSrc)))
	add("EN10MB", "sctp dst portrange 1-2", scode("1-2", qual(QPortrange, QSCTP, QDst)))
	add("EN10MB", "src and dst portrange 1-65535", scode("1-65535", qual(QPortrange, QDefault, QAnd)))
	add("EN10MB", "portrange ftp-data-ftp", scode("ftp-data-ftp", prange))
	add("EN10MB", "portrange ftp-ssh", scode("ftp-ssh", prange))
	add("EN10MB", "udp portrange domain-bootps", scode("domain-bootps", qual(QPortrange, QUDP, QDefault)))

	// proto and protochain.
	add("EN10MB", "ip proto 6", ncode("", 6, qual(QProto, QIP, QDefault)))
	add("EN10MB", "ip6 proto 17", ncode("", 17, qual(QProto, QIPv6, QDefault)))
	add("EN10MB", "proto \\tcp", scode("tcp", proto))
	add("EN10MB", "ip proto \\icmp", scode("icmp", qual(QProto, QIP, QDefault)))
	add("EN10MB", "ip6 proto \\ipv6-icmp", scode("ipv6-icmp", qual(QProto, QIPv6, QDefault)))
	add("EN10MB", "ether proto 0x0800", ncode("", 0x0800, qual(QProto, QLink, QDefault)))
	add("EN10MB", "ether proto \\arp", scode("arp", qual(QProto, QLink, QDefault)))
	add("EN10MB", "ether proto \\loopback", scode("loopback", qual(QProto, QLink, QDefault)))
	add("EN10MB", "ether proto \\ipx", scode("ipx", qual(QProto, QLink, QDefault)))
	add("EN10MB", "iso proto \\isis", scode("isis", qual(QProto, QISO, QDefault)))
	add("EN10MB", "iso proto \\clnp", scode("clnp", qual(QProto, QISO, QDefault)))
	add("EN10MB", "iso proto 0x82", ncode("", 0x82, qual(QProto, QISO, QDefault)))
	add("EN10MB", "isis proto 15", ncode("", 15, qual(QProto, QISIS, QDefault)))
	add("EN10MB", "ip protochain 6", ncode("", 6, qual(QProtochain, QIP, QDefault)))
	add("EN10MB", "protochain 17", ncode("", 17, chain))
	add("EN10MB", "protochain \\udp", scode("udp", chain))
	add("EN10MB", "ip6 protochain \\ah", scode("ah", qual(QProtochain, QIPv6, QDefault)))
	add("EN10MB", "protochain 6 and port 80", andThen(ncode("", 6, chain), ncode("", 80, port)))

	// Protocol keywords.
	for _, kw := range []struct {
		name  string
		proto uint8
	}{
		{"ip", QIP}, {"ip6", QIPv6}, {"arp", QARP}, {"rarp", QRARP},
		{"tcp", QTCP}, {"udp", QUDP}, {"sctp", QSCTP}, {"icmp", QICMP},
		{"icmp6", QICMPv6}, {"igmp", QIGMP}, {"igrp", QIGRP}, {"pim", QPIM},
		{"vrrp", QVRRP}, {"carp", QCARP}, {"ah", QAH}, {"esp", QESP},
		{"atalk", QAtalk}, {"aarp", QAARP}, {"decnet", QDecnet}, {"lat", QLat},
		{"sca", QSca}, {"moprc", QMoprc}, {"mopdl", QMopdl}, {"iso", QISO},
		{"esis", QESIS}, {"isis", QISIS}, {"clnp", QCLNP}, {"l1", QISISL1},
		{"l2", QISISL2}, {"iih", QISISIIH}, {"lsp", QISISLSP}, {"snp", QISISSNP},
		{"csnp", QISISCSNP}, {"psnp", QISISPSNP}, {"stp", QSTP}, {"ipx", QIPX},
		{"netbeui", QNetbeui}, {"radio", QRadio}, {"link", QLink},
	} {
		add("EN10MB", kw.name, abbrev(kw.proto))
	}
	for _, dlt := range []string{"RAW", "IPV4", "IPV6"} {
		add(dlt, "icmp6", abbrev(QICMPv6))
		add(dlt, "decnet", abbrev(QDecnet))
		add(dlt, "isis", abbrev(QISIS))
		add(dlt, "ip protochain 6", ncode("", 6, qual(QProtochain, QIP, QDefault)))
	}

	// MAC addresses and names.
	for _, dlt := range []string{"EN10MB", "FDDI", "IEEE802", "IEEE802_11", "IEEE802_11_RADIO", "IP_OVER_FC", "NETANALYZER", "ARCNET", "RAW"} {
		add(dlt, "ether host 00:11:22:33:44:55", ecode("00:11:22:33:44:55", linkHost))
		add(dlt, "ether host foo", scode("foo", linkHost))
	}
	add("EN10MB", "ether src 0:1:2:3:4:5", ecode("0:1:2:3:4:5", qual(QDefault, QLink, QSrc)))
	add("EN10MB", "link dst host 0011.2233.4455", ecode("0011.2233.4455", qual(QHost, QLink, QDst)))
	add("EN10MB", "ether src and dst host 001122334455", ecode("001122334455", qual(QHost, QLink, QAnd)))
	add("FDDI", "fddi src host 0-1-2-3-4-5", ecode("0-1-2-3-4-5", qual(QHost, QLink, QSrc)))
	add("EN10MB", "host 00:11:22:33:44:55", ecode("00:11:22:33:44:55", host))
	add("EN10MB", "ether net 00:11:22:33:44:55", ecode("00:11:22:33:44:55", qual(QNet, QLink, QDefault)))
	add("EN10MB", "link host $c0", acode("$c0", linkHost))
	add("ARCNET", "host $c0", acode("$c0", host))
	add("ARCNET_LINUX", "link net $c0", acode("$c0", qual(QNet, QLink, QDefault)))

	// The offsets and link-layer checks of other link types.
	for _, dlt := range []string{
		"LINUX_SLL", "LINUX_SLL2", "NULL", "LOOP", "PPP", "C_HDLC", "FRELAY", "FDDI", "IEEE802",
		"IEEE802_11", "IEEE802_11_RADIO", "PRISM_HEADER", "PPI", "ARCNET", "ATM_RFC1483", "SUNATM",
		"PFLOG", "IP_OVER_FC", "IPNET", "ENC",
	} {
		add(dlt, "host 10.1.2.3", ncode("10.1.2.3", 0, host))
		add(dlt, "ip6 src net fe80::/10", mcode6("fe80::", 10, qual(QNet, QIPv6, QSrc)))
		add(dlt, "tcp dst portrange 1-1023", scode("1-1023", qual(QPortrange, QTCP, QDst)))
		add(dlt, "ip6 proto 17", ncode("", 17, qual(QProto, QIPv6, QDefault)))
		add(dlt, "iso proto \\isis", scode("isis", qual(QProto, QISO, QDefault)))
		add(dlt, "l2", abbrev(QISISL2))
		add(dlt, "decnet src 1.1", ncode("1.1", 0, dn(QSrc)))
		add(dlt, "ip protochain 6", ncode("", 6, qual(QProtochain, QIP, QDefault)))
		add(dlt, "stp", abbrev(QSTP))
		add(dlt, "atalk", abbrev(QAtalk))
	}

	// After encapsulations, which move the offsets for what follows.
	vlan := func(c *Compiler) ir.Cond { return c.Vlan(0, false) }
	mpls := func(c *Compiler) ir.Cond { return c.Mpls(0, false) }
	pppoes := func(c *Compiler) ir.Cond { return c.Pppoes(0, false) }
	geneve := func(c *Compiler) ir.Cond { return c.Geneve(0, false) }
	add("EN10MB", "vlan and host 10.1.2.3", andThen(vlan, ncode("10.1.2.3", 0, host)))
	add("EN10MB", "vlan and vlan and tcp port 80", andThen(andThen(vlan, vlan), ncode("", 80, qual(QPort, QTCP, QDefault))))
	add("EN10MB", "mpls and host 10.1.2.3", andThen(mpls, ncode("10.1.2.3", 0, host)))
	add("EN10MB", "mpls and net 10.0.0.0/8", andThen(mpls, mcode("10.0.0.0", "", 8, net)))
	add("EN10MB", "mpls and port 53", andThen(mpls, ncode("", 53, port)))
	add("EN10MB", "pppoes and host ::1", andThen(pppoes, mcode6("::1", 128, host)))
	add("EN10MB", "pppoes and ip protochain 6", andThen(pppoes, ncode("", 6, qual(QProtochain, QIP, QDefault))))
	add("EN10MB", "geneve and host 10.1.2.3", andThen(geneve, ncode("10.1.2.3", 0, host)))
	add("EN10MB", "geneve and udp portrange 1-2", andThen(geneve, scode("1-2", qual(QPortrange, QUDP, QDefault))))
	add("EN10MB", "geneve and ether host 0:1:2:3:4:5", andThen(geneve, ecode("0:1:2:3:4:5", linkHost)))
	add("EN10MB", "geneve and protochain 6", andThen(geneve, ncode("", 6, chain)))
	add("EN10MB", "protochain 6 and protochain 17", andThen(ncode("", 6, chain), ncode("", 17, chain)))
	cases = append(cases,
		listingCase{dlt: "EN10MB", live: true, expr: "vlan and host 10.1.2.3", build: andThen(vlan, ncode("10.1.2.3", 0, host))},
		listingCase{dlt: "EN10MB", live: true, expr: "vlan and tcp port 80", build: andThen(vlan, ncode("", 80, qual(QPort, QTCP, QDefault)))},
		listingCase{dlt: "EN10MB", live: true, expr: "vlan and ip protochain 6", build: andThen(vlan, ncode("", 6, qual(QProtochain, QIP, QDefault)))},
	)

	// Errors.
	errs := []struct {
		expr  string
		build func(*Compiler) ir.Cond
	}{
		{"gateway 10.1.2.3", ncode("10.1.2.3", 0, qual(QGateway, QDefault, QDefault))},
		{"tcp host 10.1.2.3", ncode("10.1.2.3", 0, qual(QHost, QTCP, QDefault))},
		{"l1 net 10", ncode("", 10, qual(QNet, QISISL1, QDefault))},
		{"ip6 host 10.1.2.3", ncode("10.1.2.3", 0, qual(QHost, QIPv6, QDefault))},
		{"atalk host 10.1.2.3", ncode("10.1.2.3", 0, qual(QHost, QAtalk, QDefault))},
		{"lat host 10.1.2.3", ncode("10.1.2.3", 0, qual(QHost, QLat, QDefault))},
		{"ipx net 10", ncode("", 10, qual(QNet, QIPX, QDefault))},
		{"link host 10.1.2.3", ncode("10.1.2.3", 0, qual(QHost, QLink, QDefault))},
		{"link net 10.0.0.0/8", mcode("10.0.0.0", "", 8, qual(QNet, QLink, QDefault))},
		{"icmp net 10.0.0.0/8", mcode("10.0.0.0", "", 8, qual(QNet, QICMP, QDefault))},
		{"ip host ::1", mcode6("::1", 128, qual(QHost, QIP, QDefault))},
		{"link host ::1", mcode6("::1", 128, qual(QHost, QLink, QDefault))},
		{"atalk net ::/8", mcode6("::", 8, qual(QNet, QAtalk, QDefault))},
		{"tcp host ::1", mcode6("::1", 128, qual(QHost, QTCP, QDefault))},
		{"ip6 host localhost", scode("localhost", qual(QHost, QIPv6, QDefault))},
		{"host no-such-host.invalid", scode("no-such-host.invalid", host)},
		{"net no-such-net", scode("no-such-net", net)},
		{"decnet host foo", scode("foo", qual(QHost, QDecnet, QDefault))},
		{"host 10.256", ncode("10.256", 0, host)},
		{"host 1.2.3.300", ncode("1.2.3.300", 0, host)},
		{"decnet host 0x1.2", ncode("0x1.2", 0, qual(QHost, QDecnet, QDefault))},
		{"net 10.0.0.1/8", mcode("10.0.0.1", "", 8, net)},
		{"net 10.0.0.1/33", mcode("10.0.0.1", "", 33, net)},
		{"net 10.0.0.1 mask 255.0.0.0", mcode("10.0.0.1", "255.0.0.0", 0, net)},
		{"net 10.0.0.0 mask 255.0.0.256", mcode("10.0.0.0", "255.0.0.256", 0, net)},
		{"host 10.0.0.0/8", mcode("10.0.0.0", "", 8, host)},
		{"gateway 10.0.0.0/8", mcode("10.0.0.0", "", 8, qual(QGateway, QDefault, QDefault))},
		{"net ::1/129", mcode6("::1", 129, net)},
		{"net 2001:db8::1/64", mcode6("2001:db8::1", 64, net)},
		{"host fe80::/64", mcode6("fe80::", 64, host)},
		{"gateway ::1", mcode6("::1", 128, qual(QGateway, QDefault, QDefault))},
		{"addr1 host 10.1.2.3", ncode("10.1.2.3", 0, qual(QHost, QDefault, QAddr1))},
		{"addr2 host ::1", mcode6("::1", 128, qual(QHost, QDefault, QAddr2))},
		{"addr3 net 10", ncode("", 10, qual(QNet, QDefault, QAddr3))},
		{"address4 host 10.1.2.3", ncode("10.1.2.3", 0, qual(QHost, QDefault, QAddr4))},
		{"ra host 10.1.2.3", ncode("10.1.2.3", 0, qual(QHost, QDefault, QRA))},
		{"decnet ta host 1.1", ncode("1.1", 0, qual(QHost, QDecnet, QTA))},
		{"ra port 80", ncode("", 80, qual(QPort, QDefault, QRA))},
		{"ta port 80", ncode("", 80, qual(QPort, QDefault, QTA))},
		{"addr1 port 80", ncode("", 80, qual(QPort, QDefault, QAddr1))},
		{"addr4 portrange 1-2", scode("1-2", qual(QPortrange, QDefault, QAddr4))},
		{"ta portrange 1-2", scode("1-2", qual(QPortrange, QDefault, QTA))},
		{"icmp port 80", ncode("", 80, qual(QPort, QICMP, QDefault))},
		{"ip portrange 80", ncode("", 80, qual(QPortrange, QIP, QDefault))},
		{"icmp port ftp", scode("ftp", qual(QPort, QICMP, QDefault))},
		{"ip6 portrange 1-2", scode("1-2", qual(QPortrange, QIPv6, QDefault))},
		{"port 70000", ncode("", 70000, port)},
		{"portrange 70000", ncode("", 70000, prange)},
		{"portrange 1-70000", scode("1-70000", prange)},
		{"portrange 70000-1", scode("70000-1", prange)},
		{"portrange 1--5", scode("1--5", prange)},
		{"port no-such-port", scode("no-such-port", port)},
		{"portrange no-such-port", scode("no-such-port", prange)},
		{"udp port ftp", scode("ftp", qual(QPort, QUDP, QDefault))},
		{"sctp port ftp", scode("ftp", qual(QPort, QSCTP, QDefault))},
		{"tcp port bootps", scode("bootps", qual(QPort, QTCP, QDefault))},
		{"udp portrange ftp-ssh", scode("ftp-ssh", qual(QPortrange, QUDP, QDefault))},
		{"tcp portrange bootps-bootpc", scode("bootps-bootpc", qual(QPortrange, QTCP, QDefault))},
		{"sctp portrange bootps-bootpc", scode("bootps-bootpc", qual(QPortrange, QSCTP, QDefault))},
		{"arp proto 1", ncode("", 1, qual(QProto, QARP, QDefault))},
		{"rarp proto 1", ncode("", 1, qual(QProto, QRARP, QDefault))},
		{"tcp proto 1", ncode("", 1, qual(QProto, QTCP, QDefault))},
		{"atalk proto 1", ncode("", 1, qual(QProto, QAtalk, QDefault))},
		{"decnet proto 1", ncode("", 1, qual(QProto, QDecnet, QDefault))},
		{"lat proto 1", ncode("", 1, qual(QProto, QLat, QDefault))},
		{"sca proto 1", ncode("", 1, qual(QProto, QSca, QDefault))},
		{"moprc proto 1", ncode("", 1, qual(QProto, QMoprc, QDefault))},
		{"mopdl proto 1", ncode("", 1, qual(QProto, QMopdl, QDefault))},
		{"clnp proto 1", ncode("", 1, qual(QProto, QCLNP, QDefault))},
		{"esis proto 1", ncode("", 1, qual(QProto, QESIS, QDefault))},
		{"psnp proto 1", ncode("", 1, qual(QProto, QISISPSNP, QDefault))},
		{"radio proto 1", ncode("", 1, qual(QProto, QRadio, QDefault))},
		{"carp proto 1", ncode("", 1, qual(QProto, QCARP, QDefault))},
		{"ip proto \\no-such-proto", scode("no-such-proto", qual(QProto, QIP, QDefault))},
		{"ether proto \\no-such-proto", scode("no-such-proto", qual(QProto, QLink, QDefault))},
		{"iso proto \\no-such-proto", scode("no-such-proto", qual(QProto, QISO, QDefault))},
		{"tcp proto \\udp", scode("udp", qual(QProto, QTCP, QDefault))},
		{"ip6 protochain \\no-such-proto", scode("no-such-proto", qual(QProtochain, QIPv6, QDefault))},
		{"tcp protochain 6", ncode("", 6, qual(QProtochain, QTCP, QDefault))},
		{"arp protochain \\tcp", scode("tcp", qual(QProtochain, QARP, QDefault))},
	}
	for _, e := range errs {
		add("EN10MB", e.expr, e.build)
	}
	return cases
}

func TestNetworkListings(t *testing.T) {
	checkListings(t, "network.listings", networkCases())
}

// TestGatewayErrors checks the errors of "gateway", which Debian's
// libpcap 1.10.3 does not compile at all: the messages are those of
// libpcap master's gen_gateway and grammar (its reject tests expect the
// two unknown-host ones), with libpcap's test host names.
func TestGatewayErrors(t *testing.T) {
	const (
		both   = "eth-ipv4-ipv6.host123.libpcap.test"
		noIPv4 = "eth-noipv4-ipv6.host123.libpcap.test"
		noEth  = "noeth-ipv4-noipv6.host123.libpcap.test"
	)
	gateway := func(name string, proto, dir uint8) func(*Compiler) ir.Cond {
		return func(c *Compiler) ir.Cond { return c.Gateway(name, proto, dir) }
	}
	for _, tc := range []struct {
		dlt   int
		expr  string
		build func(*Compiler) ir.Cond
		want  string
	}{
		{dltEN10MB, "ip6 gateway " + both, gateway(both, QIPv6, QDefault), "'ip6' is not a valid qualifier for 'gateway'"},
		{dltEN10MB, "tcp gateway " + both, gateway(both, QTCP, QDefault), "'tcp' is not a valid qualifier for 'gateway'"},
		{dltEN10MB, "src gateway " + both, gateway(both, QDefault, QSrc), "syntax error"},
		{dltRaw, "gateway " + both, gateway(both, QDefault, QDefault), "'gateway' not supported on DLT_RAW (Raw IP)"},
		{dltEN10MB, "gateway " + noEth, gateway(noEth, QDefault, QDefault), "unknown Ethernet-like host '" + noEth + "'"},
		{dltEN10MB, "gateway " + noIPv4, gateway(noIPv4, QDefault, QDefault), "unknown host '" + noIPv4 + "'"},
		{dltEN10MB, "arp gateway " + noIPv4, gateway(noIPv4, QARP, QDefault), "unknown host '" + noIPv4 + "' for specified address family"},
		{dltEN10MB, "mpls and gateway " + both, andThen(func(c *Compiler) ir.Cond { return c.Mpls(0, false) }, gateway(both, QDefault, QDefault)), "'gateway' cannot be used within MPLS"},
		{dltEN10MB, "geneve and gateway " + both, andThen(func(c *Compiler) ir.Cond { return c.Geneve(0, false) }, gateway(both, QDefault, QDefault)), "'gateway' cannot be used within VXLAN or Geneve"},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			c, err := New(Config{DLT: tc.dlt, SnapLen: 262144, Netmask: NetmaskUnknown, Names: netdbtest.DB()})
			if err != nil {
				t.Fatal(err)
			}
			err = c.Run(func() { tc.build(c) })
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a compile error", err)
			}
			if diff := cmp.Diff(tc.want, ce.Msg); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
		})
	}
}

// OracleMachineNames lets the tests that compile the listings'
// expressions from text know the names libpcap saw.
var OracleMachineNames = oracleMachineNames

package lower

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gotcpdump/gotcpdump/capture"
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
	"github.com/gotcpdump/gotcpdump/internal/linktype"
	"github.com/gotcpdump/gotcpdump/internal/netdb/netdbtest"
)

// libpcapFilterTests is libpcap's filter test suite: its captures and
// apply_expectations.tsv, what each expression returns for each packet.
var libpcapFilterTests = filepath.Join("..", "..", "..", "..", "shared", "pcaps", "libpcap-filter-tests")

// applyCase is an expression of libpcap's apply tests, on one of its
// captures, and the calls libpcap's grammar makes for it.
type applyCase struct {
	file, expr string
	build      func(*Compiler) ir.Cond
}

// negate is "not id" in the grammar.
func negate(x func(*Compiler) ir.Cond) func(*Compiler) ir.Cond {
	return func(c *Compiler) ir.Cond { return not(x(c)) }
}

// networkApplyCases are the apply tests of libpcap (master, which also
// runs them against itself) that use the generators of hosts, ports,
// protocols and gateways. Some give other answers with libpcap 1.10.3:
// "link host $c0" (1.10.3 misreads the address) and "gateway" (1.10.3
// lacks it); csnp on ISIS_p2p_adjacency.pcap, a Cisco HDLC capture where
// master fixed the PDU type's offset, is in TestMasterApply.
func networkApplyCases() []applyCase {
	link := func(dir uint8) Qual { return qual(QHost, QLink, dir) }
	dn := func(dir uint8) Qual { return qual(QDefault, QDecnet, dir) }
	return []applyCase{
		{"AH-IPcomp-IPv4.pcap", "ip protochain 108", ncode("", 108, qual(QProtochain, QIP, QDefault))},
		{"AH-IPcomp-IPv4.pcap", "ip protochain 4", ncode("", 4, qual(QProtochain, QIP, QDefault))},
		{"AH-IPcomp-IPv4.pcap", "ip protochain 51", ncode("", 51, qual(QProtochain, QIP, QDefault))},
		{"AH-IPcomp-IPv6.pcap", "ip6 protochain 108", ncode("", 108, qual(QProtochain, QIPv6, QDefault))},
		{"AH-IPcomp-IPv6.pcap", "ip6 protochain 41", ncode("", 41, qual(QProtochain, QIPv6, QDefault))},
		{"AH-IPcomp-IPv6.pcap", "ip6 protochain 51", ncode("", 51, qual(QProtochain, QIPv6, QDefault))},
		{"AH-IPcomp-IPv6.pcap", "ip6 protochain 6", ncode("", 6, qual(QProtochain, QIPv6, QDefault))},
		{"ah-ipip-ping.pcap", "ip protochain 1", ncode("", 1, qual(QProtochain, QIP, QDefault))},
		{"ah-ipip-ping.pcap", "ip protochain 51", ncode("", 51, qual(QProtochain, QIP, QDefault))},
		{"ipv6_ah_modes.pcap", "ip6 protochain 17", ncode("", 17, qual(QProtochain, QIPv6, QDefault))},
		{"ipv6_ah_modes.pcap", "ip6 protochain 41", ncode("", 41, qual(QProtochain, QIPv6, QDefault))},
		{"ipv6_ext_headers.pcap", "ip protochain 17", ncode("", 17, qual(QProtochain, QIP, QDefault))},
		{"ipv6_ext_headers.pcap", "ip6 protochain 17", ncode("", 17, qual(QProtochain, QIPv6, QDefault))},
		{"ISIS_external_lsp.pcap", "csnp", abbrev(QISISCSNP)},
		{"ISIS_external_lsp.pcap", "iso proto \\esis", scode("esis", qual(QProto, QISO, QDefault))},
		{"ISIS_external_lsp.pcap", "iso proto \\isis", scode("isis", qual(QProto, QISO, QDefault))},
		{"ISIS_p2p_adjacency.pcap", "iso proto \\esis", scode("esis", qual(QProto, QISO, QDefault))},
		{"ISIS_p2p_adjacency.pcap", "iso proto \\isis", scode("isis", qual(QProto, QISO, QDefault))},
		{"arcnet-rfc1201-arp-icmp-http.pcap", "arp src host 10.80.131.1", ncode("10.80.131.1", 0, qual(QHost, QARP, QSrc))},
		{"arcnet-rfc1201-arp-icmp-http.pcap", "tcp dst port 80", ncode("", 80, qual(QPort, QTCP, QDst))},
		{"bacnet-arcnet-linux.pcap", "link host $c0", acode("$c0", link(QDefault))},
		{"bacnet-arcnet-linux.pcap", "link src host $c0", acode("$c0", link(QSrc))},
		{"bacnet-arcnet-linux.pcap", "link dst host $c0", acode("$c0", link(QDst))},
		{"bacnet-arcnet-linux.pcap", "link host not $c0", negate(acode("$c0", link(QDefault)))},
		{"decnet.pcap", "decnet", abbrev(QDecnet)},
		{"decnet.pcap", "decnet src 1.1", ncode("1.1", 0, dn(QSrc))},
		{"decnet.pcap", "decnet dst 1.1", ncode("1.1", 0, dn(QDst))},
		{"decnet.pcap", "decnet src not 1.1", negate(ncode("1.1", 0, dn(QSrc)))},
		{"decnet.pcap", "decnet dst not 1.1", negate(ncode("1.1", 0, dn(QDst)))},
		{"decnet.pcap", "decnet src 63.1023", ncode("63.1023", 0, dn(QSrc))},
		{"decnet.pcap", "decnet dst 63.1023", ncode("63.1023", 0, dn(QDst))},
		{"decnet.pcap", "decnet src not 63.1023", negate(ncode("63.1023", 0, dn(QSrc)))},
		{"decnet.pcap", "decnet dst not 63.1023", negate(ncode("63.1023", 0, dn(QDst)))},
		{"dhcp-rfc3004.pcap", "ip dst 192.168.1.4", ncode("192.168.1.4", 0, qual(QDefault, QIP, QDst))},
		{"dhcp-rfc3004.pcap", "ip src 0.0.0.0", ncode("0.0.0.0", 0, qual(QDefault, QIP, QSrc))},
		{"gateway_or_not.pcap", "gateway eth-ipv4-ipv6.host123.libpcap.test", scode("eth-ipv4-ipv6.host123.libpcap.test", qual(QGateway, QDefault, QDefault))},
		{"gateway_or_not.pcap", "gateway eth-ipv4-noipv6.host123.libpcap.test", scode("eth-ipv4-noipv6.host123.libpcap.test", qual(QGateway, QDefault, QDefault))},
		{"gateway_or_not.pcap", "ip gateway eth-ipv4-ipv6.host123.libpcap.test", scode("eth-ipv4-ipv6.host123.libpcap.test", qual(QGateway, QIP, QDefault))},
		{"gateway_or_not.pcap", "arp gateway eth-ipv4-ipv6.host123.libpcap.test", scode("eth-ipv4-ipv6.host123.libpcap.test", qual(QGateway, QARP, QDefault))},
		{"gateway_or_not.pcap", "rarp gateway eth-ipv4-ipv6.host123.libpcap.test", scode("eth-ipv4-ipv6.host123.libpcap.test", qual(QGateway, QRARP, QDefault))},
		{"isakmp4500.pcap", "arp", abbrev(QARP)},
		{"isakmp4500.pcap", "arp dst 192.1.2.23", ncode("192.1.2.23", 0, qual(QDefault, QARP, QDst))},
		{"isakmp4500.pcap", "arp dst 192.1.2.254", ncode("192.1.2.254", 0, qual(QDefault, QARP, QDst))},
		{"isakmp4500.pcap", "arp host 192.1.2.254", ncode("192.1.2.254", 0, qual(QHost, QARP, QDefault))},
		{"isakmp4500.pcap", "arp src 192.1.2.23", ncode("192.1.2.23", 0, qual(QDefault, QARP, QSrc))},
		{"isakmp4500.pcap", "arp src 192.1.2.254", ncode("192.1.2.254", 0, qual(QDefault, QARP, QSrc))},
		{"isakmp4500.pcap", "ip", abbrev(QIP)},
		{"isakmp4500.pcap", "ip dst 192.1.2.254", ncode("192.1.2.254", 0, qual(QDefault, QIP, QDst))},
		{"isakmp4500.pcap", "ip host 192.1.2.23", ncode("192.1.2.23", 0, qual(QHost, QIP, QDefault))},
		{"isakmp4500.pcap", "ip src 192.1.2.254", ncode("192.1.2.254", 0, qual(QDefault, QIP, QSrc))},
		{"pim-packet-assortment.pcap", "ip6 dst 10::1", mcode6("10::1", 128, qual(QDefault, QIPv6, QDst))},
		{"pim-packet-assortment.pcap", "ip6 src 10::1", mcode6("10::1", 128, qual(QDefault, QIPv6, QSrc))},
		{"rarp_req_reply.pcapng", "rarp", abbrev(QRARP)},
		{"rarp_req_reply.pcapng", "rarp dst 10.1.1.100", ncode("10.1.1.100", 0, qual(QDefault, QRARP, QDst))},
		{"rarp_req_reply.pcapng", "rarp host 0.0.0.0", ncode("0.0.0.0", 0, qual(QHost, QRARP, QDefault))},
		{"rarp_req_reply.pcapng", "rarp host 10.1.1.10", ncode("10.1.1.10", 0, qual(QHost, QRARP, QDefault))},
		{"rarp_req_reply.pcapng", "rarp host 10.1.1.100", ncode("10.1.1.100", 0, qual(QHost, QRARP, QDefault))},
		{"rarp_req_reply.pcapng", "rarp src 10.1.1.10", ncode("10.1.1.10", 0, qual(QDefault, QRARP, QSrc))},
		{"vrrp.pcap", "ip6", abbrev(QIPv6)},
		{"vrrp.pcap", "ip6 dst ff02::12", mcode6("ff02::12", 128, qual(QDefault, QIPv6, QDst))},
		{"vrrp.pcap", "ip6 src fe80::d6ca:6dff:fe66:cf60", mcode6("fe80::d6ca:6dff:fe66:cf60", 128, qual(QDefault, QIPv6, QSrc))},
	}
}

// TestNetworkApply runs the programs of libpcap's apply tests over its
// captures, unoptimised, with libpcap's semantics, and compares each
// packet's verdict with libpcap's expectation.
func TestNetworkApply(t *testing.T) {
	want, err := readApplyExpectations(filepath.Join(libpcapFilterTests, "apply_expectations.tsv"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("libpcap's filter tests are not at %s", libpcapFilterTests)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, ac := range networkApplyCases() {
		t.Run(ac.file+": "+ac.expr, func(t *testing.T) {
			w, ok := want[ac.file+"\t"+ac.expr]
			if !ok {
				t.Fatalf("no expectation for %q on %s", ac.expr, ac.file)
			}
			if diff := cmp.Diff(w, applyVerdicts(t, ac)); diff != "" {
				t.Errorf("verdicts differ from libpcap's (-libpcap +ours):\n%s", diff)
			}
		})
	}
}

// applyVerdicts compiles ac for its capture, as libpcap does for a
// savefile, and returns the program's result for each packet.
func applyVerdicts(t *testing.T, ac applyCase) []uint32 {
	t.Helper()
	r, err := capture.OpenFile(filepath.Join(libpcapFilterTests, ac.file))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	dlt, ok := linktype.DLT(r.LinkType())
	if !ok {
		t.Fatalf("no DLT for link type %v", r.LinkType())
	}
	c, err := New(Config{DLT: dlt, SnapLen: r.SnapLen(), Netmask: NetmaskUnknown, File: true, Names: netdbtest.DB()})
	if err != nil {
		t.Fatal(err)
	}
	var cond ir.Cond
	if err := c.Run(func() { cond = c.Finish(ac.build(c)) }); err != nil {
		t.Fatal(err)
	}
	return Verdicts(t, r, ir.Emit(ir.Build(cond, r.SnapLen(), 0)))
}

// Verdicts runs p with libpcap's semantics over every remaining packet of
// r and returns its result for each (for package lower_test too).
func Verdicts(t *testing.T, r *capture.Reader, p cbpf.Program) []uint32 {
	t.Helper()
	vm, err := cbpf.NewVM(p, cbpf.Libpcap)
	if err != nil {
		t.Fatal(err)
	}
	var got []uint32
	for {
		data, ci, err := r.ReadPacketData()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, vm.Run(data, ci.Length))
	}
}

// readApplyExpectations reads apply_expectations.tsv: savefile, then
// expression, then the comma-separated results, keyed by the first two.
func readApplyExpectations(path string) (map[string][]uint32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string][]uint32{}
	sc := bufio.NewScanner(f)
	sc.Scan() // the header
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 3 {
			continue
		}
		var results []uint32
		for _, s := range strings.Split(fields[2], ",") {
			v, err := strconv.ParseUint(s, 10, 32)
			if err != nil {
				return nil, err
			}
			results = append(results, uint32(v))
		}
		out[fields[0]+"\t"+fields[1]] = results
	}
	return out, sc.Err()
}

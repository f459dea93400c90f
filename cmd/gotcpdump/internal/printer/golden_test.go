package printer

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/gotcpdump/gotcpdump/internal/netdb"
)

// Regenerate the golden files with tcpdump 4.99 (TZ=UTC):
//
//	go test ./cmd/gotcpdump/internal/printer -update
var update = flag.Bool("update", false, "regenerate testdata/golden with tcpdump")

// captureDirs are the directories of captures printed by the golden test,
// relative to this package, keyed by the name of their golden directory.
var captureDirs = map[string]string{
	"generated":            "../../../../../shared/pcaps/generated",
	"libpcap-filter-tests": "../../../../../shared/pcaps/libpcap-filter-tests",
	"tcpdump-tests":        "../../../../../shared/pcaps/tcpdump-tests",
	"module":               "../../../../testdata/pcaps",
}

// fullDumpGroups are the capture groups whose goldens include every dump
// flag set; the others get -x only, which checks where each link layer
// ends, and keep the repository small.
var fullDumpGroups = map[string]bool{"generated": true, "module": true}

// appliesTo reports whether the flag set is checked on captures of group.
func (fs flagSet) appliesTo(group string) bool {
	switch fs.opts.Hex {
	case HexNone, HexNetwork:
		return true
	}
	return fullDumpGroups[group]
}

// flagSet is one tcpdump command line and the equivalent options.
type flagSet struct {
	name string
	args []string
	opts Options
}

var flagSets = []flagSet{
	{"nn", []string{"-nn"}, Options{Numeric: true}},
	{"e", []string{"-nn", "-e"}, Options{Numeric: true, Link: true}},
	{"t", []string{"-nn", "-t"}, Options{Numeric: true, Timestamp: TimestampNone}},
	{"tt", []string{"-nn", "-tt"}, Options{Numeric: true, Timestamp: TimestampUnix}},
	{"ttt", []string{"-nn", "-ttt"}, Options{Numeric: true, Timestamp: TimestampDelta}},
	{"tttt", []string{"-nn", "-tttt"}, Options{Numeric: true, Timestamp: TimestampDate}},
	{"ttttt", []string{"-nn", "-ttttt"}, Options{Numeric: true, Timestamp: TimestampSinceFirst}},
	{"nano", []string{"-nn", "--nano"}, Options{Numeric: true, Nano: true}},
	{"q", []string{"-nn", "-q"}, Options{Numeric: true, Quick: true}},
	{"x", []string{"-nn", "-x"}, Options{Numeric: true, Hex: HexNetwork}},
	{"xx", []string{"-nn", "-xx"}, Options{Numeric: true, Hex: HexLink}},
	{"X", []string{"-nn", "-X"}, Options{Numeric: true, Hex: HexASCIINetwork}},
	{"XX", []string{"-nn", "-XX"}, Options{Numeric: true, Hex: HexASCIILink}},
	{"A", []string{"-nn", "-A"}, Options{Numeric: true, Hex: ASCIINetwork}},
	{"names", nil, Options{}},
	{"names-e", []string{"-e"}, Options{Link: true}},
}

// expectedFailures lists the captures (or capture and flag set, as
// "dir/file flags") whose output is known to differ from tcpdump's, with
// the reason. A listed entry that starts to match fails the test, so the
// list only shrinks.
var expectedFailures = map[string]string{
	"libpcap-filter-tests/AH-IPcomp-IPv4.pcap":                  "IPComp is not decoded",
	"libpcap-filter-tests/AH-IPcomp-IPv6.pcap":                  "IPComp is not decoded",
	"libpcap-filter-tests/ISIS_external_lsp.pcap":               "802.2 LLC payloads (IS-IS) are not decoded",
	"libpcap-filter-tests/ISIS_p2p_adjacency.pcap":              "link type C_HDLC is not supported",
	"libpcap-filter-tests/Network_Join_Nokia_Mobile.pcap":       "802.11 link types are not supported",
	"libpcap-filter-tests/arcnet-rfc1051-arp-icmp-http.pcap":    "link type ARCNET_LINUX is not supported",
	"libpcap-filter-tests/arcnet-rfc1201-arp-icmp-http.pcap":    "link type ARCNET_LINUX is not supported",
	"libpcap-filter-tests/bacnet-arcnet-linux.pcap":             "link type ARCNET_LINUX is not supported",
	"libpcap-filter-tests/brcm-tag-stp.pcap":                    "link type DSA_TAG_BRCM is not supported",
	"libpcap-filter-tests/brcm-tag.pcap":                        "link type DSA_TAG_BRCM is not supported",
	"libpcap-filter-tests/carp.pcap":                            "VRRP and CARP are not decoded",
	"libpcap-filter-tests/decnet.pcap":                          "DECnet is not decoded",
	"libpcap-filter-tests/dhcp-rfc3004.pcap":                    "BOOTP/DHCP is not decoded",
	"libpcap-filter-tests/dsa.pcap":                             "link type DSA_TAG_DSA is not supported",
	"libpcap-filter-tests/geneve.pcap":                          "Geneve is not decoded",
	"libpcap-filter-tests/http_PPI.pcap":                        "link type PPI is not supported",
	"libpcap-filter-tests/ieee802.11_exthdr.pcap":               "802.11 link types are not supported",
	"libpcap-filter-tests/isakmp4500.pcap":                      "ISAKMP is not decoded",
	"libpcap-filter-tests/llc.pcap":                             "802.2 LLC payloads (NetBEUI, SNAP) are not decoded",
	"libpcap-filter-tests/loopback.pcap":                        "Ethernet loopback (0x9000) is not decoded",
	"libpcap-filter-tests/pim-packet-assortment.pcap":           "PIM is not decoded",
	"libpcap-filter-tests/pppoe.pcap":                           "PPPoE is not decoded",
	"libpcap-filter-tests/pppoes.pcap":                          "PPPoE is not decoded",
	"libpcap-filter-tests/slip-bad-direction.pcap":              "link type SLIP is not supported",
	"libpcap-filter-tests/slip-compressed_sl_print-oobr.pcap":   "link type SLIP is not supported",
	"libpcap-filter-tests/slip-sliplink_print-oobr.pcap":        "link type SLIP is not supported",
	"libpcap-filter-tests/vrrp.pcap":                            "VRRP and CARP are not decoded",
	"libpcap-filter-tests/vxlan.pcap":                           "VXLAN is not decoded",
	"libpcap-filter-tests/wpa-Induction.pcap":                   "802.11 link types are not supported",
	"libpcap-filter-tests/wpa2linkuppassphraseiswireshark.pcap": "802.11 link types are not supported",
	"module/eth-arp-l2.pcap":                                    "802.2 LLC payloads (STP) and LLDP are not decoded",
	"module/eth-ipv4-igmp.pcap":                                 "IGMP is not decoded",
	"module/eth-ipv4-tcp.pcap":                                  "telnet options are not decoded",
	"module/eth-ipv4-udp.pcap":                                  "NTP, BOOTP, SNMP and other UDP port printers are not implemented",
	"module/eth-ipv6-tcp-udp.pcap":                              "DHCPv6 and other UDP port printers are not implemented",
	"module/eth-sctp.pcap":                                      "SCTP is not decoded",
	"tcpdump-tests/802.1D_spanning_tree.pcap":                   "802.2 LLC payloads (STP) are not decoded",
	"tcpdump-tests/DECnet_Phone.pcap":                           "DECnet is not decoded",
	"tcpdump-tests/HDLC.pcap":                                   "link type C_HDLC is not supported",
	"tcpdump-tests/IGMP_V2.pcap":                                "IGMP is not decoded",
	"tcpdump-tests/OSPFv2_Capture_FINAL.pcapng":                 "OSPF is not decoded",
	"tcpdump-tests/OSPFv3_with_AH.pcap":                         "OSPF is not decoded",
	"tcpdump-tests/arista_ether.pcap":                           "Arista vendor ethertype is not decoded",
	"tcpdump-tests/babel.pcap":                                  "Babel is not decoded",
	"tcpdump-tests/babel_rtt.pcap":                              "Babel is not decoded",
	"tcpdump-tests/bgp-role.pcapng":                             "BGP is not decoded",
	"tcpdump-tests/dhcp-rfc4388.pcap":                           "BOOTP/DHCP is not decoded",
	"tcpdump-tests/dhcpv6-ia-na.pcap":                           "DHCPv6 is not decoded",
	"tcpdump-tests/e1000g.pcap":                                 "link type IPNET is not supported",
	"tcpdump-tests/forces1.pcap":                                "SCTP is not decoded",
	"tcpdump-tests/geneve.pcap":                                 "Geneve is not decoded",
	"tcpdump-tests/icmpv6-RFC2894-RR.pcap":                      "ICMPv6 router renumbering is not decoded",
	"tcpdump-tests/ieee802.11_exthdr.pcap":                      "802.11 link types are not supported",
	"tcpdump-tests/ieee802.11_meshid.pcap":                      "802.11 link types are not supported",
	"tcpdump-tests/ieee802.11_tim_ie_oobr.pcap":                 "802.11 link types are not supported",
	"tcpdump-tests/ipx.pcap":                                    "IPX is not decoded",
	"tcpdump-tests/isup.pcap":                                   "SCTP is not decoded",
	"tcpdump-tests/ldp-common-session.pcap":                     "LDP is not decoded",
	"tcpdump-tests/mpls-traceroute.pcap":                        "link type PPP and MPLS are not supported",
	"tcpdump-tests/mptcp-fclose.pcap":                           "MPTCP options are printed as raw bytes",
	"tcpdump-tests/nflog.pcap":                                  "link type NFLOG is not supported",
	"tcpdump-tests/nhrp.pcapng":                                 "GRE is not decoded",
	"tcpdump-tests/ntp.pcap":                                    "NTP is not decoded",
	"tcpdump-tests/ppp_ip_udp_dns.pcap":                         "link type PPP_SERIAL is not supported",
	"tcpdump-tests/pppoe.pcap":                                  "PPPoE is not decoded",
	"tcpdump-tests/pppoes.pcap":                                 "PPPoE is not decoded",
	"tcpdump-tests/pptp.pcap":                                   "PPTP and GRE are not decoded",
	"tcpdump-tests/rpvstp-trunk-native-vid5.pcap":               "802.2 LLC payloads (STP, DTP) are not decoded",
	"tcpdump-tests/tftp.pcap":                                   "TFTP is not decoded",
	"tcpdump-tests/tok2str-oobr-2.pcap":                         "MPLS is not decoded",
	"tcpdump-tests/various_gre.pcap":                            "GRE is not decoded",
	"tcpdump-tests/vxlan.pcap":                                  "VXLAN is not decoded",
}

func TestGolden(t *testing.T) {
	if *update {
		regenerate(t)
	}
	hosts := readHosts(t, filepath.Join("testdata", "golden", "hosts"))
	ifaces := readInterfaces(t, filepath.Join("testdata", "golden", "interfaces"))
	dirs, _ := filepath.Glob(filepath.Join("testdata", "golden", "*", "*"))
	if len(dirs) == 0 {
		t.Fatal("no golden files; run go test -update with tcpdump installed")
	}
	matched := map[string]bool{}
	for _, dir := range dirs {
		group, file := filepath.Base(filepath.Dir(dir)), filepath.Base(dir)
		key := group + "/" + file
		t.Run(key, func(t *testing.T) {
			path := filepath.Join(captureDirs[group], file)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("capture not available: %v", err)
			}
			shown := false
			for _, fs := range flagSets {
				if !fs.appliesTo(group) {
					continue
				}
				want, err := os.ReadFile(filepath.Join(dir, fs.name+".txt"))
				if err != nil {
					t.Fatalf("read golden: %v", err)
				}
				opts := fs.opts
				opts.UTC = true
				opts.LookupAddr = hosts
				opts.InterfaceName = ifaces
				got := printCapture(t, path, opts)
				same, total, diff := compareLines(string(want), got)
				name := key + " " + fs.name
				reason, xfail := expectedFailures[name]
				if !xfail {
					reason, xfail = expectedFailures[key]
				}
				t.Logf("%-6s %d/%d lines match", fs.name, same, total)
				switch {
				case diff == "" && xfail:
					matched[name] = true
				case diff != "" && !xfail && shown:
					t.Errorf("%s: %d/%d lines match tcpdump", fs.name, same, total)
				case diff != "" && !xfail:
					t.Errorf("%s: %d/%d lines match tcpdump; first difference (-tcpdump +printer):\n%s", fs.name, same, total, diff)
					shown = true
				case diff != "":
					t.Logf("%s: known difference: %s", fs.name, reason)
				}
			}
		})
	}
	for key := range expectedFailures {
		if strings.Contains(key, " ") {
			if matched[key] {
				t.Errorf("%s now matches tcpdump: remove it from expectedFailures", key)
			}
			continue
		}
		all := true
		group, _, _ := strings.Cut(key, "/")
		for _, fs := range flagSets {
			all = all && (matched[key+" "+fs.name] || !fs.appliesTo(group))
		}
		if all {
			t.Errorf("%s now matches tcpdump: remove it from expectedFailures", key)
		}
	}
}

// compareLines counts the lines of got equal to the same line of want and
// describes the first difference.
func compareLines(want, got string) (same, total int, diff string) {
	w := strings.Split(strings.TrimSuffix(want, "\n"), "\n")
	g := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	for i := range w {
		if i < len(g) && g[i] == w[i] {
			same++
		} else if diff == "" {
			var gl string
			if i < len(g) {
				gl = g[i]
			}
			diff = fmt.Sprintf("line %d:\n%s", i+1, cmp.Diff(w[i], gl))
		}
	}
	if diff == "" && len(g) != len(w) {
		diff = fmt.Sprintf("%d lines printed, tcpdump printed %d", len(g), len(w))
	}
	return same, len(w), diff
}

// printCapture prints every packet of a capture file.
func printCapture(t testing.TB, path string, opts Options) string {
	t.Helper()
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	pr := New(w, opts)
	err := readCapture(path, func(ci gopacket.CaptureInfo, data []byte, lt layers.LinkType) error {
		return pr.Print(ci, data, lt)
	})
	if err != nil {
		t.Logf("read %s: %v", path, err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// readCapture calls f for every packet of a pcap or pcapng file until the
// end of the file or the first error.
func readCapture(path string, f func(gopacket.CaptureInfo, []byte, layers.LinkType) error) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	r := bufio.NewReader(file)
	magic, err := r.Peek(4)
	if err != nil {
		return err
	}
	var next func() ([]byte, gopacket.CaptureInfo, layers.LinkType, error)
	if bytes.Equal(magic, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		ng, err := pcapgo.NewNgReader(r, pcapgo.NgReaderOptions{})
		if err != nil {
			return err
		}
		next = func() ([]byte, gopacket.CaptureInfo, layers.LinkType, error) {
			data, ci, err := ng.ReadPacketData()
			lt := ng.LinkType()
			if err == nil {
				if ifc, ierr := ng.Interface(ci.InterfaceIndex); ierr == nil {
					lt = ifc.LinkType
				}
			}
			return data, ci, lt, err
		}
	} else {
		pr, err := pcapgo.NewReader(r)
		if err != nil {
			return err
		}
		next = func() ([]byte, gopacket.CaptureInfo, layers.LinkType, error) {
			data, ci, err := pr.ReadPacketData()
			return data, ci, pr.LinkType(), err
		}
	}
	for {
		data, ci, lt, err := next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := f(ci, data, lt); err != nil {
			return err
		}
	}
}

// readHosts returns a LookupAddr that answers from a copy of the hosts
// file of the machine the goldens were made on: first entry wins, as with
// getnameinfo.
func readHosts(t *testing.T, path string) func(netip.Addr) (string, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read hosts: %v", err)
	}
	hosts := netdb.ParseHosts(data)
	return func(a netip.Addr) (string, bool) {
		name, ok := hosts.Name(a.Unmap())
		if !ok {
			name, ok = hosts.Name(a)
		}
		return name, ok
	}
}

// readInterfaces returns an InterfaceName answering from the interfaces
// of the machine the goldens were made on, which tcpdump names in
// LINUX_SLL2 lines.
func readInterfaces(t *testing.T, path string) func(uint32) string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read interfaces: %v", err)
	}
	names := map[uint32]string{}
	for line := range strings.Lines(string(data)) {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		if i, err := strconv.ParseUint(fields[0], 10, 32); err == nil {
			names[uint32(i)] = fields[1]
		}
	}
	return func(i uint32) string { return names[i] }
}

// regenerate runs tcpdump over every capture with every flag set.
func regenerate(t *testing.T) {
	tcpdump, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Fatalf("-update needs tcpdump: %v", err)
	}
	golden := filepath.Join("testdata", "golden")
	if err := os.RemoveAll(golden); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(golden, 0o755); err != nil {
		t.Fatal(err)
	}
	hosts, err := os.ReadFile("/etc/hosts")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(golden, "hosts"), hosts)
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	var ifList bytes.Buffer
	for _, ifc := range ifs {
		fmt.Fprintf(&ifList, "%d %s\n", ifc.Index, ifc.Name)
	}
	writeFile(t, filepath.Join(golden, "interfaces"), ifList.Bytes())

	groups := slices.Sorted(mapKeys(captureDirs))
	for _, group := range groups {
		files, _ := filepath.Glob(filepath.Join(captureDirs[group], "*.pcap*"))
		for _, file := range files {
			dir := filepath.Join(golden, group, filepath.Base(file))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for _, fs := range flagSets {
				if !fs.appliesTo(group) {
					continue
				}
				args := append([]string{"-r", file}, fs.args...)
				cmd := exec.Command(tcpdump, args...)
				cmd.Env = append(os.Environ(), "TZ=UTC")
				out, err := cmd.Output()
				var exitErr *exec.ExitError
				if err != nil && !errors.As(err, &exitErr) {
					t.Fatalf("tcpdump %v: %v", args, err)
				}
				writeFile(t, filepath.Join(dir, fs.name+".txt"), out)
			}
		}
	}
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

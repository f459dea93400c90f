package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/pcapgo"
)

// These tests use tcpdump 4.99 (libpcap 1.10) as the oracle for what the
// captures contain: that libpcap reads them, that tcpdump decodes every
// packet with correct checksums and truncates only where truncation is
// intended, and that filters select the packets each capture was built to
// contain. They are skipped where tcpdump is not installed.

func needTcpdump(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Skip("tcpdump not installed: the oracle checks need tcpdump 4.99 / libpcap 1.10")
	}
	return path
}

// writeCaptures writes every capture into a temporary directory and returns
// the captures and the directory.
func writeCaptures(t *testing.T) ([]*capture, string) {
	t.Helper()
	dir := t.TempDir()
	var cs []*capture
	for _, build := range captures {
		c := build()
		data, err := c.encode()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, c.file), data, 0o644); err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	return cs, dir
}

// tcpdump runs tcpdump and returns its standard output; standard error may
// only hold the lines tcpdump always prints when reading a file.
func tcpdump(t *testing.T, bin string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("tcpdump %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		if !strings.HasPrefix(line, "reading from file ") && line != "Warning: interface names might be incorrect" {
			t.Errorf("tcpdump %s: unexpected message %q", strings.Join(args, " "), line)
		}
	}
	return stdout.String()
}

// packetLine matches the first line tcpdump prints for each packet.
var packetLine = regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d\.\d{6} `)

// truncationMarkers is how many times tcpdump -vv reports truncated data in
// each capture that truncates on purpose: "[|proto]" for data cut short and
// "truncated-option" for an IPv4 option cut by the snap length.
var truncationMarkers = map[string]int{
	// The fragmentation-needed error quotes only 8 bytes of TCP header.
	"eth-ipv4-icmp.pcap": 1,
	// The DNS response's first fragment ends inside the answers, and the
	// tiny fragment holds 8 bytes of TCP header.
	"eth-ipv4-fragments.pcap": 2,
	// Every packet longer than 64 bytes: 6 TCP segments of the connection
	// and the full-size one, 2 DNS messages, the IPv4 options (twice: the
	// option and the header), IPv6 TCP and QinQ IPv6 UDP.
	"eth-snaplen64.pcap": 13,
	// The IPv6 datagram cut inside its header; the TCP segment cut at 64
	// bytes keeps its whole header, so tcpdump only omits the checksum.
	"sunatm-mixed.pcap": 1,
}

// badDecodes are phrases tcpdump uses for wrong checksums or malformed data.
var badDecodes = []string{"incorrect", "bad cksum", "wrong", "(invalid)", "malformed", "bogus", "[bad"}

// TestTcpdumpDecodesCaptures reads every capture with tcpdump -vv.
func TestTcpdumpDecodesCaptures(t *testing.T) {
	bin := needTcpdump(t)
	cs, dir := writeCaptures(t)
	for _, c := range cs {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join(dir, c.file)
			if !c.singleLinkType() {
				// libpcap 1.10 rejects pcapng files whose interfaces differ in
				// link type; check that, then decode each interface alone.
				out, err := exec.Command(bin, "-r", path, "-nn").CombinedOutput()
				if err == nil || !bytes.Contains(out, []byte("different from the type of the first interface")) {
					t.Fatalf("want libpcap to reject mixed link types, got %v:\n%s", err, out)
				}
				parts := splitInterfaces(t, path)
				total := 0
				for i, part := range parts {
					total += checkDecode(t, bin, part, fmt.Sprintf("%s interface %d", c.file, i))
				}
				if total != len(c.packets) {
					t.Errorf("interfaces hold %d packets, want %d", total, len(c.packets))
				}
				return
			}
			if got := checkDecode(t, bin, path, c.file); got != len(c.packets) {
				t.Errorf("tcpdump printed %d packets, want %d", got, len(c.packets))
			}
		})
	}
}

// checkDecode runs tcpdump -vv over path, checks it for bad decodes and
// truncation, and returns how many packets it printed.
func checkDecode(t *testing.T, bin, path, name string) int {
	t.Helper()
	out := tcpdump(t, bin, "-r", path, "-nn", "-vv", "-e")
	for _, bad := range badDecodes {
		if strings.Contains(out, bad) {
			t.Errorf("%s: tcpdump output contains %q:\n%s", name, bad, out)
		}
	}
	markers := strings.Count(out, "[|") + strings.Count(out, "truncated")
	if want := truncationMarkers[filepath.Base(path)]; markers != want {
		t.Errorf("%s: %d truncation markers, want %d:\n%s", name, markers, want, out)
	}
	return len(packetLine.FindAllString(out, -1))
}

// splitInterfaces writes the packets of each interface of the pcapng file
// at path to a classic nanosecond pcap of its own, returning their paths.
func splitInterfaces(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// By default pcapgo, like libpcap, skips packets whose link type differs
	// from the first interface's.
	r, err := pcapgo.NewNgReader(f, pcapgo.NgReaderOptions{WantMixedLinkType: true})
	if err != nil {
		t.Fatal(err)
	}
	var bufs []*bytes.Buffer
	var writers []*pcapgo.Writer
	for {
		data, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for len(writers) <= ci.InterfaceIndex {
			intf, err := r.Interface(len(writers))
			if err != nil {
				t.Fatal(err)
			}
			buf := new(bytes.Buffer)
			w := pcapgo.NewWriterNanos(buf)
			if err := w.WriteFileHeader(intf.SnapLength, intf.LinkType); err != nil {
				t.Fatal(err)
			}
			bufs, writers = append(bufs, buf), append(writers, w)
		}
		if err := writers[ci.InterfaceIndex].WritePacket(ci, data); err != nil {
			t.Fatal(err)
		}
	}
	var paths []string
	for i, buf := range bufs {
		p := filepath.Join(t.TempDir(), fmt.Sprintf("if%d.pcap", i))
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// TestTcpdumpNanosecondTimestamps checks that the nanosecond formats keep
// the digits a microsecond file cannot hold.
func TestTcpdumpNanosecondTimestamps(t *testing.T) {
	bin := needTcpdump(t)
	_, dir := writeCaptures(t)
	tests := []struct {
		file string
		want string // second packet's timestamp
	}{
		{"eth-nanosecond.pcap", "09:26:53.010137042"},
		{"pcapng-two-eth.pcapng", "09:26:53.010137042"},
		{"eth-ipv4-tcp.pcap", "09:26:53.010137000"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			out := tcpdump(t, bin, "--nano", "-r", filepath.Join(dir, tt.file), "-nn", "-c", "2")
			lines := strings.Split(out, "\n")
			if len(lines) < 2 || !strings.HasPrefix(lines[1], tt.want+" ") {
				t.Errorf("second packet line %q, want timestamp %s", lines[1], tt.want)
			}
		})
	}
}

// TestTcpdumpFiltersSelectIntendedPackets runs libpcap filters over the
// captures and compares the number of matching packets with the number
// each capture was built with.
func TestTcpdumpFiltersSelectIntendedPackets(t *testing.T) {
	bin := needTcpdump(t)
	_, dir := writeCaptures(t)
	tests := []struct {
		file, filter string
		want         int
	}{
		{"eth-ipv4-tcp.pcap", "tcp port 8000 or tcp port 8100", 14},
		{"eth-ipv4-tcp.pcap", "tcp portrange 8000-8100", 19}, // with the 8080 connection
		{"eth-ipv4-tcp.pcap", "tcp port 7999 or tcp port 8101", 4},
		{"eth-ipv4-tcp.pcap", "ip[0] & 0xf > 5", 2},
		{"eth-ipv4-tcp.pcap", "tcp[tcpflags] == 0", 1},
		{"eth-ipv4-tcp.pcap", "tcp[tcpflags] & tcp-rst != 0", 9},
		{"eth-ipv4-tcp.pcap", "ip[1] == 0xb8", 1},
		{"eth-ipv4-tcp.pcap", "ip[8] == 1", 1},
		{"eth-ipv4-udp.pcap", "udp port 53", 8},
		{"eth-ipv4-udp.pcap", "ether broadcast", 3},
		{"eth-ipv4-udp.pcap", "ether multicast", 5},
		{"eth-ipv4-udp.pcap", "ip multicast", 4},
		{"eth-ipv4-udp.pcap", "udp portrange 8000-8100", 2},
		{"eth-ipv4-udp.pcap", "udp dst port 0", 1},
		{"eth-ipv4-udp.pcap", "net 10.0.0.0/8", 12},
		{"eth-ipv4-udp.pcap", "net 192.168.0.0/16", 12},
		{"eth-ipv4-icmp.pcap", "icmp[icmptype] == icmp-unreach", 3},
		{"eth-ipv4-icmp.pcap", "icmp[icmptype] == icmp-echo", 5},
		{"eth-ipv4-icmp.pcap", "host 10.0.0.1", 3},
		{"eth-ipv6-tcp-udp.pcap", "ip6 and tcp portrange 8000-8100", 6},
		{"eth-ipv6-tcp-udp.pcap", "udp port 5353", 1},
		{"eth-icmpv6.pcap", "icmp6", 12},
		{"eth-icmpv6.pcap", "icmp6 and ip6[40] == 135", 2},
		{"eth-icmpv6.pcap", "ip6 multicast", 6},
		{"eth-icmpv6.pcap", "ip6 protochain 58", 13},
		{"eth-arp-l2.pcap", "arp", 6},
		{"eth-arp-l2.pcap", "rarp", 2},
		{"eth-arp-l2.pcap", "arp host 10.0.0.1", 2},
		{"eth-arp-l2.pcap", "arp[6:2] == 1", 3},
		{"eth-arp-l2.pcap", "stp", 1},
		{"eth-arp-l2.pcap", "llc", 2},
		{"eth-arp-l2.pcap", "ether proto 0x88b5", 1},
		{"eth-ipv4-igmp.pcap", "igmp", 8},
		{"eth-sctp.pcap", "sctp", 18},
		{"eth-sctp.pcap", "sctp port 3868", 9},
		{"eth-vlan-qinq.pcap", "vlan", 19},
		{"eth-vlan-qinq.pcap", "vlan 100", 8},
		{"eth-vlan-qinq.pcap", "vlan 200", 4},
		{"eth-vlan-qinq.pcap", "vlan and ip", 9},
		{"eth-vlan-qinq.pcap", "vlan and vlan and ip", 4},
		{"eth-vlan-qinq.pcap", "vlan and arp", 2},
		{"eth-vlan-qinq.pcap", "not vlan", 2},
		{"eth-mpls.pcap", "mpls", 12},
		{"eth-mpls.pcap", "mpls 16000", 3},
		{"eth-mpls.pcap", "mpls and ip", 6},
		{"eth-mpls.pcap", "mpls and mpls and ip", 3},
		{"eth-mpls.pcap", "mpls and ip6", 2},
		{"eth-mpls.pcap", "vlan and mpls", 1},
		{"eth-pppoe.pcap", "pppoed", 5},
		{"eth-pppoe.pcap", "pppoes", 14},
		{"eth-pppoe.pcap", "pppoes and ip", 9},
		{"eth-pppoe.pcap", "pppoes and ip6", 4},
		{"eth-pppoe.pcap", "pppoes 0x2345", 2},
		{"eth-pppoe.pcap", "pppoes 0x11 and tcp", 4},
		{"eth-ipv4-fragments.pcap", "ip[6:2] & 0x1fff != 0", 5},
		{"eth-ipv4-fragments.pcap", "ip[6:2] & 0x2000 != 0", 5},
		{"eth-ipv4-fragments.pcap", "udp port 5001", 1},
		{"eth-ipv4-fragments.pcap", "tcp[13] & 2 != 0", 0},
		{"eth-ipv4-fragments.pcap", "vlan and udp port 8000", 1},
		{"eth-ipv4-fragments.pcap", "ip and udp", 7},
		{"eth-ipv6-exthdrs.pcap", "ip6 protochain 6", 5},
		{"eth-ipv6-exthdrs.pcap", "tcp", 0},
		{"eth-ipv6-exthdrs.pcap", "ip6 protochain 17", 5},
		{"eth-ipv6-exthdrs.pcap", "ip6 protochain 58", 2},
		{"eth-ipv6-exthdrs.pcap", "ip6 protochain 51", 3},
		{"eth-ipv6-exthdrs.pcap", "ip6 proto 44", 3},
		{"eth-ipv6-exthdrs.pcap", "ip6 proto 0", 5},
		{"eth-ipv4-ipsec.pcap", "ip proto 51", 4},
		{"eth-ipv4-ipsec.pcap", "ip proto 50", 2},
		{"eth-ipv4-ipsec.pcap", "ip protochain 6", 3},
		{"eth-ipv4-ipsec.pcap", "ip protochain 1", 1},
		{"eth-ipv4-ipsec.pcap", "udp port 4500", 3},
		{"eth-snaplen64.pcap", "tcp port 80", 7},
		{"eth-snaplen64.pcap", "ip6 and tcp", 1},
		{"eth-snaplen64.pcap", "tcp[13] & 2 != 0", 2},
		{"eth-snaplen64.pcap", "udp[8:2] == 0xa0a1", 2},
		{"sll-mixed.pcap", "arp", 2},
		{"sll-mixed.pcap", "ip", 10},
		{"sll-mixed.pcap", "ip6", 3},
		{"sll-mixed.pcap", "outbound", 5},
		{"sll-mixed.pcap", "inbound", 11},
		{"sll2-mixed.pcap", "outbound", 6},
		{"sll2-mixed.pcap", "ifindex 3", 2},
		{"sll2-mixed.pcap", "ip6", 3},
		{"raw-ipv4-ipv6.pcap", "ip", 14},
		{"raw-ipv4-ipv6.pcap", "ip6", 9},
		{"ipv4-linktype228.pcap", "ip", 12},
		{"ipv4-linktype228.pcap", "tcp port 80", 7},
		{"ipv6-linktype229.pcap", "ip6", 10},
		{"ipv6-linktype229.pcap", "udp", 3},
		{"null-bsd.pcap", "ip", 12},
		{"null-bsd.pcap", "ip6", 13},
		{"null-bsd.pcap", "ip6 and tcp", 6},
		{"loop-openbsd.pcap", "ip", 12},
		{"loop-openbsd.pcap", "ip6", 13},
		{"loop-openbsd.pcap", "ip6 and tcp", 6},
		{"sunatm-mixed.pcap", "vpi 0 and vci 5", 7},
		{"sunatm-mixed.pcap", "sc", 7},
		{"sunatm-mixed.pcap", "connectmsg", 6}, // not STATUS ENQUIRY, nor SETUP off VCI 5
		{"sunatm-mixed.pcap", "metac", 2},
		{"sunatm-mixed.pcap", "metaconnect", 1}, // SETUP but not CONNECT ACK
		{"sunatm-mixed.pcap", "bcc", 1},
		{"sunatm-mixed.pcap", "oam", 3},
		{"sunatm-mixed.pcap", "oamf4sc", 2},
		{"sunatm-mixed.pcap", "oamf4ec", 1},
		{"sunatm-mixed.pcap", "ilmic", 2},
		{"sunatm-mixed.pcap", "vpi 1", 6},
		{"sunatm-mixed.pcap", "vci 32", 14},
		{"sunatm-mixed.pcap", "vpi 10 and vci 20001", 4},
		{"sunatm-mixed.pcap", "vci > 100", 4},
		{"sunatm-mixed.pcap", "llc", 18},
		{"sunatm-mixed.pcap", "ip", 12},
		{"sunatm-mixed.pcap", "ip6", 4},
		{"sunatm-mixed.pcap", "arp", 2},
		{"sunatm-mixed.pcap", "tcp port 80", 7},
		{"sunatm-mixed.pcap", "lane", 6},
		{"sunatm-mixed.pcap", "lane and ip", 3}, // not the LE control frame
		{"sunatm-mixed.pcap", "lane and arp", 2},
		{"sunatm-mixed.pcap", "lane and ether multicast", 2},
		{"pflog-mixed.pcap", "ifname eth0", 10},
		{"pflog-mixed.pcap", "on em0", 6},
		{"pflog-mixed.pcap", "ifname lo0", 2},
		{"pflog-mixed.pcap", "action block", 7},
		{"pflog-mixed.pcap", "action pass", 7},
		{"pflog-mixed.pcap", "action rdr", 1},
		{"pflog-mixed.pcap", "action nat", 1},
		{"pflog-mixed.pcap", "action binat", 1},
		{"pflog-mixed.pcap", "action scrub", 1},
		{"pflog-mixed.pcap", "reason match", 12},
		{"pflog-mixed.pcap", "reason short", 1},
		{"pflog-mixed.pcap", "reason fragment", 2},
		{"pflog-mixed.pcap", "reason bad-offset", 1},
		{"pflog-mixed.pcap", "reason normalize", 1},
		{"pflog-mixed.pcap", "reason memory", 1},
		{"pflog-mixed.pcap", "rulenum 7", 3},
		{"pflog-mixed.pcap", "rulenum 0", 10},
		{"pflog-mixed.pcap", "subrulenum 7", 2},
		{"pflog-mixed.pcap", "subrulenum 1", 1},
		{"pflog-mixed.pcap", "ruleset main", 2},
		{"pflog-mixed.pcap", "ruleset other", 2},
		{"pflog-mixed.pcap", "inbound", 11},
		{"pflog-mixed.pcap", "outbound", 7},
		{"pflog-mixed.pcap", "ip", 14},
		{"pflog-mixed.pcap", "udp", 6},
		{"pflog-mixed.pcap", "host 127.0.0.1", 2},
		// Debian's libpcap compares the AF with Linux's AF_INET6 (10), which
		// no BSD writes, so ip6 matches none of the four IPv6 records.
		{"pflog-mixed.pcap", "ip6", 0},
		{"eth-nanosecond.pcap", "tcp", 9},
		{"pcapng-two-eth.pcapng", "vlan", 6},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.filter, func(t *testing.T) {
			out := tcpdump(t, bin, "-r", filepath.Join(dir, tt.file), "-nn", tt.filter)
			if got := len(packetLine.FindAllString(out, -1)); got != tt.want {
				t.Errorf("%d packets match, want %d:\n%s", got, tt.want, out)
			}
		})
	}
}

package afpacket_test

import (
	"bytes"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket/layers"

	"github.com/gotcpdump/gotcpdump/capture/afpacket"
	"github.com/gotcpdump/gotcpdump/internal/linktype"
)

// notNetworkDevice matches the tcpdump -D lines of libpcap's capture
// sources that are not network interfaces, which Interfaces leaves out.
var notNetworkDevice = regexp.MustCompile(`^\d+\.(bluetooth|nflog|nfqueue|dbus-|usbmon|rdma|dpdk)`)

// TestInterfacesAgainstTcpdump compares the interface list with
// tcpdump -D in a namespace holding an up veth, a down veth pair and a
// down loopback.
func TestInterfacesAgainstTcpdump(t *testing.T) {
	n := newTestNet(t)
	if out, err := exec.Command("ip", "-n", n.b, "link", "add", "vc", "type", "veth", "peer", "name", "vd").CombinedOutput(); err != nil {
		t.Fatalf("add veth: %v\n%s", err, out)
	}
	for _, ns := range []string{n.a, n.b} {
		out, err := exec.Command("ip", "netns", "exec", ns, "tcpdump", "-D").Output()
		if err != nil {
			t.Skipf("tcpdump -D: %v", err)
		}
		var want []string
		for _, line := range strings.SplitAfter(string(out), "\n") {
			if line != "" && !notNetworkDevice.MatchString(line) {
				want = append(want, line[strings.IndexByte(line, '.')+1:])
			}
		}
		var list []afpacket.Interface
		inNS(t, ns, func() error {
			var err error
			list, err = afpacket.Interfaces()
			return err
		})
		var b bytes.Buffer
		if err := afpacket.WriteInterfaces(&b, list); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, line := range strings.SplitAfter(b.String(), "\n") {
			if line != "" {
				got = append(got, line[strings.IndexByte(line, '.')+1:])
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("namespace %s: interfaces differ from tcpdump -D's (-tcpdump +ours):\n%s", ns, diff)
		}
	}
}

// TestWriteInterfaces checks numbering, descriptions and every flag and
// connection wording of tcpdump -D.
func TestWriteInterfaces(t *testing.T) {
	list := []afpacket.Interface{
		{Name: "eth0", Flags: afpacket.FlagUp | afpacket.FlagRunning, Connection: afpacket.Connected},
		{Name: "any", Description: "Pseudo-device that captures on all interfaces", Flags: afpacket.FlagUp | afpacket.FlagRunning, Connection: afpacket.ConnectionNotApplicable},
		{Name: "wlan0", Flags: afpacket.FlagUp | afpacket.FlagWireless, Connection: afpacket.Disconnected},
		{Name: "wlan1", Flags: afpacket.FlagWireless, Connection: afpacket.Connected},
		{Name: "wlan2", Flags: afpacket.FlagWireless},
		{Name: "eth1", Connection: afpacket.Disconnected},
		{Name: "eth2", Flags: afpacket.FlagUp},
		{Name: "lo", Flags: afpacket.FlagLoopback, Connection: afpacket.ConnectionNotApplicable},
		{Name: "ifb0", Connection: afpacket.ConnectionNotApplicable},
		{Name: "gone"},
	}
	want := `1.eth0 [Up, Running, Connected]
2.any (Pseudo-device that captures on all interfaces) [Up, Running]
3.wlan0 [Up, Wireless, Not associated]
4.wlan1 [Wireless, Associated]
5.wlan2 [Wireless, Association status unknown]
6.eth1 [none, Disconnected]
7.eth2 [Up, Connection status unknown]
8.lo [Loopback]
9.ifb0 [none]
10.gone
`
	var b bytes.Buffer
	if err := afpacket.WriteInterfaces(&b, list); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestLinkTypesAgainstTcpdump compares LinkTypes with tcpdump -L.
func TestLinkTypesAgainstTcpdump(t *testing.T) {
	n := newTestNet(t)
	for _, iface := range []string{"va", "lo", "any"} {
		t.Run(iface, func(t *testing.T) {
			out, err := exec.Command("ip", "netns", "exec", n.a, "tcpdump", "-L", "-i", iface).CombinedOutput()
			if err != nil {
				t.Skipf("tcpdump -L: %v", err)
			}
			want := strings.ReplaceAll(string(out), " (printing not supported)", "")
			var types []layers.LinkType
			inNS(t, n.a, func() error {
				var err error
				types, err = afpacket.LinkTypes(iface)
				return err
			})
			got := fmt.Sprintf("Data link types for %s (use option -y to set):\n", iface)
			for _, lt := range types {
				name, descr, ok := linktype.Name(lt)
				if !ok {
					t.Fatalf("link type %d has no name", lt)
				}
				got += fmt.Sprintf("  %s (%s)\n", name, descr)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-tcpdump -L +ours):\n%s", diff)
			}
		})
	}
}

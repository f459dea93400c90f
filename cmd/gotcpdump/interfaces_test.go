package main

import (
	"errors"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// notNetworkDevice matches tcpdump -D's lines for libpcap capture sources
// that are not network interfaces (bluetooth, netfilter, D-Bus, USB),
// which gotcpdump does not capture from. They come after the network
// interfaces, so the numbering of those is the same.
var notNetworkDevice = regexp.MustCompile(`^\d+\.(bluetooth|nflog|nfqueue|dbus-|usbmon|rdma|dpdk)`)

// TestListsLikeTcpdump compares gotcpdump -D with tcpdump -D, and -L with
// tcpdump -L for every interface listed, on this machine.
func TestListsLikeTcpdump(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("interface lists are Linux's")
	}
	if !haveTcpdump() {
		t.Skip("tcpdump is not installed")
	}
	out, err := exec.Command("tcpdump", "-D").Output()
	if err != nil {
		t.Skipf("tcpdump -D: %v", err)
	}
	var want []string
	for _, line := range strings.SplitAfter(string(out), "\n") {
		if line != "" && !notNetworkDevice.MatchString(line) {
			want = append(want, line)
		}
	}
	code, got, errOut := runCommand("-D")
	if code != 0 {
		t.Fatalf("gotcpdump -D: exit %d: %s", code, errOut)
	}
	if diff := cmp.Diff(want, strings.SplitAfter(got, "\n")[:len(strings.SplitAfter(got, "\n"))-1]); diff != "" {
		t.Errorf("-D differs from tcpdump's (-tcpdump +ours):\n%s", diff)
	}
	for _, line := range want {
		name, _, _ := strings.Cut(line[strings.IndexByte(line, '.')+1:], " ")
		name = strings.TrimSuffix(name, "\n")
		// tcpdump writes the list, and its errors, to standard error.
		var stderr strings.Builder
		cmd := exec.Command("tcpdump", "-L", "-i", name)
		cmd.Stderr = &stderr
		wantCode := 0
		if err := cmd.Run(); err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("tcpdump -L -i %s: %v", name, err)
			}
			wantCode = ee.ExitCode()
		}
		if strings.Contains(stderr.String(), "ermission") {
			t.Logf("tcpdump -L -i %s needs root: %s", name, stderr.String())
			continue
		}
		code, _, got := runCommand("-L", "-i", name)
		want := strings.Replace(stderr.String(), "tcpdump: ", "gotcpdump: ", 1)
		if code != wantCode || got != want {
			t.Errorf("-L -i %s: exit %d, tcpdump's %d (-tcpdump +ours):\n%s", name, code, wantCode, cmp.Diff(want, got))
		}
	}
}

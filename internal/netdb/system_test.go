package netdb_test

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gotcpdump/gotcpdump/internal/netdb"
)

// getent runs getent(1) on one key and returns the fields of its answer,
// or nil when it finds nothing.
func getent(t *testing.T, database, key string) []string {
	t.Helper()
	out, err := exec.Command("getent", database, key).Output()
	if exit := (*exec.ExitError)(nil); errors.As(err, &exit) && exit.ExitCode() == 2 {
		return nil
	}
	if err != nil {
		t.Fatalf("getent %s %s: %v", database, key, err)
	}
	return strings.Fields(string(out))
}

// systemFile returns a file of this machine, skipping the test when it or
// getent is missing.
func systemFile(t *testing.T, path string) []byte {
	t.Helper()
	if _, err := exec.LookPath("getent"); err != nil {
		t.Skip("getent is not installed: cannot compare with the C library")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("no %s to compare with the C library: %v", path, err)
	}
	return data
}

// namesIn returns every name and alias of a netdb file whose first field
// is a name, in file order.
func namesIn(data []byte, aliasesFrom int) []string {
	var names []string
	for line := range strings.Lines(string(data)) {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) > aliasesFrom {
			names = append(names, f[0])
			names = append(names, f[aliasesFrom:]...)
		}
	}
	return names
}

// TestSystemServices compares every name, alias and port of this
// machine's /etc/services, read by ParseServices, with getservbyname and
// getservbyport through getent.
func TestSystemServices(t *testing.T) {
	data := systemFile(t, "/etc/services")
	services := netdb.ParseServices(data)
	ports := map[string]bool{}
	for _, name := range namesIn(data, 2) {
		for _, proto := range []string{"tcp", "udp"} {
			t.Run(name+"/"+proto, func(t *testing.T) {
				want := ""
				if f := getent(t, "services", name+"/"+proto); f != nil {
					port, _, _ := strings.Cut(f[1], "/")
					want = port
					ports[f[1]] = true
				}
				got := ""
				if port, ok := services.Port(name, proto); ok {
					got = strconv.Itoa(int(port))
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("port of %s/%s (-getent +ours):\n%s", name, proto, diff)
				}
			})
		}
	}
	for portProto := range ports {
		t.Run(portProto, func(t *testing.T) {
			want := getent(t, "services", portProto)[0]
			port, proto, _ := strings.Cut(portProto, "/")
			n, _ := strconv.ParseUint(port, 10, 16)
			got, _ := services.Name(uint16(n), proto)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("name of %s (-getent +ours):\n%s", portProto, diff)
			}
		})
	}
}

// TestSystemProtocols compares every name, alias and number of this
// machine's /etc/protocols with getprotobyname and getprotobynumber.
func TestSystemProtocols(t *testing.T) {
	data := systemFile(t, "/etc/protocols")
	protocols := netdb.ParseProtocols(data)
	numbers := map[string]bool{}
	for _, name := range namesIn(data, 2) {
		t.Run(name, func(t *testing.T) {
			want := ""
			if f := getent(t, "protocols", name); f != nil {
				want = f[1]
				numbers[f[1]] = true
			}
			got := ""
			if n, ok := protocols.Number(name); ok {
				got = strconv.Itoa(n)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("number of %s (-getent +ours):\n%s", name, diff)
			}
		})
	}
	for number := range numbers {
		t.Run(number, func(t *testing.T) {
			want := getent(t, "protocols", number)[0]
			n, _ := strconv.Atoi(number)
			got, _ := protocols.Name(n)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("name of %s (-getent +ours):\n%s", number, diff)
			}
		})
	}
}

// TestSystemNetworks compares every name of this machine's /etc/networks
// with getnetbyname.
func TestSystemNetworks(t *testing.T) {
	data := systemFile(t, "/etc/networks")
	networks := netdb.ParseNetworks(data)
	for _, name := range namesIn(data, 2) {
		t.Run(name, func(t *testing.T) {
			want := ""
			if f := getent(t, "networks", name); f != nil {
				want = f[1]
			}
			got := ""
			if n, ok := networks.Number(name); ok {
				got = ip4(n)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("network %s (-getent +ours):\n%s", name, diff)
			}
		})
	}
}

// TestSystemAgainstTcpdump resolves names with System and checks the
// answers with tcpdump and getent on this machine's own files.
func TestSystemAgainstTcpdump(t *testing.T) {
	for _, tool := range []string{"tcpdump", "getent"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	db := netdb.System()
	queries := map[string][]string{
		"port":      {"ftp", "domain", "ssh", "no-such-service"},
		"portrange": {"ftp-data-ftp", "ftp-ssh"},
		"ipproto":   {"tcp", "udp", "icmp", "no-such"},
		"net":       {"loopback", "link-local", "no-such"},
		"ether":     {"no-such"},
		"host":      {"localhost", "127.1"},
	}
	var keys [][2]string
	answers := map[[2]string]string{}
	for kind, names := range queries {
		for _, name := range names {
			k := [2]string{kind, name}
			keys = append(keys, k)
			answers[k] = answer(db, kind, name)
		}
	}
	verifyAnswers(t, nil, keys, answers)
}

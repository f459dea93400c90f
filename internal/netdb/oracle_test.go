package netdb_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gotcpdump/gotcpdump/internal/netdb"
)

// Regenerate testdata/oracle.tsv with tcpdump and getent, as root:
//
//	go test ./internal/netdb -run TestOracle -update
var update = flag.Bool("update", false, "regenerate testdata/oracle.tsv with tcpdump and getent (needs root)")

const oracleGolden = "testdata/oracle.tsv"

// oracleQueries are the names looked up, by kind: the fixtures' names,
// the quirk lines of testdata/quirks and the corner cases of the C
// library's number parsing.
var oracleQueries = []struct {
	kind  string
	names []string
}{
	{"port", []string{
		"ftp", "domain", "fsp", "echo", "ssh", "ftp-data", "http", "www", "FTP", "no-such-service",
		"21", "0", "65535", "65536", "70000", "+21", "-1", "-2", "-4294967296", "4294967296",
		"2147483648", "2147483647", "18446744073709551617", "0x15",
		"tcpudp-diff", "udp-only", "udp-only-alias", "dup-name", "big-port", "neg-port", "hex-port",
		"noproto-port", "space-port", "plus-port", "Alias-Case", "alias-case", "alias-case-lower",
		"comment", "comment#port", "indented", "crlf-port", "sctp-only", "late-alias", "num-name",
		"22", "trailing-slash",
	}},
	{"portrange", []string{
		"ftp-data-ftp", "20-21", "21-20", "ftp-ssh", "ftp-domain", "domain-domain", "fsp-fsp",
		"fsp-ftp", "1-2-3", "20-21.5", "99999999999-1", "9223372036854775808-2", "+5--3", "-5-3",
		"ftp-", "-ftp", "1-", "ftp-70000", "ftp--2", "ftp-4294967296", "x", "21", "-", "ftp-no-such",
		"0-65536", "65536-1", "tcpudp-diff-domain", "0x10-0x20",
	}},
	{"ipproto", []string{
		"tcp", "TCP", "Tcp", "udp", "icmp", "ipv6-icmp", "IPv6-ICMP", "ip", "IP", "hopopt", "no-such",
		"quirk-big", "QUIRK-BIG", "quirk-neg", "quirk-hex", "quirk-indented", "quirk-dup", "tcp-again",
		"quirk-slash", "6",
	}},
	{"linkproto", []string{
		"aarp", "arp", "atalk", "decnet", "ip", "ip6", "lat", "loopback", "mopdl", "moprc", "rarp",
		"sca", "iso", "stp", "ipx", "netbeui", "lldp", "slow", "IP", "ARP", "no-such",
	}},
	{"osiproto", []string{"clnp", "esis", "isis", "CLNP", "es-is", "is-is", "no-such"}},
	{"net", []string{
		"net-10-0-0-0.libpcap.test", "net-10-20-0-0.libpcap.test", "net-10-20-30-0.libpcap.test",
		"NET-10-0-0-0.LIBPCAP.TEST", "short-net", "two-part", "octal-net", "hex-net", "hexx-net",
		"bad-net", "bad-octal", "zero-net", "low-net", "five-part", "wrap-net", "MixedCase",
		"mixedcase", "mixed-alias", "MIXED-ALIAS", "indented-net", "dup-net", "no-such", "loopback",
	}},
	{"ether", []string{
		"eth-ipv4-ipv6.host123.libpcap.test", "ETH-IPV4-IPV6.HOST123.LIBPCAP.TEST",
		"eth-ipv4x4-ipv6x2.host357.libpcap.test", "noeth-ipv4-ipv6.host123.libpcap.test",
		"short-digits", "upper-name", "UPPER-Name", "hex-prefixed", "too-big", "dashes",
		"indented-ether", "first-wins", "long-last", "two", "names", "negative", "no-such",
	}},
	{"host", []string{
		"eth-ipv4-ipv6.host123.libpcap.test", "noeth-noipv4-ipv6.host123.libpcap.test",
		"noeth-ipv4-noipv6.host123.libpcap.test", "eth-noipv4-noipv6.host123.libpcap.test",
		"eth-ipv4x4-ipv6x2.host357.libpcap.test", "eth-noipv4-ipv6x2.host357.libpcap.test",
		"eth-ipv4x4-noipv6.host357.libpcap.test", "ETH-IPV4-IPV6.HOST123.LIBPCAP.TEST",
		"mixedcasehost", "mixed-alias-host", "dup-host", "indented-host",
		"10.1", "0x7f000001", "127.1", "0177.0.0.1", "1.2.3.4", "::1", "fd00::1", "::ffff:1.2.3.4",
		"1.2.3.4.5", "256.1.1.1", "0x100000000", "1.0x10000", "1.2.0x10000", "08.1.1.1",
		"no-such.libpcap.test",
	}},
}

// oracleFiles returns the /etc files the oracle runs with and the DB
// that reads the same: netbase's services and protocols and libpcap's test
// fixtures, each followed by testdata/quirks.
func oracleFiles(t *testing.T) (map[string][]byte, *netdb.DB) {
	t.Helper()
	sources := map[string]string{
		"services": "netbase/services", "protocols": "netbase/protocols",
		"hosts": "netdbtest/hosts", "ethers": "netdbtest/ethers", "networks": "netdbtest/networks",
	}
	files := map[string][]byte{}
	for name, base := range sources {
		a, err := os.ReadFile(base)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join("testdata/quirks", name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = append(a, b...)
	}
	db := netdb.New(netdb.Files{
		Services: files["services"], Protocols: files["protocols"],
		Networks: files["networks"], Ethers: files["ethers"],
	}, netdb.ParseHosts(files["hosts"]))
	return files, db
}

// answer is what db resolves a name of a kind to, in the golden file's
// words.
func answer(db *netdb.DB, kind, name string) string {
	var s string
	var err error
	switch kind {
	case "port":
		var p netdb.Port
		p, err = db.Port(name)
		s = fmt.Sprintf("%v %d", p.Transport, p.Number)
	case "portrange":
		var r netdb.PortRange
		r, err = db.PortRange(name)
		s = fmt.Sprintf("%v %d %d", r.Transport, r.First, r.Last)
	case "ipproto":
		var n int
		n, err = db.IPProtocol(name)
		s = fmt.Sprint(n)
	case "linkproto":
		n, ok := netdb.LinkProtocol(name)
		s, err = fmt.Sprintf("0x%04x", n), found(ok)
	case "osiproto":
		n, ok := netdb.OSIProtocol(name)
		s, err = fmt.Sprintf("0x%02x", n), found(ok)
	case "net":
		var addr, mask uint32
		addr, mask, err = db.Network(name)
		s = ip4(addr) + "/" + ip4(mask)
	case "ether":
		var mac [6]byte
		mac, err = db.EtherHost(name)
		s = fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5])
	case "host":
		var addrs []netip.Addr
		addrs, err = db.Host(context.Background(), name)
		s = addrSet(addrs)
	default:
		panic("unknown kind " + kind)
	}
	if errors.Is(err, netdb.ErrNotFound) {
		return "unknown"
	}
	if err != nil {
		return "error " + err.Error()
	}
	return s
}

func found(ok bool) error {
	if !ok {
		return netdb.ErrNotFound
	}
	return nil
}

func ip4(v uint32) string {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}).String()
}

// addrSet is a set of addresses sorted, as the order getaddrinfo and a
// resolver give does not change what a program matches.
func addrSet(addrs []netip.Addr) string {
	var s []string
	for _, a := range addrs {
		s = append(s, a.String())
	}
	slices.Sort(s)
	return strings.Join(slices.Compact(s), " ")
}

// TestOracle checks every lookup against testdata/oracle.tsv and, where
// tcpdump, getent and root are at hand, checks that file against libpcap
// and glibc running with the same /etc files.
func TestOracle(t *testing.T) {
	files, db := oracleFiles(t)
	got := map[[2]string]string{}
	var keys [][2]string
	for _, q := range oracleQueries {
		for _, name := range q.names {
			k := [2]string{q.kind, name}
			got[k] = answer(db, q.kind, name)
			keys = append(keys, k)
		}
	}

	if *update {
		if reason := oracleUnavailable(); reason != "" {
			t.Fatalf("-update: %s", reason)
		}
		verifyAnswers(t, files, keys, got)
		if t.Failed() {
			t.Fatal("testdata/oracle.tsv not written")
		}
		var b bytes.Buffer
		b.WriteString("# kind\tname\tanswer: libpcap 1.10.3 and glibc with netbase and testdata/quirks (go test -run TestOracle -update)\n")
		for _, k := range keys {
			fmt.Fprintf(&b, "%s\t%s\t%s\n", k[0], k[1], got[k])
		}
		if err := os.WriteFile(oracleGolden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}

	want := readGolden(t)
	if reason := oracleUnavailable(); reason != "" {
		t.Logf("not checking %s against libpcap: %s", oracleGolden, reason)
	} else {
		verifyAnswers(t, files, keys, want)
	}
	for _, k := range keys {
		t.Run(k[0]+"/"+k[1], func(t *testing.T) {
			w, ok := want[k]
			if !ok {
				t.Fatalf("not in %s; run with -update", oracleGolden)
			}
			if diff := cmp.Diff(w, got[k]); diff != "" {
				t.Errorf("%s %q (-libpcap +ours):\n%s", k[0], k[1], diff)
			}
		})
	}
}

func readGolden(t *testing.T) map[[2]string]string {
	t.Helper()
	data, err := os.ReadFile(oracleGolden)
	if err != nil {
		t.Fatal(err)
	}
	want := map[[2]string]string{}
	for line := range strings.Lines(string(data)) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(strings.TrimSuffix(line, "\n"), "\t", 3)
		if len(f) != 3 {
			t.Fatalf("%s: bad line %q", oracleGolden, line)
		}
		want[[2]string{f[0], f[1]}] = f[2]
	}
	return want
}

// oracleUnavailable says why libpcap and glibc cannot be run with the
// fixture files, or "" when they can.
func oracleUnavailable() string {
	if os.Geteuid() != 0 {
		return "needs root to mount the fixture files over /etc in a private namespace"
	}
	for _, tool := range []string{"tcpdump", "getent", "unshare"} {
		if _, err := exec.LookPath(tool); err != nil {
			return tool + " is not installed"
		}
	}
	return ""
}

// verifyAnswers checks answers against the oracles: for every name but a
// host, tcpdump must compile the expression naming it exactly as the one
// with the answer's number (or fail with libpcap's message for an unknown
// name); a host's addresses must be getaddrinfo's.
func verifyAnswers(t *testing.T, files map[string][]byte, keys [][2]string, answers map[[2]string]string) {
	t.Helper()
	type check struct {
		key         [2]string
		expr, equiv string // equiv is "" when expr must fail with msg
		msg         string
	}
	var checks []check
	var exprs, hostNames []string
	for _, k := range keys {
		a, ok := answers[k]
		if !ok {
			t.Errorf("%s %q: no answer to check", k[0], k[1])
			continue
		}
		if k[0] == "host" {
			hostNames = append(hostNames, k[1])
			continue
		}
		c := check{key: k}
		c.expr, c.equiv, c.msg = libpcapEquivalent(k[0], k[1], a)
		checks = append(checks, c)
		exprs = append(exprs, c.expr)
		if c.equiv != "" {
			exprs = append(exprs, c.equiv)
		}
	}
	dumps, ahosts := runOracle(t, files, exprs, hostNames)
	for _, c := range checks {
		got := dumps[c.expr]
		if c.equiv == "" {
			if want := "tcpdump: " + c.msg + "\n"; got != want {
				t.Errorf("%s %q = %q, but tcpdump -d %q says:\n%s", c.key[0], c.key[1], answers[c.key], c.expr, got)
			}
			continue
		}
		if strings.HasPrefix(got, "tcpdump: ") || got != dumps[c.equiv] {
			t.Errorf("%s %q = %q, but tcpdump -d %q differs from -d %q:\n%s", c.key[0], c.key[1], answers[c.key], c.expr, c.equiv,
				cmp.Diff(dumps[c.equiv], got))
		}
	}
	for _, name := range hostNames {
		if want, got := ahosts[name], answers[[2]string{"host", name}]; got != want {
			t.Errorf("host %q = %q, getaddrinfo says %q", name, got, want)
		}
	}
}

// libpcapEquivalent returns the expression that names name as a kind and
// either an expression libpcap must compile identically, given the
// answer, or the error libpcap must report.
func libpcapEquivalent(kind, name, answer string) (expr, equiv, msg string) {
	f := strings.Fields(answer)
	qualifier := func(transport string) string {
		if transport == "any" {
			return ""
		}
		return transport + " "
	}
	unknown := answer == "unknown"
	switch kind {
	case "port":
		expr = `port \` + name
		if unknown {
			return expr, "", fmt.Sprintf("unknown port '%s'", name)
		}
		return expr, qualifier(f[0]) + "port " + f[1], ""
	case "portrange":
		expr = `portrange \` + name
		if unknown {
			return expr, "", fmt.Sprintf("unknown port in range '%s'", name)
		}
		var first, last int
		fmt.Sscan(f[1]+" "+f[2], &first, &last)
		for _, p := range []int{first, last} {
			if p < 0 {
				return expr, "", fmt.Sprintf("illegal port number %d < 0", p)
			}
			if p > 65535 {
				return expr, "", fmt.Sprintf("illegal port number %d > 65535", p)
			}
		}
		return expr, fmt.Sprintf("%sportrange %d-%d", qualifier(f[0]), first, last), ""
	case "ipproto":
		expr = `ip proto \` + name
		if unknown {
			return expr, "", fmt.Sprintf("unknown ip proto '%s'", name)
		}
		return expr, "ip proto " + answer, ""
	case "linkproto":
		expr = `ether proto \` + name
		if unknown {
			return expr, "", fmt.Sprintf("unknown ether proto '%s'", name)
		}
		return expr, "ether proto " + answer, ""
	case "osiproto":
		expr = `iso proto \` + name
		if unknown {
			return expr, "", fmt.Sprintf("unknown osi proto '%s'", name)
		}
		return expr, "iso proto " + answer, ""
	case "net":
		expr = `net \` + name
		if unknown {
			return expr, "", fmt.Sprintf("unknown network '%s'", name)
		}
		addr, mask, _ := strings.Cut(answer, "/")
		return expr, "net " + addr + " mask " + mask, ""
	case "ether":
		expr = `ether host \` + name
		if unknown {
			return expr, "", fmt.Sprintf("unknown ether host '%s'", name)
		}
		return expr, "ether host " + answer, ""
	}
	panic("unknown kind " + kind)
}

// runOracle runs "tcpdump -d" on each expression and "getent ahosts" on
// each host name, in a private mount namespace whose /etc has files in
// place of the machine's, or on the machine's own /etc when files is nil.
// It returns tcpdump's output by expression and the sorted addresses
// getaddrinfo finds (or "unknown") by host name.
func runOracle(t *testing.T, files map[string][]byte, exprs, hostNames []string) (map[string]string, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for _, sub := range []string{"etc", "fixture"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range files {
		write(filepath.Join("fixture", name), data)
	}
	write("exprs", []byte(strings.Join(exprs, "\n")+"\n"))
	write("hosts", []byte(strings.Join(hostNames, "\n")+"\n"))
	const mountFixtures = `set -e
mount --make-rprivate /
mount -t tmpfs tmpfs "$1/etc"
cp -a /etc/. "$1/etc/"
cp "$1"/fixture/* "$1/etc/"
mount --bind "$1/etc" /etc
set +e
`
	const run = `while IFS= read -r e; do tcpdump -y EN10MB -d "$e" 2>&1; echo "@@end@@"; done < "$1/exprs" > "$1/dumps"
while IFS= read -r h; do getent -A ahosts "$h"; echo "@@end@@ $?"; done < "$1/hosts" > "$1/ahosts"
`
	cmd := exec.Command("sh", "-c", run, "sh", dir)
	if files != nil {
		cmd = exec.Command("unshare", "-m", "sh", "-c", mountFixtures+run, "sh", dir)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("run the oracle: %v\n%s", err, out)
	}
	dumps := map[string]string{}
	for i, out := range splitOutputs(t, filepath.Join(dir, "dumps"), len(exprs)) {
		dumps[exprs[i]] = out
	}
	ahosts := map[string]string{}
	for i, out := range splitOutputs(t, filepath.Join(dir, "ahosts"), len(hostNames)) {
		ahosts[hostNames[i]] = parseAhosts(out)
	}
	return dumps, ahosts
}

// splitOutputs splits a file of outputs each ended by an "@@end@@" line,
// keeping what follows the marker on the last line of each.
func splitOutputs(t *testing.T, path string, n int) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var outs []string
	var cur strings.Builder
	s := bufio.NewScanner(bytes.NewReader(data))
	for s.Scan() {
		line := s.Text()
		if rest, ok := strings.CutPrefix(line, "@@end@@"); ok {
			cur.WriteString(rest)
			outs = append(outs, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteString(line + "\n")
	}
	if len(outs) != n {
		t.Fatalf("%s: %d outputs, want %d", path, len(outs), n)
	}
	return outs
}

// parseAhosts reads getent ahosts' output and exit status: the set of
// addresses of its STREAM lines, or "unknown".
func parseAhosts(out string) string {
	lines := strings.Split(out, "\n")
	if strings.TrimSpace(lines[len(lines)-1]) != "0" {
		return "unknown"
	}
	var addrs []netip.Addr
	for _, line := range lines[:len(lines)-1] {
		f := strings.Fields(line)
		if len(f) >= 2 && f[1] == "STREAM" {
			addrs = append(addrs, netip.MustParseAddr(f[0]))
		}
	}
	return addrSet(addrs)
}

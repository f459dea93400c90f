package lower

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
	"github.com/gotcpdump/gotcpdump/internal/linktype"
)

// The listings of libpcap's unoptimised programs are golden files under
// testdata: "-- DLT: EXPR" (or "-- DLT live: EXPR") heads each one, then
// tcpdump's -ddd text or "error: " and libpcap's message. -update
// regenerates them with libpcap 1.10.3: pcap-oracle -O -d -y DLT EXPR
// for capture files, and tcpdump -O -ddd -i IFACE EXPR on a veth inside a
// private network namespace (unshare -rn) for live captures.

// update regenerates the package's golden files from libpcap; each test
// says with which command.
var update = flag.Bool("update", false, "regenerate the golden files with libpcap")

// oracleSnapLen is the snapshot length pcap-oracle and tcpdump compile
// for, which the golden files record.
const oracleSnapLen = 262144

// listingCase is an expression and the calls to the generators that
// libpcap's grammar makes for it.
type listingCase struct {
	dlt   string // libpcap's link-type name, as tcpdump -y takes it
	live  bool   // for a live Linux capture
	expr  string
	build func(c *Compiler) ir.Cond
}

func (lc listingCase) key() string {
	if lc.live {
		return lc.dlt + " live: " + lc.expr
	}
	return lc.dlt + ": " + lc.expr
}

// checkListings lowers every case and compares the unoptimised program,
// or the error, with libpcap's in testdata/name.
func checkListings(t *testing.T, name string, cases []listingCase) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := writeListings(path, cases); err != nil {
			t.Fatalf("regenerate %s: %v", path, err)
		}
	}
	want, err := readListings(path)
	if err != nil {
		t.Fatalf("%v (regenerate with: go test ./filterlang/internal/lower -run %s -update)", err, t.Name())
	}
	for _, lc := range cases {
		t.Run(lc.key(), func(t *testing.T) {
			w, ok := want[lc.key()]
			if !ok {
				t.Fatalf("no listing in %s: regenerate with -update", path)
			}
			checkGolden(t, lc.key(), w, lower(t, lc))
		})
	}
}

// lower compiles lc as Compile does without optimisation and returns the
// -ddd listing, or "error: " and the message.
func lower(t *testing.T, lc listingCase) string {
	t.Helper()
	lt, ok := linktype.Parse(lc.dlt)
	if !ok {
		t.Fatalf("unknown link type %q", lc.dlt)
	}
	dlt, _ := linktype.DLT(lt)
	c, err := New(Config{DLT: dlt, SnapLen: oracleSnapLen, Netmask: NetmaskUnknown, Live: lc.live})
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	var cond ir.Cond
	err = c.Run(func() { cond = c.Finish(lc.build(c)) })
	var ce *Error
	if errors.As(err, &ce) {
		return "error: " + ce.Msg + "\n"
	}
	if err != nil {
		t.Fatalf("unexpected error type %T: %v", err, err)
	}
	return ir.Emit(ir.Build(cond, oracleSnapLen, 0)).Format(cbpf.Decimal)
}

// ReadListings lets the tests that compile the listings' expressions
// from text read them. Every golden file of the package (testdata/*.listings
// and testdata/link/*.golden) has this format: "-- KEY" lines, each followed
// by libpcap's -ddd listing or "error: MESSAGE".
var ReadListings = readListings

func readListings(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read listings: %w", err)
	}
	out := map[string]string{}
	var key string
	var body strings.Builder
	flush := func() {
		if key != "" {
			out[key] = body.String()
		}
		body.Reset()
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "-- "):
			flush()
			key = strings.TrimPrefix(line, "-- ")
		default:
			body.WriteString(line + "\n")
		}
	}
	flush()
	return out, sc.Err()
}

func writeListings(path string, cases []listingCase) error {
	var buf bytes.Buffer
	buf.WriteString("# libpcap 1.10.3's unoptimised programs (-ddd), written by\n")
	buf.WriteString("# go test ./filterlang/internal/lower -update\n")
	for _, lc := range cases {
		listing, err := libpcapListing(lc)
		if err != nil {
			return err
		}
		fmt.Fprintf(&buf, "-- %s\n%s", lc.key(), listing)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// libpcapListing asks libpcap for lc's unoptimised program.
func libpcapListing(lc listingCase) (string, error) {
	var cmd *exec.Cmd
	if lc.live {
		if lc.dlt != "EN10MB" {
			return "", fmt.Errorf("%s: live listings are taken on a veth, which is EN10MB", lc.key())
		}
		script := `ip link add v0 type veth peer name v1 && ip link set v0 up && exec tcpdump -O -ddd -i v0 -- "$1"`
		cmd = exec.Command("unshare", "-rn", "sh", "-c", script, "sh", lc.expr)
	} else {
		cmd = exec.Command("pcap-oracle", "-O", "-d", "-y", lc.dlt, "--", lc.expr)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return stdout.String(), nil
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		msg := strings.TrimSpace(stderr.String())
		msg = strings.TrimPrefix(msg, "tcpdump: ")
		return "error: " + msg + "\n", nil
	}
	return "", fmt.Errorf("%s: %v: %s", cmd, err, stderr.String())
}

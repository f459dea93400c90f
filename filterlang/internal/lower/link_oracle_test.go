package lower

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
	"github.com/gotcpdump/gotcpdump/internal/linktype"
)

// The link-layer generators are checked against libpcap 1.10.3's
// unoptimised programs, kept in testdata/link/*.golden: "-- KEY" heads
// each, then the -ddd listing or "error: " and libpcap's message. -update
// regenerates them: pcap-oracle -O -d -y DLT [-m NETMASK] EXPR for a dead
// handle (what tcpdump -d -y compiles for), and tcpdump -O -ddd -r FILE
// EXPR for a capture file, FILE being a pcap header of the link type, in
// this machine's byte order or the other.
//
//	go test ./filterlang/internal/lower -run 'TestLink' -update

// linkCase is an expression on a link type and the calls to the
// generators libpcap's grammar makes for it.
type linkCase struct {
	// dlt is libpcap's link-type name (-y), or the LINKTYPE_ number of a
	// link type libpcap has no name for (file cases only).
	dlt     string
	file    bool   // compile for a capture file
	swapped bool   // a capture file in the other byte order
	netmask uint32 // for a dead handle; 0 is unknown. A file's is 0.
	expr    string
	build   func(c *Compiler) ir.Cond
}

func (lc linkCase) key() string {
	k := lc.dlt
	switch {
	case lc.swapped:
		k += " swapped file"
	case lc.file:
		k += " file"
	case lc.netmask != 0:
		k += fmt.Sprintf(" netmask %#x", lc.netmask)
	}
	return k + ": " + lc.expr
}

func (lc linkCase) config() (Config, error) {
	lt, err := lc.linkType()
	if err != nil {
		return Config{}, err
	}
	dlt, ok := linktype.DLT(lt)
	if !ok {
		dlt = int(lt) // libpcap keeps values it does not map
	}
	cfg := Config{DLT: dlt, SnapLen: oracleSnapLen, Netmask: NetmaskUnknown, File: lc.file || lc.swapped, Swapped: lc.swapped}
	switch {
	case cfg.File:
		cfg.Netmask = 0 // tcpdump's for a file
	case lc.netmask != 0:
		cfg.Netmask = lc.netmask
	}
	return cfg, nil
}

func (lc linkCase) linkType() (layers.LinkType, error) {
	if lt, ok := linktype.Parse(lc.dlt); ok {
		return lt, nil
	}
	n, err := strconv.ParseUint(lc.dlt, 10, 16)
	if err != nil {
		return 0, fmt.Errorf("unknown link type %q", lc.dlt)
	}
	return layers.LinkType(n), nil
}

// checkLinkCases lowers every case and compares the unoptimised program,
// or the error, with libpcap's in testdata/link/name.
func checkLinkCases(t *testing.T, name string, cases []linkCase) {
	t.Helper()
	path := filepath.Join("testdata", "link", name)
	if *update {
		for _, tool := range []string{"pcap-oracle", "tcpdump"} {
			if _, err := exec.LookPath(tool); err != nil {
				t.Skipf("-update needs %s (libpcap 1.10.3; build the oracle with ../shared/tools/build-oracle.sh): %v", tool, err)
			}
		}
		if err := writeLinkGolden(path, cases); err != nil {
			t.Fatalf("regenerate %s: %v", path, err)
		}
	}
	want, err := readListings(path)
	if err != nil {
		t.Fatalf("%v (regenerate with: go test ./filterlang/internal/lower -run %s -update)", err, t.Name())
	}
	seen := map[string]bool{}
	for _, lc := range cases {
		if seen[lc.key()] {
			t.Fatalf("case %q listed twice", lc.key())
		}
		seen[lc.key()] = true
		t.Run(lc.key(), func(t *testing.T) {
			w, ok := want[lc.key()]
			if !ok {
				t.Fatalf("no listing in %s: regenerate with -update", path)
			}
			checkGolden(t, lc.key(), w, lowerLinkCase(t, lc))
		})
	}
}

// lowerLinkCase compiles lc without optimisation and returns the -ddd
// listing, or "error: " and the message.
func lowerLinkCase(t *testing.T, lc linkCase) string {
	t.Helper()
	cfg, err := lc.config()
	if err != nil {
		t.Fatal(err)
	}
	var cond ir.Cond
	c, err := New(cfg)
	if err == nil {
		err = c.Run(func() { cond = c.Finish(lc.build(c)) })
	}
	var ce *Error
	if errors.As(err, &ce) {
		return "error: " + ce.Msg + "\n"
	}
	if err != nil {
		t.Fatalf("error of type %T: %v", err, err)
	}
	return ir.Emit(ir.Build(cond, oracleSnapLen, 0)).Format(cbpf.Decimal)
}

func writeLinkGolden(path string, cases []linkCase) error {
	dir, err := os.MkdirTemp("", "lower-link")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var buf bytes.Buffer
	buf.WriteString("# libpcap 1.10.3's unoptimised programs (-ddd), written by\n")
	buf.WriteString("# go test ./filterlang/internal/lower -run 'TestLink' -update\n")
	for _, lc := range cases {
		listing, err := libpcapLinkListing(lc, dir)
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

// libpcapLinkListing asks libpcap for lc's unoptimised program; dir
// holds the capture files of file cases.
func libpcapLinkListing(lc linkCase, dir string) (string, error) {
	var cmd *exec.Cmd
	if lc.file || lc.swapped {
		lt, err := lc.linkType()
		if err != nil {
			return "", err
		}
		file, err := writePcapHeader(dir, lt, lc.swapped)
		if err != nil {
			return "", err
		}
		cmd = exec.Command("tcpdump", "-O", "-ddd", "-r", file, "--", lc.expr)
	} else {
		args := []string{"-O", "-d", "-y", lc.dlt}
		if lc.netmask != 0 {
			args = append(args, "-m", strconv.FormatUint(uint64(lc.netmask), 10))
		}
		cmd = exec.Command("pcap-oracle", append(args, "--", lc.expr)...)
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
		if i := strings.LastIndex(msg, "\ntcpdump: "); i >= 0 {
			msg = msg[i+1:] // after "reading from file ..."
		}
		return "error: " + strings.TrimPrefix(msg, "tcpdump: ") + "\n", nil
	}
	return "", fmt.Errorf("%s: %v: %s", cmd, err, stderr.String())
}

// writePcapHeader writes an empty pcap file of link type lt, in this
// machine's byte order or, when swapped, the other, and returns its path.
func writePcapHeader(dir string, lt layers.LinkType, swapped bool) (string, error) {
	var order binary.ByteOrder = binary.NativeEndian
	name := fmt.Sprintf("%d.pcap", lt)
	if swapped {
		name = fmt.Sprintf("%d-swapped.pcap", lt)
		if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 {
			order = binary.BigEndian
		} else {
			order = binary.LittleEndian
		}
	}
	hdr := make([]byte, 24)
	order.PutUint32(hdr[0:], 0xa1b2c3d4)
	order.PutUint16(hdr[4:], 2)
	order.PutUint16(hdr[6:], 4)
	order.PutUint32(hdr[16:], oracleSnapLen)
	order.PutUint32(hdr[20:], uint32(lt))
	path := filepath.Join(dir, name)
	return path, os.WriteFile(path, hdr, 0o644)
}

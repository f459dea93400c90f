package lower_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gotcpdump/gotcpdump/capture"
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/lower"
	"github.com/gotcpdump/gotcpdump/internal/linktype"
)

// The generators that follow libpcap master (switch tags, MTP2/MTP3,
// BACnet MS/TP addresses, 802.11 tests on PPI, the fixes of
// masterChanges) are checked two ways:
// against master's unoptimised programs from its accept tests, kept in
// testdata/master.listings, and against master's apply tests over its
// captures (TestMasterApply). -update regenerates the listings from the
// accept tests in ../shared:
//
//	go test ./filterlang/internal/lower -run TestMasterListings -update

// updating reports the -update flag, which the package's internal tests
// define.
func updating() bool { return flag.Lookup("update").Value.(flag.Getter).Get().(bool) }

// masterTests is libpcap master's filter test suite, read in place.
var masterTests = filepath.Join("..", "..", "..", "..", "shared", "pcaps", "libpcap-filter-tests")

const masterListings = "testdata/master.listings"

// masterBlockDLTs are the link types whose accept tests go into
// master.listings, with, for some, the expressions' keywords: 802.11
// tests on PPI, and the programs master fixed on SLIP and ARCnet.
var masterBlockDLTs = map[string][]string{
	"DSA_TAG_BRCM": nil, "DSA_TAG_DSA": nil, "MTP2": nil, "BACNET_MS_TP": nil,
	"PPI":  {"wlan", "type", "subtype", "dir"},
	"SLIP": {"inbound", "outbound"}, "ARCNET": {"proto"}, "ARCNET_LINUX": {"proto"},
}

// masterExact says which programs must equal master's instruction for
// instruction: those of the generators written from master's (MTP2 and
// MTP3, MS/TP addresses, the switch tags' direction, 802.11 tests on
// PPI). The others are compared by their verdicts: they come from
// generators that keep libpcap 1.10.3's code, which master has reworded
// (relations, protocol checks), here applied at the switch tags' offsets.
// DPC tests too: 1.10.3 loads a DPC with a 32-bit load where master has a
// 16-bit one, so that they differ on frames that end within the 32 bits,
// which master accepts or rejects by their DPC and 1.10.3 rejects (see
// dpcLoads).
func masterExact(dlt, expr string) bool {
	switch f := strings.Fields(expr); {
	case dlt == "MTP2":
		return f[0] != "dpc" && f[0] != "hdpc"
	case dlt == "BACNET_MS_TP", dlt == "PPI", dlt == "SLIP", dlt == "ARCNET", dlt == "ARCNET_LINUX":
		return true
	default:
		return expr == "inbound" || expr == "outbound"
	}
}

func TestMasterListings(t *testing.T) {
	if updating() {
		if err := writeMasterListings(); errors.Is(err, os.ErrNotExist) {
			t.Skipf("-update needs libpcap's accept tests in %s: %v", masterTests, err)
		} else if err != nil {
			t.Fatal(err)
		}
	}
	listings, keys, err := readMasterListings(masterListings)
	if err != nil {
		t.Fatalf("%v (regenerate with -update)", err)
	}
	for _, key := range keys {
		t.Run(key, func(t *testing.T) {
			head, expr, _ := strings.Cut(key, ": ")
			dlt, snap, _ := strings.Cut(head, " snaplen ")
			var snapLen uint32 // 0: the default
			if snap != "" {
				n, err := strconv.ParseUint(snap, 10, 32)
				if err != nil {
					t.Fatalf("bad snapshot length in %q: %v", key, err)
				}
				snapLen = uint32(n)
			}
			want, err := cbpf.Parse(listings[key])
			if err != nil {
				t.Fatalf("parse libpcap's listing: %v", err)
			}
			got := compileUnoptimised(t, dlt, snapLen, expr)
			if got == nil {
				return
			}
			if masterExact(dlt, expr) {
				if diff := cmp.Diff(want.Format(cbpf.Text), got.Format(cbpf.Text)); diff != "" {
					t.Fatalf("program differs from libpcap master's (-master +ours):\n%s", diff)
				}
				return
			}
			if strings.Contains(expr, "ip multicast") {
				t.Skip("libpcap master's ip multicast is 224/4 only; this compiler keeps 1.10.3's 224/3 (class E too), as cast.golden checks")
			}
			sameVerdicts(t, want, *got, dpcLoads(dlt, expr))
		})
	}
}

// compileUnoptimised compiles expr for a dead handle of link type dlt as
// tcpdump -O -d -y [-s snapLen] does, or returns nil after skipping a
// case the compiler does not do yet.
func compileUnoptimised(t *testing.T, dlt string, snapLen uint32, expr string) *cbpf.Program {
	t.Helper()
	lt, ok := linktype.Parse(dlt)
	if !ok {
		t.Fatalf("unknown link type %s", dlt)
	}
	p, err := filterlang.Compile(expr, filterlang.Options{LinkType: lt, SnapLen: snapLen, Netmask: filterlang.NetmaskUnknown, NoOptimize: true})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return &p
}

// dpcLoads says the programs of expr test a DPC, with 1.10.3's load,
// longer than master's.
func dpcLoads(dlt, expr string) bool {
	f := strings.Fields(expr)
	return dlt == "MTP2" && (f[0] == "dpc" || f[0] == "hdpc")
}

// sameVerdicts runs both programs over packets that hold their constants
// at the offsets they load from, and other bytes, and requires the same
// result for each, and some packets accepted. whole restricts the packets
// to those that hold every field the programs load.
func sameVerdicts(t *testing.T, want, got cbpf.Program, whole bool) {
	t.Helper()
	wvm, err := cbpf.NewVM(want, cbpf.Libpcap)
	if err != nil {
		t.Fatalf("libpcap's program: %v", err)
	}
	gvm, err := cbpf.NewVM(got, cbpf.Libpcap)
	if err != nil {
		t.Fatalf("our program: %v", err)
	}
	accepted := 0
	for i, pkt := range lower.FieldPackets([]cbpf.Program{want, got}, 20000, whole) {
		w, g := wvm.Run(pkt, len(pkt)), gvm.Run(pkt, len(pkt))
		if w != g {
			t.Fatalf("packet %d (% x): libpcap master %d, ours %d\nours:\n%s", i, pkt, w, g, got.Format(cbpf.Text))
		}
		if w != 0 {
			accepted++
		}
	}
	if accepted == 0 {
		t.Fatal("no packet accepted: the comparison says little")
	}
}

// masterBlock is one of libpcap master's accept tests.
type masterBlock struct {
	DLT      string   `json:"DLT"`
	Aliases  []string `json:"aliases"`
	Unopt    string   `json:"unopt"`
	Skip     *string  `json:"skip"`
	LinuxExt *int     `json:"linuxext"`
	Snaplen  *int     `json:"snaplen"`
	Netmask  *string  `json:"netmask"`
}

// writeMasterListings extracts master.listings from libpcap's accept
// tests: the unoptimised programs of the link types of masterBlockDLTs,
// for a dead handle without Linux extensions, on any system, needing no
// name files; a snapshot length other than the default goes in the key,
// "DLT snaplen N: EXPR".
func writeMasterListings() error {
	f, err := os.Open(filepath.Join(masterTests, "accept_blocks.json.gz"))
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	var blocks []masterBlock
	if err := json.NewDecoder(zr).Decode(&blocks); err != nil {
		return fmt.Errorf("read accept tests: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString("# libpcap master's unoptimised programs (its accept tests), written by\n")
	buf.WriteString("# go test ./filterlang/internal/lower -run TestMasterListings -update\n")
	seen := map[string]bool{}
	for _, b := range blocks {
		words, ok := masterBlockDLTs[b.DLT]
		if !ok || b.Unopt == "" || b.LinuxExt != nil || b.Netmask != nil || (b.Skip != nil && *b.Skip != "") {
			continue
		}
		prog, err := cbpf.Parse(b.Unopt)
		if err != nil {
			return fmt.Errorf("parse %s %q: %w", b.DLT, b.Aliases, err)
		}
		for _, expr := range b.Aliases {
			if words != nil && !slices.ContainsFunc(strings.Fields(expr), func(w string) bool { return slices.Contains(words, w) }) {
				continue
			}
			key := b.DLT + ": " + expr
			if b.Snaplen != nil {
				key = fmt.Sprintf("%s snaplen %d: %s", b.DLT, *b.Snaplen, expr)
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			fmt.Fprintf(&buf, "-- %s\n%s", key, prog.Format(cbpf.Text))
		}
	}
	return os.WriteFile(masterListings, buf.Bytes(), 0o644)
}

// readMasterListings reads "-- DLT: EXPR" headed listings, returning
// them by key and the keys in order.
func readMasterListings(path string) (map[string]string, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read listings: %w", err)
	}
	out := map[string]string{}
	var keys []string
	var key string
	for line := range strings.Lines(string(data)) {
		switch {
		case strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "-- "):
			key = strings.TrimSuffix(strings.TrimPrefix(line, "-- "), "\n")
			keys = append(keys, key)
		case key != "":
			out[key] += line
		}
	}
	if len(keys) == 0 {
		return nil, nil, fmt.Errorf("no listings in %s", path)
	}
	return out, keys, nil
}

// masterApplyFiles are the captures of libpcap's apply tests whose
// expressions need what libpcap master added or fixed: ARCnet's RFC 1051
// system codes, SLIP's direction byte and the IS-IS PDU type on Cisco
// HDLC are fixes (see masterChanges in master_changes_test.go). The two
// slip-*-oobr captures hold a record longer than the file's snapshot
// length, which libpcap (and capture.OpenFile) cuts to that length before
// filtering.
var masterApplyFiles = []string{
	"brcm-tag.pcap", "brcm-tag-stp.pcap", "dsa.pcap", "isup_load_generator.pcap",
	"mstp_20140225214217.pcap", "http_PPI.pcap",
	"arcnet-rfc1051-arp-icmp-http.pcap", "slip-bad-direction.pcap",
	"slip-compressed_sl_print-oobr.pcap", "slip-sliplink_print-oobr.pcap",
	"ISIS_p2p_adjacency.pcap",
}

// TestMasterApply compiles the expressions of libpcap's apply tests on
// masterApplyFiles from their text, unoptimised and optimised, runs them
// over the captures with libpcap's semantics and compares each packet's
// result with master's expectation.
func TestMasterApply(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(masterTests, "apply_expectations.tsv"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("libpcap's filter tests are not in %s", masterTests)
	}
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for line := range strings.Lines(string(data)) {
		fields := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
		if len(fields) != 3 || !slices.Contains(masterApplyFiles, fields[0]) {
			continue
		}
		n++
		file, expr := fields[0], fields[1]
		var want []uint32
		for _, s := range strings.Split(fields[2], ",") {
			v, err := strconv.ParseUint(s, 10, 32)
			if err != nil {
				t.Fatalf("bad expectation %q: %v", line, err)
			}
			want = append(want, uint32(v))
		}
		// libpcap's TESTrun runs each apply test optimised and not.
		for _, optimise := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s: %s: optimised %t", file, expr, optimise), func(t *testing.T) {
				if diff := cmp.Diff(want, applyResults(t, file, expr, optimise)); diff != "" {
					t.Errorf("results differ from libpcap master's (-master +ours):\n%s", diff)
				}
			})
		}
	}
	if n == 0 {
		t.Fatal("no apply tests on the captures")
	}
}

// applyResults compiles expr for the capture, as tcpdump -r does (with
// -O unless optimise), and returns the program's result for each packet.
func applyResults(t *testing.T, file, expr string, optimise bool) []uint32 {
	t.Helper()
	r, err := capture.OpenFile(filepath.Join(masterTests, file))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p, err := filterlang.Compile(expr, filterlang.Options{
		LinkType: r.LinkType(), SnapLen: r.SnapLen(), NoOptimize: !optimise, CaptureFile: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return lower.Verdicts(t, r, p)
}

// TestMasterMSTPErrors compiles the MS/TP station address expressions of
// libpcap master's reject tests and requires master's error message.
func TestMasterMSTPErrors(t *testing.T) {
	f, err := os.Open(filepath.Join(masterTests, "reject_tests.tsv.gz"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("libpcap's filter tests are not in %s", masterTests)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	mstp, ok := linktype.Parse("BACNET_MS_TP")
	if !ok {
		t.Fatal("no BACNET_MS_TP link type")
	}
	n := 0
	for line := range strings.Lines(string(data)) {
		fields := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
		if len(fields) != 4 || fields[0] != "BACNET_MS_TP" || !strings.Contains(fields[1], "$") {
			continue
		}
		n++
		expr, want := fields[1], fields[3]
		t.Run(expr, func(t *testing.T) {
			_, err := filterlang.Compile(expr, filterlang.Options{LinkType: mstp, NoOptimize: true})
			var ce *filterlang.Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want the error %q", err, want)
			}
			if !strings.Contains(ce.Msg, want) {
				t.Errorf("error %q, want libpcap master's %q", ce.Msg, want)
			}
		})
	}
	if n == 0 {
		t.Fatal("no MS/TP address tests in the reject tests")
	}
}

package filterlang_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang"
	"github.com/gotcpdump/gotcpdump/internal/linktype"
)

// libpcap's own filter tests, extracted from libpcap master's TESTrun (see
// ../shared/pcaps/libpcap-filter-tests/README.txt).
const (
	applyFile          = libpcapTestsDir + "/apply_expectations.tsv"
	applyVsLibpcapFile = libpcapTestsDir + "/apply_vs_libpcap-1.10.3.tsv"
)

// applyTest is one of libpcap's apply tests: an expression, a capture and
// bpf_filter's expected return for each packet.
type applyTest struct {
	Savefile, Expr string
	Want           []uint32
}

// applyDivergence is how Debian's libpcap 1.10.3 answers an apply test
// differently from libpcap master: with another number of matching packets
// ("DIFF"), or an error ("ERR").
type applyDivergence struct {
	Status  string
	Matches int    // for DIFF: how many packets 1.10.3 accepts
	Err     string // for ERR: 1.10.3's message
}

func readApplyTests() ([]applyTest, map[[2]string]applyDivergence, error) {
	data, err := os.ReadFile(applyFile)
	if err != nil {
		return nil, nil, err
	}
	var tests []applyTest
	for _, row := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")[1:] {
		f := strings.Split(row, "\t")
		if len(f) != 3 {
			return nil, nil, fmt.Errorf("%s: bad row %q", applyFile, row)
		}
		var want []uint32
		for _, v := range strings.Split(f[2], ",") {
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: row %q: %w", applyFile, row, err)
			}
			want = append(want, uint32(n))
		}
		tests = append(tests, applyTest{Savefile: f[0], Expr: f[1], Want: want})
	}
	data, err = os.ReadFile(applyVsLibpcapFile)
	if err != nil {
		return nil, nil, err
	}
	diverge := map[[2]string]applyDivergence{}
	for _, row := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")[1:] {
		f := strings.Split(row, "\t")
		if len(f) != 5 {
			return nil, nil, fmt.Errorf("%s: bad row %q", applyVsLibpcapFile, row)
		}
		d := applyDivergence{Status: f[0]}
		switch d.Status {
		case "DIFF":
			if d.Matches, err = strconv.Atoi(strings.TrimPrefix(f[4], "got=")); err != nil {
				return nil, nil, fmt.Errorf("%s: row %q: %w", applyVsLibpcapFile, row, err)
			}
		case "ERR":
			d.Err = strings.TrimPrefix(f[4], "tcpdump: ")
		default:
			return nil, nil, fmt.Errorf("%s: row %q: unknown status", applyVsLibpcapFile, row)
		}
		diverge[[2]string{f[1], f[2]}] = d
	}
	return tests, diverge, nil
}

// applyNetmasks are the netmasks TESTrun passes to pcap_compile for the
// apply tests that set one, which apply_expectations.tsv leaves out (the
// others get PCAP_NETMASK_UNKNOWN): only its "ip_broadcast" block.
var applyNetmasks = map[[2]string]uint32{
	{"dhcp-rfc3004.pcap", "ip broadcast"}: 0xffffff00,
}

// TestOracleLibpcapApply runs libpcap's own apply tests (expression,
// capture, expected bpf_filter return per packet) through Compile and the
// VM, optimised and not, for the captures whose link type the corpus
// covers. Where Debian's libpcap 1.10.3 answers differently from master
// (apply_vs_libpcap-1.10.3.tsv) either answer is accepted, and the test
// logs which one ours gives.
func TestOracleLibpcapApply(t *testing.T) {
	tests, diverge, err := readApplyTests()
	if err != nil {
		t.Skipf("no libpcap apply tests: %v", err)
	}
	requireCompiler(t)
	captures := map[string]*oracleCapture{}
	var entries []corpusEntry
	var run []applyTest
	skipped := 0
	for _, at := range tests {
		c, ok := captures[at.Savefile]
		if !ok {
			if c, err = loadCapture(libpcapTestsDir, at.Savefile); err != nil {
				t.Fatal(err)
			}
			captures[at.Savefile] = c
		}
		if !slices.Contains(oracleLinkTypes, linkTypeName(c.LinkType)) {
			skipped++
			continue
		}
		e := corpusEntry{Group: linkTypeName(c.LinkType), Expr: at.Savefile + ": " + at.Expr}
		if !slices.Contains(entries, e) {
			entries = append(entries, e)
		}
		run = append(run, at)
	}
	t.Logf("%d of libpcap's %d apply tests are for link types the corpus covers", len(run), len(tests))
	ours := newOurCompiler()
	for _, mode := range compileModes {
		t.Run(mode.Name, func(t *testing.T) {
			report := newGroupReport("libpcap-apply/"+mode.Name, entries)
			for _, at := range run {
				c := captures[at.Savefile]
				netmask, ok := applyNetmasks[[2]string{at.Savefile, at.Expr}]
				if !ok {
					netmask = filterlang.NetmaskUnknown
				}
				opts := filterlang.WithLibpcapFixtures(filterlang.Options{LinkType: c.LinkType, SnapLen: c.SnapLen, Netmask: netmask, NoOptimize: mode.NoOptimize, CaptureFile: true})
				failure, note := checkApply(at, diverge[[2]string{at.Savefile, at.Expr}], ours.compile(at.Expr, opts, cbpf.Libpcap), c.Packets)
				if note != "" {
					t.Logf("%s %q: %s", at.Savefile, at.Expr, note)
				}
				report.add(corpusEntry{Group: linkTypeName(c.LinkType), Expr: at.Savefile + ": " + at.Expr}, failure)
			}
			report.report(t)
		})
	}
}

// checkApply returns a failure when our program's answers match neither
// libpcap master's expectation nor, where it differs, libpcap 1.10.3's;
// the note says when they match 1.10.3's.
func checkApply(at applyTest, d applyDivergence, ours *ourProgram, pkts []oraclePacket) (failure, note string) {
	if ours.Err != nil {
		if d.Status == "ERR" && sameMessage(d.Err, ourMessage(ours.Err)) {
			return "", "fails as libpcap 1.10.3 does: " + d.Err
		}
		return fmt.Sprintf("we fail: %v", ours.Err), ""
	}
	if len(pkts) != len(at.Want) {
		return fmt.Sprintf("the capture has %d packets, the test expects %d", len(pkts), len(at.Want)), ""
	}
	got := runPackets(ours.VM, pkts)
	if slices.Equal(got, at.Want) {
		return "", ""
	}
	matches := 0
	for _, v := range got {
		if v != 0 {
			matches++
		}
	}
	if d.Status == "DIFF" && matches == d.Matches {
		return "", fmt.Sprintf("accepts %d packets as libpcap 1.10.3 does, master expects %s", matches, formatVerdicts(at.Want))
	}
	return diffVerdicts(at.Want, got), ""
}

// TestOracleLibpcapAcceptReject compiles the expressions of libpcap's own
// accept and reject tests for the link types the corpus covers, with an
// unknown netmask as libpcap's tests do. Ours must agree with libpcap
// master's verdict (for a reject test, fail with a message containing the
// test's expected text) or equal libpcap 1.10.3's outcome, message
// included, optimised and not; the test counts which. Master's verdicts
// assume libpcap's test fixtures (the *.libpcap.test names), which
// 1.10.3 did not have here: ours is compiled with them for master's and
// without them for 1.10.3's.
func TestOracleLibpcapAcceptReject(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not compiling libpcap's thousands of accept and reject tests, whose names wait on the resolver")
	}
	ensureGoldens(t)
	g, err := readGolden(libpcapTestsFile)
	if err != nil {
		t.Fatalf("%v; %s", err, regenerateHint)
	}
	requireCompiler(t)
	type testCase struct {
		entry       corpusEntry
		master      masterVerdict
		expr        string
		opts        filterlang.Options
		libOutcomes []outcome
	}
	cases := make([]testCase, len(g.Records))
	var entries []corpusEntry
	for i, r := range g.Records {
		if len(r) != 4+len(compileModes) {
			t.Fatalf("%s: record %d has %d fields", libpcapTestsFile, i+1, len(r))
		}
		kind, dlt := r[0], r[1]
		expr, err := strconv.Unquote(r[2])
		if err != nil {
			t.Fatalf("%s: record %d: %v", libpcapTestsFile, i+1, err)
		}
		masterErr, err := strconv.Unquote(r[3])
		if err != nil {
			t.Fatalf("%s: record %d: %v", libpcapTestsFile, i+1, err)
		}
		lt, ok := linktype.Parse(dlt)
		if !ok {
			t.Fatalf("%s: record %d: unknown link type %s", libpcapTestsFile, i+1, dlt)
		}
		c := testCase{entry: corpusEntry{Group: kind + " " + dlt, Expr: dlt + ": " + expr},
			master: masterVerdict{accepts: kind == "accept", err: masterErr}, expr: expr,
			opts: filterlang.Options{LinkType: lt, Netmask: filterlang.NetmaskUnknown, CaptureFile: true}}
		for m := range compileModes {
			c.libOutcomes = append(c.libOutcomes, parseOutcome(r[4+m]))
		}
		cases[i] = c
		entries = append(entries, c.entry)
	}
	report := newGroupReport("libpcap-accept-reject", entries)
	var mu sync.Mutex
	counts := map[string]int{}
	// Compiling names waits on the resolver: many at once.
	err = parallelN(16, len(cases), func(i int) error {
		c := cases[i]
		a := libpcapTestAgreement{master: c.master, agreesWithMaster: true}
		for m, mode := range compileModes {
			opts := c.opts
			opts.NoOptimize = mode.NoOptimize
			ours := newOurCompiler()
			a.add(c.libOutcomes[m], ours.compile(c.expr, opts, cbpf.Libpcap),
				ours.compile(c.expr, filterlang.WithLibpcapFixtures(opts), cbpf.Libpcap))
		}
		verdict, failure := a.judge()
		mu.Lock()
		counts[verdict]++
		mu.Unlock()
		report.add(c.entry, failure)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("libpcap's accept and reject tests: %v", counts)
	report.report(t)
}

// masterVerdict is libpcap master's expectation for one of its accept or
// reject tests.
type masterVerdict struct {
	accepts bool
	err     string // for a reject test: text the error message contains
}

// libpcapTestAgreement gathers, over both compile modes, how our outcome
// for one of libpcap's accept or reject tests compares with libpcap
// 1.10.3's and with libpcap master's verdict.
type libpcapTestAgreement struct {
	master           masterVerdict
	libCompiles      bool     // 1.10.3 compiles it in some mode
	agreesWithMaster bool     // ours gives master's verdict in every mode
	diffs            []string // disagreements with 1.10.3
}

// add compares libpcap 1.10.3's outcome on this machine with ours, and
// master's verdict, which assumes libpcap's test fixtures, with ours
// compiled with them (withFixtures).
func (a *libpcapTestAgreement) add(lib outcome, ours, withFixtures *ourProgram) {
	a.libCompiles = a.libCompiles || lib.Err == ""
	if a.master.accepts {
		a.agreesWithMaster = a.agreesWithMaster && withFixtures.Err == nil
	} else {
		a.agreesWithMaster = a.agreesWithMaster && withFixtures.Err != nil && strings.Contains(ourMessage(withFixtures.Err), a.master.err)
	}
	if f := compareCompile(lib, ours); f != "" {
		a.diffs = append(a.diffs, f)
	}
}

// judge names the bucket of the test and returns a failure when ours
// matches neither libpcap.
func (a *libpcapTestAgreement) judge() (verdict, failure string) {
	libpcapsAgree := a.libCompiles == a.master.accepts
	switch {
	case libpcapsAgree && len(a.diffs) == 0:
		return "agree with both libpcaps", ""
	case a.agreesWithMaster && libpcapsAgree:
		return "agree with master, not 1.10.3's message", ""
	case a.agreesWithMaster:
		return "libpcaps differ, agree with master", ""
	case !libpcapsAgree && len(a.diffs) == 0:
		return "libpcaps differ, agree with 1.10.3", ""
	}
	if !a.master.accepts {
		a.diffs = append(a.diffs, fmt.Sprintf("master fails with a message containing %q", a.master.err))
	}
	return "agree with neither", strings.Join(a.diffs, "; ")
}

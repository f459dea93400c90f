package filterlang_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang"
)

// sharedStride samples the corpus for the shared captures, whose verdicts
// pcap-oracle computes during the test: every Nth expression.
var sharedStride = flag.Int("oracle.stride", 16, "check every `N`th corpus expression on the shared captures (1 checks them all)")

// compileModes are the two ways every expression is compiled, in the order
// golden records keep them.
var compileModes = []struct {
	Name       string
	NoOptimize bool
}{
	{"optimised", false},
	{"unoptimised", true},
}

// verdictGolden is libpcap's verdicts on one project capture.
type verdictGolden struct {
	Capture *oracleCapture
	Records map[string][]string // expression → expression, optimised, unoptimised
}

// loadVerdictGoldens reads the verdict goldens and the captures they were
// made from, and fails the test when a golden no longer matches its
// capture or the corpus. Captures libpcap cannot read are logged.
func loadVerdictGoldens(t *testing.T, corpus []corpusEntry) []verdictGolden {
	t.Helper()
	paths, err := goldenPaths(verdictsDir)
	if err != nil {
		t.Fatalf("%v; %s", err, regenerateHint)
	}
	names, err := captureNames(projectPcapsDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != len(names) {
		t.Errorf("%d verdict goldens for %d captures in %s; %s", len(paths), len(names), projectPcapsDir, regenerateHint)
	}
	var goldens []verdictGolden
	for _, path := range paths {
		g, err := readGolden(path)
		if err != nil {
			t.Fatal(err)
		}
		name, err := g.meta(path, "capture")
		if err != nil {
			t.Fatal(err)
		}
		c, err := loadCapture(projectPcapsDir, name)
		if err != nil {
			t.Errorf("%s: %v; %s", path, err, regenerateHint)
			continue
		}
		if why, ok := g.Meta["unreadable"]; ok {
			t.Logf("%s: libpcap cannot read it, no verdicts: %s", name, why)
			continue
		}
		if sum := g.Meta["sha256"]; sum != c.SHA256 {
			t.Errorf("%s changed since its verdicts were recorded; %s", c.Path, regenerateHint)
			continue
		}
		if n := g.Meta["packets"]; n != strconv.Itoa(len(c.Packets)) {
			t.Errorf("%s: libpcap read %s packets, the capture package %d", c.Path, n, len(c.Packets))
			continue
		}
		recs, err := exprRecords(path, g, 1+len(compileModes))
		if err == nil {
			err = checkCovers(path, recs, corpus)
		}
		if err != nil {
			t.Error(err)
			continue
		}
		goldens = append(goldens, verdictGolden{Capture: c, Records: recs})
	}
	return goldens
}

// TestOracleVerdicts compiles every corpus expression for the link type of
// every project capture, optimised and not, runs the program over each
// packet with the libpcap-semantics VM, and requires libpcap 1.10.3's
// answer for every packet, or libpcap's error. It reports how many
// expressions of each corpus group agree.
func TestOracleVerdicts(t *testing.T) {
	ensureGoldens(t)
	corpus, err := readCorpus()
	if err != nil {
		t.Fatal(err)
	}
	goldens := loadVerdictGoldens(t, corpus)
	requireCompiler(t)
	ours := newOurCompiler()
	for m, mode := range compileModes {
		t.Run(mode.Name, func(t *testing.T) {
			report := newGroupReport("verdicts/"+mode.Name, corpus)
			for _, g := range goldens {
				c := g.Capture
				opts := filterlang.Options{LinkType: c.LinkType, SnapLen: c.SnapLen, Netmask: offlineNetmask, NoOptimize: mode.NoOptimize, CaptureFile: true}
				for _, e := range corpus {
					libpcap := parseOutcome(g.Records[e.Expr][1+m])
					report.add(e, checkVerdicts(c.Name, libpcap, ours.compile(e.Expr, opts, cbpf.Libpcap), c.Packets))
				}
			}
			report.report(t)
		})
	}
}

// checkVerdicts compares libpcap's outcome for an expression on a capture
// with our program's; it returns "" when they agree.
func checkVerdicts(where string, libpcap outcome, ours *ourProgram, pkts []oraclePacket) string {
	if f := compareCompile(libpcap, ours); f != "" {
		return where + ": " + f
	}
	if libpcap.Err != "" {
		return ""
	}
	want, err := parseVerdicts(libpcap.Result, len(pkts))
	if err != nil {
		return fmt.Sprintf("%s: golden: %v", where, err)
	}
	if d := diffVerdicts(want, runPackets(ours.VM, pkts)); d != "" {
		return fmt.Sprintf("%s: %s\nour program:\n%s", where, d, ours.Prog.Format(cbpf.Text))
	}
	return ""
}

// TestOracleGoldensMatchLibpcap re-asks pcap-oracle, when it is installed,
// for a random sample of the recorded verdicts, to catch goldens that this
// machine's libpcap would not write. It also logs the expressions whose
// optimised and unoptimised programs libpcap itself runs differently.
func TestOracleGoldensMatchLibpcap(t *testing.T) {
	ensureGoldens(t)
	corpus, err := readCorpus()
	if err != nil {
		t.Fatal(err)
	}
	goldens := loadVerdictGoldens(t, corpus)
	disagreements := 0
	for _, g := range goldens {
		for _, e := range corpus {
			opt, unopt := g.Records[e.Expr][1], g.Records[e.Expr][2]
			if opt != unopt {
				disagreements++
				t.Logf("libpcap's optimiser changes the outcome of %q on %s: optimised %s, unoptimised %s", e.Expr, g.Capture.Name, opt, unopt)
			}
		}
	}
	t.Logf("%d (expression, capture) pairs where libpcap's optimised and unoptimised outcomes differ", disagreements)
	oracle, err := exec.LookPath(pcapOracleTool)
	if err != nil {
		t.Skipf("no %s to check the goldens against (build it with ../shared/tools/build-oracle.sh): %v", pcapOracleTool, err)
	}
	const samples = 40
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 0))
	for range samples {
		if len(goldens) == 0 {
			break
		}
		g := goldens[rng.IntN(len(goldens))]
		e := corpus[rng.IntN(len(corpus))]
		m := rng.IntN(len(compileModes))
		args := append(append([]string{"-m", "0"}, modeFlags[m]...), "-r", g.Capture.Path, "--", e.Expr)
		out, compileErr, err := runTool(oracle, args...)
		if err != nil {
			t.Fatal(err)
		}
		got := outcome{Err: compileErr}.String()
		if compileErr == "" {
			v, err := parseOracleVerdicts(out, len(g.Capture.Packets))
			if err != nil {
				t.Fatalf("pcap-oracle %q: %v", args, err)
			}
			got = formatVerdicts(v)
		}
		if want := g.Records[e.Expr][1+m]; got != want {
			t.Errorf("pcap-oracle %s (seed %d): recorded %q, libpcap now answers %q; %s", strings.Join(args, " "), seed, want, got, regenerateHint)
		}
	}
}

// TestOracleSharedCaptures compares our verdicts with libpcap's on the
// shared captures (../shared/pcaps), asking pcap-oracle during the test
// for a sample of the corpus (-oracle.stride).
func TestOracleSharedCaptures(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not running pcap-oracle over the shared captures")
	}
	oracle, err := exec.LookPath(pcapOracleTool)
	if err != nil {
		t.Skipf("no %s to compute libpcap's verdicts on the shared captures (build it with ../shared/tools/build-oracle.sh): %v", pcapOracleTool, err)
	}
	names, err := captureNames(sharedPcapsDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Skipf("no shared captures in %s", sharedPcapsDir)
	}
	if *sharedStride < 1 {
		t.Fatalf("-oracle.stride %d: want 1 or more", *sharedStride)
	}
	corpus, err := readCorpus()
	if err != nil {
		t.Fatal(err)
	}
	requireCompiler(t)
	var sample []corpusEntry
	for i := 0; i < len(corpus); i += *sharedStride {
		sample = append(sample, corpus[i])
	}
	reports := make([]*groupReport, len(compileModes))
	for m, mode := range compileModes {
		reports[m] = newGroupReport("shared/"+mode.Name, sample)
	}
	ours := newOurCompiler()
	checked, skipped := 0, 0
	for _, name := range names {
		// The empty expression accepts every packet libpcap reads.
		all, _, err := runTool(oracle, "-r", filepath.Join(sharedPcapsDir, filepath.FromSlash(name)), "--", "")
		if err != nil {
			t.Logf("libpcap cannot read %s: %v", name, err)
			continue
		}
		c, err := loadCapture(sharedPcapsDir, name)
		if err != nil {
			t.Errorf("libpcap reads %s, the capture package fails: %v", name, err)
			continue
		}
		if _, err := parseOracleVerdicts(all, len(c.Packets)); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		// Other link types are where libpcap 1.10.3 and master part
		// most (DSA tags, ARCnet, MTP2); libpcap's own tests cover them.
		if !slices.Contains(oracleLinkTypes, linkTypeName(c.LinkType)) {
			skipped++
			continue
		}
		checked++
		type job struct {
			e corpusEntry
			m int
		}
		var jobs []job
		for _, e := range sample {
			for m := range compileModes {
				jobs = append(jobs, job{e, m})
			}
		}
		err = parallel(len(jobs), func(i int) error {
			j := jobs[i]
			args := append(append([]string{"-m", "0"}, modeFlags[j.m]...), "-r", c.Path, "--", j.e.Expr)
			out, compileErr, err := runTool(oracle, args...)
			if err != nil {
				return err
			}
			libpcap := outcome{Err: compileErr}
			if compileErr == "" {
				v, err := parseOracleVerdicts(out, len(c.Packets))
				if err != nil {
					return fmt.Errorf("pcap-oracle %q: %w", args, err)
				}
				libpcap.Result = formatVerdicts(v)
			}
			opts := filterlang.Options{LinkType: c.LinkType, SnapLen: c.SnapLen, Netmask: offlineNetmask, NoOptimize: compileModes[j.m].NoOptimize, CaptureFile: true}
			reports[j.m].add(j.e, checkVerdicts(name, libpcap, ours.compile(j.e.Expr, opts, cbpf.Libpcap), c.Packets))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d shared captures checked, %d skipped for their link type; every %dth corpus expression", checked, skipped, *sharedStride)
	for m, mode := range compileModes {
		t.Run(mode.Name, reports[m].report)
	}
}

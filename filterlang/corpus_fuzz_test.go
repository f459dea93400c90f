package filterlang_test

import (
	"errors"
	"flag"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang"
)

// maxFuzzExprLen bounds the expressions FuzzCorpusCompile tries; longer
// ones only slow the search down.
const maxFuzzExprLen = 512

// fuzzOracle is libpcap, through tcpdump -r on an Ethernet capture with no
// packets, and the Ethernet packets of the project's captures to run its
// programs and ours on; nil without tcpdump.
type fuzzOracle struct {
	tools *oracleTools
	empty string
	pkts  []oraclePacket
}

var (
	fuzzOracleOnce sync.Once
	fuzzOracleVal  *fuzzOracle
)

func loadFuzzOracle(f *testing.F) *fuzzOracle {
	fuzzOracleOnce.Do(func() {
		tcpdump, err := exec.LookPath(tcpdumpTool)
		if err != nil {
			return
		}
		o := &fuzzOracle{tools: &oracleTools{tcpdump: tcpdump, emptyDir: f.TempDir(), empties: map[string]string{}}}
		if o.empty, err = o.tools.emptyCapture("EN10MB"); err != nil {
			return
		}
		names, err := captureNames(projectPcapsDir)
		if err != nil {
			return
		}
		for _, name := range names {
			c, err := loadCapture(projectPcapsDir, name)
			if err != nil {
				continue
			}
			for _, p := range c.Packets {
				if p.LinkType == layers.LinkTypeEthernet {
					o.pkts = append(o.pkts, p)
				}
			}
		}
		fuzzOracleVal = o
	})
	return fuzzOracleVal
}

// fuzzing reports whether the test binary runs a fuzz target (-fuzz)
// rather than only its seeds.
func fuzzing() bool {
	fl := flag.Lookup("test.fuzz")
	return fl != nil && fl.Value.String() != ""
}

// FuzzCorpusCompile compiles arbitrary expressions, seeded with the corpus
// and the rejected expressions, for Ethernet capture files optimised and
// not and for a live Linux socket. Compile must not panic, its errors must
// be *filterlang.Error values that point into the expression, and its
// programs must pass the load-time rules of their target. When fuzzing
// (-fuzz) where tcpdump is installed, each expression is also compiled by
// libpcap: both must fail (messages are compared by the corpus tests), or
// both compile programs that return the same value on every Ethernet
// packet of the project's captures, unless knownFile lists the
// expression's disagreement. (The seeds alone are compared with libpcap by
// TestOracleProgramEquivalence and TestOracleReject.)
func FuzzCorpusCompile(f *testing.F) {
	requireCompiler(f)
	corpus, err := readCorpus()
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range corpus {
		f.Add(e.Expr)
	}
	rejects, _, err := readRejectCases()
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range rejects {
		f.Add(c.Expr)
	}
	var oracle *fuzzOracle
	if fuzzing() {
		oracle = loadFuzzOracle(f)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		if len(expr) > maxFuzzExprLen {
			return
		}
		live := filterlang.Options{LinkType: layers.LinkTypeEthernet, Target: filterlang.LinuxLive}
		checkCompileInvariants(t, expr, live, cbpf.Linux)
		for m, mode := range compileModes {
			opts := filterlang.Options{LinkType: layers.LinkTypeEthernet, NoOptimize: mode.NoOptimize, CaptureFile: true}
			ours := checkCompileInvariants(t, expr, opts, cbpf.Libpcap)
			// argv cannot carry a NUL byte to tcpdump.
			if oracle == nil || strings.ContainsRune(expr, 0) {
				continue
			}
			out, msg, err := runTool(oracle.tools.tcpdump, append(append([]string{"-ddd"}, modeFlags[m]...), "-r", oracle.empty, "--", expr)...)
			if err != nil {
				t.Fatal(err)
			}
			kd := knownDisagreements(t)
			known := kd.has("programs/"+mode.Name, expr) ||
				kd.has("reject/"+mode.Name, rejectKey(rejectCase{LinkType: "EN10MB", Netmask: offlineNetmask, Expr: expr}))
			// Both failing is agreement here: which of several errors
			// an expression has is reported first is left to the
			// message checks of the corpus and reject.tsv.
			if msg != "" && ours.Err != nil {
				continue
			}
			if f := compareCompile(outcome{Err: msg}, ours); f != "" || msg != "" {
				if f != "" && !known {
					t.Fatalf("%q, %s: %s", expr, mode.Name, f)
				}
				continue
			}
			p, err := parseDDD(out)
			if err != nil {
				t.Fatal(err)
			}
			vm, err := cbpf.NewVM(p, cbpf.Libpcap)
			if err != nil {
				t.Fatalf("libpcap's program for %q: %v", expr, err)
			}
			if d := diffPrograms(vm, ours, oracle.pkts, nil); d != "" && !known {
				t.Fatalf("%q, %s: %s", expr, mode.Name, d)
			}
		}
	})
}

// checkCompileInvariants compiles expr and checks what must hold whatever
// the expression: a well-formed error or a program valid for sem.
func checkCompileInvariants(t *testing.T, expr string, opts filterlang.Options, sem cbpf.Semantics) *ourProgram {
	t.Helper()
	ours := newOurCompiler().compile(expr, opts, sem)
	if ours.Err == nil {
		return ours
	}
	var fe *filterlang.Error
	if !errors.As(ours.Err, &fe) {
		t.Fatalf("%q (%+v): %v", expr, opts, ours.Err)
	}
	if fe.Expr != expr || fe.Pos < -1 || fe.Pos > len(expr) || fe.Msg == "" {
		t.Fatalf("%q (%+v): malformed error %#v", expr, opts, fe)
	}
	return ours
}

package filterlang_test

import (
	"errors"
	"fmt"
	"os/exec"
	"testing"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang"
	"github.com/gotcpdump/gotcpdump/internal/linktype"
)

// TestOracleReject compiles every expression of reject.tsv for a capture
// file of its link type with its netmask, optimised and not, and requires
// an error whose message is libpcap's and whose offset lies within the
// expression. When pcap-oracle is installed it first checks that libpcap
// still gives the recorded messages.
func TestOracleReject(t *testing.T) {
	ensureGoldens(t)
	cases, _, err := readRejectCases()
	if err != nil {
		t.Fatal(err)
	}
	checkRejectMessages(t, cases)
	requireCompiler(t)
	entries := make([]corpusEntry, len(cases))
	for i, c := range cases {
		entries[i] = corpusEntry{Group: c.LinkType, Expr: rejectKey(c)}
	}
	ours := newOurCompiler()
	for _, mode := range compileModes {
		t.Run(mode.Name, func(t *testing.T) {
			report := newGroupReport("reject/"+mode.Name, entries)
			for i, c := range cases {
				lt, ok := linktype.Parse(c.LinkType)
				if !ok {
					t.Fatalf("%s:%d: unknown link type %s", rejectFile, c.Line, c.LinkType)
				}
				opts := filterlang.Options{LinkType: lt, Netmask: c.Netmask, NoOptimize: mode.NoOptimize, CaptureFile: true}
				report.add(entries[i], prefixed(fmt.Sprintf("%s:%d", rejectFile, c.Line), checkReject(c, ours.compile(c.Expr, opts, cbpf.Libpcap))))
			}
			report.report(t)
		})
	}
}

// rejectKey names a case of reject.tsv in reports and knownFile.
func rejectKey(c rejectCase) string {
	return fmt.Sprintf("%s %#x: %s", c.LinkType, c.Netmask, c.Expr)
}

// checkReject returns "" when ours failed as libpcap does.
func checkReject(c rejectCase, ours *ourProgram) string {
	if f := compareCompile(outcome{Err: c.Msg}, ours); f != "" {
		return f
	}
	var fe *filterlang.Error
	if !errors.As(ours.Err, &fe) {
		return fmt.Sprintf("error %T is not a *filterlang.Error", ours.Err)
	}
	if fe.Expr != c.Expr {
		return fmt.Sprintf("the error names the expression %q", fe.Expr)
	}
	if fe.Pos < -1 || fe.Pos > len(c.Expr) {
		return fmt.Sprintf("the error's offset %d lies outside the expression", fe.Pos)
	}
	return ""
}

// checkRejectMessages asks pcap-oracle, when it is installed, for the
// message of every case, to catch a reject.tsv this libpcap would not
// write.
func checkRejectMessages(t *testing.T, cases []rejectCase) {
	t.Helper()
	oracle, err := exec.LookPath(pcapOracleTool)
	if err != nil {
		t.Logf("no %s: the messages of %s are not checked against libpcap", pcapOracleTool, rejectFile)
		return
	}
	tools := &oracleTools{pcapOracle: oracle, emptyDir: t.TempDir(), empties: map[string]string{}}
	msgs := make([]string, len(cases))
	err = parallel(len(cases), func(i int) error {
		empty, err := tools.emptyCapture(cases[i].LinkType)
		if err != nil {
			return err
		}
		_, msgs[i], err = runTool(oracle, "-m", fmt.Sprint(cases[i].Netmask), "-r", empty, "--", cases[i].Expr)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		if msgs[i] != c.Msg {
			t.Errorf("%s:%d: %q: recorded %q, libpcap now says %q; %s", rejectFile, c.Line, c.Expr, c.Msg, msgs[i], regenerateHint)
		}
	}
}

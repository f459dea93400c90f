package opt_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang"
	"github.com/gotcpdump/gotcpdump/internal/linktype"
)

// The optimiser is checked against libpcap 1.10.3's optimised programs,
// kept in testdata/libpcap.tsv.gz: one line per link type and expression,
// "DLT<tab>EXPR<tab>OPTIMISED<tab>UNOPTIMISED", each program being the
// -ddd listing with its instructions joined by ";", or "error: " and
// libpcap's message. -update regenerates it with pcap-oracle [-O] -d -y
// DLT -- EXPR (a dead handle with an unknown netmask, as tcpdump -ddd -y
// compiles), over the project's corpus on a few link types and libpcap's
// own accept tests when ../shared is present:
//
//	go test ./filterlang/internal/opt -run TestLibpcapPrograms -update
var update = flag.Bool("update", false, "regenerate testdata/libpcap.tsv.gz with pcap-oracle")

const (
	goldenPath = "testdata/libpcap.tsv.gz"
	// corpusPath is the project's corpus of expressions.
	corpusPath = "../../testdata/corpus.txt"
	// acceptPath is libpcap's accept tests: "DLT<tab>EXPR" lines.
	acceptPath = "../../../../shared/pcaps/libpcap-filter-tests/accept_exprs.tsv"
)

// corpusLinkTypes are the link types the corpus is compiled for: those of
// the project's captures (see TestOptimisedVerdicts) and a few more.
var corpusLinkTypes = []string{"EN10MB", "LINUX_SLL", "LINUX_SLL2", "RAW", "IPV4", "IPV6", "NULL", "LOOP", "PPP", "IEEE802_11_RADIO", "SUNATM", "PFLOG"}

// golden is libpcap's answer for one expression on one link type.
type golden struct {
	DLT, Expr string
	// Optimised and Unoptimised are the programs, or "error: " and the
	// message.
	Optimised, Unoptimised string
}

func formatProgram(p cbpf.Program) string {
	ins := make([]string, len(p))
	for i, in := range p {
		ins[i] = fmt.Sprintf("%d %d %d %d", in.Op, in.Jt, in.Jf, in.K)
	}
	return strings.Join(ins, ";")
}

const errPrefix = "error: "

func readGoldens(t *testing.T) []golden {
	t.Helper()
	f, err := os.Open(goldenPath)
	if err != nil {
		t.Fatalf("%v (regenerate with -update)", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", goldenPath, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", goldenPath, err)
	}
	var gs []golden
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			t.Fatalf("%s:%d: %d fields, want 4", goldenPath, i+1, len(f))
		}
		gs = append(gs, golden{f[0], f[1], f[2], f[3]})
	}
	return gs
}

// sources lists the (link type, expression) pairs the goldens cover.
func sources(t *testing.T) [][2]string {
	t.Helper()
	var pairs [][2]string
	seen := map[[2]string]bool{}
	add := func(dlt, expr string) {
		p := [2]string{dlt, expr}
		if _, ok := linktype.Parse(dlt); ok && !seen[p] && !strings.ContainsAny(expr, "\t\n") {
			seen[p] = true
			pairs = append(pairs, p)
		}
	}
	corpus, err := os.ReadFile(corpusPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, dlt := range corpusLinkTypes {
		for _, line := range strings.Split(string(corpus), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				add(dlt, line)
			}
		}
	}
	accept, err := os.Open(acceptPath)
	if errors.Is(err, os.ErrNotExist) {
		t.Logf("%s is absent: the goldens cover the corpus only", acceptPath)
		return pairs
	}
	if err != nil {
		t.Fatal(err)
	}
	defer accept.Close()
	sc := bufio.NewScanner(accept)
	for sc.Scan() {
		// Some of libpcap's expressions span lines; their pieces have no
		// link type and are skipped.
		if dlt, expr, ok := strings.Cut(sc.Text(), "\t"); ok {
			add(dlt, expr)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return pairs
}

func regenerate(t *testing.T) {
	oracle, err := exec.LookPath("pcap-oracle")
	if err != nil {
		t.Skipf("-update needs pcap-oracle (build it with ../shared/tools/build-oracle.sh): %v", err)
	}
	pairs := sources(t)
	rows := make([]string, len(pairs))
	// Two workers: the oracle runs once per program.
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(pairs); i += 2 {
				p := pairs[i]
				opt, err := askOracle(oracle, p[0], p[1], true)
				if err == nil {
					var unopt string
					unopt, err = askOracle(oracle, p[0], p[1], false)
					rows[i] = strings.Join([]string{p[0], p[1], opt, unopt}, "\t") + "\n"
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	for _, r := range rows {
		zw.Write([]byte(r))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(goldenPath, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// askOracle returns libpcap's program for expr, or "error: " and its
// message.
func askOracle(oracle, dlt, expr string, optimise bool) (string, error) {
	args := []string{"-d", "-y", dlt, "--", expr}
	if !optimise {
		args = append([]string{"-O"}, args...)
	}
	cmd := exec.Command(oracle, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
		return strings.Join(lines[1:], ";"), nil // after the count
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		return errPrefix + strings.TrimSpace(stderr.String()), nil
	}
	return "", fmt.Errorf("pcap-oracle %q: %w: %s", args, err, stderr.String())
}

// optimiserErrors are the messages the optimiser itself gives, which must
// be libpcap's word for word.
var optimiserErrors = []string{"expression rejects all packets", "division by zero", "modulus by zero", "shift by more than 31 bits"}

// result is a compiled program as the goldens write it.
func result(p cbpf.Program, err error) string {
	if err != nil {
		return errPrefix + err.Error()
	}
	return formatProgram(p)
}

// sameOutcome reports whether a compilation's result agrees with a
// golden one: the same program, or an error on both sides.
func sameOutcome(got, want string) bool {
	return got == want || strings.HasPrefix(got, errPrefix) && strings.HasPrefix(want, errPrefix)
}

// TestLibpcapPrograms compiles every golden expression with and without
// the optimiser. Where our unoptimised program is libpcap's (otherwise the
// lowering differs, which its own tests report), the optimised program
// must be libpcap's too, instruction for instruction, and an error the
// optimiser raises must be libpcap's. The exception is a program libpcap
// leaves unoptimised (its no_optimize: geneve, vxlan, 802.11 header
// lengths), which ours optimises after ir.Split: it must then be no
// longer than libpcap's; TestOptimisedVerdicts and the filter package's
// differential tests check its verdicts.
func TestLibpcapPrograms(t *testing.T) {
	if *update {
		regenerate(t)
	}
	var stats struct {
		same, different, shorter, longer, bothFail, lowering int
		notOptimisedByLibpcap                                int
		ours, theirs                                         int
	}
	for _, g := range readGoldens(t) {
		lt, ok := linktype.Parse(g.DLT)
		if !ok {
			t.Errorf("%s: unknown link type", g.DLT)
			continue
		}
		opts := filterlang.Options{LinkType: lt, Netmask: filterlang.NetmaskUnknown, NoOptimize: true}
		if !sameOutcome(result(filterlang.Compile(g.Expr, opts)), g.Unoptimised) {
			stats.lowering++
			continue
		}
		opts.NoOptimize = false
		prog, err := filterlang.Compile(g.Expr, opts)
		got := result(prog, err)
		want, wantErr := strings.CutPrefix(g.Optimised, errPrefix)
		var ce *filterlang.Error
		switch {
		case wantErr && err != nil:
			stats.bothFail++
			if !errors.As(err, &ce) {
				t.Errorf("%s %q: error %v is not a *filterlang.Error", g.DLT, g.Expr, err)
			} else if slices.Contains(optimiserErrors, want) && ce.Msg != want {
				t.Errorf("%s %q: error %q, libpcap says %q", g.DLT, g.Expr, ce.Msg, want)
			}
			continue
		case got == g.Optimised:
			stats.same++
			stats.ours += len(prog)
			stats.theirs += len(prog)
			continue
		case !wantErr && err == nil:
			n, m := len(prog), strings.Count(want, ";")+1
			stats.ours += n
			stats.theirs += m
			if n < m {
				stats.shorter++
			} else if n > m {
				stats.longer++
			}
			if g.Optimised == g.Unoptimised && n <= m {
				stats.notOptimisedByLibpcap++
				continue
			}
		}
		stats.different++
		t.Errorf("%s %q: optimised program differs from libpcap's\n got: %s\nwant: %s", g.DLT, g.Expr, got, g.Optimised)
	}
	t.Logf("optimised programs where the unoptimised ones agree: %d identical to libpcap's, %d optimised "+
		"where libpcap does not optimise, %d different; %d shorter, %d longer; %d rejected by both; "+
		"%d instructions, libpcap %d; %d skipped as the unoptimised programs differ",
		stats.same, stats.notOptimisedByLibpcap, stats.different, stats.shorter, stats.longer, stats.bothFail,
		stats.ours, stats.theirs, stats.lowering)
}

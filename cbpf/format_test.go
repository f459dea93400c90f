package cbpf_test

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gotcpdump/gotcpdump/cbpf"
	"golang.org/x/net/bpf"
)

// The golden listings come from tcpdump (filter expressions) and from
// libpcap's bpf_dump through testdata/formats/bpf_dump_oracle.c (programs no
// expression compiles to). Regenerate them with
//
//	go test ./cbpf -run TestFormat -update
//
// where tcpdump 4.99.3, a C compiler and libpcap 1.10.3's headers are
// installed. Without -update the tests compare the goldens with those
// oracles when they are present, and use the goldens alone otherwise.
var update = flag.Bool("update", false, "regenerate testdata/formats from tcpdump and libpcap")

const (
	expressionList    = "testdata/formats/expressions.txt"
	expressionListing = "testdata/formats/expressions.golden"
	programListing    = "testdata/formats/programs.golden"
	dumpOracleSource  = "testdata/formats/bpf_dump_oracle.c"
)

var formats = []cbpf.Format{cbpf.Text, cbpf.CArray, cbpf.Decimal}

// listing is one program as an oracle printed it in each format.
type listing struct {
	name string
	text map[cbpf.Format]string
}

// The golden files hold listings as sections headed "-- NAME FLAG --",
// FLAG being the tcpdump flag of the format; no listing line starts with
// "-- ".
func writeListings(t *testing.T, path string, listings []listing) {
	t.Helper()
	var b bytes.Buffer
	for _, l := range listings {
		for _, f := range formats {
			fmt.Fprintf(&b, "-- %s %v --\n%s", l.name, f, l.text[f])
		}
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readListings(t testing.TB, path string) []listing {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	flags := map[string]cbpf.Format{}
	for _, f := range formats {
		flags[f.String()] = f
	}
	type section struct {
		name string
		f    cbpf.Format
		body strings.Builder
	}
	var sections []*section
	for line := range strings.Lines(string(data)) {
		header, opens := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "-- ")
		header, closes := strings.CutSuffix(header, " --")
		if !opens || !closes {
			if len(sections) == 0 {
				t.Fatalf("%s: text before the first section", path)
			}
			sections[len(sections)-1].body.WriteString(line)
			continue
		}
		i := strings.LastIndexByte(header, ' ')
		f, known := flags[header[i+1:]]
		if i < 0 || !known {
			t.Fatalf("%s: no format flag at the end of section %q", path, header)
		}
		sections = append(sections, &section{name: header[:i], f: f})
	}
	var listings []listing
	for _, s := range sections {
		if n := len(listings); n == 0 || listings[n-1].name != s.name {
			listings = append(listings, listing{name: s.name, text: map[cbpf.Format]string{}})
		}
		listings[len(listings)-1].text[s.f] = s.body.String()
	}
	return listings
}

// tcpdumpCase is a line of expressions.txt: tcpdump options and a filter.
type tcpdumpCase struct {
	line    string   // the line as written, which names the listing
	options []string // "-O", "-y DLT"
	expr    string
}

func readExpressionList(t *testing.T) []tcpdumpCase {
	t.Helper()
	f, err := os.Open(expressionList)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []tcpdumpCase
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		line := strings.TrimSpace(lines.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := tcpdumpCase{line: line}
		rest := line
		for {
			if after, ok := strings.CutPrefix(rest, "-O "); ok {
				c.options, rest = append(c.options, "-O"), after
			} else if after, ok := strings.CutPrefix(rest, "-y "); ok {
				dlt, after, _ := strings.Cut(after, " ")
				c.options, rest = append(c.options, "-y", dlt), after
			} else {
				break
			}
		}
		c.expr = strings.TrimSpace(rest)
		cases = append(cases, c)
	}
	if err := lines.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// runTcpdump prints c's filter in every format with the tcpdump at path.
func runTcpdump(path string, c tcpdumpCase) (listing, error) {
	l := listing{name: c.line, text: map[cbpf.Format]string{}}
	// -ddd first: when the filter does not compile, fail after one run.
	for _, f := range []cbpf.Format{cbpf.Decimal, cbpf.Text, cbpf.CArray} {
		args := append(append([]string{}, c.options...), f.String(), c.expr)
		out, err := runOracle(exec.Command(path, args...))
		if err != nil {
			return listing{}, err
		}
		l.text[f] = out
	}
	return l, nil
}

func runOracle(cmd *exec.Cmd) (string, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%v: %w: %s", cmd, err, bytes.TrimSpace(stderr.Bytes()))
	}
	return string(out), nil
}

// buildDumpOracle compiles bpf_dump_oracle.c against the system libpcap.
func buildDumpOracle(t *testing.T) (string, error) {
	t.Helper()
	cc, err := exec.LookPath("cc")
	if err != nil {
		return "", fmt.Errorf("find a C compiler: %w", err)
	}
	bin := filepath.Join(t.TempDir(), "bpf_dump_oracle")
	out, err := exec.Command(cc, "-o", bin, dumpOracleSource, "-lpcap").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build %s against libpcap: %w: %s", dumpOracleSource, err, out)
	}
	return bin, nil
}

// runDumpOracle prints p in every format with libpcap's bpf_dump.
func runDumpOracle(t *testing.T, oracle, name string, p cbpf.Program) listing {
	t.Helper()
	l := listing{name: name, text: map[cbpf.Format]string{}}
	for _, f := range formats {
		cmd := exec.Command(oracle, f.String())
		cmd.Stdin = strings.NewReader(p.Format(cbpf.Decimal))
		out, err := runOracle(cmd)
		if err != nil {
			t.Fatal(err)
		}
		l.text[f] = out
	}
	return l
}

// compareWithOracle fails t for every listing in golden that the oracle
// now prints differently.
func compareWithOracle(t *testing.T, golden, fresh []listing) {
	t.Helper()
	if len(golden) != len(fresh) {
		t.Fatalf("golden file has %d listings, the oracle printed %d; rerun with -update", len(golden), len(fresh))
	}
	for i := range golden {
		if diff := cmp.Diff(golden[i], fresh[i], cmp.AllowUnexported(listing{})); diff != "" {
			t.Errorf("golden listing differs from the oracle's (-golden +oracle); rerun with -update:\n%s", diff)
		}
	}
}

func TestFormatExpressions(t *testing.T) {
	var fresh []listing
	tcpdump, err := exec.LookPath("tcpdump")
	if err == nil {
		for _, c := range readExpressionList(t) {
			l, err := runTcpdump(tcpdump, c)
			if err != nil {
				t.Fatal(err)
			}
			fresh = append(fresh, l)
		}
	}
	switch {
	case *update && err != nil:
		t.Fatalf("-update needs tcpdump: %v", err)
	case *update:
		writeListings(t, expressionListing, fresh)
	case err != nil:
		t.Logf("no tcpdump (%v): checking the committed listings only", err)
	default:
		compareWithOracle(t, readListings(t, expressionListing), fresh)
	}
	for _, l := range readListings(t, expressionListing) {
		t.Run(l.name, func(t *testing.T) { checkListing(t, l) })
	}
}

// libpcapCorpus lists libpcap's own filter tests: (DLT, expression) rows,
// an expression continuing on rows with an empty DLT.
const libpcapCorpus = "../../shared/pcaps/libpcap-filter-tests/accept_exprs.tsv"

// TestFormatLibpcapCorpus compares Format with tcpdump over every
// expression of libpcap's test suite that libpcap 1.10.3 compiles. It runs
// tcpdump thousands of times, so it is left out of -short runs.
func TestFormatLibpcapCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not running tcpdump over the libpcap corpus")
	}
	tcpdump, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Skipf("no tcpdump: %v", err)
	}
	data, err := os.ReadFile(libpcapCorpus)
	if err != nil {
		t.Skipf("no libpcap corpus: %v", err)
	}
	var cases []tcpdumpCase
	for i, row := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")[1:] {
		dlt, expr, _ := strings.Cut(row, "\t")
		if dlt == "" && len(cases) > 0 {
			cases[len(cases)-1].expr += "\n" + expr
			continue
		}
		cases = append(cases, tcpdumpCase{line: fmt.Sprintf("row %d: -y %s %s", i+2, dlt, expr), options: []string{"-y", dlt}, expr: expr})
	}
	// tcpdump mostly waits on exec, so a few run at once.
	listings := make([]listing, len(cases))
	var wg sync.WaitGroup
	next := make(chan int)
	for range 4 {
		wg.Go(func() {
			for i := range next {
				// An error leaves the listing empty: names that need
				// libpcap's test fixtures, syntax newer than 1.10.3.
				listings[i], _ = runTcpdump(tcpdump, cases[i])
			}
		})
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
	compiled := 0
	for _, l := range listings {
		if l.text == nil {
			continue
		}
		compiled++
		t.Run(l.name, func(t *testing.T) { checkListing(t, l) })
	}
	t.Logf("%d of %d corpus expressions compile with this tcpdump", compiled, len(cases))
	if compiled < len(cases)/2 {
		t.Errorf("only %d of %d corpus expressions compiled: is the tcpdump at %s libpcap 1.10 or later?", compiled, len(cases), tcpdump)
	}
}

func TestFormatPrograms(t *testing.T) {
	oracle, err := buildDumpOracle(t)
	switch {
	case *update && err != nil:
		t.Fatalf("-update needs the libpcap oracle: %v", err)
	case *update:
		var fresh []listing
		for _, named := range oddPrograms() {
			fresh = append(fresh, runDumpOracle(t, oracle, named.name, named.program))
		}
		writeListings(t, programListing, fresh)
	case err != nil:
		t.Logf("no libpcap oracle (%v): checking the committed listings only", err)
	default:
		golden := readListings(t, programListing)
		var fresh []listing
		for _, l := range golden {
			p, err := cbpf.ParseFormat(l.text[cbpf.Decimal], cbpf.Decimal)
			if err != nil {
				t.Fatalf("%s: %v", l.name, err)
			}
			fresh = append(fresh, runDumpOracle(t, oracle, l.name, p))
		}
		compareWithOracle(t, golden, fresh)
	}
	for _, l := range readListings(t, programListing) {
		t.Run(l.name, func(t *testing.T) { checkListing(t, l) })
	}
}

// checkListing checks that the program of l (read from its Decimal
// listing) formats to each of l's listings and that each reads back, the
// Text listing with what it does not show set to 0: libpcap itself leaves
// stale values there, like k of a "tax" made from a "ldx" by the optimizer.
func checkListing(t *testing.T, l listing) {
	t.Helper()
	p, err := cbpf.ParseFormat(l.text[cbpf.Decimal], cbpf.Decimal)
	if err != nil {
		t.Fatalf("read the -ddd listing: %v", err)
	}
	for _, f := range formats {
		if diff := cmp.Diff(l.text[f], p.Format(f)); diff != "" {
			t.Errorf("Format(%v) (-oracle +got):\n%s", f, diff)
		}
	}
	if diff := cmp.Diff(l.text[cbpf.Text], p.String()); diff != "" {
		t.Errorf("String (-oracle +got):\n%s", diff)
	}
	for _, f := range formats {
		auto, err := cbpf.Parse(l.text[f])
		if err != nil {
			t.Fatalf("Parse(%v listing): %v", f, err)
		}
		only, err := cbpf.ParseFormat(l.text[f], f)
		if err != nil {
			t.Fatalf("ParseFormat(%v listing, %v): %v", f, f, err)
		}
		if diff := cmp.Diff(auto, only); diff != "" {
			t.Errorf("Parse and ParseFormat(%v) differ (-Parse +ParseFormat):\n%s", f, diff)
		}
		if f == cbpf.Text {
			checkShownFields(t, p, only)
			continue
		}
		if diff := cmp.Diff(p, only); diff != "" {
			t.Errorf("ParseFormat(%v listing) (-want +got):\n%s", f, diff)
		}
	}
}

// checkShownFields checks a program read back from the Text listing of p:
// it must list the same, and agree with p on every field it does not
// leave at 0.
func checkShownFields(t *testing.T, p, fromText cbpf.Program) {
	t.Helper()
	if diff := cmp.Diff(p.Format(cbpf.Text), fromText.Format(cbpf.Text)); diff != "" {
		t.Errorf("read back Text listing lists differently (-want +got):\n%s", diff)
	}
	if len(p) != len(fromText) {
		t.Fatalf("read back %d instructions, want %d", len(fromText), len(p))
	}
	for i, got := range fromText {
		want := p[i]
		if got.Op != want.Op ||
			got.Jt != 0 && got.Jt != want.Jt ||
			got.Jf != 0 && got.Jf != want.Jf ||
			got.K != 0 && got.K != want.K {
			t.Errorf("instruction %d read back from Text as %+v, want %+v or it with fields set to 0", i, got, want)
		}
	}
}

type namedProgram struct {
	name    string
	program cbpf.Program
}

// oddPrograms are programs no filter expression compiles to, covering
// every opcode byte, opcodes beyond a byte, the Linux ancillary and
// negative offsets, wrapping jumps and instruction numbers past 999.
// They are fixed by their seed; the goldens keep them.
func oddPrograms() []namedProgram {
	rng := rand.New(rand.NewPCG(0x6770, 0xcbf))
	k := func() uint32 {
		switch rng.IntN(6) {
		case 0:
			edges := []uint32{0, 1, 2, 15, 16, 255, 256, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff,
				cbpf.NetworkBase, cbpf.LinkBase, cbpf.LinkBase + 14}
			return edges[rng.IntN(len(edges))]
		case 1:
			return cbpf.AncillaryBase + uint32(rng.IntN(17))*4
		case 2:
			return cbpf.AncillaryBase + uint32(rng.IntN(80))
		case 3:
			return uint32(rng.IntN(64))
		}
		return rng.Uint32()
	}
	random := func(op uint16) bpf.RawInstruction {
		return bpf.RawInstruction{Op: op, Jt: uint8(rng.Uint32()), Jf: uint8(rng.Uint32()), K: k()}
	}
	var programs []namedProgram
	var everyByte cbpf.Program
	for op := range 256 {
		everyByte = append(everyByte, random(uint16(op)))
	}
	programs = append(programs, namedProgram{"every opcode byte", everyByte})

	var wide cbpf.Program
	for range 64 {
		wide = append(wide, random(uint16(rng.IntN(0xff00)+0x100)))
	}
	programs = append(programs, namedProgram{"opcodes beyond a byte", wide})

	var offsets cbpf.Program
	for _, op := range []uint16{0x20, 0x28, 0x30, 0x40, 0xb1} {
		for off := cbpf.AncillaryBase - 2; off != cbpf.AncillaryBase+70; off++ {
			offsets = append(offsets, bpf.RawInstruction{Op: op, K: off})
		}
	}
	programs = append(programs, namedProgram{"ancillary offsets", offsets})

	var jumps cbpf.Program
	for _, off := range []uint32{0, 1, 254, 255, 256, 0x7ffffffe, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff} {
		jumps = append(jumps, bpf.RawInstruction{Op: 0x05, K: off})
		jumps = append(jumps, bpf.RawInstruction{Op: 0x15, Jt: uint8(off), Jf: uint8(off >> 1), K: off})
	}
	programs = append(programs, namedProgram{"jump offsets", jumps})

	for i := range 40 {
		var p cbpf.Program
		for range 1 + rng.IntN(80) {
			p = append(p, random(uint16(rng.IntN(256))))
		}
		programs = append(programs, namedProgram{fmt.Sprintf("random program %d", i), p})
	}

	var long cbpf.Program
	for range 1100 {
		long = append(long, random(uint16(rng.IntN(256))))
	}
	return append(programs, namedProgram{"1100 instructions", long})
}

func TestFormatString(t *testing.T) {
	for _, tc := range []struct {
		f    cbpf.Format
		want string
	}{
		{cbpf.Text, "-d"},
		{cbpf.CArray, "-dd"},
		{cbpf.Decimal, "-ddd"},
		{cbpf.Format(7), "Format(7)"},
	} {
		if diff := cmp.Diff(tc.want, tc.f.String()); diff != "" {
			t.Errorf("Format(%d).String() (-want +got):\n%s", int(tc.f), diff)
		}
	}
}

func TestFormatUnknownPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Format(Format(3)) did not panic")
		}
	}()
	_ = cbpf.Program{{Op: 0x06}}.Format(cbpf.Format(3))
}

func TestFormatEmpty(t *testing.T) {
	for _, tc := range []struct {
		f    cbpf.Format
		want string
	}{
		{cbpf.Text, ""},
		{cbpf.CArray, ""},
		{cbpf.Decimal, "0\n"},
	} {
		if diff := cmp.Diff(tc.want, cbpf.Program{}.Format(tc.f)); diff != "" {
			t.Errorf("empty program in %v (-want +got):\n%s", tc.f, diff)
		}
	}
}

package filterlang_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// libpcap's answers for the corpus are kept under testdata/oracle as
// gzip-compressed golden files, written by TestOracleUpdate (-update):
//
//	verdicts/CAPTURE.tsv.gz   per capture of testdata/pcaps: bpf_filter's
//	                          return value for every packet, per expression
//	programs/DLT.tsv.gz       per link type: the programs tcpdump -r prints
//	                          for a capture file of that link type
//	live/DLT.tsv.gz           per link type: the programs tcpdump -d prints
//	                          for a live Linux capture
//	libpcap-tests.tsv.gz      libpcap 1.10.3's verdict on the expressions of
//	                          libpcap's own accept and reject tests
const (
	oracleDir        = "testdata/oracle"
	verdictsDir      = oracleDir + "/verdicts"
	programsDir      = oracleDir + "/programs"
	liveDir          = oracleDir + "/live"
	libpcapTestsFile = oracleDir + "/libpcap-tests.tsv.gz"
	goldenSuffix     = ".tsv.gz"
	regenerateHint   = "regenerate with: go test ./filterlang -run TestOracle -update"
)

// Captures are read in place, never copied: the project's own from
// testdata/pcaps, the shared ones from ../shared/pcaps when present.
const (
	projectPcapsDir = "../testdata/pcaps"
	sharedPcapsDir  = "../../shared/pcaps"
	libpcapTestsDir = sharedPcapsDir + "/libpcap-filter-tests"
)

// oracleLinkTypes are the link types whose programs are recorded, by
// libpcap's names (tcpdump -y).
var oracleLinkTypes = []string{
	"EN10MB", "LINUX_SLL", "LINUX_SLL2", "RAW", "NULL", "LOOP", "IPV4", "IPV6",
	"IEEE802_11", "IEEE802_11_RADIO", "PPP", "C_HDLC", "PPI", "SUNATM", "MTP2", "PFLOG",
}

// liveInterfaces are the live Linux captures whose programs are recorded:
// the link type, and the tcpdump options that open a handle of that type.
var liveInterfaces = []struct {
	LinkType string
	Args     []string
}{
	{"EN10MB", []string{"-i", oracleVeth}},
	{"LINUX_SLL2", []string{"-i", "any"}},
	{"LINUX_SLL", []string{"-i", "any", "-y", "LINUX_SLL"}},
}

func init() {
	// Another test file of the package may define -update too; both then
	// read the same flag.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "regenerate golden files from their oracles")
	}
}

// updating reports whether the test binary runs with -update.
func updating() bool {
	return flag.Lookup("update").Value.(flag.Getter).Get().(bool)
}

// goldenFile is the content of a golden file: comment lines (without the
// leading "# "), "@key value" metadata and tab-separated records.
type goldenFile struct {
	Comment []string
	Meta    map[string]string
	Records [][]string
}

func readGolden(path string) (*goldenFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	g := &goldenFile{Meta: map[string]string{}}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#"):
			g.Comment = append(g.Comment, strings.TrimPrefix(strings.TrimPrefix(line, "#"), " "))
		case strings.HasPrefix(line, "@"):
			k, v, _ := strings.Cut(line[1:], " ")
			g.Meta[k] = v
		default:
			g.Records = append(g.Records, strings.Split(line, "\t"))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return g, nil
}

func writeGolden(path string, g *goldenFile) error {
	var b bytes.Buffer
	for _, c := range g.Comment {
		fmt.Fprintf(&b, "# %s\n", c)
	}
	keys := make([]string, 0, len(g.Meta))
	for k := range g.Meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "@%s %s\n", k, g.Meta[k])
	}
	for _, r := range g.Records {
		for _, f := range r {
			if strings.ContainsAny(f, "\t\n") {
				return fmt.Errorf("write %s: field %q has a tab or a newline", path, f)
			}
		}
		b.WriteString(strings.Join(r, "\t"))
		b.WriteByte('\n')
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var z bytes.Buffer
	zw, err := gzip.NewWriterLevel(&z, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(b.Bytes()); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, z.Bytes(), 0o644)
}

// meta returns the metadata value of key, or an error naming the file.
func (g *goldenFile) meta(path, key string) (string, error) {
	v, ok := g.Meta[key]
	if !ok {
		return "", fmt.Errorf("%s: no @%s line; %s", path, key, regenerateHint)
	}
	return v, nil
}

// An outcome is what one compiler made of one expression compiled one
// way: an error message, or a result (verdicts or a program) encoded as
// text. In golden files an error is written "!" followed by the message.
type outcome struct {
	Err    string // the compiler's message; "" when the expression compiled
	Result string // the encoded result when it compiled
}

const errorMark = "!"

func (o outcome) String() string {
	if o.Err != "" {
		return errorMark + o.Err
	}
	return o.Result
}

func parseOutcome(s string) outcome {
	if msg, ok := strings.CutPrefix(s, errorMark); ok {
		return outcome{Err: msg}
	}
	return outcome{Result: s}
}

// Verdicts are the values a program returned for the packets of a capture
// in order, written as runs "FIRST-LAST:VALUE" or "N:VALUE" of packets
// (numbered from 1, as pcap-oracle numbers them) with the same non-zero
// value; "-" when the program rejected every packet.
const noneAccepted = "-"

func formatVerdicts(v []uint32) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == 0 {
			continue
		}
		end := i
		for end+1 < len(v) && v[end+1] == v[i] {
			end++
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if end > i {
			fmt.Fprintf(&b, "%d-%d:%d", i+1, end+1, v[i])
		} else {
			fmt.Fprintf(&b, "%d:%d", i+1, v[i])
		}
		i = end
	}
	if b.Len() == 0 {
		return noneAccepted
	}
	return b.String()
}

func parseVerdicts(s string, packets int) ([]uint32, error) {
	v := make([]uint32, packets)
	if s == noneAccepted {
		return v, nil
	}
	for _, f := range strings.Fields(s) {
		span, val, ok := strings.Cut(f, ":")
		first, last, isRun := strings.Cut(span, "-")
		if !isRun {
			last = first
		}
		lo, err1 := strconv.Atoi(first)
		hi, err2 := strconv.Atoi(last)
		n, err3 := strconv.ParseUint(val, 10, 32)
		if !ok || err1 != nil || err2 != nil || err3 != nil || n == 0 || lo < 1 || hi < lo || hi > packets {
			return nil, fmt.Errorf("bad verdicts %q for %d packets", f, packets)
		}
		for i := lo; i <= hi; i++ {
			v[i-1] = uint32(n)
		}
	}
	return v, nil
}

// Programs are written as their instructions in tcpdump -ddd form ("code
// jt jf k"), separated by commas.
func formatProgram(p cbpf.Program) string {
	parts := make([]string, len(p))
	for i, ins := range p {
		parts[i] = fmt.Sprintf("%d %d %d %d", ins.Op, ins.Jt, ins.Jf, ins.K)
	}
	return strings.Join(parts, ",")
}

func parseProgram(s string) (cbpf.Program, error) {
	var p cbpf.Program
	for _, part := range strings.Split(s, ",") {
		var op uint16
		var jt, jf uint8
		var k uint32
		if n, err := fmt.Sscanf(part, "%d %d %d %d", &op, &jt, &jf, &k); n != 4 || err != nil {
			return nil, fmt.Errorf("bad instruction %q", part)
		}
		p = append(p, bpf.RawInstruction{Op: op, Jt: jt, Jf: jf, K: k})
	}
	return p, nil
}

// parseDDD reads tcpdump -ddd output: a count line, then the instructions.
func parseDDD(text string) (cbpf.Program, error) {
	p, err := cbpf.ParseFormat(text, cbpf.Decimal)
	if err != nil {
		return nil, fmt.Errorf("parse -ddd listing: %w", err)
	}
	return p, nil
}

// exprRecords indexes the records of a golden file by their first field,
// the expression, and reports duplicates.
func exprRecords(path string, g *goldenFile, fields int) (map[string][]string, error) {
	m := make(map[string][]string, len(g.Records))
	for i, r := range g.Records {
		if len(r) != fields {
			return nil, fmt.Errorf("%s: record %d has %d fields, want %d", path, i+1, len(r), fields)
		}
		if _, dup := m[r[0]]; dup {
			return nil, fmt.Errorf("%s: expression %q recorded twice", path, r[0])
		}
		m[r[0]] = r
	}
	return m, nil
}

// checkCovers reports corpus expressions missing from a golden file and
// recorded expressions no longer in the corpus.
func checkCovers(path string, recs map[string][]string, corpus []corpusEntry) error {
	var missing, extra []string
	in := make(map[string]bool, len(corpus))
	for _, e := range corpus {
		in[e.Expr] = true
		if _, ok := recs[e.Expr]; !ok {
			missing = append(missing, e.Expr)
		}
	}
	for expr := range recs {
		if !in[expr] {
			extra = append(extra, expr)
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return nil
	}
	slices.Sort(extra)
	return fmt.Errorf("%s is stale (%d corpus expressions missing, e.g. %q; %d not in the corpus, e.g. %q): %s",
		path, len(missing), firstOr(missing), len(extra), firstOr(extra), regenerateHint)
}

func firstOr(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// goldenPaths lists the golden files of dir.
func goldenPaths(dir string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*"+goldenSuffix))
	if err == nil && len(paths) == 0 {
		err = fmt.Errorf("no golden files in %s: %w", dir, os.ErrNotExist)
	}
	return paths, err
}

package syntax

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// corpusDir holds libpcap's own filter tests (see its README.txt), from
// the module root's ../shared.
var corpusDir = filepath.Join("..", "..", "..", "..", "shared", "pcaps", "libpcap-filter-tests")

// readTSV returns the rows of a tab-separated corpus file without its
// header, skipping the test when the corpus is absent.
func readTSV(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, name))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("libpcap filter corpus not found in %s", corpusDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r interface{ Read([]byte) (int, error) } = f
	if strings.HasSuffix(name, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = gz
	}
	var rows [][]string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		rows = append(rows, strings.Split(sc.Text(), "\t"))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

// acceptBlock is a block of libpcap's accept tests: expressions that
// compile, on the platforms Skip does not exclude.
type acceptBlock struct {
	Name    string
	DLT     string
	Aliases []string
	Skip    *string
}

// TestAcceptCorpus parses every expression libpcap's tests compile on
// Linux: all but the pflog names of other systems' pf, and the listing
// test of bpf_image, which is no expression.
func TestAcceptCorpus(t *testing.T) {
	f, err := os.Open(filepath.Join(corpusDir, "accept_blocks.json.gz"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("libpcap filter corpus not found in %s", corpusDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []acceptBlock
	if err := json.NewDecoder(gz).Decode(&blocks); err != nil {
		t.Fatal(err)
	}
	parsed := 0
	for _, b := range blocks {
		if b.Name == "bpf_image" || (b.Skip != nil && strings.HasPrefix(*b.Skip, "is not ")) {
			continue
		}
		for _, expr := range b.Aliases {
			parsed++
			if _, err := Parse(expr); err != nil {
				t.Errorf("%s %s %q: %v", b.Name, b.DLT, expr, err)
			}
		}
	}
	if parsed < 2100 {
		t.Errorf("parsed only %d expressions", parsed)
	}
}

// parseStage matches the messages of libpcap's scanner and grammar, which
// this package reports; other rejections come from gencode.
var parseStage = regexp.MustCompile(`^(can't parse filter expression: syntax error|` +
	`number \S+ contains non-octal digit|(decimal|octal|hexadecimal) number \S+ overflows 32 bits|` +
	`invalid IPv6 address [^']|invalid Ethernet address$|` +
	`'(port|portrange|proto|protochain)' qualifier applied to IPv[46] address|` +
	`invalid 802.11 |unknown 802.11 |unknown LLC type name|unknown PF (reason|action))`)

// TestRejectCorpus checks libpcap's rejected expressions: those rejected
// by libpcap's scanner or grammar fail here with its message; the others
// parse, to be rejected by lowering.
func TestRejectCorpus(t *testing.T) {
	parseRejects := 0
	for _, row := range readTSV(t, "reject_tests.tsv.gz") {
		dlt, expr, savefile, want := row[0], row[1], row[2], row[3]
		if savefile != "" && expr == "-" {
			continue // a test of reading the file, not of an expression
		}
		_, err := Parse(expr)
		if !parseStage.MatchString(want) {
			if err != nil {
				t.Errorf("%s %q: %v; libpcap parses it and fails later with %q", dlt, expr, err, want)
			}
			continue
		}
		parseRejects++
		want = strings.TrimPrefix(want, "can't parse filter expression: ")
		var perr *Error
		if !errors.As(err, &perr) {
			t.Errorf("%s %q: parsed; want error %q", dlt, expr, want)
			continue
		}
		if !strings.Contains(perr.Msg, want) {
			t.Errorf("%s %q: error %q; want %q", dlt, expr, perr.Msg, want)
		}
	}
	if parseRejects < 80 {
		t.Errorf("only %d parse-stage rejections in the corpus; the classification is wrong", parseRejects)
	}
}

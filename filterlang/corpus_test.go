package filterlang_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The corpus: testdata/corpus.txt holds the filter expressions of the
// differential tests, one per line, grouped by primitive under
// "# group: NAME" lines; testdata/reject.tsv holds expressions libpcap
// rejects, with libpcap's message.
const (
	corpusFile        = "testdata/corpus.txt"
	rejectFile        = "testdata/reject.tsv"
	corpusGroupPrefix = "# group: "
	// minCorpusSize keeps the corpus from shrinking unnoticed.
	minCorpusSize = 700
)

// corpusEntry is one expression of the corpus.
type corpusEntry struct {
	Group string
	Expr  string
	Line  int
}

func readCorpus() ([]corpusEntry, error) {
	data, err := os.ReadFile(corpusFile)
	if err != nil {
		return nil, err
	}
	var entries []corpusEntry
	group := ""
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, corpusGroupPrefix):
			group = strings.TrimSpace(strings.TrimPrefix(line, corpusGroupPrefix))
		case line == "" || strings.HasPrefix(line, "#"):
		case group == "":
			return nil, fmt.Errorf("%s:%d: expression before the first %q line", corpusFile, i+1, corpusGroupPrefix)
		default:
			entries = append(entries, corpusEntry{Group: group, Expr: line, Line: i + 1})
		}
	}
	return entries, nil
}

// corpusGroups returns the groups in the order the corpus first names them.
func corpusGroups(entries []corpusEntry) []string {
	var groups []string
	seen := map[string]bool{}
	for _, e := range entries {
		if !seen[e.Group] {
			seen[e.Group] = true
			groups = append(groups, e.Group)
		}
	}
	return groups
}

// rejectCase is one line of reject.tsv: an expression libpcap rejects when
// compiling for a link type with a netmask, and libpcap's message.
type rejectCase struct {
	LinkType string
	Netmask  uint32
	Expr     string
	Msg      string
	Line     int
}

// readRejectCases returns the cases of reject.tsv and its comment lines.
func readRejectCases() (cases []rejectCase, comments []string, err error) {
	data, err := os.ReadFile(rejectFile)
	if err != nil {
		return nil, nil, err
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if strings.HasPrefix(line, "#") {
			comments = append(comments, line)
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, nil, fmt.Errorf("%s:%d: %d fields, want 4 (link type, netmask, expression, message)", rejectFile, i+1, len(f))
		}
		mask, err := strconv.ParseUint(f[1], 0, 32)
		if err != nil {
			return nil, nil, fmt.Errorf("%s:%d: netmask: %w", rejectFile, i+1, err)
		}
		cases = append(cases, rejectCase{LinkType: f[0], Netmask: uint32(mask), Expr: f[2], Msg: f[3], Line: i + 1})
	}
	return cases, comments, nil
}

func writeRejectCases(cases []rejectCase, comments []string) error {
	var b strings.Builder
	for _, c := range comments {
		b.WriteString(c + "\n")
	}
	for _, c := range cases {
		fmt.Fprintf(&b, "%s\t%#x\t%s\t%s\n", c.LinkType, c.Netmask, c.Expr, c.Msg)
	}
	return os.WriteFile(rejectFile, []byte(b.String()), 0o644)
}

// TestCorpus checks the corpus itself: its size, that no expression is
// listed twice, that every group has expressions, and that no expression
// is both in the corpus and among the rejected ones.
func TestCorpus(t *testing.T) {
	entries, err := readCorpus()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < minCorpusSize {
		t.Errorf("the corpus has %d expressions, want at least %d", len(entries), minCorpusSize)
	}
	first := map[string]int{}
	perGroup := map[string]int{}
	for _, e := range entries {
		if line, dup := first[e.Expr]; dup {
			t.Errorf("%s:%d: %q repeats line %d", corpusFile, e.Line, e.Expr, line)
		}
		first[e.Expr] = e.Line
		perGroup[e.Group]++
	}
	data, err := os.ReadFile(corpusFile)
	if err != nil {
		t.Fatal(err)
	}
	headers := map[string]int{}
	for i, line := range strings.Split(string(data), "\n") {
		if g, ok := strings.CutPrefix(strings.TrimSpace(line), corpusGroupPrefix); ok {
			g = strings.TrimSpace(g)
			if prev, dup := headers[g]; dup {
				t.Errorf("%s:%d: group %q already started at line %d", corpusFile, i+1, g, prev)
			}
			headers[g] = i + 1
			if perGroup[g] == 0 {
				t.Errorf("%s:%d: group %q has no expressions", corpusFile, i+1, g)
			}
		}
	}
	cases, _, err := readRejectCases()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		// The corpus is compiled with the offline netmask for every link
		// type of oracleLinkTypes, libpcap's errors included.
		if line, ok := first[c.Expr]; ok && c.Netmask == offlineNetmask && slices.Contains(oracleLinkTypes, c.LinkType) {
			t.Errorf("%s:%d: %q for %s is already compiled from the corpus (line %d)", rejectFile, c.Line, c.Expr, c.LinkType, line)
		}
		if c.Msg == "" {
			t.Errorf("%s:%d: no libpcap message for %q; %s", rejectFile, c.Line, c.Expr, regenerateHint)
		}
	}
	for _, g := range corpusGroups(entries) {
		t.Logf("group %-20s %4d expressions", g, perGroup[g])
	}
	t.Logf("%d expressions in %d groups, %d rejected expressions", len(entries), len(perGroup), len(cases))
}

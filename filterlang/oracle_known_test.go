package filterlang_test

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// knownFile lists the disagreements with libpcap the compiler still has,
// one "COMPARISON<TAB>QUOTED-KEY" line each: the comparison names a test
// and a compile mode (e.g. "verdicts/optimised"), the key an expression
// (or, for libpcap's own tests, a capture or link type and an expression).
// The differential tests fail on every disagreement not listed here, so
// that a change that breaks an expression libpcap agreed on is caught
// while the compiler is incomplete; they log how many listed ones now
// agree. Rewrite the list for the tests that run with
//
//	go test ./filterlang -run TestOracle -oracle.update-known
const knownFile = oracleDir + "/known-disagreements.txt"

var updateKnown = flag.Bool("oracle.update-known", false, "rewrite "+knownFile+" with the disagreements of the tests that run")

// knownList is the content of knownFile.
type knownList struct {
	mu      sync.Mutex
	entries map[string]map[string]bool // comparison → key → listed
}

var (
	knownOnce sync.Once
	known     knownList
	knownErr  error
)

// knownDisagreements returns the list, read once.
func knownDisagreements(t *testing.T) *knownList {
	t.Helper()
	knownOnce.Do(func() {
		known.entries = map[string]map[string]bool{}
		data, err := os.ReadFile(knownFile)
		if os.IsNotExist(err) {
			return
		}
		if err != nil {
			knownErr = err
			return
		}
		for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			comparison, quoted, ok := strings.Cut(line, "\t")
			key, err := strconv.Unquote(quoted)
			if !ok || err != nil {
				knownErr = fmt.Errorf("%s:%d: want COMPARISON<TAB>QUOTED-KEY", knownFile, i+1)
				return
			}
			if known.entries[comparison] == nil {
				known.entries[comparison] = map[string]bool{}
			}
			known.entries[comparison][key] = true
		}
	})
	if knownErr != nil {
		t.Fatal(knownErr)
	}
	return &known
}

func (k *knownList) has(comparison, key string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.entries[comparison][key]
}

// replace makes keys the disagreements of comparison and rewrites the
// file.
func (k *knownList) replace(comparison string, keys []string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.entries[comparison] = map[string]bool{}
	for _, key := range keys {
		k.entries[comparison][key] = true
	}
	var b strings.Builder
	b.WriteString("# Disagreements with libpcap the compiler still has; the differential tests\n")
	b.WriteString("# (oracle_*_test.go) fail on any other. Rewritten by\n")
	b.WriteString("#\tgo test ./filterlang -run TestOracle -oracle.update-known\n")
	for _, c := range slices.Sorted(maps.Keys(k.entries)) {
		for _, key := range slices.Sorted(maps.Keys(k.entries[c])) {
			fmt.Fprintf(&b, "%s\t%s\n", c, strconv.Quote(key))
		}
	}
	return os.WriteFile(knownFile, []byte(b.String()), 0o644)
}

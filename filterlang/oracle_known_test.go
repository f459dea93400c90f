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

// knownFile lists the disagreements with libpcap 1.10.3 the compiler
// has, one "COMPARISON<TAB>QUOTED-KEY<TAB>REASON" line each: the
// comparison names a test and a compile mode (e.g. "verdicts/optimised"),
// the key an expression (or, for libpcap's own tests, a capture or link
// type and an expression), the reason one of knownReasons. The
// differential tests fail on every disagreement not listed here, and on a
// listed one whose reason is not explained, so that every difference from
// libpcap is deliberate; they log how many listed ones now agree. Rewrite
// the list for the tests that run with
//
//	go test ./filterlang -run TestOracle -oracle.update-known
//
// which keeps the reason of each key already listed and marks new ones
// unexplainedReason, for a person to classify.
const knownFile = oracleDir + "/known-disagreements.txt"

var updateKnown = flag.Bool("oracle.update-known", false, "rewrite "+knownFile+" with the disagreements of the tests that run")

// knownReasons are why the compiler may disagree with libpcap 1.10.3.
var knownReasons = map[string]string{
	"master-fix": "libpcap master fixed a bug of 1.10.3 (IS-IS on C_HDLC, \"!=\" on ATM " +
		"and MTP3 fields) and the compiler follows master",
	"master-addition": "libpcap master added what 1.10.3 lacks (vxlan, gateway in builds " +
		"with IPv6, 802.11 keywords on PPI) and the compiler follows master",
	"master-message": "libpcap master words the error differently and the compiler follows master",
	"error-order": "the expression has a syntax error and a semantic one: both reject it, " +
		"libpcap's parser reports the semantic error it reaches first, ours the syntax error",
	"libpcap-bug": "libpcap 1.10.3's optimiser breaks the live vlan test (its jumps inside " +
		"statements skip the load of the tag); ours leaves that program unoptimised and correct",
	"live-kernel-refuses": "libpcap's live program is one Linux refuses to load (protochain's " +
		"backward jump, scratch memory read before it is written), so the live target " +
		"rejects the expression",
}

// unexplainedReason marks an entry -oracle.update-known added; the tests
// fail until it is classified.
const unexplainedReason = "unexplained"

// knownList is the content of knownFile.
type knownList struct {
	mu      sync.Mutex
	entries map[string]map[string]string // comparison → key → reason
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
		known.entries = map[string]map[string]string{}
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
			f := strings.Split(line, "\t")
			if len(f) != 3 {
				knownErr = fmt.Errorf("%s:%d: want COMPARISON<TAB>QUOTED-KEY<TAB>REASON", knownFile, i+1)
				return
			}
			key, err := strconv.Unquote(f[1])
			if err != nil {
				knownErr = fmt.Errorf("%s:%d: key: %w", knownFile, i+1, err)
				return
			}
			if _, ok := knownReasons[f[2]]; !ok && f[2] != unexplainedReason {
				knownErr = fmt.Errorf("%s:%d: unknown reason %q", knownFile, i+1, f[2])
				return
			}
			if known.entries[f[0]] == nil {
				known.entries[f[0]] = map[string]string{}
			}
			known.entries[f[0]][key] = f[2]
		}
	})
	if knownErr != nil {
		t.Fatal(knownErr)
	}
	return &known
}

// reason returns why key is a known disagreement of comparison, or "".
func (k *knownList) reason(comparison, key string) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.entries[comparison][key]
}

func (k *knownList) has(comparison, key string) bool { return k.reason(comparison, key) != "" }

// replace makes keys the disagreements of comparison, keeping the reason
// a key has in any comparison, and rewrites the file.
func (k *knownList) replace(comparison string, keys []string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	reasons := map[string]string{}
	for _, byKey := range k.entries {
		for key, r := range byKey {
			if r != unexplainedReason {
				reasons[key] = r
			}
		}
	}
	k.entries[comparison] = map[string]string{}
	for _, key := range keys {
		r := reasons[key]
		if r == "" {
			r = unexplainedReason
		}
		k.entries[comparison][key] = r
	}
	var b strings.Builder
	b.WriteString("# Disagreements with libpcap 1.10.3 the compiler has, each with its reason;\n")
	b.WriteString("# the differential tests (oracle_*_test.go) fail on any other. Reasons:\n")
	for _, r := range slices.Sorted(maps.Keys(knownReasons)) {
		fmt.Fprintf(&b, "#\t%s: %s\n", r, knownReasons[r])
	}
	b.WriteString("# Rewritten, keeping the reasons, by\n")
	b.WriteString("#\tgo test ./filterlang -run TestOracle -oracle.update-known\n")
	for _, c := range slices.Sorted(maps.Keys(k.entries)) {
		for _, key := range slices.Sorted(maps.Keys(k.entries[c])) {
			fmt.Fprintf(&b, "%s\t%s\t%s\n", c, strconv.Quote(key), k.entries[c][key])
		}
	}
	return os.WriteFile(knownFile, []byte(b.String()), 0o644)
}

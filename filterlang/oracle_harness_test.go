package filterlang_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket/layers"

	"github.com/gotcpdump/gotcpdump/capture"
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang"
	"github.com/gotcpdump/gotcpdump/internal/linktype"
)

// stubMessage is what Compile answers while the compiler is being written.
// The differential tests skip only on this exact answer for "ip".
const stubMessage = "the filter compiler is not complete yet"

// requireCompiler skips the test while Compile is the stub that rejects
// everything; any other answer, right or wrong, lets the test run.
func requireCompiler(t testing.TB) {
	t.Helper()
	_, err := filterlang.Compile("ip", filterlang.Options{LinkType: layers.LinkTypeEthernet})
	var e *filterlang.Error
	if errors.As(err, &e) && e.Msg == stubMessage {
		t.Skipf("Compile answers %q: the comparison with libpcap runs once the compiler compiles \"ip\"", stubMessage)
	}
}

// oracleCapture is a capture file read the way libpcap hands its packets
// to bpf_filter.
type oracleCapture struct {
	Name     string // path relative to its root directory, with slashes
	Path     string
	LinkType layers.LinkType // of the first interface, as libpcap sees the file
	SnapLen  uint32          // what libpcap's programs return to accept a packet
	SHA256   string
	Packets  []oraclePacket
}

// oraclePacket is one packet of a capture: the captured bytes, the length
// on the wire and the link type of the interface it was captured on.
type oraclePacket struct {
	Data     []byte
	WireLen  int
	LinkType layers.LinkType
}

func loadCapture(root, name string) (*oracleCapture, error) {
	path := filepath.Join(root, filepath.FromSlash(name))
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	r, err := capture.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	c := &oracleCapture{
		Name:     name,
		Path:     path,
		LinkType: r.LinkType(),
		SnapLen:  r.SnapLen(),
		SHA256:   hex.EncodeToString(sum[:]),
	}
	for {
		pkt, ci, err := r.ZeroCopyReadPacketData()
		if errors.Is(err, io.EOF) {
			return c, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		lt := c.LinkType
		if ifaces := r.Interfaces(); ci.InterfaceIndex < len(ifaces) {
			lt = ifaces[ci.InterfaceIndex].LinkType
		}
		c.Packets = append(c.Packets, oraclePacket{Data: slices.Clone(pkt), WireLen: ci.Length, LinkType: lt})
	}
}

// captureNames lists the pcap and pcapng files under root, relative to it;
// none when root does not exist.
func captureNames(root string) ([]string, error) {
	var names []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".pcap") || strings.HasSuffix(path, ".pcapng")) {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return names, err
}

// linkTypeName is libpcap's name for lt, or its number when libpcap has none.
func linkTypeName(lt layers.LinkType) string {
	if name, _, ok := linktype.Name(lt); ok {
		return name
	}
	return fmt.Sprint(int(lt))
}

// ourCompiler compiles expressions with filterlang and remembers the
// results, since many captures share link type and snapshot length. It is
// safe for concurrent use.
type ourCompiler struct {
	mu    sync.Mutex
	cache map[compileKey]*ourProgram
}

type compileKey struct {
	expr string
	opts filterlang.Options
}

// ourProgram is what Compile made of an expression: a program and a VM
// to run it, or the error.
type ourProgram struct {
	Prog cbpf.Program
	VM   *cbpf.VM
	Err  error
}

func newOurCompiler() *ourCompiler {
	return &ourCompiler{cache: map[compileKey]*ourProgram{}}
}

// compile compiles expr and checks the program against the load-time rules
// of sem; a program that breaks them, or an error that is not a
// *filterlang.Error, is reported as the error.
func (c *ourCompiler) compile(expr string, opts filterlang.Options, sem cbpf.Semantics) *ourProgram {
	key := compileKey{expr, opts}
	c.mu.Lock()
	p, ok := c.cache[key]
	c.mu.Unlock()
	if ok {
		return p
	}
	p = &ourProgram{}
	p.Prog, p.Err = filterlang.Compile(expr, opts)
	var fe *filterlang.Error
	switch {
	case p.Err != nil && !errors.As(p.Err, &fe):
		p.Err = fmt.Errorf("compile returned %T, not *filterlang.Error: %w", p.Err, p.Err)
	case p.Err == nil:
		if err := p.Prog.Validate(sem); err != nil {
			p.Err = fmt.Errorf("program fails %v validation: %w\n%s", sem, err, p.Prog.Format(cbpf.Text))
		} else if p.VM, err = cbpf.NewVM(p.Prog, sem); err != nil {
			p.Err = fmt.Errorf("program rejected by the VM: %w", err)
		}
	}
	c.mu.Lock()
	c.cache[key] = p
	c.mu.Unlock()
	return p
}

// ourMessage is the libpcap-style message of a compile error, or the
// whole error when it is not a *filterlang.Error.
func ourMessage(err error) string {
	var fe *filterlang.Error
	if errors.As(err, &fe) {
		return fe.Msg
	}
	return err.Error()
}

// compareCompile compares whether and how libpcap and we compiled an
// expression: both must fail with the same message, or both succeed. It
// returns "" when they agree so far.
func compareCompile(libpcap outcome, ours *ourProgram) string {
	var fe *filterlang.Error
	switch {
	case libpcap.Err == "" && ours.Err != nil:
		return fmt.Sprintf("libpcap compiles it, we fail: %v", ours.Err)
	case libpcap.Err != "" && ours.Err == nil:
		return fmt.Sprintf("libpcap fails with %q, we compile it:\n%s", libpcap.Err, ours.Prog.Format(cbpf.Text))
	case libpcap.Err != "" && !errors.As(ours.Err, &fe):
		return fmt.Sprintf("libpcap fails with %q, we fail with %v", libpcap.Err, ours.Err)
	case libpcap.Err != "" && !sameMessage(libpcap.Err, fe.Msg):
		return fmt.Sprintf("libpcap fails with %q, we with %q", libpcap.Err, fe.Msg)
	}
	return ""
}

// parseErrorPrefix is how pcap_compile introduces the parser's messages;
// Error.Msg may leave it out ("syntax error").
const parseErrorPrefix = "can't parse filter expression: "

// sameMessage reports whether our message is libpcap's, with or without
// the prefix of the parser's messages.
func sameMessage(libpcap, ours string) bool {
	return ours == libpcap || ours == strings.TrimPrefix(libpcap, parseErrorPrefix)
}

// runPackets returns what vm returns for each packet.
func runPackets(vm *cbpf.VM, pkts []oraclePacket) []uint32 {
	v := make([]uint32, len(pkts))
	for i, p := range pkts {
		v[i] = vm.Run(p.Data, p.WireLen)
	}
	return v
}

// diffVerdicts describes where two runs over the same packets differ.
func diffVerdicts(libpcap, ours []uint32) string {
	if slices.Equal(libpcap, ours) {
		return ""
	}
	return fmt.Sprintf("per-packet results differ: libpcap %s, ours %s (-libpcap +ours):\n%s",
		formatVerdicts(libpcap), formatVerdicts(ours), cmp.Diff(libpcap, ours))
}

// groupReport gathers the disagreements of one comparison with libpcap
// (a test and a compile mode) per corpus group, and reports them against
// the known disagreements.
type groupReport struct {
	comparison string // as named in knownFile, e.g. "verdicts/optimised"
	entries    []corpusEntry

	mu       sync.Mutex
	checked  map[string]bool     // key → compared at least once
	failures map[string][]string // key → disagreements
}

func newGroupReport(comparison string, entries []corpusEntry) *groupReport {
	return &groupReport{comparison: comparison, entries: entries, checked: map[string]bool{}, failures: map[string][]string{}}
}

// add records one check of entry e; failure is "" when it agreed.
func (r *groupReport) add(e corpusEntry, failure string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checked[e.Expr] = true
	if failure != "" {
		r.failures[e.Expr] = append(r.failures[e.Expr], failure)
	}
}

// report runs one subtest per group that logs how many entries agree with
// libpcap and fails on each disagreement not in the known list; with
// -oracle.update-known it makes the list the current disagreements.
func (r *groupReport) report(t *testing.T) {
	t.Helper()
	known := knownDisagreements(t)
	byGroup := map[string][]corpusEntry{}
	for _, e := range r.entries {
		if r.checked[e.Expr] {
			byGroup[e.Group] = append(byGroup[e.Group], e)
		}
	}
	var disagree []string
	for _, e := range r.entries {
		if len(r.failures[e.Expr]) > 0 {
			disagree = append(disagree, e.Expr)
		}
	}
	total, agreed, listed, fixed := 0, 0, 0, 0
	byReason := map[string]int{}
	for _, g := range corpusGroups(r.entries) {
		t.Run(g, func(t *testing.T) {
			ok, knownBad, nowAgree := 0, 0, 0
			for _, e := range byGroup[g] {
				fails := r.failures[e.Expr]
				reason := known.reason(r.comparison, e.Expr)
				isKnown := reason != ""
				if len(fails) > 0 && reason == unexplainedReason && !*updateKnown {
					t.Errorf("%q: %s\n(listed in %s without a reason: classify it)", e.Expr, fails[0], knownFile)
				}
				switch {
				case len(fails) == 0 && isKnown:
					ok++
					nowAgree++
				case len(fails) == 0:
					ok++
				case isKnown:
					knownBad++
					byReason[reason]++
				case !*updateKnown:
					more := ""
					if len(fails) > 1 {
						more = fmt.Sprintf("\n(and %d more disagreements on %q)", len(fails)-1, e.Expr)
					}
					t.Errorf("%q: %s%s", e.Expr, fails[0], more)
				}
			}
			t.Logf("%s: %d of %d agree with libpcap; %d known disagreements; %d listed as known now agree",
				r.comparison, ok, len(byGroup[g]), knownBad, nowAgree)
			total += len(byGroup[g])
			agreed += ok
			listed += knownBad
			fixed += nowAgree
		})
	}
	t.Logf("%s: %d of %d agree with libpcap; %d known disagreements %v; %d listed as known now agree", r.comparison, agreed, total, listed, byReason, fixed)
	if fixed > 0 && !*updateKnown {
		t.Logf("%d disagreements listed in %s are gone: rewrite it with -oracle.update-known", fixed, knownFile)
	}
	if *updateKnown {
		if err := known.replace(r.comparison, disagree); err != nil {
			t.Fatal(err)
		}
	}
}

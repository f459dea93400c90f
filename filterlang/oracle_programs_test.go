package filterlang_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang"
	"github.com/gotcpdump/gotcpdump/internal/linktype"
)

// programGolden is libpcap's programs for the corpus for one link type.
type programGolden struct {
	Name     string // libpcap's name of the link type
	LinkType layers.LinkType
	Records  map[string][]string // expression → expression, optimised, unoptimised
}

// loadProgramGoldens reads the program goldens of dir, one per link type
// of want, and fails the test when one is missing or no longer covers the
// corpus.
func loadProgramGoldens(t *testing.T, dir string, want []string, corpus []corpusEntry) []programGolden {
	t.Helper()
	var goldens []programGolden
	for _, name := range want {
		path := filepath.Join(dir, name+goldenSuffix)
		g, err := readGolden(path)
		if err != nil {
			t.Errorf("%v; %s", err, regenerateHint)
			continue
		}
		lt, ok := linktype.Parse(name)
		if !ok {
			t.Fatalf("%s: libpcap has no link type %s", path, name)
		}
		recs, err := exprRecords(path, g, 1+len(compileModes))
		if err == nil {
			err = checkCovers(path, recs, corpus)
		}
		if err != nil {
			t.Error(err)
			continue
		}
		goldens = append(goldens, programGolden{Name: name, LinkType: lt, Records: recs})
	}
	return goldens
}

// The packets programs are run on: every packet of every capture the
// capture package reads, project and shared, by link type, each also cut
// short at a few lengths so that programs meet truncated headers.
var (
	packetsOnce sync.Once
	packetsByLT map[layers.LinkType][]oraclePacket
	packetsErr  error
)

// truncations are the captured lengths packets are also cut to: the ends
// of common link, network and transport headers.
var truncations = []int{14, 20, 34, 54}

func oraclePackets(t *testing.T) map[layers.LinkType][]oraclePacket {
	t.Helper()
	packetsOnce.Do(func() {
		packetsByLT = map[layers.LinkType][]oraclePacket{}
		for _, root := range []string{projectPcapsDir, sharedPcapsDir} {
			names, err := captureNames(root)
			if err != nil {
				packetsErr = err
				return
			}
			for _, name := range names {
				c, err := loadCapture(root, name)
				if err != nil {
					// Broken captures are the capture package's
					// business; they have no packets to offer here.
					continue
				}
				for _, p := range c.Packets {
					packetsByLT[p.LinkType] = append(packetsByLT[p.LinkType], p)
					for _, n := range append(slices.Clone(truncations), len(p.Data)-1) {
						if n > 0 && n < len(p.Data) {
							packetsByLT[p.LinkType] = append(packetsByLT[p.LinkType], oraclePacket{Data: p.Data[:n], WireLen: p.WireLen, LinkType: p.LinkType})
						}
					}
				}
			}
		}
	})
	if packetsErr != nil {
		t.Fatal(packetsErr)
	}
	return packetsByLT
}

// libpcapVMs turns libpcap's recorded programs into VMs, once each.
type libpcapVMs struct {
	mu  sync.Mutex
	vms map[string]*cbpf.VM
}

func (l *libpcapVMs) vm(encoded string, sem cbpf.Semantics) (*cbpf.VM, error) {
	key := sem.String() + " " + encoded
	l.mu.Lock()
	defer l.mu.Unlock()
	if vm, ok := l.vms[key]; ok {
		return vm, nil
	}
	p, err := parseProgram(encoded)
	if err != nil {
		return nil, err
	}
	vm, err := cbpf.NewVM(p, sem)
	if err != nil {
		return nil, err
	}
	if l.vms == nil {
		l.vms = map[string]*cbpf.VM{}
	}
	l.vms[key] = vm
	return vm, nil
}

// TestOracleProgramEquivalence compiles every corpus expression for every
// recorded link type, optimised and not, for capture files, and requires
// that it compiles exactly when libpcap does (with libpcap's message when
// it does not) and that our program returns what libpcap's returns on
// every packet of that link type in the project and shared captures,
// whole and truncated. It covers link types with few or no captures
// (802.11, PPP, ...) and headers cut short.
func TestOracleProgramEquivalence(t *testing.T) {
	ensureGoldens(t)
	corpus, err := readCorpus()
	if err != nil {
		t.Fatal(err)
	}
	goldens := loadProgramGoldens(t, programsDir, oracleLinkTypes, corpus)
	requireCompiler(t)
	pkts := oraclePackets(t)
	for _, g := range goldens {
		t.Logf("%s: %d packets", g.Name, len(pkts[g.LinkType]))
		if len(pkts[g.LinkType]) == 0 {
			// Programs compared on no packet would always agree.
			t.Errorf("%s: no capture of this link type in %s to compare the programs on", g.Name, projectPcapsDir)
		}
	}
	ours := newOurCompiler()
	var libpcap libpcapVMs
	for m, mode := range compileModes {
		t.Run(mode.Name, func(t *testing.T) {
			report := newGroupReport("programs/"+mode.Name, corpus)
			for _, g := range goldens {
				opts := filterlang.Options{LinkType: g.LinkType, Netmask: offlineNetmask, NoOptimize: mode.NoOptimize, CaptureFile: true}
				for _, e := range corpus {
					lib := parseOutcome(g.Records[e.Expr][1+m])
					our := ours.compile(e.Expr, opts, cbpf.Libpcap)
					if f := compareCompile(lib, our); f != "" || lib.Err != "" {
						report.add(e, prefixed(g.Name, f))
						continue
					}
					vm, err := libpcap.vm(lib.Result, cbpf.Libpcap)
					if err != nil {
						report.add(e, fmt.Sprintf("%s: libpcap's program: %v", g.Name, err))
						continue
					}
					report.add(e, prefixed(g.Name, diffPrograms(vm, our, pkts[g.LinkType], nil)))
				}
			}
			report.report(t)
		})
	}
}

// prefixed prefixes a disagreement with where it happened; "" stays "".
func prefixed(where, failure string) string {
	if failure == "" {
		return ""
	}
	return where + ": " + failure
}

// diffPrograms runs libpcap's program and ours over the packets, with the
// metadata of each when metadata is not nil, and describes the first
// packet on which they differ.
func diffPrograms(libpcap *cbpf.VM, ours *ourProgram, pkts []oraclePacket, metadata []cbpf.Metadata) string {
	for i, p := range pkts {
		var m *cbpf.Metadata
		if metadata != nil {
			m = &metadata[i]
		}
		want := libpcap.RunMetadata(p.Data, p.WireLen, m)
		got := ours.VM.RunMetadata(p.Data, p.WireLen, m)
		if want != got {
			return fmt.Sprintf("on a packet of %d bytes (%d on the wire) libpcap's program returns %d, ours %d\npacket: % x\nlibpcap's program:\n%sour program:\n%s",
				len(p.Data), p.WireLen, want, got, p.Data, libpcap.Program().Format(cbpf.Text), ours.Prog.Format(cbpf.Text))
		}
	}
	return ""
}

// sizeTally counts how our optimised programs compare in length with
// libpcap's.
type sizeTally struct {
	smaller, equal, larger int
	weFail                 int // libpcap compiles, we do not
	ours, libpcap          int // instructions, over the expressions both compile
}

func (s *sizeTally) add(ours, libpcap int) {
	switch {
	case ours < libpcap:
		s.smaller++
	case ours == libpcap:
		s.equal++
	default:
		s.larger++
	}
	s.ours += ours
	s.libpcap += libpcap
}

func (s sizeTally) String() string {
	ratio := 0.0
	if s.libpcap > 0 {
		ratio = float64(s.ours) / float64(s.libpcap)
	}
	return fmt.Sprintf("smaller %4d  equal %4d  larger %4d  not compiled %4d  instructions ours %6d libpcap %6d (%.3f)",
		s.smaller, s.equal, s.larger, s.weFail, s.ours, s.libpcap, ratio)
}

// sizeGap is one expression whose program is longer than libpcap's.
type sizeGap struct {
	linkType, expr string
	ours, libpcap  int
}

// maxGapsShown bounds the list of the programs furthest above libpcap's.
const maxGapsShown = 25

// TestOracleProgramSize reports, over the corpus and the recorded link
// types, how many of our optimised programs are shorter than, as long as,
// or longer than libpcap's optimised ones, per link type, per corpus group
// and in total, and lists the programs furthest above libpcap's. It is a
// report: it fails only when the goldens are stale.
func TestOracleProgramSize(t *testing.T) {
	ensureGoldens(t)
	corpus, err := readCorpus()
	if err != nil {
		t.Fatal(err)
	}
	goldens := loadProgramGoldens(t, programsDir, oracleLinkTypes, corpus)
	requireCompiler(t)
	ours := newOurCompiler()
	var total sizeTally
	perGroup := map[string]*sizeTally{}
	var gaps []sizeGap
	for _, g := range goldens {
		var tally sizeTally
		for _, e := range corpus {
			lib := parseOutcome(g.Records[e.Expr][1])
			if lib.Err != "" {
				continue
			}
			libProg, err := parseProgram(lib.Result)
			if err != nil {
				t.Fatalf("%s: %q: %v", g.Name, e.Expr, err)
			}
			if perGroup[e.Group] == nil {
				perGroup[e.Group] = &sizeTally{}
			}
			our := ours.compile(e.Expr, filterlang.Options{LinkType: g.LinkType, Netmask: offlineNetmask, CaptureFile: true}, cbpf.Libpcap)
			if our.Err != nil {
				tally.weFail++
				perGroup[e.Group].weFail++
				continue
			}
			tally.add(len(our.Prog), len(libProg))
			perGroup[e.Group].add(len(our.Prog), len(libProg))
			if len(our.Prog) > len(libProg) {
				gaps = append(gaps, sizeGap{g.Name, e.Expr, len(our.Prog), len(libProg)})
			}
		}
		t.Logf("%-18s %v", g.Name, tally)
		total.smaller += tally.smaller
		total.equal += tally.equal
		total.larger += tally.larger
		total.weFail += tally.weFail
		total.ours += tally.ours
		total.libpcap += tally.libpcap
	}
	for _, group := range corpusGroups(corpus) {
		if s := perGroup[group]; s != nil {
			t.Logf("group %-20s %v", group, *s)
		}
	}
	t.Logf("%-18s %v", "all", total)
	sort.SliceStable(gaps, func(i, j int) bool {
		return gaps[i].ours-gaps[i].libpcap > gaps[j].ours-gaps[j].libpcap
	})
	var b strings.Builder
	for _, gap := range gaps[:min(len(gaps), maxGapsShown)] {
		fmt.Fprintf(&b, "\n  %-18s %4d vs %4d  %s", gap.linkType, gap.ours, gap.libpcap, gap.expr)
	}
	if b.Len() > 0 {
		t.Logf("programs furthest above libpcap's (link type, ours vs libpcap, expression):%s", b.String())
	}
}

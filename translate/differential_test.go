package translate_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cilium/ebpf/asm"
	"github.com/gopacket/gopacket/layers"
	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/capture"
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang"
	"github.com/gotcpdump/gotcpdump/internal/randprog"
	"github.com/gotcpdump/gotcpdump/translate"
)

// The differential tests run every translated program in the Linux kernel
// (BPF_PROG_TEST_RUN, see kernel_linux_test.go) and compare its results
// with cbpf's VM, packet by packet, for every target: socket filters, XDP
// and SchedCLS directly, Function as a subprogram called by an XDP
// program, InProcess inlined into one. The programs are the filter
// corpus compiled for capture files (libpcap semantics) and for live
// sockets (Linux semantics), and random programs from internal/randprog;
// the packets are the Ethernet captures of testdata/pcaps and, for the
// random programs, ../shared/pcaps.
//
// The kernel's answers are recorded under testdata/kernel, one line per
// program and target with the fingerprint of the eBPF code and a digest
// of the answers, so the comparison with the VM runs anywhere. On Linux
// as root the tests also ask the running kernel again. Regenerate with
//
//	go test ./translate -run TestKernel -update
var update = flag.Bool("update", false, "rerun the programs in the kernel and rewrite testdata/kernel (Linux, root)")

const (
	goldenDir    = "testdata/kernel"
	regenerate   = "go test ./translate -run TestKernel -update"
	projectPcaps = "../testdata/pcaps"
	sharedPcaps  = "../../shared/pcaps"
	ethHeaderLen = 14
	// maxTestRun is the largest frame BPF_PROG_TEST_RUN takes for every
	// program type (a page less headroom and tailroom).
	maxTestRun = 3000
	// noHeader puts a Linux VM's link or network header so far before
	// the packet that every load relative to it fails, as in the targets
	// that cannot locate it.
	noHeader = -1 << 30
	// loopbackIfIndex is the device BPF_PROG_TEST_RUN uses.
	loopbackIfIndex = 1
)

// targets are the translation targets in the order of the golden lines.
var targets = []translate.Target{translate.SocketFilter, translate.XDP, translate.SchedCLS, translate.Function, translate.InProcess}

// frame is one Ethernet frame of a capture.
type frame struct {
	capture string
	n       int // 1-based number in the capture
	data    []byte
}

// frameSet is the frames of the captures of one directory, with an
// identity for the golden files.
type frameSet struct {
	frames []frame
	id     string // digest of the frames and where they come from
}

// readFrames reads the Ethernet frames of every capture under dir that
// BPF_PROG_TEST_RUN can take. It returns nil when dir does not exist.
func readFrames(t testing.TB, dir string) *frameSet {
	t.Helper()
	if _, err := os.Stat(dir); err != nil {
		return nil
	}
	var paths []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".pcap") || strings.HasSuffix(path, ".pcapng")) {
			paths = append(paths, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(paths)
	fs := &frameSet{}
	h := sha256.New()
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		r, err := capture.NewReader(bytes.NewReader(data))
		if err != nil {
			continue // not a capture the reader knows; the capture tests cover that
		}
		key, _ := filepath.Rel(dir, path)
		for n := 1; ; n++ {
			d, ci, err := r.ReadPacketData()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				break // a truncated capture: keep what was read
			}
			lt := r.LinkType()
			if ci.InterfaceIndex != 0 {
				lt = r.Interfaces()[ci.InterfaceIndex].LinkType
			}
			if lt == layers.LinkTypeEthernet && len(d) >= ethHeaderLen && len(d) <= maxTestRun {
				f := frame{filepath.ToSlash(key), n, d}
				fmt.Fprintf(h, "%s %d %x\n", f.capture, f.n, sha256.Sum256(d))
				fs.frames = append(fs.frames, f)
			}
		}
	}
	fs.id = hex.EncodeToString(h.Sum(nil)[:8])
	return fs
}

// programSet is a named list of programs with the semantics they are
// translated under.
type programSet struct {
	name      string
	semantics cbpf.Semantics
	shared    bool // also run over ../shared/pcaps
	programs  []namedProgram
}

type namedProgram struct {
	id   string
	prog cbpf.Program
}

// predictable are the ancillary values BPF_PROG_TEST_RUN sets to values the
// test knows (see ebpf/kernel's documentation) or that a target refuses.
var predictable = []cbpf.Ancillary{
	cbpf.AncProtocol, cbpf.AncPacketType, cbpf.AncIfIndex, cbpf.AncMark, cbpf.AncQueue,
	cbpf.AncRXHash, cbpf.AncCPU, cbpf.AncALUXorX, cbpf.AncVLANTag, cbpf.AncVLANTagPresent,
	cbpf.AncVLANTPID, cbpf.AncHAType, cbpf.AncPayloadOffset,
}

func programSets(t testing.TB) []*programSet {
	t.Helper()
	offline := corpusSet(t, "corpus-libpcap", cbpf.Libpcap, filterlang.Offline)
	live := corpusSet(t, "corpus-linux", cbpf.Linux, filterlang.LinuxLive)
	sets := []*programSet{offline, live}
	for _, sem := range []cbpf.Semantics{cbpf.Libpcap, cbpf.Linux} {
		set := &programSet{name: "random-" + sem.String(), semantics: sem, shared: true}
		for i := range randomPrograms {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			p := randprog.Generate(rng, randprog.Options{
				Semantics:   sem,
				Ancillaries: predictable,
				PacketLen:   []int{42, 60, 64, 100, 590}[rng.IntN(5)],
				MaxLen:      []int{8, 32, 64}[rng.IntN(3)],
			})
			set.programs = append(set.programs, namedProgram{"random " + strconv.Itoa(i), p})
		}
		sets = append(sets, set)
	}
	return sets
}

// corpusSet returns the filter compiler's programs for Ethernet of every
// expression of its corpus that compiles for target. They are recorded
// with the kernel's answers (programsPath): the kernel ran those, and the
// compiler may since have changed (its own tests check its programs). With
// -update they are compiled again and rewritten.
func corpusSet(t testing.TB, name string, sem cbpf.Semantics, target filterlang.Target) *programSet {
	t.Helper()
	set := &programSet{name: name, semantics: sem}
	if !*update {
		progs, err := readPrograms(programsPath(name))
		if err != nil {
			t.Fatalf("%v; regenerate with %s", err, regenerate)
		}
		set.programs = progs
		return set
	}
	text, err := os.ReadFile("../filterlang/testdata/corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(text), "\n") {
		expr := strings.TrimSpace(line)
		if expr == "" || strings.HasPrefix(expr, "#") {
			continue
		}
		p, err := filterlang.Compile(expr, filterlang.Options{LinkType: layers.LinkTypeEthernet, Target: target})
		if err == nil {
			set.programs = append(set.programs, namedProgram{expr, p})
		}
	}
	if err := writePrograms(programsPath(name), set.programs); err != nil {
		t.Fatal(err)
	}
	return set
}

func programsPath(set string) string { return filepath.Join(goldenDir, set+".programs.gz") }

// readPrograms reads a file writePrograms wrote: per line, the quoted
// name, a tab and the instructions as "op jt jf k", comma-separated.
func readPrograms(path string) ([]namedProgram, error) {
	data, err := readGzip(path)
	if err != nil {
		return nil, err
	}
	var out []namedProgram
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		quoted, code, ok := strings.Cut(line, "\t")
		name, err := strconv.Unquote(quoted)
		if !ok || err != nil {
			return nil, fmt.Errorf("%s:%d: want a quoted name, a tab and the instructions", path, i+1)
		}
		var p cbpf.Program
		for _, ins := range strings.Split(code, ",") {
			var r bpf.RawInstruction
			if _, err := fmt.Sscanf(ins, "%d %d %d %d", &r.Op, &r.Jt, &r.Jf, &r.K); err != nil {
				return nil, fmt.Errorf("%s:%d: instruction %q: %w", path, i+1, ins, err)
			}
			p = append(p, r)
		}
		out = append(out, namedProgram{name, p})
	}
	return out, nil
}

func writePrograms(path string, progs []namedProgram) error {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	for _, np := range progs {
		ins := make([]string, len(np.prog))
		for i, r := range np.prog {
			ins[i] = fmt.Sprintf("%d %d %d %d", r.Op, r.Jt, r.Jf, r.K)
		}
		fmt.Fprintf(zw, "%s\t%s\n", strconv.Quote(np.id), strings.Join(ins, ","))
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

func readGzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return io.ReadAll(zr)
}

// randomPrograms is the number of random programs per semantics.
const randomPrograms = 300

// metadata is what the VM must be told to see what the kernel's test run
// of target t shows the program for frame f, on the given CPU.
func metadata(t translate.Target, f []byte, cpu uint32) *cbpf.Metadata {
	m := &cbpf.Metadata{IfIndex: loopbackIfIndex, LinkOffset: noHeader, NetworkOffset: noHeader}
	switch t {
	case translate.SocketFilter:
		// The test run pulls the copied header: the network header is
		// the frame's start, and so is what eth_type_trans reads after
		// the header. Programs reading the link area are not run.
		m.NetworkOffset = 0
		m.Protocol, m.PacketType = ethTypeTrans(f[:ethHeaderLen], f)
	case translate.SchedCLS:
		m.LinkOffset, m.NetworkOffset = 0, ethHeaderLen
		m.Protocol, m.PacketType = ethTypeTrans(f[:ethHeaderLen], f[ethHeaderLen:])
	default:
		return m
	}
	m.CPU = cpu
	return m
}

// ethTypeTrans is what the kernel's eth_type_trans makes of an Ethernet
// header hdr followed by data, received on the loopback device, whose
// address and broadcast address are both zero: skb->protocol and
// skb->pkt_type.
func ethTypeTrans(hdr, data []byte) (uint16, uint8) {
	const (
		host, multicast, otherHost = 0, 2, 3
		ethP8023, ethP8022         = 0x0001, 0x0004
	)
	pt := uint8(host)
	switch {
	case !bytes.Equal(hdr[:6], make([]byte, 6)) && hdr[0]&1 != 0:
		pt = multicast
	case !bytes.Equal(hdr[:6], make([]byte, 6)):
		pt = otherHost
	}
	proto := binary.BigEndian.Uint16(hdr[12:])
	switch {
	case proto >= 0x600:
	case len(data) >= 2 && data[0] == 0xff && data[1] == 0xff:
		// Novell's raw 802.3, which the kernel spots by this SAP.
		proto = ethP8023
	default:
		proto = ethP8022
	}
	return proto, pt
}

// readsLinkArea reports whether a Linux program's results over the frames
// depend on the link-header area, which a socket filter's test run places
// where the VM cannot follow (in the copied Ethernet header): whether they
// change when the VM is shown a link header.
func readsLinkArea(t *testing.T, p cbpf.Program, frames []frame) bool {
	t.Helper()
	vm, err := cbpf.NewVM(p, cbpf.Linux)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range frames {
		m := metadata(translate.SocketFilter, f.data, 0)
		without := vm.RunMetadata(f.data, len(f.data), m)
		m.LinkOffset = 0
		if vm.RunMetadata(f.data, len(f.data), m) != without {
			return true
		}
	}
	return false
}

// farOffsets reports whether p reads at a constant offset the verifier
// cannot prove for direct packet access (beyond 64 KiB), which only
// InProcess translates to loads.
func farOffsets(p cbpf.Program) bool {
	for _, ins := range p {
		mode := ins.Op & 0xe0
		if ins.Op&0x07 <= cbpf.ClassLDX && (mode == cbpf.ModeABS || mode == cbpf.ModeMSH) && ins.K < 1<<31 && ins.K > 0xffff-4 {
			return true
		}
	}
	return false
}

// answerDigest identifies a list of results.
func answerDigest(rs []uint32) string {
	h := sha256.New()
	for _, r := range rs {
		binary.Write(h, binary.LittleEndian, r)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// fingerprint identifies translated code.
func fingerprint(insns asm.Instructions) (string, error) {
	var b bytes.Buffer
	if err := slices.Clone(insns).Marshal(&b, binary.LittleEndian); err != nil {
		return "", err
	}
	sum := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(sum[:6]), nil
}

// Outcomes of one program on one target, besides its answers.
const (
	outUnsupported = "unsupported" // the translator refused it with ErrUnsupported or ErrBackwardJump
	outSkipped     = "skipped"     // the test cannot run it in the kernel (see skipReason)
	outRejected    = "rejected"    // the verifier refused it: a bug
)

// goldenLine is one program on one target:
// "ID<TAB>TARGET<TAB>FINGERPRINT<TAB>OUTCOME", where OUTCOME is one of the
// out* words or "P=DIGEST S=DIGEST" for the answers over the project's
// and the shared frames ("-" when not run).
type goldenLine struct {
	id, target, fingerprint, outcome string
}

func (l goldenLine) String() string {
	return strings.Join([]string{l.id, l.target, l.fingerprint, l.outcome}, "\t")
}

// golden is a golden file: header values and lines.
type golden struct {
	header map[string]string
	lines  []goldenLine
}

func goldenPath(set string) string { return filepath.Join(goldenDir, set+".txt.gz") }

func readGolden(path string) (*golden, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	g := &golden{header: map[string]string{}}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		if f := strings.Split(line, "\t"); len(f) == 4 {
			g.lines = append(g.lines, goldenLine{f[0], f[1], f[2], f[3]})
			continue
		}
		k, v, _ := strings.Cut(line, " ")
		g.header[k] = v
	}
	return g, sc.Err()
}

func writeGolden(path, comment string, header []string, lines []goldenLine) error {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	for _, c := range strings.Split(comment, "\n") {
		fmt.Fprintf(zw, "# %s\n", c)
	}
	for _, h := range header {
		fmt.Fprintln(zw, h)
	}
	for _, l := range lines {
		fmt.Fprintln(zw, l)
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// translateFor translates p for the test runs of target t: raw results,
// and InProcess limited to the 64 KiB the verifier can follow.
// unsupported is true when the translator refused p with a sentinel the
// target may answer.
func translateFor(p cbpf.Program, sem cbpf.Semantics, t translate.Target) (insns asm.Instructions, unsupported bool, err error) {
	opts := translate.Options{Target: t, Semantics: sem, Raw: true}
	if t == translate.InProcess {
		// What the verifier can check inside the XDP harness.
		opts.PacketLimit = 0xffff
	}
	insns, err = translate.Program(p, opts)
	if errors.Is(err, translate.ErrUnsupported) || errors.Is(err, translate.ErrBackwardJump) {
		return nil, true, nil
	}
	return insns, false, err
}

// allFrames are the frames of the sets that are not nil.
func allFrames(sets ...*frameSet) []frame {
	var fs []frame
	for _, s := range sets {
		if s != nil {
			fs = append(fs, s.frames...)
		}
	}
	return fs
}

// skipReason says why the kernel cannot run p translated for t over the
// frames, or "".
func skipReason(t *testing.T, p cbpf.Program, sem cbpf.Semantics, tg translate.Target, frames []frame) string {
	t.Helper()
	switch {
	case tg == translate.SocketFilter && sem == cbpf.Linux && readsLinkArea(t, p, frames):
		return "a socket filter's test run copies the link header"
	case tg == translate.InProcess && farOffsets(p):
		return "the verifier cannot bound direct loads beyond 64 KiB"
	case tg == translate.InProcess && hasBackwardJump(p):
		return "the verifier cannot bound libpcap's loops"
	}
	return ""
}

// hasBackwardJump reports whether p has a "ja" whose offset wraps around.
func hasBackwardJump(p cbpf.Program) bool {
	for i, ins := range p {
		if ins.Op == cbpf.ClassJMP|cbpf.JumpA && uint64(i)+1+uint64(ins.K) >= uint64(len(p)) {
			return true
		}
	}
	return false
}

// vmAnswers runs p in cbpf's VM as target t's test run shows it the frames.
func vmAnswers(t *testing.T, p cbpf.Program, sem cbpf.Semantics, tg translate.Target, frames []frame, cpu uint32) []uint32 {
	t.Helper()
	vm, err := cbpf.NewVM(p, sem)
	if err != nil {
		t.Fatal(err)
	}
	rs := make([]uint32, len(frames))
	for i, f := range frames {
		rs[i] = vm.RunMetadata(f.data, len(f.data), metadata(tg, f.data, cpu))
	}
	return rs
}

// TestKernel compares, for every program set and target, the kernel's
// recorded answers with the VM's, after checking the translation is still
// the one the answers were recorded for. On Linux as root it first asks
// the kernel again (or, with -update, records its answers).
func TestKernel(t *testing.T) {
	project := readFrames(t, projectPcaps)
	if project == nil || len(project.frames) == 0 {
		t.Fatalf("no Ethernet frames in %s", projectPcaps)
	}
	shared := readFrames(t, sharedPcaps)
	for _, set := range programSets(t) {
		t.Run(set.name, func(t *testing.T) {
			path := goldenPath(set.name)
			sh := shared
			if !set.shared {
				sh = nil
			}
			if err := liveKernel(t, set, project, sh, path); err != nil {
				t.Fatal(err)
			}
			g, err := readGolden(path)
			if err != nil {
				t.Fatalf("%v; regenerate with %s", err, regenerate)
			}
			checkGolden(t, set, g, project, sh)
		})
	}
}

// checkGolden checks the recorded kernel answers against the VM.
func checkGolden(t *testing.T, set *programSet, g *golden, project, shared *frameSet) {
	t.Helper()
	if g.header["project"] != project.id {
		t.Fatalf("the captures in %s changed since the kernel's answers were recorded; regenerate with %s", projectPcaps, regenerate)
	}
	useShared := shared != nil && g.header["shared"] == shared.id
	cpu, err := strconv.ParseUint(g.header["cpu"], 10, 32)
	if err != nil {
		t.Fatalf("golden cpu: %v", err)
	}
	progs := map[string]cbpf.Program{}
	for _, p := range set.programs {
		progs[p.id] = p.prog
	}
	if len(g.lines) != len(set.programs)*len(targets) {
		t.Fatalf("%d golden lines for %d programs; regenerate with %s", len(g.lines), len(set.programs), regenerate)
	}
	count := map[string]map[string]int{}
	for _, l := range g.lines {
		p, ok := progs[l.id]
		tg := targetNamed(l.target)
		if !ok || tg == 0 {
			t.Fatalf("golden line %q names no program or target; regenerate with %s", l, regenerate)
		}
		if count[l.target] == nil {
			count[l.target] = map[string]int{}
		}
		kind, _, _ := strings.Cut(l.outcome, "=")
		count[l.target][kind]++
		insns, unsupported, err := translateFor(p, set.semantics, tg)
		if err != nil {
			t.Fatalf("%q for %v: %v", l.id, tg, err)
		}
		switch {
		case unsupported != (l.outcome == outUnsupported):
			t.Fatalf("%q for %v: unsupported %v, recorded %q; regenerate with %s", l.id, tg, unsupported, l.outcome, regenerate)
		case unsupported:
			continue
		}
		if fp, err := fingerprint(insns); err != nil || fp != l.fingerprint {
			t.Fatalf("%q for %v: the translation changed since the kernel ran it (%v); regenerate with %s", l.id, tg, err, regenerate)
		}
		switch l.outcome {
		case outRejected:
			t.Errorf("%q for %v: the kernel rejected the translation", l.id, tg)
			continue
		case outSkipped:
			// Without the shared frames the reason may not show.
			if skipReason(t, p, set.semantics, tg, allFrames(project, shared)) == "" && useShared {
				t.Fatalf("%q for %v: recorded as skipped; regenerate with %s", l.id, tg, regenerate)
			}
			continue
		}
		var wantP, wantS string
		fmt.Sscanf(l.outcome, "P=%s S=%s", &wantP, &wantS)
		if got := answerDigest(vmAnswers(t, p, set.semantics, tg, project.frames, uint32(cpu))); got != wantP {
			t.Errorf("%q for %v: the VM's answers over %s differ from the kernel's", l.id, tg, projectPcaps)
		}
		if useShared && wantS != "-" {
			if got := answerDigest(vmAnswers(t, p, set.semantics, tg, shared.frames, uint32(cpu))); got != wantS {
				t.Errorf("%q for %v: the VM's answers over %s differ from the kernel's", l.id, tg, sharedPcaps)
			}
		}
	}
	for _, tg := range targets {
		c := count[tg.String()]
		t.Logf("%-13v ran %d, unsupported %d, skipped %d, rejected %d", tg, c["P"], c[outUnsupported], c[outSkipped], c[outRejected])
	}
}

func targetNamed(name string) translate.Target {
	for _, t := range targets {
		if t.String() == name {
			return t
		}
	}
	return 0
}

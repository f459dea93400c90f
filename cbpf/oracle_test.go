package cbpf_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/gotcpdump/gotcpdump/capture"
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/internal/randprog"
)

// TestLibpcapOracle runs every program of the corpus over every capture
// with the VM under Libpcap semantics and compares each packet's result
// with libpcap 1.10.3's bpf_filter, recorded by pcap-oracle in
// testdata/oracle/libpcap. Regenerate the corpus and the answers with
//
//	go test ./cbpf -run TestLibpcapOracle -update
//
// which needs pcap-oracle (../shared/tools/build-oracle.sh) and tcpdump and
// takes several minutes. When pcap-oracle is installed the test also
// re-asks it for a sample of the answers, to catch stale goldens.
func TestLibpcapOracle(t *testing.T) {
	if *update {
		updateLibpcapOracle(t)
	}
	programs, err := readAllPrograms()
	if err != nil {
		t.Fatal(err)
	}
	var goldens []string
	err = filepath.WalkDir(libpcapAnswersDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".txt.gz") {
			goldens = append(goldens, path)
		}
		return err
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	if len(goldens) == 0 {
		t.Fatalf("no answers in %s; regenerate with: go test ./cbpf -run TestLibpcapOracle -update", libpcapAnswersDir)
	}
	oracle, _ := exec.LookPath(pcapOracle)
	vms := map[string]*cbpf.VM{}
	for _, path := range goldens {
		g, err := readLibpcapAnswers(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(g.key, func(t *testing.T) {
			c := loadGoldenCapture(t, g.goldenCapture)
			for i, line := range g.lines {
				vm := vms[line.id]
				if vm == nil {
					p, ok := programs[line.id]
					if !ok {
						t.Fatalf("%s: program %q is not in %s", path, line.id, programsDir)
					}
					if vm, err = cbpf.NewVM(p, cbpf.Libpcap); err != nil {
						t.Errorf("program %q: %v", line.id, err)
						continue
					}
					vms[line.id] = vm
				}
				checkAnswers(t, line.id, vm, c, line.answers)
				if oracle != "" && i%200 == 0 {
					recheckLibpcap(t, oracle, g.key, c, line.id, vm.Program(), line.answers)
				}
			}
		})
	}
}

// checkAnswers compares the VM's result for each packet with the oracle's
// answers, reporting the first few differences.
func checkAnswers(t *testing.T, id string, vm *cbpf.VM, c *captureData, want answers) {
	t.Helper()
	bad := 0
	for i, pkt := range c.Packets {
		n := i + 1
		if got := vm.Run(pkt.Data, pkt.WireLen); got != want[n] {
			if bad++; bad <= 3 {
				t.Errorf("program %q, packet %d (caplen %d, len %d): libpcap returns %d, VM %d\n%v",
					id, n, len(pkt.Data), pkt.WireLen, want[n], got, vm.Program())
			}
		}
	}
}

// recheckLibpcap asks pcap-oracle again and fails when its answers differ
// from the golden ones.
func recheckLibpcap(t *testing.T, oracle, key string, c *captureData, id string, p cbpf.Program, want answers) {
	t.Helper()
	path, err := capturePath(key)
	if err != nil {
		t.Fatal(err)
	}
	got, err := runPcapOracle(context.Background(), oracle, writeProgramFile(t, t.TempDir(), p), path, len(c.Packets))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := want.format(len(c.Packets)), got.format(len(c.Packets)); a != b {
		t.Errorf("program %q: golden answers are stale, regenerate with -update\ngolden:%s\npcap-oracle:%s", id, a, b)
	}
}

const (
	pcapOracle        = "pcap-oracle"
	libpcapAnswersDir = oracleDir + "/libpcap"
	// randomCount is the number of random programs in the corpus.
	randomCount = 2000
)

// goldenCapture is the header of an answers file: which capture the
// answers are for, as it was when they were recorded.
type goldenCapture struct {
	key      string
	linkType int
	sha256   string
	packets  int
}

// loadGoldenCapture reads the capture an answers file is about, skipping
// the test when it is absent or has changed since.
func loadGoldenCapture(t *testing.T, g goldenCapture) *captureData {
	t.Helper()
	path, err := capturePath(g.key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := readCapture(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("capture %s is not on this machine", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	if c.SHA256 != g.sha256 {
		t.Skipf("capture %s changed since its answers were recorded; regenerate them with -update", path)
	}
	if c.LinkType != g.linkType || len(c.Packets) != g.packets {
		t.Fatalf("%s: the capture package reads link type %d and %d packets, the answers are for %d and %d",
			path, c.LinkType, len(c.Packets), g.linkType, g.packets)
	}
	return c
}

// answerLine is one program's answers over one capture.
type answerLine struct {
	id      string
	answers answers
}

// libpcapAnswers is the content of one answers file.
type libpcapAnswers struct {
	goldenCapture
	lines []answerLine
}

// Answers files start with "key value" header lines; each further line
// is "ID<TAB>ANSWERS".
func readLibpcapAnswers(path string) (*libpcapAnswers, error) {
	text, err := readGzip(path)
	if err != nil {
		return nil, err
	}
	var a libpcapAnswers
	for _, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if id, rest, ok := strings.Cut(line, "\t"); ok {
			ans, err := parseAnswers(rest)
			if err != nil {
				return nil, fmt.Errorf("read %s: program %q: %w", path, id, err)
			}
			a.lines = append(a.lines, answerLine{id: id, answers: ans})
			continue
		}
		if err := a.goldenCapture.set(line); err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
	}
	if a.key == "" || a.sha256 == "" {
		return nil, fmt.Errorf("read %s: no capture header", path)
	}
	return &a, nil
}

func (g *goldenCapture) header() string {
	return fmt.Sprintf("capture %s\nlinktype %d\nsha256 %s\npackets %d\n", g.key, g.linkType, g.sha256, g.packets)
}

func (g *goldenCapture) set(line string) error {
	name, value, _ := strings.Cut(line, " ")
	var err error
	switch name {
	case "capture":
		g.key = value
	case "sha256":
		g.sha256 = value
	case "linktype":
		g.linkType, err = strconv.Atoi(value)
	case "packets":
		g.packets, err = strconv.Atoi(value)
	default:
		err = fmt.Errorf("unknown header line %q", line)
	}
	return err
}

// updateLibpcapOracle regenerates the program corpus and libpcap's answers.
// bpf_filter sees nothing of a capture but each packet's bytes and
// lengths, so each program runs once over all the packets it applies to,
// merged into a temporary capture, and the answers are split per capture.
func updateLibpcapOracle(t *testing.T) {
	oracle, err := exec.LookPath(pcapOracle)
	if err != nil {
		t.Skip("-update needs pcap-oracle (build it with ../shared/tools/build-oracle.sh)")
	}
	if _, err := exec.LookPath("tcpdump"); err != nil {
		t.Skip("-update needs tcpdump to name the link types of the captures")
	}
	files, err := findCaptures()
	if err != nil {
		t.Fatal(err)
	}
	exprs, err := readExprs()
	if err != nil {
		t.Fatal(err)
	}
	acceptAll := writeProgramFile(t, t.TempDir(), cbpf.Program{{Op: 0x06, K: 1}})
	var all, caps []*corpusCapture
	byDLT := map[string][]*corpusCapture{}
	for _, cf := range files {
		c, err := readCapture(cf.Path)
		if err != nil {
			t.Logf("leaving out %s: %v", cf.Key, err)
			continue
		}
		if _, err := runPcapOracle(context.Background(), oracle, acceptAll, cf.Path, len(c.Packets)); err != nil {
			t.Logf("leaving out %s, which libpcap does not read as the capture package does: %v", cf.Key, err)
			continue
		}
		dlt, err := linkTypeName(cf.Path)
		if err != nil {
			t.Fatal(err)
		}
		cc := &corpusCapture{captureFile: cf, captureData: c}
		caps = append(caps, cc)
		all = append(all, cc)
		byDLT[dlt] = append(byDLT[dlt], cc)
	}
	if len(caps) == 0 {
		t.Skipf("-update needs the captures in %s or %s", sharedPcapsDir, projectPcapsDir)
	}

	dir := t.TempDir()
	random := randomCorpus()
	if err := writePrograms(randomPrograms, randomHeader, random); err != nil {
		t.Fatal(err)
	}
	runMerged(t, oracle, dir, "random", all, random)
	for dlt, group := range byDLT {
		progs := compileCorpus(t, oracle, dlt, exprs)
		if err := writePrograms(filepath.Join(programsDir, dlt+".txt.gz"), compiledHeader(dlt), progs); err != nil {
			t.Fatal(err)
		}
		runMerged(t, oracle, dir, dlt, group, progs)
	}
	for _, cc := range caps {
		g := goldenCapture{key: cc.Key, linkType: cc.LinkType, sha256: cc.SHA256, packets: len(cc.Packets)}
		var b strings.Builder
		b.WriteString("# libpcap 1.10.3 bpf_filter answers (pcap-oracle -P PROGRAM -r CAPTURE): per program,\n")
		b.WriteString("# the packets it returned non-zero for, as PACKET:VALUE or FIRST-LAST:VALUE.\n")
		b.WriteString("# Regenerate with: go test ./cbpf -run TestLibpcapOracle -update\n")
		b.WriteString(g.header())
		for _, l := range cc.lines {
			fmt.Fprintf(&b, "%s\t%s\n", l.id, l.answers.format(len(cc.Packets)))
		}
		if err := writeGzip(filepath.Join(libpcapAnswersDir, filepath.FromSlash(cc.Key)+".txt.gz"), b.String()); err != nil {
			t.Fatal(err)
		}
	}
}

// corpusCapture is a capture being answered for.
type corpusCapture struct {
	captureFile
	*captureData
	lines []answerLine
}

// runMerged runs each program once over the packets of caps, merged into
// one capture file, and adds the answers to each capture.
func runMerged(t *testing.T, oracle, dir, name string, caps []*corpusCapture, progs []oracleProgram) {
	t.Helper()
	merged := filepath.Join(dir, name+".pcap")
	total := writeMergedCapture(t, merged, caps)
	results := make([]answers, len(progs))
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	sem := make(chan struct{}, 2) // the machine has two cores
	for i, p := range progs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			a, err := runPcapOracle(context.Background(), oracle, writeProgramFile(t, dir, p.Prog), merged, total)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, fmt.Errorf("program %q: %w", p.ID, err))
			}
			results[i] = a
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	for i, p := range progs {
		first := 0 // packets before this capture in the merged file
		for _, cc := range caps {
			a := answers{}
			for n := range cc.Packets {
				if v, ok := results[i][first+n+1]; ok {
					a[n+1] = v
				}
			}
			cc.lines = append(cc.lines, answerLine{id: p.ID, answers: a})
			first += len(cc.Packets)
		}
	}
}

// writeMergedCapture writes the packets of caps, in order, into one pcap
// file and returns their number.
func writeMergedCapture(t *testing.T, path string, caps []*corpusCapture) int {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := capture.NewPcapWriter(f, layers.LinkTypeEthernet, maxSnapLen, false)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, cc := range caps {
		for _, pkt := range cc.Packets {
			ci := gopacket.CaptureInfo{Timestamp: time.Unix(0, 0), CaptureLength: len(pkt.Data), Length: pkt.WireLen}
			if err := w.WritePacket(ci, pkt.Data); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return n
}

// maxSnapLen is libpcap's largest snapshot length (MAXIMUM_SNAPLEN).
const maxSnapLen = 262144

const randomHeader = `Random programs valid under libpcap's rules, from internal/randprog
(seed N for program "random N"). Regenerate with
go test ./cbpf -run TestLibpcapOracle -update`

func compiledHeader(dlt string) string {
	return fmt.Sprintf(`testdata/oracle/exprs.txt compiled by libpcap 1.10.3 for link type %s:
pcap-oracle -y %s -d EXPR ("opt") and pcap-oracle -O -y %s -d EXPR ("unopt",
left out when it equals "opt"). Regenerate with
go test ./cbpf -run TestLibpcapOracle -update`, dlt, dlt, dlt)
}

// randomSizes are the packet lengths random programs are biased to: the
// shortest frames, common header stacks and full-size Ethernet frames.
var randomSizes = []int{1, 4, 14, 20, 42, 54, 60, 64, 66, 74, 78, 90, 98, 342, 590, 1514}

// randomCorpus generates the random programs, seed by seed.
func randomCorpus() []oracleProgram {
	progs := make([]oracleProgram, randomCount)
	for i := range progs {
		rng := rand.New(rand.NewPCG(uint64(i), 0))
		opts := randprog.Options{
			Semantics: cbpf.Libpcap,
			PacketLen: randomSizes[rng.IntN(len(randomSizes))],
			MaxLen:    []int{8, 32, 64, 300}[rng.IntN(4)],
		}
		progs[i] = oracleProgram{ID: fmt.Sprintf("random %d", i), Prog: randprog.Generate(rng, opts)}
	}
	return progs
}

// compileCorpus compiles every expression for the link type dlt,
// optimized and not, leaving out what libpcap refuses.
func compileCorpus(t *testing.T, oracle, dlt string, exprs []string) []oracleProgram {
	t.Helper()
	var progs []oracleProgram
	for _, e := range exprs {
		opt, err := compileExpr(oracle, dlt, e, true)
		if err != nil {
			continue // libpcap refuses the expression for this link type
		}
		progs = append(progs, oracleProgram{ID: dlt + " opt " + e, Prog: opt})
		unopt, err := compileExpr(oracle, dlt, e, false)
		if err != nil {
			t.Fatalf("%s: %q compiles optimized but not unoptimized: %v", dlt, e, err)
		}
		if !slices.Equal(opt, unopt) {
			progs = append(progs, oracleProgram{ID: dlt + " unopt " + e, Prog: unopt})
		}
	}
	return progs
}

func compileExpr(oracle, dlt, expr string, optimize bool) (cbpf.Program, error) {
	args := []string{"-y", dlt, "-d", expr}
	if !optimize {
		args = append([]string{"-O"}, args...)
	}
	out, err := exec.Command(oracle, args...).Output()
	if err != nil {
		return nil, fmt.Errorf("compile %q: %w", expr, err)
	}
	return cbpf.ParseFormat(string(out), cbpf.Decimal)
}

var linkTypeRE = regexp.MustCompile(`link-type (\S+)`)

// linkTypeName asks tcpdump for libpcap's name of a capture's link type.
func linkTypeName(path string) (string, error) {
	out, _ := exec.Command("tcpdump", "-r", path, "-c", "1", "-n").CombinedOutput()
	m := linkTypeRE.FindSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("tcpdump names no link type for %s: %s", path, out)
	}
	return string(m[1]), nil
}

func writeProgramFile(t *testing.T, dir string, p cbpf.Program) string {
	t.Helper()
	f, err := os.CreateTemp(dir, "*.ddd")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(p.Format(cbpf.Decimal)); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

// runPcapOracle runs a -ddd program file over a capture with libpcap's
// bpf_filter and returns the answers, checking there is one per packet.
func runPcapOracle(ctx context.Context, oracle, progFile, capturePath string, packets int) (answers, error) {
	out, err := exec.CommandContext(ctx, oracle, "-P", progFile, "-r", capturePath).Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return nil, fmt.Errorf("run pcap-oracle: %w: %s", err, bytes.TrimSpace(exit.Stderr))
	}
	if err != nil {
		return nil, fmt.Errorf("run pcap-oracle: %w", err)
	}
	a := answers{}
	n := 0
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		var pkt int
		var v uint32
		if _, err := fmt.Sscanf(sc.Text(), "%d %d", &pkt, &v); err != nil || pkt != n+1 {
			return nil, fmt.Errorf("pcap-oracle output line %q", sc.Text())
		}
		n = pkt
		if v != 0 {
			a[pkt] = v
		}
	}
	if n != packets {
		return nil, fmt.Errorf("pcap-oracle read %d packets, the capture package %d", n, packets)
	}
	return a, nil
}

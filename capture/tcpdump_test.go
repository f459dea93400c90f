package capture

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The goldens under testdata/tcpdump record what tcpdump 4.99 with libpcap
// 1.10 reads from each capture in ../shared/pcaps: the header and SHA-256
// of what `tcpdump -r FILE -w -` writes with and without --nano, and every
// packet as libpcap delivered it. Regenerate them with
//
//	go test ./capture -run TestTcpdump -update
var update = flag.Bool("update", false, "regenerate golden files from tcpdump")

// sharedPcaps is ../shared/pcaps from the module root.
const sharedPcaps = "../../shared/pcaps"

func sharedCaptures(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"*/*.pcap", "*/*.pcapng"} {
		m, err := filepath.Glob(filepath.Join(sharedPcaps, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skipf("no captures in %s (the shared capture collection is not present)", sharedPcaps)
	}
	return files
}

func goldenPath(capture string) string {
	rel, _ := filepath.Rel(sharedPcaps, capture)
	return filepath.Join("testdata", "tcpdump", rel+".golden")
}

// TestTcpdump checks that a Reader delivers exactly the packets tcpdump
// reads from every shared capture, and that writing them with the header
// from Reader.PcapHeader gives the same bytes as `tcpdump -r -w`.
func TestTcpdump(t *testing.T) {
	tcpdump, _ := exec.LookPath("tcpdump")
	if *update && tcpdump == "" {
		t.Fatal("-update needs tcpdump")
	}
	for _, file := range sharedCaptures(t) {
		name, _ := filepath.Rel(sharedPcaps, file)
		t.Run(name, func(t *testing.T) {
			want := tcpdumpGolden(t, tcpdump, file, goldenPath(file))
			if diff := cmp.Diff(string(want), ourDigest(t, file)); diff != "" {
				t.Errorf("-tcpdump +ours:\n%s", diff)
			}
			if tcpdump != "" {
				checkPcapngRewrite(t, tcpdump, file, string(want))
			}
		})
	}
}

// checkPcapngRewrite rewrites a capture with the PcapngWriter and checks
// that tcpdump reads the rewrite exactly as it reads the original.
func checkPcapngRewrite(t *testing.T, tcpdump, file, golden string) {
	t.Helper()
	r, err := OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.PcapHeader(false).LinkTypeExt != 0 {
		return // pcapng has no place for pcap's link-type flags
	}
	rewrite := filepath.Join(t.TempDir(), "rewrite.pcapng")
	f, err := os.Create(rewrite)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := NewPcapngWriter(f, r.Interfaces())
	if err != nil {
		t.Fatal(err)
	}
	for {
		data, ci, err := r.ZeroCopyReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WritePacket(ci, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(golden, tcpdumpDigest(t, tcpdump, rewrite)); diff != "" {
		t.Errorf("tcpdump reads the pcapng rewrite differently (-original +rewrite):\n%s", diff)
	}
}

// tcpdumpDigest runs tcpdump -r FILE -w - without and with --nano.
func tcpdumpDigest(t *testing.T, tcpdump, file string) string {
	t.Helper()
	micro, _ := runTcpdump(t, tcpdump, file)
	nano, errMsg := runTcpdump(t, tcpdump, file, "--nano")
	return digest(micro, nano, parseTcpdumpPcap(t, nano), errMsg)
}

// runTcpdump runs tcpdump -r file -w - and returns what it wrote and the
// libpcap error it reported, if any.
func runTcpdump(t *testing.T, tcpdump, file string, args ...string) ([]byte, string) {
	t.Helper()
	cmd := exec.Command(tcpdump, append([]string{"-r", file, "-w", "-"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%v: %v", cmd, err)
	}
	for line := range strings.Lines(stderr.String()) {
		if msg, ok := strings.CutPrefix(strings.TrimSpace(line), "tcpdump: "); ok {
			return out, strings.TrimPrefix(msg, "pcap_loop: ")
		}
	}
	if err != nil {
		t.Fatalf("%v: %v: %s", cmd, err, stderr.Bytes())
	}
	return out, ""
}

// ourDigest reads file with a Reader and writes it as tcpdump would.
func ourDigest(t *testing.T, file string) string {
	t.Helper()
	f, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	micro, nano := readAndWrite(t, f, false), readAndWrite(t, f, true)
	return digest(micro.out, nano.out, nano.pkts, libpcapMessage(nano.err))
}

// readResult is what readAndWrite read and wrote.
type readResult struct {
	out    []byte   // the pcap file written
	pkts   []packet // the packets read
	err    error    // the error that ended reading, if any
	atOpen bool     // whether NewReader failed
}

// readAndWrite reads a capture and writes it with its PcapHeader, stopping
// at the first error.
func readAndWrite(t *testing.T, file []byte, nano bool) readResult {
	t.Helper()
	r, err := NewReader(bytes.NewReader(file))
	if err != nil {
		return readResult{err: err, atOpen: true}
	}
	var res readResult
	var out bytes.Buffer
	w, err := NewPcapWriterHeader(&out, r.PcapHeader(nano))
	if err != nil {
		t.Fatal(err)
	}
	for {
		data, ci, err := r.ReadPacketData()
		if err != nil {
			if err != io.EOF {
				res.err = err
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			res.out = out.Bytes()
			return res
		}
		res.pkts = append(res.pkts, packet{ci.Timestamp.Unix(), ci.Timestamp.Nanosecond(), ci.CaptureLength, ci.Length, data})
		if err := w.WritePacket(ci, data); err != nil {
			t.Fatal(err)
		}
	}
}

// libpcapMessage returns the part of a Reader error that corresponds to
// libpcap's message, or "" for nil.
func libpcapMessage(err error) string {
	var ferr *FormatError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &ferr):
		return ferr.Err.Error()
	default:
		return err.Error()
	}
}

type packet struct {
	sec             int64
	nsec            int
	capLen, origLen int
	data            []byte
}

func digest(micro, nano []byte, pkts []packet, errMsg string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "write-us %x\n", sha256.Sum256(micro))
	fmt.Fprintf(&b, "write-ns %x\n", sha256.Sum256(nano))
	fmt.Fprintf(&b, "header %x\n", nano[:min(len(nano), pcapFileHeaderLen)])
	for i, p := range pkts {
		sum := sha256.Sum256(p.data)
		fmt.Fprintf(&b, "packet %d %d.%09d %d %d %s\n", i+1, p.sec, p.nsec, p.capLen, p.origLen, hex.EncodeToString(sum[:8]))
	}
	if errMsg != "" {
		fmt.Fprintf(&b, "error %s\n", errMsg)
	}
	return b.String()
}

// parseTcpdumpPcap decodes the nanosecond pcap file tcpdump writes in this
// machine's byte order: deliberately separate from the Reader under test.
func parseTcpdumpPcap(t *testing.T, b []byte) []packet {
	t.Helper()
	ne := binary.NativeEndian
	if len(b) == 0 {
		return nil // tcpdump could not open the input
	}
	if len(b) < 24 || ne.Uint32(b) != 0xa1b23c4d {
		t.Fatalf("tcpdump output is not a native nanosecond pcap file: % x", b[:min(len(b), 24)])
	}
	var pkts []packet
	for b = b[24:]; len(b) > 0; {
		if len(b) < 16 || len(b)-16 < int(ne.Uint32(b[8:])) {
			t.Fatal(errors.New("tcpdump output ends inside a record"))
		}
		n := int(ne.Uint32(b[8:]))
		pkts = append(pkts, packet{int64(ne.Uint32(b)), int(ne.Uint32(b[4:])), n, int(ne.Uint32(b[12:])), b[16 : 16+n]})
		b = b[16+n:]
	}
	return pkts
}

// tcpdumpGolden returns the golden digest of file. With tcpdump (its path,
// or "" when absent) it first checks the golden against tcpdump's fresh
// answer, rewriting it with -update.
func tcpdumpGolden(t *testing.T, tcpdump, file, golden string) []byte {
	t.Helper()
	if tcpdump != "" {
		fresh := tcpdumpDigest(t, tcpdump, file)
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(fresh), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if diff := cmp.Diff(string(want), fresh); diff != "" {
			t.Fatalf("golden is stale, run with -update (-golden +tcpdump):\n%s", diff)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update where tcpdump is installed)", err)
	}
	return want
}

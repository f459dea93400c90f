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
			golden := goldenPath(file)
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
			if diff := cmp.Diff(string(want), ourDigest(t, file)); diff != "" {
				t.Errorf("-tcpdump +ours:\n%s", diff)
			}
		})
	}
}

// tcpdumpDigest runs tcpdump -r FILE -w - without and with --nano.
func tcpdumpDigest(t *testing.T, tcpdump, file string) string {
	t.Helper()
	run := func(args ...string) []byte {
		cmd := exec.Command(tcpdump, append([]string{"-r", file, "-w", "-"}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %v: %s", cmd, err, stderr.Bytes())
		}
		return out
	}
	micro, nano := run(), run("--nano")
	return digest(micro, nano, parseTcpdumpPcap(t, nano))
}

// ourDigest reads file with a Reader and writes it as tcpdump would.
func ourDigest(t *testing.T, file string) string {
	t.Helper()
	write := func(nano bool) ([]byte, []packet) {
		r, err := OpenFile(file)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var out bytes.Buffer
		w, err := NewPcapWriterHeader(&out, r.PcapHeader(nano))
		if err != nil {
			t.Fatal(err)
		}
		var pkts []packet
		for {
			data, ci, err := r.ReadPacketData()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("after %d packets: %v", len(pkts), err)
			}
			pkts = append(pkts, packet{ci.Timestamp.Unix(), ci.Timestamp.Nanosecond(), ci.CaptureLength, ci.Length, data})
			if err := w.WritePacket(ci, data); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		return out.Bytes(), pkts
	}
	micro, _ := write(false)
	nano, pkts := write(true)
	return digest(micro, nano, pkts)
}

type packet struct {
	sec             int64
	nsec            int
	capLen, origLen int
	data            []byte
}

func digest(micro, nano []byte, pkts []packet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "write-us %x\n", sha256.Sum256(micro))
	fmt.Fprintf(&b, "write-ns %x\n", sha256.Sum256(nano))
	fmt.Fprintf(&b, "header %x\n", nano[:min(len(nano), pcapFileHeaderLen)])
	for i, p := range pkts {
		sum := sha256.Sum256(p.data)
		fmt.Fprintf(&b, "packet %d %d.%09d %d %d %s\n", i+1, p.sec, p.nsec, p.capLen, p.origLen, hex.EncodeToString(sum[:8]))
	}
	return b.String()
}

// parseTcpdumpPcap decodes the nanosecond pcap file tcpdump writes in this
// machine's byte order: deliberately separate from the Reader under test.
func parseTcpdumpPcap(t *testing.T, b []byte) []packet {
	t.Helper()
	ne := binary.NativeEndian
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

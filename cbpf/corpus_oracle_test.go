package cbpf_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gotcpdump/gotcpdump/capture"
	"github.com/gotcpdump/gotcpdump/cbpf"
)

// The differential tests against libpcap and the kernel share a corpus of
// programs and captures, kept under testdata/oracle:
//
//	exprs.txt                 filter expressions libpcap compiles
//	programs/DLT.txt.gz       their programs, per link type, optimized and not
//	programs/random.txt.gz    random libpcap-valid programs
//	libpcap/KEY.txt.gz        bpf_filter's answers per capture (oracle_test.go)
//	kernel/...                the kernel's answers (kernel_linux_test.go)
//
// Captures are read in place, never copied: KEY "shared/DIR/FILE" is
// ../shared/pcaps/DIR/FILE from the module root, "main/FILE" is the
// module's own testdata/pcaps/FILE.
const (
	oracleDir       = "testdata/oracle"
	exprsFile       = oracleDir + "/exprs.txt"
	programsDir     = oracleDir + "/programs"
	randomPrograms  = programsDir + "/random.txt.gz"
	sharedPcapsDir  = "../../shared/pcaps"
	projectPcapsDir = "../testdata/pcaps"
)

// captureRoots maps the first element of a capture key to its directory.
var captureRoots = []struct{ prefix, dir string }{
	{"shared", sharedPcapsDir},
	{"main", projectPcapsDir},
}

// oracleProgram is one program of the corpus. Its ID says where it comes
// from: "DLT opt EXPR" or "DLT unopt EXPR" for libpcap's compilation of EXPR
// for a link type, "random N" for random program N.
type oracleProgram struct {
	ID   string
	Prog cbpf.Program
}

// Program files hold "program ID" lines, each followed by the program in
// tcpdump -ddd form.
func writePrograms(path, header string, progs []oracleProgram) error {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(header), "\n") {
		fmt.Fprintf(&b, "# %s\n", line)
	}
	for _, p := range progs {
		fmt.Fprintf(&b, "program %s\n%s", p.ID, p.Prog.Format(cbpf.Decimal))
	}
	return writeGzip(path, b.String())
}

func readPrograms(path string) ([]oracleProgram, error) {
	text, err := readGzip(path)
	if err != nil {
		return nil, err
	}
	var progs []oracleProgram
	sections := strings.Split("\n"+text, "\nprogram ")
	for _, s := range sections[1:] {
		id, body, _ := strings.Cut(s, "\n")
		p, err := cbpf.ParseFormat(body, cbpf.Decimal)
		if err != nil {
			return nil, fmt.Errorf("read %s: program %s: %w", path, id, err)
		}
		progs = append(progs, oracleProgram{ID: id, Prog: p})
	}
	return progs, nil
}

// readAllPrograms loads every program file, indexed by ID.
func readAllPrograms() (map[string]cbpf.Program, error) {
	files, err := filepath.Glob(programsDir + "/*.txt.gz")
	if err != nil {
		return nil, err
	}
	all := map[string]cbpf.Program{}
	for _, f := range files {
		progs, err := readPrograms(f)
		if err != nil {
			return nil, err
		}
		for _, p := range progs {
			all[p.ID] = p.Prog
		}
	}
	return all, nil
}

// readExprs returns the expressions of exprs.txt.
func readExprs() ([]string, error) {
	data, err := os.ReadFile(exprsFile)
	if err != nil {
		return nil, err
	}
	var exprs []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			exprs = append(exprs, line)
		}
	}
	return exprs, nil
}

func writeGzip(path, text string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(zw, text); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

func readGzip(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return string(data), nil
}

// captureFile is a capture of the corpus.
type captureFile struct {
	Key  string // "shared/DIR/FILE" or "main/FILE"
	Path string
}

// findCaptures lists the captures present on this machine.
func findCaptures() ([]captureFile, error) {
	var caps []captureFile
	for _, root := range captureRoots {
		err := filepath.WalkDir(root.dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return fs.SkipDir
				}
				return err
			}
			if d.IsDir() || !(strings.HasSuffix(path, ".pcap") || strings.HasSuffix(path, ".pcapng")) {
				return nil
			}
			rel, err := filepath.Rel(root.dir, path)
			if err != nil {
				return err
			}
			caps = append(caps, captureFile{Key: root.prefix + "/" + filepath.ToSlash(rel), Path: path})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return caps, nil
}

// capturePath returns where the capture with key lives.
func capturePath(key string) (string, error) {
	prefix, rest, _ := strings.Cut(key, "/")
	for _, root := range captureRoots {
		if root.prefix == prefix {
			return filepath.Join(root.dir, filepath.FromSlash(rest)), nil
		}
	}
	return "", fmt.Errorf("capture key %q: unknown root", key)
}

// capturedPacket is a packet as libpcap hands it to bpf_filter: the
// captured bytes and the length on the wire.
type capturedPacket struct {
	Data     []byte
	WireLen  int
	LinkType int // of the packet's interface, which in pcapng may vary
}

// captureData is the content of a capture file.
type captureData struct {
	LinkType int // of the first interface
	Packets  []capturedPacket
	SHA256   string // of the file, to notice a capture that changed
}

// readCapture reads a pcap or pcapng file with the capture package,
// which delivers the bytes and lengths libpcap hands to bpf_filter.
func readCapture(path string) (*captureData, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	c := &captureData{SHA256: hex.EncodeToString(sum[:])}
	r, err := capture.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	c.LinkType = int(r.LinkType())
	for {
		d, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return c, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		lt := c.LinkType
		if ci.InterfaceIndex != 0 {
			lt = int(r.Interfaces()[ci.InterfaceIndex].LinkType)
		}
		c.Packets = append(c.Packets, capturedPacket{Data: d, WireLen: ci.Length, LinkType: lt})
	}
}

// answers are one oracle's results for a program over a capture: packet
// number (1-based, as pcap-oracle prints it) to the non-zero value the
// program returned. Packets not listed returned 0.
type answers map[int]uint32

// format writes the answers in packet order as "N:VALUE", or "N-M:VALUE"
// for a run of packets with the same value.
func (a answers) format(packets int) string {
	var b strings.Builder
	for n := 1; n <= packets; n++ {
		v, ok := a[n]
		if !ok {
			continue
		}
		end := n
		for end < packets && a[end+1] == v {
			end++
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if end > n {
			fmt.Fprintf(&b, "%d-%d:%d", n, end, v)
		} else {
			fmt.Fprintf(&b, "%d:%d", n, v)
		}
		n = end
	}
	return b.String()
}

func parseAnswers(s string) (answers, error) {
	a := answers{}
	for _, f := range strings.Fields(s) {
		span, v, ok := strings.Cut(f, ":")
		first, last, isRun := strings.Cut(span, "-")
		if !isRun {
			last = first
		}
		lo, err1 := strconv.Atoi(first)
		hi, err2 := strconv.Atoi(last)
		val, err3 := strconv.ParseUint(v, 10, 32)
		if !ok || err1 != nil || err2 != nil || err3 != nil || val == 0 || lo < 1 || hi < lo {
			return nil, fmt.Errorf("bad answer %q", f)
		}
		for n := lo; n <= hi; n++ {
			a[n] = uint32(val)
		}
	}
	return a, nil
}

package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const udpCapture = "../../testdata/pcaps/eth-ipv4-udp.pcap"

// recordOffsets walks a little-endian microsecond pcap file and returns the
// byte offset of every record.
func recordOffsets(t *testing.T, b []byte) []int {
	if binary.LittleEndian.Uint32(b) != 0xa1b2c3d4 {
		t.Fatal("not a little-endian microsecond pcap")
	}
	var offs []int
	for off := 24; off+16 <= len(b); {
		offs = append(offs, off)
		off += 16 + int(binary.LittleEndian.Uint32(b[off+8:]))
	}
	return offs
}

func TestTruncatedCapture(t *testing.T) {
	full, err := os.ReadFile(udpCapture)
	if err != nil {
		t.Fatal(err)
	}
	offs := recordOffsets(t, full)
	// Cut the file 3 bytes into the data of the tenth record.
	cut := offs[9] + 16 + 3
	in := filepath.Join(t.TempDir(), "cut.pcap")
	if err := os.WriteFile(in, full[:cut], 0o644); err != nil {
		t.Fatal(err)
	}
	_, fullOut, _ := runCommand("-n", "-r", udpCapture)
	code, out, stderr := runCommand("-n", "-r", in)
	if code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	want := strings.Join(strings.SplitAfter(fullOut, "\n")[:9], "")
	if out != want {
		t.Errorf("the nine whole packets are not printed as from the full file:\n%s", out)
	}
	wantErr := fmt.Sprintf("gotcpdump: read packet 10 at offset %d: truncated dump file; tried to read %d captured bytes, only got 3\n",
		offs[9], binary.LittleEndian.Uint32(full[offs[9]+8:]))
	if !strings.HasSuffix(stderr, wantErr) {
		t.Errorf("stderr %q, want it to end with %q", stderr, wantErr)
	}
}

func TestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	badProg := filepath.Join(dir, "bad.bpf")
	if err := os.WriteFile(badProg, []byte("ld M[16]\nret #1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	garbled := filepath.Join(dir, "garbled.bpf")
	if err := os.WriteFile(garbled, []byte("ldh [12]\nfly #3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		err  string // the last line of stderr
	}{
		{"missing file", []string{"-r", "/nonexistent/in.pcap"}, "gotcpdump: /nonexistent/in.pcap: No such file or directory"},
		{"not a capture", []string{"-r", "main.go"}, "gotcpdump: main.go: read file header at offset 0: unknown file format"},
		{"no input", []string{"-n"}, "gotcpdump: " + "no capture file to read: use -r FILE (live capture is not available in this version)"},
		{"program and expression", []string{"-r", udpCapture, "--program", badProg, "udp"}, "gotcpdump: --program and a filter expression cannot be used together"},
		{"invalid program", []string{"-r", udpCapture, "--program", badProg}, "gotcpdump: " + badProg + ": invalid libpcap program: instruction 0 {code 0x60, jt 0, jf 0, k 0x10}: scratch memory index must be below 16"},
		{"garbled program", []string{"-d", "--program", garbled}, "gotcpdump: " + garbled + `: line 2: unknown mnemonic "fly"`},
		{"missing filter file", []string{"-r", udpCapture, "-F", "/nonexistent/f"}, "gotcpdump: can't open /nonexistent/f: No such file or directory"},
		{"bad link type", []string{"-d", "-y", "ETHER"}, "gotcpdump: invalid data link type ETHER"},
		{"unwritable output", []string{"-r", udpCapture, "-w", "/nonexistent/out.pcap"}, "gotcpdump: /nonexistent/out.pcap: No such file or directory"},
		{"live option", []string{"-i", "eth0"}, "gotcpdump: -i: " + errLiveCapture.Error()},
		{"unknown engine", []string{"-r", udpCapture, "--engine", "gpu"}, "gotcpdump: unknown engine gpu (cbpf, ebpf or kernel)"},
		{"unknown option", []string{"-k"}, "\t\t[ expression ]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runCommand(c.args...)
			if code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if last := lines[len(lines)-1]; last != c.err {
				t.Errorf("stderr ends with %q, want %q", last, c.err)
			}
		})
	}
}

func TestFilterFileAndStdin(t *testing.T) {
	dir := t.TempDir()
	// A -F file with an empty expression and a comment accepts every packet.
	ff := filepath.Join(dir, "filter")
	if err := os.WriteFile(ff, []byte("# every packet\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, want, _ := runCommand("-n", "-r", udpCapture)
	if code, got, stderr := runCommand("-n", "-r", udpCapture, "-F", ff, "ignored", "words"); code != 0 || got != want {
		t.Errorf("-F with a comment: exit %d, stderr %q, output differs: %v", code, stderr, got != want)
	}
	in, err := os.ReadFile(udpCapture)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-n", "-r", "-"}, bytes.NewReader(in), &stdout, &stderr); code != 0 || stdout.String() != want {
		t.Errorf("-r -: exit %d, stderr %q, output differs: %v", code, stderr.String(), stdout.String() != want)
	}
	if !strings.HasPrefix(stderr.String(), "reading from file -, link-type EN10MB (Ethernet)") {
		t.Errorf("-r - reports %q", stderr.String())
	}
	// -w - writes the same bytes as -w FILE.
	out := filepath.Join(dir, "out.pcap")
	if code, _, stderr := runCommand("-r", udpCapture, "-w", out); code != 0 {
		t.Fatalf("-w FILE: %s", stderr)
	}
	file, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if code, got, stderr := runCommand("-r", udpCapture, "-w", "-", "-U"); code != 0 || got != string(file) {
		t.Errorf("-w -: exit %d, stderr %q, differs from -w FILE: %v", code, stderr, got != string(file))
	}
	// --print with -w prints too.
	if code, got, _ := runCommand("-n", "-r", udpCapture, "-w", out, "--print"); code != 0 || got != want {
		t.Errorf("--print: exit %d, printed output differs: %v", code, got != want)
	}
}

func TestDumpEmptyExpression(t *testing.T) {
	for _, c := range []struct {
		args []string
		out  string
	}{
		{[]string{"-d"}, "(000) ret      #262144\n"},
		{[]string{"-dd", "-s", "96"}, "{ 0x6, 0, 0, 0x00000060 },\n"},
		{[]string{"-ddd", "-y", "RAW"}, "1\n6 0 0 262144\n"},
		{[]string{"-d", "-r", "../../testdata/pcaps/eth-snaplen64.pcap"}, "(000) ret      #64\n"},
	} {
		code, out, stderr := runCommand(c.args...)
		if code != 0 || out != c.out {
			t.Errorf("%v: exit %d, output %q, want %q (stderr %q)", c.args, code, out, c.out, stderr)
		}
	}
}

// TestExpressionErrors checks that compile errors show the column and the
// expression with a caret, after the file is reported as tcpdump does.
func TestExpressionErrors(t *testing.T) {
	for _, c := range []struct {
		expr, want string
	}{
		{"tcp prt 80", "gotcpdump: syntax error at column 5\n  tcp prt 80\n      ^\n"},
		{"ip and port 99999", "gotcpdump: illegal port number 99999 > 65535 at column 13\n  ip and port 99999\n              ^\n"},
	} {
		code, out, stderr := runCommand("-r", udpCapture, c.expr)
		if code != 1 || out != "" {
			t.Errorf("%q: exit %d, output %q", c.expr, code, out)
		}
		if !strings.HasPrefix(stderr, "reading from file ") || !strings.HasSuffix(stderr, c.want) {
			t.Errorf("%q: stderr %q, want it to end with %q", c.expr, stderr, c.want)
		}
	}
}

// TestDumpOptimise checks -O reaches the compiler: tcpdump -ddd tcp is 12
// instructions optimised and 14 with -O.
func TestDumpOptimise(t *testing.T) {
	for _, c := range []struct {
		args  []string
		count string
	}{{[]string{"-ddd", "-y", "EN10MB", "tcp"}, "12"}, {[]string{"-ddd", "-O", "-y", "EN10MB", "tcp"}, "14"}} {
		code, out, stderr := runCommand(c.args...)
		if first, _, _ := strings.Cut(out, "\n"); code != 0 || first != c.count {
			t.Errorf("%v: exit %d, %q instructions, want %s (stderr %q)", c.args, code, first, c.count, stderr)
		}
	}
}

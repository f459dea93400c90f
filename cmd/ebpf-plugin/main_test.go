package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gotcpdump/gotcpdump/ebpf"
	"github.com/gotcpdump/gotcpdump/ebpf/conformance"
)

const conformanceDir = "../../../shared/conformance/bpf_conformance/tests"

// buildPlugin builds the command once per test.
func buildPlugin(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ebpf-plugin")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestSuiteThroughPlugin drives the built plugin as the suite's runner
// does: the assembled program in hexadecimal on standard input, the
// memory as an argument, r0 read back in hexadecimal.
func TestSuiteThroughPlugin(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(conformanceDir, "*.data"))
	if len(files) == 0 {
		t.Skipf("no conformance tests in %s (the shared bpf_conformance checkout is absent)", conformanceDir)
	}
	bin := buildPlugin(t)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".data"), func(t *testing.T) {
			text, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			c, err := conformance.Parse(string(text))
			if err != nil {
				t.Fatal(err)
			}
			insns, err := ebpf.Assemble(c.Asm)
			if err != nil {
				t.Fatal(err)
			}
			var code bytes.Buffer
			if err := insns.Marshal(&code, binary.LittleEndian); err != nil {
				t.Fatal(err)
			}
			var args []string
			if len(c.Memory) > 0 {
				args = append(args, conformance.EncodeHex(c.Memory))
			}
			cmd := exec.Command(bin, args...)
			cmd.Stdin = strings.NewReader(conformance.EncodeHex(code.Bytes()) + "\n")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if c.Error != "" {
				if err == nil {
					t.Fatalf("plugin printed %q, want failure %q", out, c.Error)
				}
				return
			}
			if err != nil {
				t.Fatalf("plugin: %v: %s", err, stderr.String())
			}
			got, err := strconv.ParseUint(strings.TrimSpace(string(out)), 16, 64)
			if err != nil {
				t.Fatalf("plugin printed %q", out)
			}
			if got != c.Result {
				t.Fatalf("r0 = %#x, want %#x", got, c.Result)
			}
		})
	}
}

// TestRun covers the other ways in: --program, errors, --debug and ELF.
func TestRun(t *testing.T) {
	movExit := "b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00" // mov r0, 42; exit
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout string
		stderr string
	}{
		{"stdin", nil, movExit + "\n", 0, "2a\n", ""},
		{"--program", []string{"--program", movExit}, "", 0, "2a\n", ""},
		{"memory length", []string{"--program", "bf 20 00 00 00 00 00 00 95 00 00 00 00 00 00 00", "01 02 03"}, "", 0, "3\n", ""},
		{"bad hex", nil, "zz\n", 1, "", "read program: hex \"zz\": malformed conformance input\n"},
		{"truncated instruction", nil, "b7 00\n", 1, "", "decode program: offset 0: unexpected EOF\n"},
		{"rejected", nil, "b7 00 00 00 2a 00 00 00\n", 1, "", "load program: instruction 0: last instruction of a function is not exit or ja\n"},
		{"extra argument", []string{"00", "--debug", "--elf", "more"}, "", 1, "", "unexpected argument \"more\"\n"},
		{"not ELF", []string{"--elf"}, movExit + "\n", 1, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, strings.NewReader(tt.stdin), &stdout, &stderr)
			if code != tt.code || stdout.String() != tt.stdout || (tt.stderr != "" && stderr.String() != tt.stderr) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, stdout.String(), stderr.String(), tt.code, tt.stdout, tt.stderr)
			}
		})
	}

	var stdout, stderr bytes.Buffer
	if code := run([]string{"--debug"}, strings.NewReader(movExit), &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "MovImm dst: r0 imm: 42") {
		t.Fatalf("--debug: exit %d, stderr %q", code, stderr.String())
	}
}

// TestELF runs an ELF object's program through --elf, built with clang
// when it is installed.
func TestELF(t *testing.T) {
	clang, err := exec.LookPath("clang")
	if err != nil {
		t.Skip("clang not installed: cannot build an ELF object")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "main.c")
	obj := filepath.Join(dir, "main.o")
	prog := `__attribute__((section("xdp"), used)) int prog(unsigned char *mem) { return mem[0] + mem[1]; }`
	if err := os.WriteFile(src, []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(clang, "-O2", "-target", "bpf", "-c", src, "-o", obj).CombinedOutput(); err != nil {
		t.Fatalf("clang: %v\n%s", err, out)
	}
	elf, err := os.ReadFile(obj)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"05 07", "--elf"}, strings.NewReader(conformance.EncodeHex(elf)+"\n"), &stdout, &stderr)
	if code != 0 || stdout.String() != "c\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

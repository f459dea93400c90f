package ebpf

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cilium/ebpf/asm"
)

// conformanceDir holds the bpf_conformance suite's tests, outside the
// module.
const conformanceDir = "../../shared/conformance/bpf_conformance/tests"

// conformanceCase is one .data file of the suite.
type conformanceCase struct {
	asm    string
	raw    []uint64 // the program as raw instructions, when given
	mem    []byte
	result uint64
	err    string // expected failure, when given
}

// parseConformance reads a test file the way the suite's own parser does:
// '#' starts a comment, "-- name" lines start sections.
func parseConformance(text string) (conformanceCase, error) {
	var c conformanceCase
	var section, mem, result string
	for line := range strings.Lines(text) {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if name, ok := strings.CutPrefix(line, "--"); ok {
			section = strings.TrimSpace(name)
			continue
		}
		if line == "" {
			continue
		}
		switch section {
		case "asm":
			c.asm += line + "\n"
		case "mem":
			mem += line
		case "result":
			result = line
		case "error":
			c.err = line
		case "raw":
			v, err := strconv.ParseUint(line, 0, 64)
			if err != nil {
				return c, err
			}
			c.raw = append(c.raw, v)
		}
	}
	var err error
	if c.mem, err = hex.DecodeString(strings.ReplaceAll(mem, " ", "")); err != nil {
		return c, err
	}
	if result != "" {
		c.result, err = strconv.ParseUint(result, 0, 64)
	}
	return c, err
}

func TestConformance(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(conformanceDir, "*.data"))
	if len(files) == 0 {
		t.Skipf("no conformance tests in %s (the shared bpf_conformance checkout is absent)", conformanceDir)
	}
	passed := 0
	for _, file := range files {
		ok := t.Run(strings.TrimSuffix(filepath.Base(file), ".data"), func(t *testing.T) {
			text, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			c, err := parseConformance(string(text))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			insns, err := Assemble(c.asm)
			if err != nil {
				t.Fatalf("assemble: %v", err)
			}
			if c.raw != nil {
				checkRaw(t, insns, c.raw)
			}
			vm, err := NewVM(insns, nil)
			var got uint64
			if err == nil {
				got, err = vm.Run(c.mem)
			}
			switch {
			case c.err != "" && err == nil:
				t.Fatalf("ran to r0 = %#x, want the error %q", got, c.err)
			case c.err != "":
			case err != nil:
				t.Fatalf("run: %v", err)
			case got != c.result:
				t.Fatalf("r0 = %#x, want %#x", got, c.result)
			}
		})
		if ok {
			passed++
		}
	}
	t.Logf("%d of %d conformance tests pass", passed, len(files))
}

// checkRaw compares the assembled program with the raw encoding the test
// gives.
func checkRaw(t *testing.T, insns asm.Instructions, raw []uint64) {
	t.Helper()
	var buf bytes.Buffer
	if err := insns.Marshal(&buf, binary.LittleEndian); err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var want []byte
	for _, w := range raw {
		want = binary.LittleEndian.AppendUint64(want, w)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("assembled %x, want %x", buf.Bytes(), want)
	}
}

package ebpf

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cilium/ebpf/asm"

	"github.com/gotcpdump/gotcpdump/ebpf/conformance"
)

// conformanceDir holds the bpf_conformance suite's tests, outside the
// module.
const conformanceDir = "../../shared/conformance/bpf_conformance/tests"

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
			c, err := conformance.Parse(string(text))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			insns, err := Assemble(c.Asm)
			if err != nil {
				t.Fatalf("assemble: %v", err)
			}
			if c.Raw != nil {
				checkRaw(t, insns, c.Raw)
			}
			vm, err := NewVM(insns, nil)
			var got uint64
			if err == nil {
				got, err = vm.Run(c.Memory)
			}
			switch {
			case c.Error != "" && err == nil:
				t.Fatalf("ran to r0 = %#x, want the error %q", got, c.Error)
			case c.Error != "":
			case err != nil:
				t.Fatalf("run: %v", err)
			case got != c.Result:
				t.Fatalf("r0 = %#x, want %#x", got, c.Result)
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

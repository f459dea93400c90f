// Package conformance reads the test files of the bpf_conformance suite
// (github.com/Alan-Jowett/bpf_conformance) and speaks the hexadecimal
// format of its plugin protocol.
//
// A test file has sections, each opened by a line "-- name": "asm" (the
// program in the suite's assembler syntax, see ebpf.Assemble), "mem" (the
// memory the program gets, hexadecimal bytes), "result" (the expected r0),
// "error" (an expected failure), "raw" (the program as 64-bit words) and
// sections the runner ignores ("c", "no register offset"). '#' starts a
// comment anywhere.
package conformance

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrFormat classifies malformed test files and hexadecimal input.
var ErrFormat = errors.New("malformed conformance input")

// Test is one test file.
type Test struct {
	Asm    string   // the program's source
	Raw    []uint64 // the program as raw instructions, if the file gives them
	Memory []byte
	Result uint64 // expected r0
	Error  string // expected failure, if any
}

// Parse reads a test file as the suite's own parser does.
func Parse(text string) (Test, error) {
	var t Test
	var section, mem, result string
	for n, line := range strings.Split(text, "\n") {
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
			t.Asm += line + "\n"
		case "mem":
			mem += " " + line
		case "result":
			result = line
		case "error":
			t.Error = line
		case "raw":
			v, err := strconv.ParseUint(line, 0, 64)
			if err != nil {
				return t, fmt.Errorf("parse line %d: raw instruction %q: %w", n+1, line, ErrFormat)
			}
			t.Raw = append(t.Raw, v)
		}
	}
	var err error
	if t.Memory, err = DecodeHex(mem); err != nil {
		return t, fmt.Errorf("parse memory: %w", err)
	}
	if result != "" {
		if t.Result, err = strconv.ParseUint(result, 0, 64); err != nil {
			return t, fmt.Errorf("parse result %q: %w", result, ErrFormat)
		}
	}
	if t.Asm == "" && t.Raw == nil {
		return t, fmt.Errorf("parse: no program: %w", ErrFormat)
	}
	return t, nil
}

// DecodeHex reads bytes written as hexadecimal words separated by white
// space ("b7 00 00 00", as in test files and the plugin protocol); a word
// may hold several bytes ("b7000000").
func DecodeHex(s string) ([]byte, error) {
	var out []byte
	for _, word := range strings.Fields(s) {
		b, err := hex.DecodeString(word)
		if err != nil {
			return nil, fmt.Errorf("hex %q: %w", word, ErrFormat)
		}
		out = append(out, b...)
	}
	return out, nil
}

// EncodeHex writes bytes as the suite's runner sends them to a plugin:
// each byte as two hexadecimal digits followed by two spaces.
func EncodeHex(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		fmt.Fprintf(&sb, "%02x  ", c)
	}
	return sb.String()
}

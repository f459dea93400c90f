package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// committedDir is where the generated captures are committed, relative to
// this package.
var committedDir = filepath.Join("..", "..", "testdata", "pcaps")

// TestCommittedCapturesUpToDate regenerates every capture and requires the
// committed copies to be byte-identical, and no other capture to be there.
func TestCommittedCapturesUpToDate(t *testing.T) {
	files, err := render()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range files {
		want = append(want, f.name)
		got, err := os.ReadFile(filepath.Join(committedDir, f.name))
		if err != nil {
			t.Errorf("%v; run: go generate ./internal/pcapgen", err)
			continue
		}
		if !bytes.Equal(got, f.data) {
			t.Errorf("%s is stale (%d bytes committed, %d generated); run: go generate ./internal/pcapgen", f.name, len(got), len(f.data))
		}
	}
	entries, err := os.ReadDir(committedDir)
	if err != nil {
		t.Fatal(err)
	}
	var committed []string
	for _, e := range entries {
		if e.Name() == "README.md" {
			continue
		}
		committed = append(committed, e.Name())
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, committed); diff != "" {
		t.Errorf("files in %s differ from the generated set (-generated +committed):\n%s", committedDir, diff)
	}
}

// TestRenderIsDeterministic guards against anything run-dependent (map
// order, clocks, the build machine) reaching the output.
func TestRenderIsDeterministic(t *testing.T) {
	first, err := render()
	if err != nil {
		t.Fatal(err)
	}
	second, err := render()
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != len(second) {
		t.Fatalf("rendered %d files, then %d", len(first), len(second))
	}
	for i := range first {
		if first[i].name != second[i].name || !bytes.Equal(first[i].data, second[i].data) {
			t.Errorf("%s differs between two runs", first[i].name)
		}
	}
}

// TestCaptureSizes keeps every capture within 10 to 200 packets and the set
// under 1 MB.
func TestCaptureSizes(t *testing.T) {
	total := 0
	for _, build := range captures {
		c := build()
		if n := len(c.packets); n < 10 || n > 200 {
			t.Errorf("%s has %d packets, want 10 to 200", c.file, n)
		}
		data, err := c.encode()
		if err != nil {
			t.Fatal(err)
		}
		total += len(data)
	}
	if total > 1<<20 {
		t.Errorf("captures total %d bytes, want under 1 MB", total)
	}
}

func TestGenerateWritesEveryFile(t *testing.T) {
	dir := t.TempDir()
	if err := generate(dir); err != nil {
		t.Fatal(err)
	}
	files, err := render()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, f.data) {
			t.Errorf("%s written differs from rendered", f.name)
		}
	}
	index, err := os.ReadFile(filepath.Join(dir, indexFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(index), "\n"), "\n")
	if len(lines) != len(captures)+1 {
		t.Errorf("%s has %d lines, want a header and %d captures", indexFile, len(lines), len(captures))
	}
	for _, line := range lines {
		if n := strings.Count(line, "\t"); n != 3 {
			t.Errorf("%s line %q has %d tabs, want 3", indexFile, line, n)
		}
	}
}

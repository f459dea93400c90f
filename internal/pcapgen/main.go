package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	out := flag.String("o", "testdata/pcaps", "directory to write the captures and INDEX.tsv into")
	flag.Parse()
	if err := generate(*out); err != nil {
		fmt.Fprintln(os.Stderr, "pcapgen:", err)
		os.Exit(1)
	}
}

// indexFile lists the generated captures.
const indexFile = "INDEX.tsv"

// generate writes every capture and the index into dir.
func generate(dir string) error {
	files, err := render()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			return fmt.Errorf("write capture: %w", err)
		}
	}
	return nil
}

// renderedFile is one output file's name and contents.
type renderedFile struct {
	name string
	data []byte
}

// render builds every capture in memory, followed by the index.
func render() ([]renderedFile, error) {
	var files []renderedFile
	var index bytes.Buffer
	index.WriteString("file\tlink type\tpackets\tcovers\n")
	seen := make(map[string]bool)
	for _, build := range captures {
		c := build()
		if seen[c.file] {
			return nil, fmt.Errorf("capture %s: %w", c.file, errDuplicateFile)
		}
		seen[c.file] = true
		data, err := c.encode()
		if err != nil {
			return nil, err
		}
		files = append(files, renderedFile{c.file, data})
		fmt.Fprintf(&index, "%s\t%s\t%d\t%s\n", c.file, c.linkDescription(), len(c.packets), c.covers)
	}
	return append(files, renderedFile{indexFile, index.Bytes()}), nil
}

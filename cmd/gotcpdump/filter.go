package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gotcpdump/gotcpdump/capture"
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/ebpf"
	"github.com/gotcpdump/gotcpdump/filterlang"
	"github.com/gotcpdump/gotcpdump/internal/linktype"
	"github.com/gotcpdump/gotcpdump/translate"

	"github.com/gopacket/gopacket/layers"
)

// expression returns the filter expression: the contents of the -F file
// with comments blanked out, as tcpdump reads it, or the words of the
// command line joined by spaces.
func (o *options) expressionText() (string, error) {
	if o.filterFile == "" {
		return strings.Join(o.expression, " "), nil
	}
	b, err := os.ReadFile(o.filterFile)
	if err != nil {
		return "", fmt.Errorf("can't open %w", err)
	}
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		if c := strings.IndexByte(l, '#'); c >= 0 {
			lines[i] = l[:c]
		}
	}
	return strings.Join(lines, "\n"), nil
}

// target describes what a filter is compiled for: the link type and
// snapshot length of the capture, and whether it is a file being read
// (and in which byte order), as libpcap's handle would know them.
type target struct {
	linkType   layers.LinkType
	snapLen    uint32
	file       bool
	swapped    bool
	noOptimize bool // -O
}

// filterProgram returns the program to filter with, or nil when every
// packet passes.
func (o *options) filterProgram(t target) (cbpf.Program, error) {
	t.noOptimize = o.noOptimize
	expr, err := o.expressionText()
	if err != nil {
		return nil, err
	}
	blank := strings.TrimSpace(expr) == ""
	if o.programFile != "" {
		if !blank {
			return nil, errors.New("--program and a filter expression cannot be used together")
		}
		text, err := os.ReadFile(o.programFile)
		if err != nil {
			return nil, fmt.Errorf("can't open %w", err)
		}
		p, err := cbpf.Parse(string(text))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.programFile, err)
		}
		return p, nil
	}
	if blank {
		return nil, nil
	}
	return t.compile(expr)
}

// compile compiles expr for t, as libpcap's pcap_compile would for the
// handle; an empty expression accepts every packet.
func (t target) compile(expr string) (cbpf.Program, error) {
	return filterlang.Compile(expr, filterlang.Options{
		LinkType:    t.linkType,
		SnapLen:     t.snapLen,
		NoOptimize:  t.noOptimize,
		CaptureFile: t.file,
		SwappedFile: t.swapped,
	})
}

// fileTarget is the target of a filter for the capture file r.
func fileTarget(r *capture.Reader) target {
	return target{linkType: r.LinkType(), snapLen: r.SnapLen(), file: true, swapped: r.Swapped()}
}

// dumpProgram prints the filter program in the -d, -dd or -ddd format, for
// the link type of the -r file, of -y, or Ethernet.
func dumpProgram(o *options, stdin io.Reader, stdout io.Writer, stderr io.Writer) error {
	t := target{linkType: layers.LinkTypeEthernet, snapLen: uint32(o.snapLen)}
	switch {
	case o.readFile != "":
		r, err := openCapture(o.readFile, stdin, stderr)
		if err != nil {
			return err
		}
		defer r.Close()
		t = fileTarget(r.Reader)
	case o.linkType != "":
		var ok bool
		if t.linkType, ok = linktype.Parse(o.linkType); !ok {
			return fmt.Errorf("invalid data link type %s", o.linkType)
		}
	default:
		fmt.Fprintln(stderr, "Warning: assuming Ethernet")
	}
	p, err := o.filterProgram(t)
	if err != nil {
		return err
	}
	if p == nil {
		if p, err = t.compile(""); err != nil {
			return err
		}
	}
	if o.dumpEBPF {
		return dumpEBPF(o.engine, p, stdout)
	}
	format := cbpf.Text
	switch {
	case o.dump == 2:
		format = cbpf.CArray
	case o.dump > 2:
		format = cbpf.Decimal
	}
	_, err = io.WriteString(stdout, p.Format(format))
	return err
}

// dumpEBPF prints the eBPF translation of p that the engine would run: for
// tc with --engine kernel, for the in-process runtime otherwise.
func dumpEBPF(engine string, p cbpf.Program, stdout io.Writer) error {
	opts := translate.Options{Target: translate.InProcess, Semantics: cbpf.Libpcap}
	if engine == engineKernel {
		opts = translate.Options{Target: translate.SchedCLS, Semantics: cbpf.Libpcap, Raw: true}
	}
	insns, err := translate.Program(p, opts)
	if err != nil {
		return fmt.Errorf("translate the filter to eBPF: %w", err)
	}
	text, err := ebpf.Disassemble(insns)
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, text)
	return err
}

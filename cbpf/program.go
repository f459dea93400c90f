package cbpf

import (
	"fmt"

	"golang.org/x/net/bpf"
)

// MaxInstructions is the largest program the kernel accepts (BPF_MAXINSNS).
const MaxInstructions = 4096

// ScratchWords is the number of 32-bit scratch memory cells (BPF_MEMWORDS).
const ScratchWords = 16

// Program is a classic BPF program in the kernel's sock_filter layout.
type Program []bpf.RawInstruction

// Assemble converts x/net/bpf instruction values into a Program.
func Assemble(insns []bpf.Instruction) (Program, error) {
	raw, err := bpf.Assemble(insns)
	if err != nil {
		return nil, fmt.Errorf("assemble: %w", err)
	}
	return Program(raw), nil
}

// Semantics selects which machine a program is interpreted for: libpcap's
// bpf_filter (capture files) or a Linux socket filter (live capture).
type Semantics int

const (
	// Libpcap is the semantics of libpcap's bpf_filter, used offline.
	Libpcap Semantics = iota
	// Linux is the semantics of a Linux socket filter.
	Linux
)

func (s Semantics) String() string {
	switch s {
	case Libpcap:
		return "libpcap"
	case Linux:
		return "linux"
	}
	return fmt.Sprintf("Semantics(%d)", int(s))
}

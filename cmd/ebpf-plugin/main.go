// Command ebpf-plugin runs eBPF programs for the bpf_conformance suite's
// runner (github.com/Alan-Jowett/bpf_conformance), which measures an eBPF
// runtime against the instruction set through such a plugin:
//
//	ebpf-plugin [--program HEX] [MEMORY-HEX] [--debug] [--elf]
//
// The program comes in hexadecimal on the first line of standard input
// (or after --program): raw instructions, or with --elf an ELF object
// whose program named main, or only program, runs. MEMORY-HEX is the
// memory the program gets: r1 points at it, r2 holds its length. On
// success the plugin prints r0 in hexadecimal and exits 0; otherwise it
// prints the error on standard error and exits 1. --debug prints the
// program as it was decoded on standard error.
//
// Run the suite with it:
//
//	bpf_conformance_runner --test_file_directory tests --plugin_path ebpf-plugin
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	cebpf "github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/gotcpdump/gotcpdump/ebpf"
	"github.com/gotcpdump/gotcpdump/ebpf/conformance"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// invocation is what the command line asks for.
type invocation struct {
	program string // hexadecimal, empty to read standard input
	memory  string
	debug   bool
	elf     bool
}

// parseArgs follows the suite's libbpf plugin: the options come in this
// order, each optional.
func parseArgs(args []string) (invocation, error) {
	var inv invocation
	if len(args) > 1 && args[0] == "--program" {
		inv.program, args = args[1], args[2:]
	}
	if len(args) > 0 && !strings.HasPrefix(args[0], "--") {
		inv.memory, args = args[0], args[1:]
	}
	if len(args) > 0 && args[0] == "--debug" {
		inv.debug, args = true, args[1:]
	}
	if len(args) > 0 && args[0] == "--elf" {
		inv.elf, args = true, args[1:]
	}
	if len(args) > 0 {
		return inv, fmt.Errorf("unexpected argument %q", args[0])
	}
	return inv, nil
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	r0, err := execute(args, stdin, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "%x\n", r0)
	return 0
}

func execute(args []string, stdin io.Reader, debug io.Writer) (uint64, error) {
	inv, err := parseArgs(args)
	if err != nil {
		return 0, err
	}
	if inv.program == "" {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, fmt.Errorf("read program: %w", err)
		}
		inv.program = line
	}
	code, err := conformance.DecodeHex(inv.program)
	if err != nil {
		return 0, fmt.Errorf("read program: %w", err)
	}
	mem, err := conformance.DecodeHex(inv.memory)
	if err != nil {
		return 0, fmt.Errorf("read memory: %w", err)
	}
	insns, err := decode(code, inv.elf)
	if err != nil {
		return 0, err
	}
	if inv.debug {
		fmt.Fprintf(debug, "%v", insns)
	}
	vm, err := ebpf.NewVM(insns, nil)
	if err != nil {
		return 0, err
	}
	return vm.Run(mem)
}

// decode reads raw instructions or the program of an ELF object.
func decode(code []byte, elf bool) (asm.Instructions, error) {
	if !elf {
		insns, err := asm.AppendInstructions(nil, bytes.NewReader(code), binary.LittleEndian, "linux")
		if err != nil {
			return nil, fmt.Errorf("decode program: %w", err)
		}
		return insns, nil
	}
	spec, err := cebpf.LoadCollectionSpecFromReader(bytes.NewReader(code))
	if err != nil {
		return nil, fmt.Errorf("read ELF: %w", err)
	}
	if p, ok := spec.Programs["main"]; ok {
		return p.Instructions, nil
	}
	if len(spec.Programs) == 1 {
		for _, p := range spec.Programs {
			return p.Instructions, nil
		}
	}
	return nil, fmt.Errorf("read ELF: %d programs and none named main", len(spec.Programs))
}

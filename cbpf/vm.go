package cbpf

import (
	"sync"
)

// VM runs one classic BPF program over packets. It is built once by
// [NewVM], which validates and compiles the program, and is then safe for
// concurrent use by any number of goroutines.
type VM struct {
	prog Program
	sem  Semantics

	// entry is the compiled program: a chain of steps, one per instruction
	// (some fused with the next), each calling its successor. It is nil for
	// programs with backward jumps, which the reference interpreter runs
	// with a step budget instead.
	entry step
	// frames is non-nil when the program needs a frame: it reads or writes
	// scratch memory or, under Linux semantics, metadata.
	frames *sync.Pool
}

// frame is the per-run state that does not fit in registers.
type frame struct {
	mem  [ScratchWords]uint32
	meta *Metadata
}

// step runs one instruction (and its successors) with the registers A and
// X, returning the program's result. pkt is the packet data, wl the length
// on the wire, f the frame (nil when the program needs none).
type step func(pkt []byte, wl, a, x uint32, f *frame) uint32

// noMetadata stands in when a Linux program runs without metadata.
var noMetadata Metadata

// NewVM validates p with the rules of s and compiles it.
func NewVM(p Program, s Semantics) (*VM, error) {
	if err := p.Validate(s); err != nil {
		return nil, err
	}
	vm := &VM{prog: append(Program(nil), p...), sem: s}
	if needsFrame(vm.prog, s) {
		vm.frames = &sync.Pool{New: func() any { return new(frame) }}
	}
	if !hasBackwardJump(vm.prog) {
		vm.entry = compile(vm.prog, s)
	}
	return vm, nil
}

// Program returns the program the VM runs.
func (vm *VM) Program() Program { return vm.prog }

// Semantics returns the semantics the VM runs the program with.
func (vm *VM) Semantics() Semantics { return vm.sem }

// Run filters one packet: pkt is the captured data and wireLen its length
// on the wire ("len" in a filter). It returns the program's result: 0 to
// reject the packet, otherwise the number of bytes to keep. Under Linux
// semantics the metadata is all zero; see [VM.RunMetadata].
func (vm *VM) Run(pkt []byte, wireLen int) uint32 {
	if vm.frames == nil && vm.entry != nil {
		return vm.entry(pkt, uint32(wireLen), 0, 0, nil)
	}
	return vm.RunMetadata(pkt, wireLen, nil)
}

// RunMetadata is [VM.Run] with the per-packet metadata a Linux socket
// filter sees: ancillary loads and loads relative to the link and network
// headers read m. Libpcap semantics ignore m; a nil m is all zero.
func (vm *VM) RunMetadata(pkt []byte, wireLen int, m *Metadata) uint32 {
	if m == nil {
		m = &noMetadata
	}
	if vm.entry == nil {
		return interpret(vm.prog, vm.sem, pkt, uint32(wireLen), m)
	}
	if vm.frames == nil {
		return vm.entry(pkt, uint32(wireLen), 0, 0, nil)
	}
	f := vm.frames.Get().(*frame)
	f.mem = [ScratchWords]uint32{}
	f.meta = m
	r := vm.entry(pkt, uint32(wireLen), 0, 0, f)
	f.meta = nil
	vm.frames.Put(f)
	return r
}

// needsFrame reports whether running p under s uses scratch memory or
// metadata.
func needsFrame(p Program, s Semantics) bool {
	for _, ins := range p {
		switch opClass(ins.Op) {
		case ClassST, ClassSTX:
			return true
		case ClassLD, ClassLDX:
			if opMode(ins.Op) == ModeMEM {
				return true
			}
			if s == Linux && (opMode(ins.Op) == ModeIND || ins.K >= 0x80000000 && (opMode(ins.Op) == ModeABS || opMode(ins.Op) == ModeMSH)) {
				return true
			}
		}
	}
	return false
}

// hasBackwardJump reports whether p has a "ja" whose unsigned offset wraps
// around, which only libpcap allows.
func hasBackwardJump(p Program) bool {
	for i, ins := range p {
		if ins.Op == ClassJMP|JumpA && uint64(i)+1+uint64(ins.K) >= uint64(len(p)) {
			return true
		}
	}
	return false
}

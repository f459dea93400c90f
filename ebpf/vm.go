package ebpf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/cilium/ebpf/asm"
)

// DefaultBudget is the number of instructions a run may execute unless
// Options.Budget says otherwise. It matches the kernel's limit of a
// million instructions processed when it verifies a program.
const DefaultBudget = 1_000_000

// Options configure NewVM. The zero value is usable.
type Options struct {
	// MaxInstructions limits the program's size in raw instruction slots;
	// 0 means DefaultMaxInstructions.
	MaxInstructions int
	// Budget limits the instructions one run may execute, so that loops
	// end with ErrBudgetExhausted instead of hanging; 0 means
	// DefaultBudget.
	Budget uint64
	// Maps resolves map references: a 64-bit immediate load of a map whose
	// asm Reference names a key here, or whose constant is the FD of one
	// of these maps. Loads with an associated *Map (asm.Instruction
	// AssociateMap) need no entry.
	Maps map[string]*Map
	// Helpers adds helper functions or replaces built-in ones.
	Helpers map[asm.BuiltinFunc]Helper
	// TraceOutput receives trace_printk output; nil discards it.
	TraceOutput io.Writer
	// CPU is the processor number get_smp_processor_id reports and the
	// copy of per-CPU map values the program sees.
	CPU int
	// Seed seeds get_prandom_u32.
	Seed uint64
	// Clock returns ktime_get_ns; nil means monotonic time since the VM
	// was created.
	Clock func() uint64
}

// Helper implements a helper function: args holds r1-r5, the result goes
// to r0. An error stops the run.
type Helper func(vm *VM, args *[5]uint64) (uint64, error)

// program is the immutable, shareable result of checking instructions.
type program struct {
	slots      []slot
	compiled   step // nil when the program runs in the interpreter
	entryDepth int  // stack bytes the entry function uses
	maps       []*Map
	helpers    []Helper // by helper id
	budget     uint64
}

// frame is the caller's state saved by a bpf-to-bpf call.
type frame struct {
	ret   int
	saved [4]uint64 // r6-r9
	fp    uint64    // r10
}

// VM runs one checked eBPF program. Running is cheap and allocation-free;
// a VM is not safe for concurrent use, but Clone makes independent VMs
// that share the program and its maps.
type VM struct {
	prog    *program
	regs    [numRegs]uint64
	regions []region
	frames  [MaxFrames]frame
	stack   [MaxFrames * StackSize]byte
	ctx     [skbSize]byte

	netOffset int64 // network header offset for SKF_NET_OFF loads, -1 if unknown
	reserved  reservations

	cpu   int
	trace io.Writer
	rand  *rand.Rand
	clock func() uint64
	opts  Options
}

// NewVM checks insns and prepares them to run. Jumps and calls may use
// asm symbols and references; they are resolved as cilium/ebpf resolves
// them when loading a program. A rejected program yields a *CheckError.
func NewVM(insns asm.Instructions, opts *Options) (*VM, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	prog, err := compile(insns, &o)
	if err != nil {
		return nil, fmt.Errorf("load program: %w", err)
	}
	return newVM(prog, o)
}

func newVM(prog *program, o Options) (*VM, error) {
	vm := &VM{prog: prog, cpu: o.CPU, trace: o.TraceOutput, clock: o.Clock, opts: o, netOffset: -1}
	for _, m := range prog.maps {
		if o.CPU < 0 || o.CPU >= m.cpus && m.cpus > 1 {
			return nil, fmt.Errorf("load program: cpu %d outside per-CPU map %v", o.CPU, m)
		}
	}
	if vm.trace == nil {
		vm.trace = io.Discard
	}
	if vm.clock == nil {
		start := time.Now()
		vm.clock = func() uint64 { return uint64(time.Since(start)) }
	}
	vm.rand = rand.New(rand.NewPCG(o.Seed, uint64(o.CPU)))
	vm.regions = make([]region, firstMapRegion+len(prog.maps))
	vm.regions[packetRegion].base = packetBase
	vm.setFrame(MaxFrames * StackSize)
	vm.reserved.next = make([]uint32, len(prog.maps))
	for i, m := range prog.maps {
		if m.ring != nil {
			vm.regions[firstMapRegion+i].mem = make([]byte, m.maxEntries)
		} else {
			vm.regions[firstMapRegion+i].mem = m.values
		}
	}
	return vm, nil
}

// Clone returns a VM that runs the same program on the same maps with its
// own registers, stack and context, reporting itself as processor cpu.
func (vm *VM) Clone(cpu int) (*VM, error) {
	o := vm.opts
	o.CPU = cpu
	return newVM(vm.prog, o)
}

// Maps returns the maps the program uses, in the order it first refers to
// them.
func (vm *VM) Maps() []*Map { return vm.prog.maps }

func compile(insns asm.Instructions, o *Options) (*program, error) {
	if len(insns) == 0 {
		return nil, &CheckError{Index: -1, Err: ErrEmptyProgram}
	}
	limit := o.MaxInstructions
	if limit <= 0 {
		limit = DefaultMaxInstructions
	}
	if n := int(insns.Size() / asm.InstructionSize); n > limit {
		return nil, checkErr(-1, ErrTooManyInstructions, "%d > %d", n, limit)
	}
	insns, err := resolveReferences(insns)
	if err != nil {
		return nil, err
	}
	prog := &program{budget: o.Budget}
	if prog.budget == 0 {
		prog.budget = DefaultBudget
	}
	d := decoder{resolveMap: func(index int, ins *asm.Instruction) (int, error) {
		return prog.resolveMap(index, ins, o.Maps)
	}}
	if err := d.decode(insns); err != nil {
		return nil, err
	}
	funcs, err := checkFlow(d.slots, d.calls)
	if err != nil {
		return nil, err
	}
	prog.slots = d.slots
	prog.entryDepth = funcs[0].stackDepth
	depthAt := make(map[int]int, len(funcs))
	for _, f := range funcs {
		depthAt[f.start] = f.stackDepth
	}
	for _, i := range d.calls {
		prog.slots[i].imm = int64(depthAt[int(prog.slots[i].target)])
	}
	prog.compiled = compileSteps(prog.slots, prog.budget)
	prog.helpers = helperTable(o.Helpers)
	for _, i := range d.helpers {
		id := prog.slots[i].imm
		if id >= int64(len(prog.helpers)) || prog.helpers[id] == nil {
			return nil, checkErr(i, ErrUnknownHelper, "%v", asm.BuiltinFunc(id))
		}
	}
	return prog, nil
}

// resolveReferences fills in the offsets of jumps and calls that name a
// symbol, on a copy, leaving insns as they are.
func resolveReferences(insns asm.Instructions) (asm.Instructions, error) {
	needed := false
	for i := range insns {
		if insns[i].Reference() != "" && !insns[i].IsLoadFromMap() {
			needed = true
			break
		}
	}
	if !needed {
		return insns, nil
	}
	cpy := make(asm.Instructions, len(insns))
	copy(cpy, insns)
	if err := cpy.Marshal(io.Discard, binary.LittleEndian); err != nil {
		if errors.Is(err, asm.ErrUnsatisfiedProgramReference) {
			return nil, checkErr(-1, ErrUnresolvedReference, "%v", err)
		}
		return nil, checkErr(-1, ErrInvalidOpcode, "%v", err)
	}
	return cpy, nil
}

func (p *program) resolveMap(index int, ins *asm.Instruction, byName map[string]*Map) (int, error) {
	var m *Map
	if fd := ins.Map(); fd != nil {
		mm, ok := fd.(*Map)
		if !ok {
			return 0, checkErr(index, ErrUnresolvedReference, "map %v is not an in-process map", fd)
		}
		m = mm
	} else if ref := ins.Reference(); ref != "" {
		m = byName[ref]
	} else {
		fd := int(int32(ins.Constant))
		for _, mm := range byName {
			if mm.FD() == fd {
				m = mm
			}
		}
	}
	if m == nil {
		return 0, checkErr(index, ErrUnresolvedReference, "map %q (fd %d)", ins.Reference(), int32(ins.Constant))
	}
	if ins.Src == asm.PseudoMapValue && (m.ring != nil || uint64(ins.Constant)>>32 >= uint64(len(m.values))) {
		return 0, checkErr(index, ErrInvalidImmediate, "value offset %d in %v", uint64(ins.Constant)>>32, m)
	}
	for i, have := range p.maps {
		if have == m {
			return i, nil
		}
	}
	p.maps = append(p.maps, m)
	return len(p.maps) - 1, nil
}

// Memory returns the n bytes of VM memory at addr, for helpers.
func (vm *VM) Memory(addr uint64, n uint64) ([]byte, error) {
	b := at(vm.regions, addr, n)
	if b == nil && n > 0 {
		return nil, fmt.Errorf("%d bytes at %#x: %w", n, addr, ErrMemoryAccess)
	}
	return b, nil
}

// MapAt returns the map whose handle (the value a lddw of the map loads)
// is handle, for helpers.
func (vm *VM) MapAt(handle uint64) (*Map, error) {
	i, err := vm.mapIndex(handle)
	if err != nil {
		return nil, err
	}
	return vm.prog.maps[i], nil
}

func (vm *VM) mapIndex(handle uint64) (int, error) {
	i := int64(handle>>32) - mapHandleBase
	if uint32(handle) != 0 || i < 0 || i >= int64(len(vm.prog.maps)) {
		return 0, fmt.Errorf("%#x: %w", handle, ErrInvalidMapHandle)
	}
	return int(i), nil
}

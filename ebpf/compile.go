package ebpf

import "encoding/binary"

// step runs one instruction, or a few fused ones, and then the rest of
// the program, returning r0.
type step func(vm *VM) (uint64, error)

// maxCompiledSlots bounds the programs compiled into steps: a run nests
// one Go call per instruction it executes.
const maxCompiledSlots = 4096

// compileSteps turns a program without loops and bpf-to-bpf calls into a
// chain of steps, like the cBPF VM does: each step is a closure that
// captures its operands and its successors and calls the next directly,
// so a run does no decoding and no dispatch on the opcode, and the
// processor predicts each indirect call from its own call site. A legacy
// packet load followed by a conditional jump on r0, the commonest pair in
// translated filters, is one step. Instructions without a step of their
// own continue in the interpreter, from that instruction on. It returns
// nil for programs that must run in the interpreter: those with backward
// jumps or calls (they need the budget and frames), too long, or with a
// budget smaller than the program.
func compileSteps(slots []slot, budget uint64) step {
	if len(slots) > maxCompiledSlots || uint64(len(slots)) > budget {
		return nil
	}
	for i := range slots {
		if slots[i].op == opCallLocal || isJump(slots[i].op) && int(slots[i].target) <= i {
			return nil
		}
	}
	c := &chain{slots: slots, steps: make([]step, len(slots)+1)}
	for i := range slots {
		c.reservations = c.reservations || slots[i].op == opCallHelper || slots[i].op == opCallReg
	}
	for i := len(slots) - 1; i >= 0; i-- {
		c.steps[i] = c.compileAt(i)
	}
	return c.steps[0]
}

// chain is the state of compileSteps.
type chain struct {
	slots []slot
	steps []step
	// reservations is set when the program calls helpers, which may
	// leave ring buffer reservations open at exit.
	reservations bool
}

// target returns the target of a jump to slot i, which is compiled.
func (c *chain) target(i int) target {
	for c.slots[i].op == opJa {
		i = int(c.slots[i].target)
	}
	s := &c.slots[i]
	if c.reservations || (s.op != opMov64Imm && s.op != opMov32Imm) || s.dst != 0 || i+1 >= len(c.slots) || c.slots[i+1].op != opExit {
		return target{step: c.steps[i]}
	}
	if s.op == opMov32Imm {
		return target{r0: uint64(uint32(s.imm))}
	}
	return target{r0: uint64(s.imm)}
}

// compileAt compiles slot i; the steps of every later slot exist.
func (c *chain) compileAt(i int) step {
	slots, steps := c.slots, c.steps
	s := &slots[i]
	next := steps[i+1]
	switch {
	case s.op == opInvalid: // the second half of a lddw
		return nil
	case s.op == opJa:
		return steps[s.target]
	}
	if st := compileFused(slots, steps, c.target, i); st != nil {
		return st
	}
	switch {
	case isJump(s.op):
		return compileJump(s, steps[s.target], next)
	case s.op == opExit && !c.reservations:
		return func(vm *VM) (uint64, error) { return vm.regs[0], nil }
	case s.op == opExit:
		return func(vm *VM) (uint64, error) { return vm.exit(i) }
	case (s.op == opMov64Imm || s.op == opMov32Imm) && s.dst == 0 && slots[i+1].op == opExit && !c.reservations:
		r0 := c.target(i).r0
		return func(*VM) (uint64, error) { return r0, nil }
	case (s.op == opMov64Imm || s.op == opMov32Imm) && s.dst == 0 && slots[i+1].op == opExit:
		r0 := uint64(s.imm)
		if s.op == opMov32Imm {
			r0 = uint64(uint32(r0))
		}
		return func(vm *VM) (uint64, error) { vm.regs[0] = r0; return vm.exit(i + 1) }
	case s.op == opLoadImm64:
		d, k, next := s.dst&(numRegs-1), uint64(s.imm), steps[i+2]
		return func(vm *VM) (uint64, error) { vm.regs[d] = k; return next(vm) }
	case s.op == opCallHelper:
		id := s.imm
		return func(vm *VM) (uint64, error) {
			if err := vm.callHelper(id); err != nil {
				return vm.fail(i, 0, err)
			}
			return next(vm)
		}
	case s.op >= opLdAbsB && s.op <= opLdAbsW && s.imm >= 0:
		return compileLoadAbs(slots, steps, i)
	case s.op >= opLdIndB && s.op <= opLdIndW:
		return compileLoadInd(s, next)
	case s.op >= opLdxB && s.op <= opLdxDW:
		if j := &slots[i+1]; j.op >= opJeq64Imm && j.op <= opJsle64Imm && j.dst == s.dst {
			return compileLoad(s, i, compileJump(j, steps[j.target], steps[i+2]))
		}
		return compileLoad(s, i, next)
	}
	if st := compileALU(s, next); st != nil {
		return st
	}
	return func(vm *VM) (uint64, error) { return vm.interpret(i) }
}

// compileLoad compiles a load of 1, 2, 4 or 8 bytes.
func compileLoad(s *slot, i int, next step) step {
	d, sr, off := s.dst&(numRegs-1), s.src&(numRegs-1), uint64(s.off)
	switch s.op {
	case opLdxB:
		return func(vm *VM) (uint64, error) {
			a := vm.regs[sr] + off
			if b := at(vm.regions, a, 1); b != nil {
				vm.regs[d] = uint64(b[0])
				return next(vm)
			}
			return vm.fail(i, a, ErrMemoryAccess)
		}
	case opLdxH:
		return func(vm *VM) (uint64, error) {
			a := vm.regs[sr] + off
			if b := at(vm.regions, a, 2); b != nil {
				vm.regs[d] = uint64(le.Uint16(b))
				return next(vm)
			}
			return vm.fail(i, a, ErrMemoryAccess)
		}
	case opLdxW:
		return func(vm *VM) (uint64, error) {
			a := vm.regs[sr] + off
			if b := at(vm.regions, a, 4); b != nil {
				vm.regs[d] = uint64(le.Uint32(b))
				return next(vm)
			}
			return vm.fail(i, a, ErrMemoryAccess)
		}
	default:
		return func(vm *VM) (uint64, error) {
			a := vm.regs[sr] + off
			if b := at(vm.regions, a, 8); b != nil {
				vm.regs[d] = le.Uint64(b)
				return next(vm)
			}
			return vm.fail(i, a, ErrMemoryAccess)
		}
	}
}

// compileLoadAbs compiles a legacy packet load at a constant offset, fused
// with a following conditional jump on r0 against a constant.
func compileLoadAbs(slots []slot, steps []step, i int) step {
	s := &slots[i]
	k := uint64(s.imm)
	size := uint64(1) << (s.op - opLdAbsB)
	if j := &slots[i+1]; j.op >= opJeq64Imm && j.op <= opJsle64Imm && j.dst == 0 {
		jump := compileJump(j, steps[j.target], steps[i+2])
		return func(vm *VM) (uint64, error) {
			v, ok := packetWord(vm.regions[packetRegion].mem, k, size)
			if !ok {
				return 0, nil
			}
			vm.regs[0] = v
			return jump(vm)
		}
	}
	next := steps[i+1]
	return func(vm *VM) (uint64, error) {
		v, ok := packetWord(vm.regions[packetRegion].mem, k, size)
		if !ok {
			return 0, nil
		}
		vm.regs[0] = v
		return next(vm)
	}
}

// compileLoadInd compiles a legacy packet load at a register plus a
// constant; negative sums take the general path.
func compileLoadInd(s *slot, next step) step {
	sr, k := s.src&(numRegs-1), uint32(s.imm)
	size := uint64(1) << ((s.op - opLdAbsB) % 3)
	return func(vm *VM) (uint64, error) {
		off := uint32(vm.regs[sr]) + k
		v, ok := packetWord(vm.regions[packetRegion].mem, uint64(off), size)
		if int32(off) < 0 {
			v, ok = vm.loadPacket(s)
		}
		if !ok {
			return 0, nil
		}
		vm.regs[0] = v
		return next(vm)
	}
}

// packetWord is the big-endian value of size bytes at off in p.
func packetWord(p []byte, off, size uint64) (uint64, bool) {
	if off+size > uint64(len(p)) {
		return 0, false
	}
	switch size {
	case 1:
		return uint64(p[off]), true
	case 2:
		return uint64(binary.BigEndian.Uint16(p[off:])), true
	default:
		return uint64(binary.BigEndian.Uint32(p[off:])), true
	}
}

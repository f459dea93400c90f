package ebpf

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// The machine is little-endian, like the hosts eBPF mostly runs on.
var le = binary.LittleEndian

// exec runs the program from its entry with r1-r3 already set: the
// compiled steps when the program has them, else the interpreter.
func (vm *VM) exec() (uint64, error) {
	const top = MaxFrames * StackSize
	vm.regs[10] = regionAddr(stackRegion, top)
	// A run that failed inside a call left a callee's frame; compiled
	// programs make no calls.
	if vm.prog.compiled == nil && vm.regions[stackRegion].base != top-StackSize {
		vm.setFrame(top)
	}
	if d := vm.prog.entryDepth; d > 0 {
		clear(vm.stack[top-d:])
	}
	if vm.prog.compiled != nil {
		return vm.prog.compiled(vm)
	}
	return vm.interpret(0)
}

// interpret runs the program from slot pc in the entry function. It is
// one switch per instruction over pre-decoded slots, registers in a fixed
// array indexed by masked numbers, memory through at(), and no
// allocation.
func (vm *VM) interpret(pc int) (uint64, error) {
	slots := vm.prog.slots
	regs := &vm.regs
	regions := vm.regions
	// Instructions are counted a straight run at a time: start is where
	// the current run began, and each transfer of control charges the
	// run to the budget, so straight-line code pays nothing per
	// instruction.
	left := int64(vm.prog.budget)
	depth, start := 0, pc
	for {
		s := &slots[pc]
		d, sr := s.dst&(numRegs-1), s.src&(numRegs-1)
		switch s.op {
		case opAdd64Imm:
			regs[d] += uint64(s.imm)
		case opSub64Imm:
			regs[d] -= uint64(s.imm)
		case opMul64Imm:
			regs[d] *= uint64(s.imm)
		case opDiv64Imm:
			regs[d] = div64(regs[d], uint64(s.imm))
		case opSDiv64Imm:
			regs[d] = sdiv64(regs[d], uint64(s.imm))
		case opOr64Imm:
			regs[d] |= uint64(s.imm)
		case opAnd64Imm:
			regs[d] &= uint64(s.imm)
		case opLsh64Imm:
			regs[d] <<= uint64(s.imm) & 63
		case opRsh64Imm:
			regs[d] >>= uint64(s.imm) & 63
		case opMod64Imm:
			regs[d] = mod64(regs[d], uint64(s.imm))
		case opSMod64Imm:
			regs[d] = smod64(regs[d], uint64(s.imm))
		case opXor64Imm:
			regs[d] ^= uint64(s.imm)
		case opMov64Imm:
			regs[d] = uint64(s.imm)
		case opArsh64Imm:
			regs[d] = uint64(int64(regs[d]) >> (uint64(s.imm) & 63))
		case opAdd64Reg:
			regs[d] += regs[sr]
		case opSub64Reg:
			regs[d] -= regs[sr]
		case opMul64Reg:
			regs[d] *= regs[sr]
		case opDiv64Reg:
			regs[d] = div64(regs[d], regs[sr])
		case opSDiv64Reg:
			regs[d] = sdiv64(regs[d], regs[sr])
		case opOr64Reg:
			regs[d] |= regs[sr]
		case opAnd64Reg:
			regs[d] &= regs[sr]
		case opLsh64Reg:
			regs[d] <<= regs[sr] & 63
		case opRsh64Reg:
			regs[d] >>= regs[sr] & 63
		case opMod64Reg:
			regs[d] = mod64(regs[d], regs[sr])
		case opSMod64Reg:
			regs[d] = smod64(regs[d], regs[sr])
		case opXor64Reg:
			regs[d] ^= regs[sr]
		case opMov64Reg:
			regs[d] = regs[sr]
		case opArsh64Reg:
			regs[d] = uint64(int64(regs[d]) >> (regs[sr] & 63))
		case opNeg64:
			regs[d] = -regs[d]
		case opMovSX8to64:
			regs[d] = uint64(int64(int8(regs[sr])))
		case opMovSX16to64:
			regs[d] = uint64(int64(int16(regs[sr])))
		case opMovSX32to64:
			regs[d] = uint64(int64(int32(regs[sr])))

		case opAdd32Imm:
			regs[d] = uint64(uint32(regs[d]) + uint32(s.imm))
		case opSub32Imm:
			regs[d] = uint64(uint32(regs[d]) - uint32(s.imm))
		case opMul32Imm:
			regs[d] = uint64(uint32(regs[d]) * uint32(s.imm))
		case opDiv32Imm:
			regs[d] = uint64(div32(uint32(regs[d]), uint32(s.imm)))
		case opSDiv32Imm:
			regs[d] = uint64(sdiv32(uint32(regs[d]), uint32(s.imm)))
		case opOr32Imm:
			regs[d] = uint64(uint32(regs[d]) | uint32(s.imm))
		case opAnd32Imm:
			regs[d] = uint64(uint32(regs[d]) & uint32(s.imm))
		case opLsh32Imm:
			regs[d] = uint64(uint32(regs[d]) << (uint32(s.imm) & 31))
		case opRsh32Imm:
			regs[d] = uint64(uint32(regs[d]) >> (uint32(s.imm) & 31))
		case opMod32Imm:
			regs[d] = uint64(mod32(uint32(regs[d]), uint32(s.imm)))
		case opSMod32Imm:
			regs[d] = uint64(smod32(uint32(regs[d]), uint32(s.imm)))
		case opXor32Imm:
			regs[d] = uint64(uint32(regs[d]) ^ uint32(s.imm))
		case opMov32Imm:
			regs[d] = uint64(uint32(s.imm))
		case opArsh32Imm:
			regs[d] = uint64(uint32(int32(regs[d]) >> (uint32(s.imm) & 31)))
		case opAdd32Reg:
			regs[d] = uint64(uint32(regs[d]) + uint32(regs[sr]))
		case opSub32Reg:
			regs[d] = uint64(uint32(regs[d]) - uint32(regs[sr]))
		case opMul32Reg:
			regs[d] = uint64(uint32(regs[d]) * uint32(regs[sr]))
		case opDiv32Reg:
			regs[d] = uint64(div32(uint32(regs[d]), uint32(regs[sr])))
		case opSDiv32Reg:
			regs[d] = uint64(sdiv32(uint32(regs[d]), uint32(regs[sr])))
		case opOr32Reg:
			regs[d] = uint64(uint32(regs[d]) | uint32(regs[sr]))
		case opAnd32Reg:
			regs[d] = uint64(uint32(regs[d]) & uint32(regs[sr]))
		case opLsh32Reg:
			regs[d] = uint64(uint32(regs[d]) << (uint32(regs[sr]) & 31))
		case opRsh32Reg:
			regs[d] = uint64(uint32(regs[d]) >> (uint32(regs[sr]) & 31))
		case opMod32Reg:
			regs[d] = uint64(mod32(uint32(regs[d]), uint32(regs[sr])))
		case opSMod32Reg:
			regs[d] = uint64(smod32(uint32(regs[d]), uint32(regs[sr])))
		case opXor32Reg:
			regs[d] = uint64(uint32(regs[d]) ^ uint32(regs[sr]))
		case opMov32Reg:
			regs[d] = uint64(uint32(regs[sr]))
		case opArsh32Reg:
			regs[d] = uint64(uint32(int32(regs[d]) >> (uint32(regs[sr]) & 31)))
		case opNeg32:
			regs[d] = uint64(-uint32(regs[d]))
		case opMovSX8to32:
			regs[d] = uint64(uint32(int32(int8(regs[sr]))))
		case opMovSX16to32:
			regs[d] = uint64(uint32(int32(int16(regs[sr]))))

		case opTrunc16:
			regs[d] = uint64(uint16(regs[d]))
		case opTrunc32:
			regs[d] = uint64(uint32(regs[d]))
		case opNop:
		case opSwap16:
			regs[d] = uint64(bits.ReverseBytes16(uint16(regs[d])))
		case opSwap32:
			regs[d] = uint64(bits.ReverseBytes32(uint32(regs[d])))
		case opSwap64:
			regs[d] = bits.ReverseBytes64(regs[d])

		case opJa:
			goto jump
		case opJeq64Imm:
			if regs[d] == uint64(s.imm) {
				goto jump
			}
		case opJgt64Imm:
			if regs[d] > uint64(s.imm) {
				goto jump
			}
		case opJge64Imm:
			if regs[d] >= uint64(s.imm) {
				goto jump
			}
		case opJset64Imm:
			if regs[d]&uint64(s.imm) != 0 {
				goto jump
			}
		case opJne64Imm:
			if regs[d] != uint64(s.imm) {
				goto jump
			}
		case opJsgt64Imm:
			if int64(regs[d]) > s.imm {
				goto jump
			}
		case opJsge64Imm:
			if int64(regs[d]) >= s.imm {
				goto jump
			}
		case opJlt64Imm:
			if regs[d] < uint64(s.imm) {
				goto jump
			}
		case opJle64Imm:
			if regs[d] <= uint64(s.imm) {
				goto jump
			}
		case opJslt64Imm:
			if int64(regs[d]) < s.imm {
				goto jump
			}
		case opJsle64Imm:
			if int64(regs[d]) <= s.imm {
				goto jump
			}
		case opJeq64Reg:
			if regs[d] == regs[sr] {
				goto jump
			}
		case opJgt64Reg:
			if regs[d] > regs[sr] {
				goto jump
			}
		case opJge64Reg:
			if regs[d] >= regs[sr] {
				goto jump
			}
		case opJset64Reg:
			if regs[d]&regs[sr] != 0 {
				goto jump
			}
		case opJne64Reg:
			if regs[d] != regs[sr] {
				goto jump
			}
		case opJsgt64Reg:
			if int64(regs[d]) > int64(regs[sr]) {
				goto jump
			}
		case opJsge64Reg:
			if int64(regs[d]) >= int64(regs[sr]) {
				goto jump
			}
		case opJlt64Reg:
			if regs[d] < regs[sr] {
				goto jump
			}
		case opJle64Reg:
			if regs[d] <= regs[sr] {
				goto jump
			}
		case opJslt64Reg:
			if int64(regs[d]) < int64(regs[sr]) {
				goto jump
			}
		case opJsle64Reg:
			if int64(regs[d]) <= int64(regs[sr]) {
				goto jump
			}
		case opJeq32Imm:
			if uint32(regs[d]) == uint32(s.imm) {
				goto jump
			}
		case opJgt32Imm:
			if uint32(regs[d]) > uint32(s.imm) {
				goto jump
			}
		case opJge32Imm:
			if uint32(regs[d]) >= uint32(s.imm) {
				goto jump
			}
		case opJset32Imm:
			if uint32(regs[d])&uint32(s.imm) != 0 {
				goto jump
			}
		case opJne32Imm:
			if uint32(regs[d]) != uint32(s.imm) {
				goto jump
			}
		case opJsgt32Imm:
			if int32(regs[d]) > int32(s.imm) {
				goto jump
			}
		case opJsge32Imm:
			if int32(regs[d]) >= int32(s.imm) {
				goto jump
			}
		case opJlt32Imm:
			if uint32(regs[d]) < uint32(s.imm) {
				goto jump
			}
		case opJle32Imm:
			if uint32(regs[d]) <= uint32(s.imm) {
				goto jump
			}
		case opJslt32Imm:
			if int32(regs[d]) < int32(s.imm) {
				goto jump
			}
		case opJsle32Imm:
			if int32(regs[d]) <= int32(s.imm) {
				goto jump
			}
		case opJeq32Reg:
			if uint32(regs[d]) == uint32(regs[sr]) {
				goto jump
			}
		case opJgt32Reg:
			if uint32(regs[d]) > uint32(regs[sr]) {
				goto jump
			}
		case opJge32Reg:
			if uint32(regs[d]) >= uint32(regs[sr]) {
				goto jump
			}
		case opJset32Reg:
			if uint32(regs[d])&uint32(regs[sr]) != 0 {
				goto jump
			}
		case opJne32Reg:
			if uint32(regs[d]) != uint32(regs[sr]) {
				goto jump
			}
		case opJsgt32Reg:
			if int32(regs[d]) > int32(regs[sr]) {
				goto jump
			}
		case opJsge32Reg:
			if int32(regs[d]) >= int32(regs[sr]) {
				goto jump
			}
		case opJlt32Reg:
			if uint32(regs[d]) < uint32(regs[sr]) {
				goto jump
			}
		case opJle32Reg:
			if uint32(regs[d]) <= uint32(regs[sr]) {
				goto jump
			}
		case opJslt32Reg:
			if int32(regs[d]) < int32(regs[sr]) {
				goto jump
			}
		case opJsle32Reg:
			if int32(regs[d]) <= int32(regs[sr]) {
				goto jump
			}

		case opCallHelper:
			if err := vm.callHelper(s.imm); err != nil {
				return vm.fail(pc, 0, err)
			}
		case opCallReg:
			if err := vm.callHelper(int64(regs[d])); err != nil {
				return vm.fail(pc, 0, err)
			}
		case opCallLocal:
			if depth+1 == MaxFrames {
				return vm.fail(pc, 0, ErrCallDepth)
			}
			f := &vm.frames[depth]
			f.ret, f.saved, f.fp = pc+1, [4]uint64{regs[6], regs[7], regs[8], regs[9]}, regs[10]
			depth++
			regs[10] -= StackSize
			top := uint32(regs[10])
			vm.setFrame(top)
			clear(vm.stack[top-uint32(s.imm) : top])
			goto jump
		case opExit:
			if left -= int64(pc - start + 1); left < 0 {
				return vm.fail(pc, 0, ErrBudgetExhausted)
			}
			if depth == 0 {
				return vm.exit(pc)
			}
			depth--
			f := &vm.frames[depth]
			regs[6], regs[7], regs[8], regs[9], regs[10] = f.saved[0], f.saved[1], f.saved[2], f.saved[3], f.fp
			vm.setFrame(uint32(f.fp))
			pc, start = f.ret, f.ret
			continue

		case opLdxB:
			a := regs[sr] + uint64(s.off)
			b := at(regions, a, 1)
			if b == nil {
				return vm.fail(pc, a, ErrMemoryAccess)
			}
			regs[d] = uint64(b[0])
		case opLdxH:
			a := regs[sr] + uint64(s.off)
			b := at(regions, a, 2)
			if b == nil {
				return vm.fail(pc, a, ErrMemoryAccess)
			}
			regs[d] = uint64(le.Uint16(b))
		case opLdxW:
			a := regs[sr] + uint64(s.off)
			b := at(regions, a, 4)
			if b == nil {
				return vm.fail(pc, a, ErrMemoryAccess)
			}
			regs[d] = uint64(le.Uint32(b))
		case opLdxDW:
			a := regs[sr] + uint64(s.off)
			b := at(regions, a, 8)
			if b == nil {
				return vm.fail(pc, a, ErrMemoryAccess)
			}
			regs[d] = le.Uint64(b)
		case opLdxSB:
			a := regs[sr] + uint64(s.off)
			b := at(regions, a, 1)
			if b == nil {
				return vm.fail(pc, a, ErrMemoryAccess)
			}
			regs[d] = uint64(int64(int8(b[0])))
		case opLdxSH:
			a := regs[sr] + uint64(s.off)
			b := at(regions, a, 2)
			if b == nil {
				return vm.fail(pc, a, ErrMemoryAccess)
			}
			regs[d] = uint64(int64(int16(le.Uint16(b))))
		case opLdxSW:
			a := regs[sr] + uint64(s.off)
			b := at(regions, a, 4)
			if b == nil {
				return vm.fail(pc, a, ErrMemoryAccess)
			}
			regs[d] = uint64(int64(int32(le.Uint32(b))))
		case opStB, opStxB:
			a := regs[d] + uint64(s.off)
			b := at(regions, a, 1)
			if b == nil {
				return vm.fail(pc, a, ErrMemoryAccess)
			}
			b[0] = byte(storeValue(s, regs))
		case opStH, opStxH:
			a := regs[d] + uint64(s.off)
			b := at(regions, a, 2)
			if b == nil {
				return vm.fail(pc, a, ErrMemoryAccess)
			}
			le.PutUint16(b, uint16(storeValue(s, regs)))
		case opStW, opStxW:
			a := regs[d] + uint64(s.off)
			b := at(regions, a, 4)
			if b == nil {
				return vm.fail(pc, a, ErrMemoryAccess)
			}
			le.PutUint32(b, uint32(storeValue(s, regs)))
		case opStDW, opStxDW:
			a := regs[d] + uint64(s.off)
			b := at(regions, a, 8)
			if b == nil {
				return vm.fail(pc, a, ErrMemoryAccess)
			}
			le.PutUint64(b, storeValue(s, regs))
		case opAtomicW, opAtomicDW:
			if a, err := vm.atomic(s); err != nil {
				return vm.fail(pc, a, err)
			}
		case opLoadImm64:
			regs[d] = uint64(s.imm)
			pc += 2
			continue

		case opLdAbsB, opLdAbsH, opLdAbsW, opLdIndB, opLdIndH, opLdIndW:
			v, ok := vm.loadPacket(s)
			if !ok {
				return 0, nil
			}
			regs[0] = v
		default:
			return vm.fail(pc, 0, ErrInvalidOpcode)
		}
		pc++
		continue
	jump:
		if left -= int64(pc - start + 1); left < 0 {
			return vm.fail(pc, 0, ErrBudgetExhausted)
		}
		pc = int(s.target)
		start = pc
	}
}

// setFrame makes the stack region span the current frame, whose r10 is
// at offset top, and the frames of its callers above it: a function can
// reach its callers' stacks through pointers they pass, not the unused
// frames below its own.
func (vm *VM) setFrame(top uint32) {
	vm.regions[stackRegion] = region{mem: vm.stack[top-StackSize:], base: top - StackSize}
}

// exit ends a run at the exit instruction pc.
func (vm *VM) exit(pc int) (uint64, error) {
	if len(vm.reserved.open) > 0 {
		vm.dropReservations()
		return vm.fail(pc, 0, ErrLeakedReservation)
	}
	return vm.regs[0], nil
}

// storeValue is what a store writes: the immediate of st, the register of
// stx.
func storeValue(s *slot, regs *[numRegs]uint64) uint64 {
	if s.op >= opStxB {
		return regs[s.src&(numRegs-1)]
	}
	return uint64(s.imm)
}

// fail ends a run with a *RunError. It is not inlined: runs rarely fail,
// and inlined into every step it would make them all larger.
//
//go:noinline
func (vm *VM) fail(pc int, addr uint64, err error) (uint64, error) {
	vm.dropReservations()
	return 0, &RunError{Index: pc, Addr: addr, Err: err}
}

// Division and modulo by zero follow the kernel: x/0 = 0, x%0 = x.
func div64(a, b uint64) uint64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func mod64(a, b uint64) uint64 {
	if b == 0 {
		return a
	}
	return a % b
}

func div32(a, b uint32) uint32 {
	if b == 0 {
		return 0
	}
	return a / b
}

func mod32(a, b uint32) uint32 {
	if b == 0 {
		return a
	}
	return a % b
}

// Signed division truncates toward zero; MinInt / -1 wraps to MinInt and
// MinInt % -1 is 0, as in Go and the kernel.
func sdiv64(a, b uint64) uint64 {
	if b == 0 {
		return 0
	}
	if int64(a) == math.MinInt64 && int64(b) == -1 {
		return a
	}
	return uint64(int64(a) / int64(b))
}

func smod64(a, b uint64) uint64 {
	if b == 0 {
		return a
	}
	if int64(b) == -1 {
		return 0
	}
	return uint64(int64(a) % int64(b))
}

func sdiv32(a, b uint32) uint32 {
	if b == 0 {
		return 0
	}
	if int32(a) == math.MinInt32 && int32(b) == -1 {
		return a
	}
	return uint32(int32(a) / int32(b))
}

func smod32(a, b uint32) uint32 {
	if b == 0 {
		return a
	}
	if int32(b) == -1 {
		return 0
	}
	return uint32(int32(a) % int32(b))
}

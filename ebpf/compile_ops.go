package ebpf

import "math/bits"

// compileALU returns the step of a common ALU operation, or nil.
func compileALU(s *slot, next step) step {
	d, sr, k := s.dst&(numRegs-1), s.src&(numRegs-1), uint64(s.imm)
	k32 := uint32(k)
	switch s.op {
	case opAdd64Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = vm.regs[d] + k; return next(vm) }
	case opAdd64Reg:
		return func(vm *VM) (uint64, error) { vm.regs[d] = vm.regs[d] + vm.regs[sr]; return next(vm) }
	case opAdd32Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = uint64(uint32(vm.regs[d]) + k32); return next(vm) }
	case opAdd32Reg:
		return func(vm *VM) (uint64, error) {
			vm.regs[d] = uint64(uint32(vm.regs[d]) + uint32(vm.regs[sr]))
			return next(vm)
		}
	case opSub64Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = vm.regs[d] - k; return next(vm) }
	case opSub64Reg:
		return func(vm *VM) (uint64, error) { vm.regs[d] = vm.regs[d] - vm.regs[sr]; return next(vm) }
	case opSub32Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = uint64(uint32(vm.regs[d]) - k32); return next(vm) }
	case opSub32Reg:
		return func(vm *VM) (uint64, error) {
			vm.regs[d] = uint64(uint32(vm.regs[d]) - uint32(vm.regs[sr]))
			return next(vm)
		}
	case opMul64Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = vm.regs[d] * k; return next(vm) }
	case opMul64Reg:
		return func(vm *VM) (uint64, error) { vm.regs[d] = vm.regs[d] * vm.regs[sr]; return next(vm) }
	case opMul32Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = uint64(uint32(vm.regs[d]) * k32); return next(vm) }
	case opMul32Reg:
		return func(vm *VM) (uint64, error) {
			vm.regs[d] = uint64(uint32(vm.regs[d]) * uint32(vm.regs[sr]))
			return next(vm)
		}
	case opOr64Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = vm.regs[d] | k; return next(vm) }
	case opOr64Reg:
		return func(vm *VM) (uint64, error) { vm.regs[d] = vm.regs[d] | vm.regs[sr]; return next(vm) }
	case opOr32Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = uint64(uint32(vm.regs[d]) | k32); return next(vm) }
	case opOr32Reg:
		return func(vm *VM) (uint64, error) {
			vm.regs[d] = uint64(uint32(vm.regs[d]) | uint32(vm.regs[sr]))
			return next(vm)
		}
	case opAnd64Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = vm.regs[d] & k; return next(vm) }
	case opAnd64Reg:
		return func(vm *VM) (uint64, error) { vm.regs[d] = vm.regs[d] & vm.regs[sr]; return next(vm) }
	case opAnd32Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = uint64(uint32(vm.regs[d]) & k32); return next(vm) }
	case opAnd32Reg:
		return func(vm *VM) (uint64, error) {
			vm.regs[d] = uint64(uint32(vm.regs[d]) & uint32(vm.regs[sr]))
			return next(vm)
		}
	case opXor64Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = vm.regs[d] ^ k; return next(vm) }
	case opXor64Reg:
		return func(vm *VM) (uint64, error) { vm.regs[d] = vm.regs[d] ^ vm.regs[sr]; return next(vm) }
	case opXor32Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = uint64(uint32(vm.regs[d]) ^ k32); return next(vm) }
	case opXor32Reg:
		return func(vm *VM) (uint64, error) {
			vm.regs[d] = uint64(uint32(vm.regs[d]) ^ uint32(vm.regs[sr]))
			return next(vm)
		}
	case opMov64Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = k; return next(vm) }
	case opMov64Reg:
		return func(vm *VM) (uint64, error) { vm.regs[d] = vm.regs[sr]; return next(vm) }
	case opMov32Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = uint64(k32); return next(vm) }
	case opMov32Reg:
		return func(vm *VM) (uint64, error) { vm.regs[d] = uint64(uint32(vm.regs[sr])); return next(vm) }
	case opLsh64Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = vm.regs[d] << (k & 63); return next(vm) }
	case opLsh64Reg:
		return func(vm *VM) (uint64, error) { vm.regs[d] = vm.regs[d] << (vm.regs[sr] & 63); return next(vm) }
	case opLsh32Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = uint64(uint32(vm.regs[d]) << (k32 & 31)); return next(vm) }
	case opLsh32Reg:
		return func(vm *VM) (uint64, error) {
			vm.regs[d] = uint64(uint32(vm.regs[d]) << (uint32(vm.regs[sr]) & 31))
			return next(vm)
		}
	case opRsh64Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = vm.regs[d] >> (k & 63); return next(vm) }
	case opRsh64Reg:
		return func(vm *VM) (uint64, error) { vm.regs[d] = vm.regs[d] >> (vm.regs[sr] & 63); return next(vm) }
	case opRsh32Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = uint64(uint32(vm.regs[d]) >> (k32 & 31)); return next(vm) }
	case opRsh32Reg:
		return func(vm *VM) (uint64, error) {
			vm.regs[d] = uint64(uint32(vm.regs[d]) >> (uint32(vm.regs[sr]) & 31))
			return next(vm)
		}
	case opArsh64Imm:
		return func(vm *VM) (uint64, error) { vm.regs[d] = uint64(int64(vm.regs[d]) >> (k & 63)); return next(vm) }
	case opArsh64Reg:
		return func(vm *VM) (uint64, error) {
			vm.regs[d] = uint64(int64(vm.regs[d]) >> (vm.regs[sr] & 63))
			return next(vm)
		}
	case opArsh32Imm:
		return func(vm *VM) (uint64, error) {
			vm.regs[d] = uint64(uint32(int32(vm.regs[d]) >> (k32 & 31)))
			return next(vm)
		}
	case opArsh32Reg:
		return func(vm *VM) (uint64, error) {
			vm.regs[d] = uint64(uint32(int32(vm.regs[d]) >> (uint32(vm.regs[sr]) & 31)))
			return next(vm)
		}
	case opTrunc16:
		return func(vm *VM) (uint64, error) { vm.regs[d] = uint64(uint16(vm.regs[d])); return next(vm) }
	case opTrunc32:
		return func(vm *VM) (uint64, error) { vm.regs[d] = uint64(uint32(vm.regs[d])); return next(vm) }
	case opNop:
		return next
	case opSwap16:
		return func(vm *VM) (uint64, error) {
			vm.regs[d] = uint64(bits.ReverseBytes16(uint16(vm.regs[d])))
			return next(vm)
		}
	case opSwap32:
		return func(vm *VM) (uint64, error) {
			vm.regs[d] = uint64(bits.ReverseBytes32(uint32(vm.regs[d])))
			return next(vm)
		}
	case opSwap64:
		return func(vm *VM) (uint64, error) { vm.regs[d] = bits.ReverseBytes64(vm.regs[d]); return next(vm) }
	}
	return nil
}

// compileJump returns the step of a conditional jump to jt or on to jf.
func compileJump(s *slot, jt, jf step) step {
	d, sr, k := s.dst&(numRegs-1), s.src&(numRegs-1), uint64(s.imm)
	k32 := uint32(k)
	switch s.op {
	case opJeq64Imm:
		return func(vm *VM) (uint64, error) {
			if vm.regs[d] == k {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJeq64Reg:
		return func(vm *VM) (uint64, error) {
			if vm.regs[d] == vm.regs[sr] {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJeq32Imm:
		return func(vm *VM) (uint64, error) {
			if uint32(vm.regs[d]) == k32 {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJeq32Reg:
		return func(vm *VM) (uint64, error) {
			if uint32(vm.regs[d]) == uint32(vm.regs[sr]) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJne64Imm:
		return func(vm *VM) (uint64, error) {
			if vm.regs[d] != k {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJne64Reg:
		return func(vm *VM) (uint64, error) {
			if vm.regs[d] != vm.regs[sr] {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJne32Imm:
		return func(vm *VM) (uint64, error) {
			if uint32(vm.regs[d]) != k32 {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJne32Reg:
		return func(vm *VM) (uint64, error) {
			if uint32(vm.regs[d]) != uint32(vm.regs[sr]) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJgt64Imm:
		return func(vm *VM) (uint64, error) {
			if vm.regs[d] > k {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJgt64Reg:
		return func(vm *VM) (uint64, error) {
			if vm.regs[d] > vm.regs[sr] {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJgt32Imm:
		return func(vm *VM) (uint64, error) {
			if uint32(vm.regs[d]) > k32 {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJgt32Reg:
		return func(vm *VM) (uint64, error) {
			if uint32(vm.regs[d]) > uint32(vm.regs[sr]) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJge64Imm:
		return func(vm *VM) (uint64, error) {
			if vm.regs[d] >= k {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJge64Reg:
		return func(vm *VM) (uint64, error) {
			if vm.regs[d] >= vm.regs[sr] {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJge32Imm:
		return func(vm *VM) (uint64, error) {
			if uint32(vm.regs[d]) >= k32 {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJge32Reg:
		return func(vm *VM) (uint64, error) {
			if uint32(vm.regs[d]) >= uint32(vm.regs[sr]) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJlt64Imm:
		return func(vm *VM) (uint64, error) {
			if vm.regs[d] < k {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJlt64Reg:
		return func(vm *VM) (uint64, error) {
			if vm.regs[d] < vm.regs[sr] {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJlt32Imm:
		return func(vm *VM) (uint64, error) {
			if uint32(vm.regs[d]) < k32 {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJlt32Reg:
		return func(vm *VM) (uint64, error) {
			if uint32(vm.regs[d]) < uint32(vm.regs[sr]) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJle64Imm:
		return func(vm *VM) (uint64, error) {
			if vm.regs[d] <= k {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJle64Reg:
		return func(vm *VM) (uint64, error) {
			if vm.regs[d] <= vm.regs[sr] {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJle32Imm:
		return func(vm *VM) (uint64, error) {
			if uint32(vm.regs[d]) <= k32 {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJle32Reg:
		return func(vm *VM) (uint64, error) {
			if uint32(vm.regs[d]) <= uint32(vm.regs[sr]) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJset64Imm:
		return func(vm *VM) (uint64, error) {
			if vm.regs[d]&k != 0 {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJset64Reg:
		return func(vm *VM) (uint64, error) {
			if vm.regs[d]&vm.regs[sr] != 0 {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJset32Imm:
		return func(vm *VM) (uint64, error) {
			if uint32(vm.regs[d])&k32 != 0 {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJset32Reg:
		return func(vm *VM) (uint64, error) {
			if uint32(vm.regs[d])&uint32(vm.regs[sr]) != 0 {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJsgt64Imm:
		return func(vm *VM) (uint64, error) {
			if int64(vm.regs[d]) > int64(k) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJsgt64Reg:
		return func(vm *VM) (uint64, error) {
			if int64(vm.regs[d]) > int64(vm.regs[sr]) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJsgt32Imm:
		return func(vm *VM) (uint64, error) {
			if int32(uint32(vm.regs[d])) > int32(k32) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJsgt32Reg:
		return func(vm *VM) (uint64, error) {
			if int32(uint32(vm.regs[d])) > int32(uint32(vm.regs[sr])) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJsge64Imm:
		return func(vm *VM) (uint64, error) {
			if int64(vm.regs[d]) >= int64(k) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJsge64Reg:
		return func(vm *VM) (uint64, error) {
			if int64(vm.regs[d]) >= int64(vm.regs[sr]) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJsge32Imm:
		return func(vm *VM) (uint64, error) {
			if int32(uint32(vm.regs[d])) >= int32(k32) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJsge32Reg:
		return func(vm *VM) (uint64, error) {
			if int32(uint32(vm.regs[d])) >= int32(uint32(vm.regs[sr])) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJslt64Imm:
		return func(vm *VM) (uint64, error) {
			if int64(vm.regs[d]) < int64(k) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJslt64Reg:
		return func(vm *VM) (uint64, error) {
			if int64(vm.regs[d]) < int64(vm.regs[sr]) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJslt32Imm:
		return func(vm *VM) (uint64, error) {
			if int32(uint32(vm.regs[d])) < int32(k32) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJslt32Reg:
		return func(vm *VM) (uint64, error) {
			if int32(uint32(vm.regs[d])) < int32(uint32(vm.regs[sr])) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJsle64Imm:
		return func(vm *VM) (uint64, error) {
			if int64(vm.regs[d]) <= int64(k) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJsle64Reg:
		return func(vm *VM) (uint64, error) {
			if int64(vm.regs[d]) <= int64(vm.regs[sr]) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJsle32Imm:
		return func(vm *VM) (uint64, error) {
			if int32(uint32(vm.regs[d])) <= int32(k32) {
				return jt(vm)
			}
			return jf(vm)
		}
	case opJsle32Reg:
		return func(vm *VM) (uint64, error) {
			if int32(uint32(vm.regs[d])) <= int32(uint32(vm.regs[sr])) {
				return jt(vm)
			}
			return jf(vm)
		}
	}
	return nil
}

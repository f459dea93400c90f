package ebpf

import "math"

// test32 is a 32-bit conditional jump against a constant in a form one
// step evaluates without a switch on the operator: the jump to jt is
// taken when v&mask != 0 (jset) or, for every other operator, when
// v-lo <= span in wrapping 32-bit arithmetic, that is when v lies in the
// interval of span+1 values from lo, which may wrap around.
type test32 struct {
	set      bool
	mask     uint32
	lo, span uint32
	jt, jf   int // slots
}

// matchTest32 returns the test of the conditional jump s if it is a JMP32
// jump against a constant. negate says the jump is never taken: the test
// always holds and its targets must be swapped.
func matchTest32(s *slot) (t test32, negate, ok bool) {
	const signBit = 1 << 31
	k := uint32(s.imm)
	bias := uint32(0)
	switch s.op {
	case opJset32Imm:
		return test32{set: true, mask: k}, false, true
	case opJeq32Imm:
		return test32{lo: k}, false, true
	case opJne32Imm:
		// Every value but k: the interval from k+1 round to k-1.
		return test32{lo: k + 1, span: math.MaxUint32 - 1}, false, true
	case opJgt32Imm, opJge32Imm, opJlt32Imm, opJle32Imm:
	case opJsgt32Imm, opJsge32Imm, opJslt32Imm, opJsle32Imm:
		// Flipping the sign bit maps signed order onto unsigned order,
		// and v^signBit - lo == v - (lo^signBit) in 32 bits.
		bias = signBit
	default:
		return test32{}, false, false
	}
	k ^= bias
	var lo, hi uint32
	switch s.op {
	case opJgt32Imm, opJsgt32Imm:
		if k == math.MaxUint32 {
			return test32{span: math.MaxUint32}, true, true
		}
		lo, hi = k+1, math.MaxUint32
	case opJge32Imm, opJsge32Imm:
		lo, hi = k, math.MaxUint32
	case opJlt32Imm, opJslt32Imm:
		if k == 0 {
			return test32{span: math.MaxUint32}, true, true
		}
		lo, hi = 0, k-1
	default: // jle, jsle
		lo, hi = 0, k
	}
	return test32{lo: lo ^ bias, span: hi - lo}, false, true
}

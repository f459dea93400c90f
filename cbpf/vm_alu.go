package cbpf

// compileALU compiles an ALU instruction. Operations on a constant get a
// step each, with the constant captured (division by a constant is never
// by zero: Validate rejects it); operations on X share steps that go
// through alu, which also decides division by zero and shift ranges.
func compileALU(op uint16, k uint32, s Semantics, next step) step {
	if opSrc(op) == SrcX || opALU(op) == ALUNeg {
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 {
			a, ok := alu(op, a, x, s)
			if !ok {
				return 0
			}
			return next(pkt, wl, a, x, f)
		}
	}
	switch opALU(op) {
	case ALUAdd:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a+k, x, f) }
	case ALUSub:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a-k, x, f) }
	case ALUMul:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a*k, x, f) }
	case ALUDiv:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a/k, x, f) }
	case ALUMod:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a%k, x, f) }
	case ALUAnd:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a&k, x, f) }
	case ALUOr:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a|k, x, f) }
	case ALUXor:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a^k, x, f) }
	case ALULsh:
		sh := k & 31
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a<<sh, x, f) }
	}
	sh := k & 31 // ALURsh
	return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a>>sh, x, f) }
}

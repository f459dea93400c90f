package cbpf

// compileALU compiles an ALU instruction. Operations on a constant get a
// step each, with the constant captured (division by a constant is never
// by zero: Validate rejects it); operations on X share steps that go
// through alu, which also decides division by zero and shift ranges.
func compileALU(op uint16, k uint32, s Semantics, next step) step {
	if opSrc(op) == srcX || opALU(op) == aluNEG {
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 {
			a, ok := alu(op, a, x, s)
			if !ok {
				return 0
			}
			return next(pkt, wl, a, x, f)
		}
	}
	switch opALU(op) {
	case aluADD:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a+k, x, f) }
	case aluSUB:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a-k, x, f) }
	case aluMUL:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a*k, x, f) }
	case aluDIV:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a/k, x, f) }
	case aluMOD:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a%k, x, f) }
	case aluAND:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a&k, x, f) }
	case aluOR:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a|k, x, f) }
	case aluXOR:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a^k, x, f) }
	case aluLSH:
		sh := k & 31
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a<<sh, x, f) }
	}
	sh := k & 31 // aluRSH
	return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { return next(pkt, wl, a>>sh, x, f) }
}

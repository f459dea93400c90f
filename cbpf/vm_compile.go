package cbpf

//go:generate go run ./internal/gensteps

import (
	"math"
)

// compile turns a validated program without backward jumps into a chain of
// steps. It works from the last instruction to the first, so every step
// can capture the steps of its successors directly: a run is a sequence of
// direct closure calls with A and X in registers, no decoding and no
// dispatch on the opcode. A load followed by a conditional jump on a
// constant (with an "and #mask" between them or not), and "ldx 4*([k]&0xf)"
// followed by a halfword indirect load (and a jump), the commonest
// sequences in compiled filters, become single steps, and jumps to
// "ret #k" return k without a call.
func compile(p Program, s Semantics) step {
	steps := make([]step, len(p))
	for i := len(p) - 1; i >= 0; i-- {
		steps[i] = compileAt(p, s, steps, i)
	}
	return steps[0]
}

// compileAt compiles instruction i, whose successors are already in steps.
func compileAt(p Program, s Semantics, steps []step, i int) step {
	ins := p[i]
	k := ins.K
	var next step
	if i+1 < len(p) {
		next = steps[i+1]
	}
	switch opClass(ins.Op) {
	case ClassRET:
		if ins.Op == ClassRET|RetA {
			return func(_ []byte, _, a, _ uint32, _ *frame) uint32 { return a }
		}
		return func([]byte, uint32, uint32, uint32, *frame) uint32 { return k }
	case ClassJMP:
		if ins.Op == ClassJMP|JumpA {
			return steps[i+1+int(k)]
		}
		jt, jf := targetAt(p, steps, i+1+int(ins.Jt)), targetAt(p, steps, i+1+int(ins.Jf))
		if opSrc(ins.Op) == SrcX {
			return jumpX(ins.Op, jt, jf)
		}
		return jumpK(ins.Op, k, jt, jf)
	case ClassLD:
		return compileLoad(p, s, steps, i)
	case ClassLDX:
		switch opMode(ins.Op) {
		case ModeIMM:
			return func(pkt []byte, wl, a, _ uint32, f *frame) uint32 { return next(pkt, wl, a, k, f) }
		case ModeMEM:
			return func(pkt []byte, wl, a, _ uint32, f *frame) uint32 { return next(pkt, wl, a, f.mem[k], f) }
		case ModeLEN:
			return func(pkt []byte, wl, a, _ uint32, f *frame) uint32 { return next(pkt, wl, a, wl, f) }
		}
		return compileMSH(p, s, steps, i)
	case ClassST:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { f.mem[k] = a; return next(pkt, wl, a, x, f) }
	case ClassSTX:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 { f.mem[k] = x; return next(pkt, wl, a, x, f) }
	case ClassMISC:
		if ins.Op == ClassMISC|MiscTAX {
			return func(pkt []byte, wl, a, _ uint32, f *frame) uint32 { return next(pkt, wl, a, a, f) }
		}
		return func(pkt []byte, wl, _, x uint32, f *frame) uint32 { return next(pkt, wl, x, x, f) }
	}
	return compileALU(ins.Op, k, s, next)
}

// isJumpK reports whether op is a conditional jump on a constant.
func isJumpK(op uint16) bool {
	return opClass(op) == ClassJMP && op != ClassJMP|JumpA && opSrc(op) == SrcK
}

// fail is the step of a load that can never succeed.
func fail([]byte, uint32, uint32, uint32, *frame) uint32 { return 0 }

// compileLoad compiles the LD instruction i.
func compileLoad(p Program, s Semantics, steps []step, i int) step {
	ins := p[i]
	k := ins.K
	next := steps[i+1]
	switch opMode(ins.Op) {
	case ModeIMM:
		return func(pkt []byte, wl, _, x uint32, f *frame) uint32 { return next(pkt, wl, k, x, f) }
	case ModeMEM:
		return func(pkt []byte, wl, _, x uint32, f *frame) uint32 { return next(pkt, wl, f.mem[k], x, f) }
	case ModeLEN:
		return func(pkt []byte, wl, _, x uint32, f *frame) uint32 { return next(pkt, wl, wl, x, f) }
	case ModeIND:
		return loadIndirect(ins.Op, k, s, next)
	}
	n := loadSize(opSize(ins.Op))
	if s == Linux && k >= 0x80000000 {
		if k >= AncillaryBase {
			anc := Ancillary(k - AncillaryBase)
			return func(pkt []byte, wl, a, x uint32, f *frame) uint32 {
				if f.meta.NoDevice && anc.endsWithoutDevice() {
					return a
				}
				return next(pkt, wl, ancillary(anc, pkt, a, x, f.meta), x, f)
			}
		}
		off := int32(k)
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 {
			v, ok := loadLinux(pkt, off, n, f.meta)
			if !ok {
				return 0
			}
			return next(pkt, wl, v, x, f)
		}
	}
	end := uint64(k) + uint64(n)
	if end > math.MaxInt {
		return fail
	}
	if j := p[i+1]; isJumpK(j.Op) {
		return loadJump(n, int(k), j.Op, j.K, targetAt(p, steps, i+2+int(j.Jt)), targetAt(p, steps, i+2+int(j.Jf)))
	}
	if m := p[i+1]; m.Op == ClassALU|ALUAnd|SrcK && i+2 < len(p) && isJumpK(p[i+2].Op) {
		j := p[i+2]
		return loadAndJump(n, int(k), m.K, j.Op, j.K, targetAt(p, steps, i+3+int(j.Jt)), targetAt(p, steps, i+3+int(j.Jf)))
	}
	return loadAbs(n, int(k), next)
}

// loadAbs is "ld{,h,b} [k]" for an offset inside the packet's address
// range.
func loadAbs(n uint32, k int, next step) step {
	switch n {
	case 1:
		return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
			if k >= len(pkt) {
				return 0
			}
			return next(pkt, wl, at8(pkt, k), x, f)
		}
	case 2:
		return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
			if k+2 > len(pkt) {
				return 0
			}
			return next(pkt, wl, at16(pkt, k), x, f)
		}
	}
	return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
		if k+4 > len(pkt) {
			return 0
		}
		return next(pkt, wl, at32(pkt, k), x, f)
	}
}

// loadIndirect is "ld{,h,b} [x + k]".
func loadIndirect(op uint16, k uint32, s Semantics, next step) step {
	n := loadSize(opSize(op))
	if s == Linux {
		return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
			v, ok := loadLinux(pkt, int32(x+k), n, f.meta)
			if !ok {
				return 0
			}
			return next(pkt, wl, v, x, f)
		}
	}
	k64 := uint64(k)
	switch n {
	case 1:
		return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
			off := uint64(x) + k64
			if off >= uint64(len(pkt)) {
				return 0
			}
			return next(pkt, wl, at8(pkt, int(off)), x, f)
		}
	case 2:
		return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
			off := uint64(x) + k64
			if off+2 > uint64(len(pkt)) {
				return 0
			}
			return next(pkt, wl, at16(pkt, int(off)), x, f)
		}
	}
	return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
		off := uint64(x) + k64
		if off+4 > uint64(len(pkt)) {
			return 0
		}
		return next(pkt, wl, at32(pkt, int(off)), x, f)
	}
}

// compileMSH compiles "ldx 4*([k]&0xf)" at i, fused with a following
// "ldh [x + k2]" (the TCP/UDP port load after the IPv4 header) when there
// is one.
func compileMSH(p Program, s Semantics, steps []step, i int) step {
	k := p[i].K
	next := steps[i+1]
	if s == Linux && k >= 0x80000000 {
		off := int32(k)
		return func(pkt []byte, wl, a, _ uint32, f *frame) uint32 {
			b, ok := loadLinux(pkt, off, 1, f.meta)
			if !ok {
				return 0
			}
			return next(pkt, wl, a, msh(b), f)
		}
	}
	if uint64(k) >= math.MaxInt {
		return fail
	}
	kk := int(k)
	// Under Linux semantics the fused load is the same as long as x+k2
	// cannot reach the negative offsets.
	if j := p[i+1]; j.Op == ClassLD|SizeH|ModeIND && (s == Libpcap || j.K < 0x7fff0000) {
		k2 := uint64(j.K)
		if jj := p[i+2]; isJumpK(jj.Op) {
			return mshLoadJump(kk, k2, jj.Op, jj.K, targetAt(p, steps, i+3+int(jj.Jt)), targetAt(p, steps, i+3+int(jj.Jf)))
		}
		after := steps[i+2]
		return func(pkt []byte, wl, _, _ uint32, f *frame) uint32 {
			if kk >= len(pkt) {
				return 0
			}
			x := msh(at8(pkt, kk))
			off := uint64(x) + k2
			if off+2 > uint64(len(pkt)) {
				return 0
			}
			return after(pkt, wl, at16(pkt, int(off)), x, f)
		}
	}
	return func(pkt []byte, wl, a, _ uint32, f *frame) uint32 {
		if kk >= len(pkt) {
			return 0
		}
		return next(pkt, wl, a, msh(at8(pkt, kk)), f)
	}
}

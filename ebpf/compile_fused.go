package ebpf

import "math"

//go:generate go run ./internal/genfused

// Fused steps for the idioms of packet filters translated from classic
// BPF (see package translate). A fused step replaces a few instructions
// and has exactly their effect: the same registers written with the same
// values, the same jumps, the same faults. Instructions inside an idiom
// keep steps of their own, so jumps into the middle of one still work.
// The idioms, each optional, in this order:
//
//	header: ldxb rH, [rS+off]; and32 rH, M; lsh32 rH, SH   (IPv4 header length)
//	check:  mov rT, rS; add rT, K; jgt rT, rE, L           (guard: bounds check)
//	        mov32 rT, rX; [add rT, K;] jgt rT, LIM, L1;
//	        add rT, rS; add rT, N; jgt rT, rE, L2          (index: indexed bounds check)
//	load:   ldx{b,h,w} rD, [rS+off]; [be16|be32 rD;] [and32 rD, M;]
//	test:   jmp32 rD, imm, L                               (on the loaded register)
//
// A header is fused with a following index only; a test on a register
// that was not just loaded is a step of its own too. The closures of the
// combinations are generated (compile_fused_gen.go).

// checkKind is the bounds check a fused step starts with.
type checkKind uint8

const (
	checkNone checkKind = iota
	checkGuard
	checkIndex
	checkHeader // a header alone
	checkHeaderIndex
)

// testKind is the conditional jump a fused step ends with.
type testKind uint8

const (
	testNone  testKind = iota
	testRange          // test32 with set false
	testSet            // test32 with set true
)

// fusion is what one fused step runs.
type fusion struct {
	check checkKind
	h     header
	g     guard
	x     index
	size  uint64 // bytes loaded; 0 for none
	l     load
	test  testKind
	reg   uint8 // the register tested when nothing is loaded
	t     test32
	end   int // the slot after the idioms, when there is no test

	// Where the step goes: resolved by compile.
	gfail, xfail1, xfail2 target // failed checks
	jt, jf                target // the test's outcomes
	next                  step   // after the idioms, when there is no test
}

// compile resolves the targets of f and returns its step.
func (f *fusion) compile(steps []step, to func(slot int) target) step {
	switch f.check {
	case checkGuard:
		f.gfail = to(f.g.fail)
	case checkIndex, checkHeaderIndex:
		f.xfail1, f.xfail2 = to(f.x.fail1), to(f.x.fail2)
	}
	if f.test == testNone {
		f.next = steps[f.end]
	} else {
		f.jt, f.jf = to(f.t.jt), to(f.t.jf)
	}
	for _, s := range fusedSteps {
		if s.check == f.check && s.size == f.size && s.test == f.test {
			return s.make(f)
		}
	}
	panic("ebpf: no step for the fusion")
}

// compileFused returns the fused step starting at slot i, or nil when no
// idiom starts there or the idiom alone gains nothing.
func compileFused(slots []slot, steps []step, to func(int) target, i int) step {
	var f fusion
	j := i
	if h, ok := matchHeader(slots, j); ok {
		f.check, f.h, j = checkHeader, h, h.end
		if x, ok := matchIndex(slots, j); ok {
			f.check, f.x, j = checkHeaderIndex, x, x.end
		}
	} else if g, ok := matchGuard(slots, j); ok {
		f.check, f.g, j = checkGuard, g, g.end
	} else if x, ok := matchIndex(slots, j); ok {
		f.check, f.x, j = checkIndex, x, x.end
	}
	if f.check != checkHeader {
		if l, ok := matchLoad(slots, j); ok {
			f.size, f.l, j = l.size, l, l.end
			if t, ok := matchTest(slots, j, l.d); ok {
				f.test, f.t = t.kind(), t
				return f.compile(steps, to)
			}
		}
	}
	if f.check == checkNone && f.size == 0 {
		if t, ok := matchTest(slots, i, slots[i].dst); ok {
			f.test, f.t, f.reg = t.kind(), t, slots[i].dst
			return f.compile(steps, to)
		}
	}
	if f.check == checkNone && (f.size == 0 || f.size == 1) {
		return nil // a plain ldxb has a step of its own
	}
	f.end = j
	return f.compile(steps, to)
}

// header is "ldxb rD, [rS+off]; and32 rD, mask; lsh32 rD, shift".
type header struct {
	d, s        uint8
	off         uint64
	mask, shift uint32
	at, end     int
}

func matchHeader(slots []slot, i int) (header, bool) {
	if i+3 >= len(slots) {
		return header{}, false
	}
	l, a, sh := &slots[i], &slots[i+1], &slots[i+2]
	if l.op != opLdxB || a.op != opAnd32Imm || sh.op != opLsh32Imm || a.dst != l.dst || sh.dst != l.dst {
		return header{}, false
	}
	return header{d: l.dst, s: l.src, off: uint64(l.off), mask: uint32(a.imm), shift: uint32(sh.imm) & 31, at: i, end: i + 3}, true
}

// guard is "mov rT, rS; add rT, K; jgt rT, rE, fail".
type guard struct {
	t, s, e   uint8
	k         uint64
	fail, end int
}

func matchGuard(slots []slot, i int) (guard, bool) {
	if i+3 >= len(slots) {
		return guard{}, false
	}
	m, a, j := &slots[i], &slots[i+1], &slots[i+2]
	if m.op != opMov64Reg || a.op != opAdd64Imm || j.op != opJgt64Reg || a.dst != m.dst || j.dst != m.dst {
		return guard{}, false
	}
	return guard{t: m.dst, s: m.src, e: j.src, k: uint64(a.imm), fail: int(j.target), end: i + 3}, true
}

// index is "mov32 rT, rX; [add rT, K;] jgt rT, LIM, fail1; add rT, rS;
// add rT, N; jgt rT, rE, fail2".
type index struct {
	t, x, s, e   uint8
	k, lim, n    uint64
	fail1, fail2 int
	end          int
}

func matchIndex(slots []slot, i int) (index, bool) {
	if i+1 >= len(slots) || slots[i].op != opMov32Reg {
		return index{}, false
	}
	x := index{t: slots[i].dst, x: slots[i].src}
	j := i + 1
	if s := &slots[j]; s.op == opAdd64Imm && s.dst == x.t {
		x.k = uint64(s.imm)
		j++
	}
	if j+4 >= len(slots) {
		return index{}, false
	}
	lim, add, addN, end := &slots[j], &slots[j+1], &slots[j+2], &slots[j+3]
	if lim.op != opJgt64Imm || add.op != opAdd64Reg || addN.op != opAdd64Imm || end.op != opJgt64Reg ||
		lim.dst != x.t || add.dst != x.t || addN.dst != x.t || end.dst != x.t {
		return index{}, false
	}
	x.lim, x.fail1 = uint64(lim.imm), int(lim.target)
	x.s, x.n = add.src, uint64(addN.imm)
	x.e, x.fail2 = end.src, int(end.target)
	x.end = j + 4
	return x, true
}

// load is "ldx{b,h,w} rD, [rS+off]" followed, for halfwords and words,
// by the byte swap that makes the value big-endian, and by "and32 rD,
// mask" or not (mask is then all ones).
type load struct {
	d, s      uint8
	off, size uint64
	mask      uint32
	at, end   int
}

func matchLoad(slots []slot, i int) (load, bool) {
	if i+1 >= len(slots) {
		return load{}, false
	}
	s := &slots[i]
	l := load{d: s.dst, s: s.src, off: uint64(s.off), mask: math.MaxUint32, at: i, end: i + 1}
	swap := opInvalid
	switch s.op {
	case opLdxB:
		l.size = 1
	case opLdxH:
		l.size, swap = 2, opSwap16
	case opLdxW:
		l.size, swap = 4, opSwap32
	default:
		return load{}, false
	}
	if swap != opInvalid {
		if sw := &slots[i+1]; sw.op != swap || sw.dst != l.d {
			return load{}, false
		}
		l.end++
	}
	if a := &slots[l.end]; a.op == opAnd32Imm && a.dst == l.d && l.end+1 < len(slots) {
		l.mask = uint32(a.imm)
		l.end++
	}
	return l, true
}

// matchTest returns the test of slot i if it is a JMP32 jump of register
// d against a constant.
func matchTest(slots []slot, i int, d uint8) (test32, bool) {
	s := &slots[i]
	if s.dst != d || i+1 >= len(slots) {
		return test32{}, false
	}
	t, negate, ok := matchTest32(s)
	if !ok {
		return test32{}, false
	}
	t.jt, t.jf = int(s.target), i+1
	if negate {
		t.jt, t.jf = t.jf, t.jt
	}
	return t, true
}

func (t test32) kind() testKind {
	if t.set {
		return testSet
	}
	return testRange
}

// target is where a fused step goes next: a step, or, when that is
// "mov r0, K; exit" in a program that cannot hold ring buffer
// reservations, K itself, returned without a call (and without setting
// r0, which nothing reads after the run).
type target struct {
	step step
	r0   uint64
}

func (t target) run(vm *VM) (uint64, error) {
	if t.step == nil {
		return t.r0, nil
	}
	return t.step(vm)
}

package ebpf

import (
	"slices"
)

// DefaultMaxInstructions is the kernel's limit on program size
// (BPF_COMPLEXITY_LIMIT_INSNS), in raw instruction slots.
const DefaultMaxInstructions = 1_000_000

// function is a bpf-to-bpf subprogram: the slots [start, end).
type function struct {
	start, end int
	// stackDepth is how many bytes below r10 the function can touch;
	// they are cleared when a frame of the function is entered.
	stackDepth int
}

// checkFlow verifies the control flow of decoded slots, in the spirit of
// the kernel verifier's check_subprogs and check_cfg: every jump lands on
// an instruction of its own function, every call on the start of a
// function, every function ends with exit or ja, and every instruction is
// reachable. It returns the functions, the entry point first.
func checkFlow(slots []slot, calls []int) ([]function, error) {
	n := len(slots)
	starts := []int{0}
	for _, i := range calls {
		t := int(slots[i].target)
		if t < 0 || t >= n {
			return nil, checkErr(i, ErrJumpOutOfRange, "call to %d", t)
		}
		if slots[t].op == opInvalid {
			return nil, checkErr(i, ErrJumpIntoLoadImm64, "call to %d", t)
		}
		starts = append(starts, t)
	}
	slices.Sort(starts)
	starts = slices.Compact(starts)

	funcs := make([]function, len(starts))
	for f, start := range starts {
		end := n
		if f+1 < len(starts) {
			end = starts[f+1]
		}
		funcs[f] = function{start: start, end: end}
		if err := checkFunction(slots, funcs[f]); err != nil {
			return nil, err
		}
		funcs[f].stackDepth = stackDepth(slots[start:end])
	}
	return funcs, checkReachable(slots)
}

func checkFunction(slots []slot, f function) error {
	for i := f.start; i < f.end; i++ {
		s := &slots[i]
		if !isJump(s.op) {
			continue
		}
		t := int(s.target)
		if t < f.start || t >= f.end {
			return checkErr(i, ErrJumpOutOfRange, "jump to %d, outside [%d, %d)", t, f.start, f.end)
		}
		if slots[t].op == opInvalid {
			return checkErr(i, ErrJumpIntoLoadImm64, "jump to %d", t)
		}
	}
	last := f.end - 1
	if slots[last].op == opInvalid { // a lddw ends the function
		last--
	}
	if op := slots[last].op; op != opExit && op != opJa {
		return checkErr(last, ErrFallThrough, "")
	}
	return nil
}

func isJump(o op) bool { return o >= opJa && o <= opJsle32Reg }

// checkReachable walks every path from the entry and from each called
// function, and rejects the first instruction no path reaches.
func checkReachable(slots []slot) error {
	seen := make([]bool, len(slots))
	work := []int{0}
	seen[0] = true
	visit := func(i int) {
		if i < len(slots) && !seen[i] {
			seen[i] = true
			work = append(work, i)
		}
	}
	for len(work) > 0 {
		i := work[len(work)-1]
		work = work[:len(work)-1]
		s := &slots[i]
		switch {
		case s.op == opExit:
		case s.op == opJa:
			visit(int(s.target))
		case isJump(s.op):
			visit(int(s.target))
			visit(i + 1)
		case s.op == opCallLocal:
			visit(int(s.target))
			visit(i + 1)
		case s.op == opLoadImm64:
			seen[i+1] = true
			visit(i + 2)
		default:
			visit(i + 1)
		}
	}
	for i, ok := range seen {
		if !ok {
			return checkErr(i, ErrUnreachable, "")
		}
	}
	return nil
}

// stackDepth is the number of bytes below r10 a function may touch. When
// r10 only serves as the base of loads and stores, that is the deepest
// constant offset; once its value escapes into another register or into
// memory the function may reach anywhere in its frame.
func stackDepth(fn []slot) int {
	const fp = uint8(frameReg)
	depth := 0
	for i := range fn {
		s := &fn[i]
		var base uint8
		switch {
		case readsSrcReg(s.op) && s.src == fp:
			return StackSize
		case s.op >= opLdxB && s.op <= opLdxSW:
			base = s.src
		case s.op >= opStB && s.op <= opStDW:
			base = s.dst
		case s.op >= opStxB && s.op <= opStxDW, s.op == opAtomicW, s.op == opAtomicDW:
			if s.src == fp {
				return StackSize
			}
			base = s.dst
		default:
			continue
		}
		if base == fp && s.off < 0 {
			depth = max(depth, min(-int(s.off), StackSize))
		}
	}
	return depth
}

// readsSrcReg reports operations that read their src register as a value.
func readsSrcReg(o op) bool {
	switch {
	case o >= opAdd64Reg && o <= opArsh64Reg, o >= opMovSX8to64 && o <= opMovSX32to64:
		return true
	case o >= opAdd32Reg && o <= opArsh32Reg, o == opMovSX8to32, o == opMovSX16to32:
		return true
	case o >= opJeq64Reg && o <= opJsle64Reg, o >= opJeq32Reg && o <= opJsle32Reg:
		return true
	}
	return false
}

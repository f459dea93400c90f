package ebpf

import (
	"errors"
	"testing"

	"github.com/cilium/ebpf/asm"
	"github.com/google/go-cmp/cmp"
)

func TestCheckRejects(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		insns asm.Instructions // instead of src, for encodings the assembler refuses
		index int
		err   error
	}{
		{name: "empty", insns: asm.Instructions{}, index: -1, err: ErrEmptyProgram},
		{name: "no exit", src: "mov %r0, 0", index: 0, err: ErrFallThrough},
		{name: "ends in conditional jump", src: "mov %r0, 0\njeq %r0, 0, -2", index: 1, err: ErrFallThrough},
		{name: "ends in lddw", src: "ja +1\nexit\nlddw %r0, 1", index: 2, err: ErrFallThrough},
		{name: "jump past end", src: "ja +1\nexit", index: 0, err: ErrJumpOutOfRange},
		{name: "jump before start", src: "ja -2\nexit", index: 0, err: ErrJumpOutOfRange},
		{name: "jump into lddw", src: "jeq %r1, 0, +1\nlddw %r0, 1\nexit", index: 0, err: ErrJumpIntoLoadImm64},
		{name: "unreachable", src: "mov %r0, 0\nexit\nmov %r0, 1\nexit", index: 2, err: ErrUnreachable},
		{name: "write to r10", src: "mov %r10, 0\nexit", index: 0, err: ErrInvalidRegister},
		{name: "load into r10", src: "ldxdw %r10, [%r1]\nexit", index: 0, err: ErrInvalidRegister},
		{name: "fetch into r10", src: "lock fetch add [%r1], %r10\nexit", index: 0, err: ErrInvalidRegister},
		{name: "register 11", insns: asm.Instructions{asm.Mov.Reg(asm.R0, 11), asm.Return()}, index: 0, err: ErrInvalidRegister},
		{name: "unknown helper", src: "call 9999\nexit", index: 0, err: ErrUnknownHelper},
		{name: "kfunc call", src: "call runtime 1\nexit", index: 0, err: ErrInvalidOpcode},
		{name: "call out of range", src: "call local +5\nexit", index: 0, err: ErrJumpOutOfRange},
		{name: "jump across functions", src: "call local f\nja f\nf:\nmov %r0, 1\nexit", index: 1, err: ErrJumpOutOfRange},
		{name: "function falls through", src: "call local f\nexit\nf:\nmov %r0, 1", index: 2, err: ErrFallThrough},
		{name: "bad swap width", insns: asm.Instructions{{OpCode: asm.HostTo(asm.BE, asm.R0, asm.Half).OpCode, Constant: 8}, asm.Return()}, index: 0, err: ErrInvalidImmediate},
		{name: "be on ALU64", insns: asm.Instructions{{OpCode: asm.OpCode(asm.ALU64Class).SetALUOp(asm.Swap).SetSource(asm.RegSource), Constant: 16}, asm.Return()}, index: 0, err: ErrInvalidOpcode},
		{name: "ALU immediate with src", insns: asm.Instructions{{OpCode: asm.Add.Op(asm.ImmSource), Src: asm.R1}, asm.Return()}, index: 0, err: ErrReservedField},
		{name: "ALU register with immediate", insns: asm.Instructions{{OpCode: asm.Add.Op(asm.RegSource), Constant: 1}, asm.Return()}, index: 0, err: ErrReservedField},
		{name: "ALU with offset", insns: asm.Instructions{{OpCode: asm.Add.Op(asm.ImmSource), Offset: 3}, asm.Return()}, index: 0, err: ErrReservedField},
		{name: "movsx from immediate", insns: asm.Instructions{{OpCode: asm.MovSX8.Op(asm.ImmSource)}, asm.Return()}, index: 0, err: ErrReservedField},
		{name: "32-bit movsx32", insns: asm.Instructions{{OpCode: asm.MovSX32.Op32(asm.RegSource)}, asm.Return()}, index: 0, err: ErrInvalidOpcode},
		{name: "neg with register", insns: asm.Instructions{{OpCode: asm.Neg.Op(asm.RegSource)}, asm.Return()}, index: 0, err: ErrReservedField},
		{name: "exit with operands", insns: asm.Instructions{{OpCode: asm.Return().OpCode, Constant: 1}}, index: 0, err: ErrReservedField},
		{name: "ldabs dword", insns: asm.Instructions{{OpCode: asm.LoadAbsOp(asm.DWord)}, asm.Return()}, index: 0, err: ErrInvalidOpcode},
		{name: "ldxsdw", insns: asm.Instructions{{OpCode: asm.LoadMemSXOp(asm.DWord)}, asm.Return()}, index: 0, err: ErrInvalidOpcode},
		{name: "atomic byte", insns: asm.Instructions{{OpCode: asm.OpCode(asm.StXClass).SetMode(asm.AtomicMode).SetSize(asm.Byte)}, asm.Return()}, index: 0, err: ErrInvalidOpcode},
		{name: "lddw of a function", insns: asm.Instructions{{OpCode: asm.LoadImmOp(asm.DWord), Src: asm.PseudoFunc}, asm.Return()}, index: 0, err: ErrInvalidOpcode},
		{name: "unknown map", src: "lddw %r1, map:nope\nmov %r0, 0\nexit", index: 0, err: ErrUnresolvedReference},
		{name: "unknown label", insns: asm.Instructions{asm.Ja.Label("nowhere"), asm.Return()}, index: -1, err: ErrUnresolvedReference},
		{name: "index counts lddw as two", src: "lddw %r0, 1\nmov %r10, 1\nexit", index: 2, err: ErrInvalidRegister},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			insns := tt.insns
			if tt.src != "" {
				insns = mustAssemble(t, tt.src)
			}
			_, err := NewVM(insns, nil)
			var ce *CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("NewVM error %v, want a *CheckError", err)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("error %v, want %v", err, tt.err)
			}
			if ce.Index != tt.index {
				t.Errorf("error %v names instruction %d, want %d", err, ce.Index, tt.index)
			}
		})
	}
}

func TestCheckTooManyInstructions(t *testing.T) {
	insns := asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Mov.Imm(asm.R0, 0), asm.Return()}
	_, err := NewVM(insns, &Options{MaxInstructions: 2})
	if !errors.Is(err, ErrTooManyInstructions) {
		t.Fatalf("error %v, want ErrTooManyInstructions", err)
	}
	if _, err := NewVM(insns, &Options{MaxInstructions: 3}); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
}

// TestCheckAccepts covers what the checker lets through on purpose.
func TestCheckAccepts(t *testing.T) {
	for name, src := range map[string]string{
		"division by constant zero": "mov %r0, 5\ndiv %r0, 0\nexit",
		"shift beyond the width":    "mov %r0, 1\nlsh32 %r0, 40\nexit",
		"backward jump":             "mov %r0, 3\nsub %r0, 1\njne %r0, 0, -2\nexit",
		"exit not last":             "ja +1\nexit\nmov %r0, 0\nja -3",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := NewVM(mustAssemble(t, src), nil); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		mem   []byte
		opts  *Options
		index int
		addr  uint64
		err   error
	}{
		{name: "null load", src: "mov %r1, 0\nldxb %r0, [%r1]\nexit", index: 1, addr: 0, err: ErrMemoryAccess},
		{name: "load past memory", src: "ldxw %r0, [%r1+2]\nexit", mem: make([]byte, 5), index: 0, addr: packetBase + 2, err: ErrMemoryAccess},
		{name: "store below stack", src: "stb [%r10-513], 1\nmov %r0, 0\nexit", index: 0, addr: regionAddr(stackRegion, MaxFrames*StackSize-513), err: ErrMemoryAccess},
		{name: "load above stack", src: "ldxb %r0, [%r10]\nexit", index: 0, addr: regionAddr(stackRegion, MaxFrames*StackSize), err: ErrMemoryAccess},
		{name: "misaligned atomic", src: "stdw [%r10-16], 0\nmov %r1, 1\nlock add [%r10-12], %r1\nmov %r0, 0\nexit", index: 2, addr: regionAddr(stackRegion, MaxFrames*StackSize-12), err: ErrMisaligned},
		{name: "endless loop", src: "ja -1", opts: &Options{Budget: 1000}, index: 0, err: ErrBudgetExhausted},
		{name: "recursion", src: "call local -1\nexit", index: 0, err: ErrCallDepth},
		{name: "callx of an unknown helper", src: "mov %r1, 9999\ncall %r1\nexit", index: 1, err: ErrUnknownHelper},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vm := mustVM(t, tt.src, tt.opts)
			r0, err := vm.Run(tt.mem)
			var re *RunError
			if !errors.As(err, &re) {
				t.Fatalf("Run = %#x, %v, want a *RunError", r0, err)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("error %v, want %v", err, tt.err)
			}
			if diff := cmp.Diff([2]uint64{uint64(tt.index), tt.addr}, [2]uint64{uint64(re.Index), re.Addr}); diff != "" {
				t.Errorf("index and address (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBudgetExact checks that a run may execute exactly its budget.
func TestBudgetExact(t *testing.T) {
	src := "mov %r0, 3\nsub %r0, 1\njne %r0, 0, -2\nexit" // 1 + 3*2 + 1 = 8 instructions
	if _, err := mustVM(t, src, &Options{Budget: 8}).Run(nil); err != nil {
		t.Fatalf("budget 8: %v", err)
	}
	if _, err := mustVM(t, src, &Options{Budget: 7}).Run(nil); !errors.Is(err, ErrBudgetExhausted) {
		t.Fatalf("budget 7: %v, want ErrBudgetExhausted", err)
	}
}

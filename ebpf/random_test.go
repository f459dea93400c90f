package ebpf

import (
	"math/rand/v2"

	"github.com/cilium/ebpf/asm"
)

// Boundary-biased operands for random programs.
var interesting = []int64{
	0, 1, -1, 2, 7, 8, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
	0x7fffffff, -0x80000000, 0x12345678, -0x12345678,
}

func randomImm32(rng *rand.Rand) int64 {
	if rng.IntN(3) == 0 {
		return int64(int32(rng.Uint32()))
	}
	return interesting[rng.IntN(len(interesting))]
}

var randomALU = []asm.ALUOp{
	asm.Add, asm.Sub, asm.Mul, asm.Div, asm.SDiv, asm.Or, asm.And, asm.LSh, asm.RSh,
	asm.Mod, asm.SMod, asm.Xor, asm.Mov, asm.ArSh,
}

var randomJumps = []asm.JumpOp{
	asm.JEq, asm.JGT, asm.JGE, asm.JSet, asm.JNE, asm.JSGT, asm.JSGE, asm.JLT, asm.JLE,
	asm.JSLT, asm.JSLE,
}

var loadSizes = []asm.Size{asm.Byte, asm.Half, asm.Word, asm.DWord}

// randomProgram generates a program the kernel verifier accepts: every
// register set to a constant first, 64 bytes of stack initialised, then
// random ALU operations (including the v4 ones), stack loads and stores
// and forward jumps, and finally all registers folded into r0.
func randomProgram(rng *rand.Rand) asm.Instructions {
	var insns asm.Instructions
	for r := asm.R0; r <= asm.R9; r++ {
		v := int64(rng.Uint64())
		if rng.IntN(2) == 0 {
			v = interesting[rng.IntN(len(interesting))]
		}
		insns = append(insns, asm.LoadImm(r, v, asm.DWord))
	}
	for off := int16(-8); off >= -64; off -= 8 {
		insns = append(insns, asm.StoreMem(asm.R10, off, asm.Register(rng.IntN(10)), asm.DWord))
	}
	n := 20 + rng.IntN(30)
	// Jump offsets are chosen once the body's length is known: forward
	// only, at most to the instruction after the body.
	body := make(asm.Instructions, n)
	for i := range body {
		body[i] = randomInstruction(rng)
	}
	for i := range body {
		if !body[i].OpCode.Class().IsJump() {
			continue
		}
		body[i].Offset = int16(rng.IntN(n - i))
	}
	insns = append(insns, body...)
	for r := asm.R1; r <= asm.R9; r++ {
		insns = append(insns, asm.Xor.Reg(asm.R0, r))
	}
	return append(insns, asm.Return())
}

func randomInstruction(rng *rand.Rand) asm.Instruction {
	dst := asm.Register(rng.IntN(10))
	src := asm.Register(rng.IntN(10))
	switch k := rng.IntN(20); {
	case k < 10:
		op := randomALU[rng.IntN(len(randomALU))]
		is32 := rng.IntN(2) == 0
		if rng.IntN(2) == 0 {
			if is32 {
				return op.Reg32(dst, src)
			}
			return op.Reg(dst, src)
		}
		imm := randomImm32(rng)
		if op == asm.LSh || op == asm.RSh || op == asm.ArSh {
			imm = int64(rng.IntN(32)) // the kernel rejects out-of-range shifts
			if !is32 {
				imm = int64(rng.IntN(64))
			}
		}
		if is32 {
			return op.Imm32(dst, int32(imm))
		}
		return op.Imm(dst, int32(imm))
	case k < 11:
		ops := []asm.ALUOp{asm.MovSX8, asm.MovSX16, asm.MovSX32}
		op := ops[rng.IntN(3)]
		if op != asm.MovSX32 && rng.IntN(2) == 0 {
			return op.Reg32(dst, src)
		}
		return op.Reg(dst, src)
	case k < 12:
		sizes := []asm.Size{asm.Half, asm.Word, asm.DWord}
		size := sizes[rng.IntN(3)]
		switch rng.IntN(3) {
		case 0:
			return asm.HostTo(asm.LE, dst, size)
		case 1:
			return asm.HostTo(asm.BE, dst, size)
		default:
			return asm.BSwap(dst, size)
		}
	case k < 13:
		if rng.IntN(2) == 0 {
			return asm.Neg.Imm32(dst, 0)
		}
		return asm.Neg.Imm(dst, 0)
	case k < 15:
		size := loadSizes[rng.IntN(4)]
		off := -int16(size.Sizeof() * (1 + rng.IntN(64/size.Sizeof())))
		if rng.IntN(2) == 0 {
			return asm.LoadMem(dst, asm.R10, off, size)
		}
		return asm.StoreMem(asm.R10, off, src, size)
	case k < 16:
		size := loadSizes[rng.IntN(3)]
		off := -int16(size.Sizeof() * (1 + rng.IntN(64/size.Sizeof())))
		return asm.LoadMemSX(dst, asm.R10, off, size)
	default:
		op := randomJumps[rng.IntN(len(randomJumps))]
		class := asm.JumpClass
		if rng.IntN(2) == 0 {
			class = asm.Jump32Class
		}
		if rng.IntN(2) == 0 {
			return asm.Instruction{OpCode: asm.OpCode(class).SetJumpOp(op).SetSource(asm.RegSource), Dst: dst, Src: src}
		}
		return asm.Instruction{OpCode: asm.OpCode(class).SetJumpOp(op).SetSource(asm.ImmSource), Dst: dst, Constant: randomImm32(rng)}
	}
}

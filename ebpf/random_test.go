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

// randomFilter generates a program made of the idioms compiled steps
// fuse (see compile_fused.go), the way translated filters use them but
// with registers, offsets and constants drawn at random, so that they
// alias (rT = rS, rT = rE, ...), reach outside the packet and compare
// every way: a guard, an indexed check, a header length, big-endian
// loads with or without a mask, 32-bit jumps on them, returns.
func randomFilter(rng *rand.Rand) asm.Instructions {
	reg := func() asm.Register { return asm.Register(rng.IntN(6)) }
	small := func() int32 { return int32(interesting[rng.IntN(len(interesting))] & 0x7f) }
	var insns asm.Instructions
	for r := asm.R0; r <= asm.R5; r++ {
		if r != asm.R1 && r != asm.R2 && rng.IntN(2) == 0 {
			insns = append(insns, asm.Mov.Imm(r, small()))
		}
	}
	n := 4 + rng.IntN(10)
	for range n {
		t, s := reg(), reg()
		switch rng.IntN(6) {
		case 0: // guard
			e := asm.R2
			if rng.IntN(4) == 0 {
				e = reg()
			}
			insns = append(insns, asm.Mov.Reg(t, s), asm.Add.Imm(t, small()), asm.JGT.Reg(t, e, "fail"))
		case 1: // index
			x := reg()
			insns = append(insns, asm.Mov.Reg32(t, x))
			if rng.IntN(2) == 0 {
				insns = append(insns, asm.Add.Imm(t, small()))
			}
			insns = append(insns, asm.JGT.Imm(t, int32(randomImm32(rng)), "fail"), asm.Add.Reg(t, s),
				asm.Add.Imm(t, small()), asm.JGT.Reg(t, reg(), "fail"))
		case 2: // header length
			insns = append(insns, asm.LoadMem(t, s, int16(small()), asm.Byte), asm.And.Imm32(t, int32(randomImm32(rng))),
				asm.LSh.Imm32(t, int32(rng.IntN(32))))
		default: // load, swap, mask, test
			size := []asm.Size{asm.Byte, asm.Half, asm.Word}[rng.IntN(3)]
			off := int16(small()) - int16(rng.IntN(4))
			if rng.IntN(3) == 0 {
				s = asm.R1
			}
			insns = append(insns, asm.LoadMem(t, s, off, size))
			if size != asm.Byte {
				insns = append(insns, asm.HostTo(asm.BE, t, size))
			}
			if rng.IntN(3) == 0 {
				insns = append(insns, asm.And.Imm32(t, int32(randomImm32(rng))))
			}
			op := randomJumps[rng.IntN(len(randomJumps))]
			if rng.IntN(5) != 0 {
				insns = append(insns, op.Imm32(t, int32(randomImm32(rng)), "out"))
			}
		}
	}
	return append(insns,
		// Keep every tail reachable.
		asm.JEq.Imm(asm.R0, 0x5a5a, "out"), asm.JEq.Imm(asm.R0, 0xa5a5, "fail"),
		asm.Mov.Imm32(asm.R0, 1), asm.Return(),
		asm.Mov.Imm32(asm.R0, 2).WithSymbol("out"), asm.Return(),
		asm.Mov.Imm32(asm.R0, 0).WithSymbol("fail"), asm.Return())
}

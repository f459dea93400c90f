package ebpf

// op is the interpreter's pre-decoded operation: one dense value per
// combination of class, operation, operand source and width, so that the
// interpreter dispatches with a single switch (compiled to a jump table)
// instead of re-decoding the opcode bits of every instruction it runs.
type op uint8

const (
	opInvalid op = iota // never executed: the second slot of a lddw

	// 64-bit ALU, immediate then register source.
	opAdd64Imm
	opSub64Imm
	opMul64Imm
	opDiv64Imm
	opSDiv64Imm
	opOr64Imm
	opAnd64Imm
	opLsh64Imm
	opRsh64Imm
	opMod64Imm
	opSMod64Imm
	opXor64Imm
	opMov64Imm
	opArsh64Imm
	opAdd64Reg
	opSub64Reg
	opMul64Reg
	opDiv64Reg
	opSDiv64Reg
	opOr64Reg
	opAnd64Reg
	opLsh64Reg
	opRsh64Reg
	opMod64Reg
	opSMod64Reg
	opXor64Reg
	opMov64Reg
	opArsh64Reg
	opNeg64
	opMovSX8to64
	opMovSX16to64
	opMovSX32to64

	// 32-bit ALU: operands are the low 32 bits, the result is zero-extended.
	opAdd32Imm
	opSub32Imm
	opMul32Imm
	opDiv32Imm
	opSDiv32Imm
	opOr32Imm
	opAnd32Imm
	opLsh32Imm
	opRsh32Imm
	opMod32Imm
	opSMod32Imm
	opXor32Imm
	opMov32Imm
	opArsh32Imm
	opAdd32Reg
	opSub32Reg
	opMul32Reg
	opDiv32Reg
	opSDiv32Reg
	opOr32Reg
	opAnd32Reg
	opLsh32Reg
	opRsh32Reg
	opMod32Reg
	opSMod32Reg
	opXor32Reg
	opMov32Reg
	opArsh32Reg
	opNeg32
	opMovSX8to32
	opMovSX16to32

	// Byte order. The machine is little-endian: "le" only truncates.
	opTrunc16
	opTrunc32
	opNop
	opSwap16
	opSwap32
	opSwap64

	// Jumps. target holds the destination slot.
	opJa
	opJeq64Imm
	opJgt64Imm
	opJge64Imm
	opJset64Imm
	opJne64Imm
	opJsgt64Imm
	opJsge64Imm
	opJlt64Imm
	opJle64Imm
	opJslt64Imm
	opJsle64Imm
	opJeq64Reg
	opJgt64Reg
	opJge64Reg
	opJset64Reg
	opJne64Reg
	opJsgt64Reg
	opJsge64Reg
	opJlt64Reg
	opJle64Reg
	opJslt64Reg
	opJsle64Reg
	opJeq32Imm
	opJgt32Imm
	opJge32Imm
	opJset32Imm
	opJne32Imm
	opJsgt32Imm
	opJsge32Imm
	opJlt32Imm
	opJle32Imm
	opJslt32Imm
	opJsle32Imm
	opJeq32Reg
	opJgt32Reg
	opJge32Reg
	opJset32Reg
	opJne32Reg
	opJsgt32Reg
	opJsge32Reg
	opJlt32Reg
	opJle32Reg
	opJslt32Reg
	opJsle32Reg

	opCallHelper // imm: helper id
	opCallReg    // helper id in register dst
	opCallLocal  // target: first slot of the callee
	opExit

	// Memory.
	opLdxB
	opLdxH
	opLdxW
	opLdxDW
	opLdxSB
	opLdxSH
	opLdxSW
	opStB
	opStH
	opStW
	opStDW
	opStxB
	opStxH
	opStxW
	opStxDW
	opAtomicW  // aux: atomic operation
	opAtomicDW // aux: atomic operation
	opLoadImm64

	// Legacy packet loads: big-endian, out of bounds ends the program with 0.
	opLdAbsB
	opLdAbsH
	opLdAbsW
	opLdIndB
	opLdIndH
	opLdIndW
)

// atomicOp is the operation of opAtomicW and opAtomicDW.
type atomicOp uint8

const (
	atomicAdd atomicOp = iota
	atomicOr
	atomicAnd
	atomicXor
	atomicXchg
	atomicCmpXchg
)

// slot is one pre-decoded raw instruction slot.
type slot struct {
	imm    int64 // sign-extended immediate, the 64-bit value of lddw
	target int32 // jump and call destination slot
	off    int16 // memory offset
	op     op
	dst    uint8
	src    uint8
	aux    uint8 // atomicOp; fetch flag in bit 7
}

const atomicFetch = 0x80

package ebpf

import (
	"github.com/cilium/ebpf/asm"
)

// decoder turns asm.Instructions into slots, one per raw 8-byte
// instruction, rejecting every encoding the interpreter does not define.
type decoder struct {
	slots   []slot
	calls   []int // raw indexes of bpf-to-bpf calls
	helpers []int // helper ids, for the checker to look up
	// resolveMap gives the map index a 64-bit immediate load refers to.
	resolveMap func(index int, ins *asm.Instruction) (int, error)
}

// Width of the register file: r0-r10 plus padding, so that indexing with
// a 4-bit mask needs no bounds check.
const numRegs = 16

const frameReg = asm.R10

func (d *decoder) decode(insns asm.Instructions) error {
	for i := range insns {
		ins := &insns[i]
		index := len(d.slots)
		s, err := d.decodeOne(index, ins)
		if err != nil {
			return err
		}
		d.slots = append(d.slots, s)
		if ins.OpCode.IsDWordLoad() {
			d.slots = append(d.slots, slot{op: opInvalid})
		}
	}
	return nil
}

func (d *decoder) decodeOne(index int, ins *asm.Instruction) (slot, error) {
	if ins.Dst > frameReg {
		return slot{}, checkErr(index, ErrInvalidRegister, "dst r%d", ins.Dst)
	}
	if ins.Src > frameReg && !usesSrcAsTag(ins.OpCode) {
		return slot{}, checkErr(index, ErrInvalidRegister, "src r%d", ins.Src)
	}
	s := slot{dst: uint8(ins.Dst), src: uint8(ins.Src), off: ins.Offset, imm: ins.Constant}
	var err error
	switch cls := ins.OpCode.Class(); {
	case cls.IsALU():
		err = decodeALU(index, ins, &s)
	case cls.IsJump():
		err = d.decodeJump(index, ins, &s)
	case cls == asm.LdClass:
		err = d.decodeLd(index, ins, &s)
	case cls == asm.LdXClass:
		err = decodeLdx(index, ins, &s)
	default:
		err = decodeStore(index, ins, &s)
	}
	if err != nil {
		return slot{}, err
	}
	if writesDst(s.op) && ins.Dst == frameReg {
		return slot{}, checkErr(index, ErrInvalidRegister, "r10 is read-only")
	}
	return s, nil
}

// usesSrcAsTag reports opcodes whose src field is a pseudo-source tag
// rather than a register: lddw and call.
func usesSrcAsTag(o asm.OpCode) bool {
	return o.IsDWordLoad() || (o.Class() == asm.JumpClass && o.JumpOp() == asm.Call)
}

func invalid(index int, ins *asm.Instruction) error {
	return checkErr(index, ErrInvalidOpcode, "%v", ins.OpCode)
}

func reserved(index int, what string) error {
	return checkErr(index, ErrReservedField, "%s", what)
}

var alu64Imm = map[asm.ALUOp]op{
	asm.Add: opAdd64Imm, asm.Sub: opSub64Imm, asm.Mul: opMul64Imm, asm.Div: opDiv64Imm,
	asm.SDiv: opSDiv64Imm, asm.Or: opOr64Imm, asm.And: opAnd64Imm, asm.LSh: opLsh64Imm,
	asm.RSh: opRsh64Imm, asm.Mod: opMod64Imm, asm.SMod: opSMod64Imm, asm.Xor: opXor64Imm,
	asm.Mov: opMov64Imm, asm.ArSh: opArsh64Imm,
}

// The register and 32-bit variants of each ALU op sit at fixed distances
// from the 64-bit immediate one in the op enumeration.
const (
	aluRegDelta = opAdd64Reg - opAdd64Imm
	alu32Delta  = opAdd32Imm - opAdd64Imm
)

func decodeALU(index int, ins *asm.Instruction, s *slot) error {
	code := ins.OpCode
	if code&^0x3fff != 0 {
		return invalid(index, ins)
	}
	if ins.Offset != 0 {
		return reserved(index, "offset")
	}
	is32 := code.Class() == asm.ALUClass
	switch aluOp := code.ALUOp(); aluOp {
	case asm.Neg:
		if code.Source() != asm.ImmSource || ins.Src != 0 || ins.Constant != 0 {
			return reserved(index, "neg operands")
		}
		s.op = opNeg64
		if is32 {
			s.op = opNeg32
		}
		return nil
	case asm.Swap:
		return decodeSwap(index, ins, s, is32)
	case asm.MovSX8, asm.MovSX16, asm.MovSX32:
		if code.Source() != asm.RegSource || ins.Constant != 0 {
			return reserved(index, "movsx operands")
		}
		switch {
		case !is32 && aluOp == asm.MovSX8:
			s.op = opMovSX8to64
		case !is32 && aluOp == asm.MovSX16:
			s.op = opMovSX16to64
		case !is32:
			s.op = opMovSX32to64
		case aluOp == asm.MovSX8:
			s.op = opMovSX8to32
		case aluOp == asm.MovSX16:
			s.op = opMovSX16to32
		default:
			return invalid(index, ins)
		}
		return nil
	default:
		base, ok := alu64Imm[aluOp]
		if !ok {
			return invalid(index, ins)
		}
		if code.Source() == asm.RegSource {
			if ins.Constant != 0 {
				return reserved(index, "immediate")
			}
			base += aluRegDelta
		} else if ins.Src != 0 {
			return reserved(index, "src")
		}
		if is32 {
			base += alu32Delta
		}
		s.op = base
		return nil
	}
}

func decodeSwap(index int, ins *asm.Instruction, s *slot, is32 bool) error {
	if ins.Src != 0 {
		return reserved(index, "src")
	}
	width := ins.Constant
	if width != 16 && width != 32 && width != 64 {
		return checkErr(index, ErrInvalidImmediate, "byte swap width %d", width)
	}
	toLE := ins.OpCode.Endianness() == asm.LE
	switch {
	case !is32 && !toLE:
		return invalid(index, ins)
	case is32 && toLE:
		s.op = map[int64]op{16: opTrunc16, 32: opTrunc32, 64: opNop}[width]
	default: // be16/32/64, or bswap16/32/64
		s.op = map[int64]op{16: opSwap16, 32: opSwap32, 64: opSwap64}[width]
	}
	return nil
}

var jumpOps = map[asm.JumpOp]op{
	asm.JEq: opJeq64Imm, asm.JGT: opJgt64Imm, asm.JGE: opJge64Imm, asm.JSet: opJset64Imm,
	asm.JNE: opJne64Imm, asm.JSGT: opJsgt64Imm, asm.JSGE: opJsge64Imm, asm.JLT: opJlt64Imm,
	asm.JLE: opJle64Imm, asm.JSLT: opJslt64Imm, asm.JSLE: opJsle64Imm,
}

const (
	jumpRegDelta = opJeq64Reg - opJeq64Imm
	jump32Delta  = opJeq32Imm - opJeq64Imm
)

func (d *decoder) decodeJump(index int, ins *asm.Instruction, s *slot) error {
	code := ins.OpCode
	if code&^0xff != 0 {
		return invalid(index, ins)
	}
	is32 := code.Class() == asm.Jump32Class
	switch jop := code.JumpOp(); jop {
	case asm.Ja:
		if code.Source() != asm.ImmSource || ins.Dst != 0 || ins.Src != 0 {
			return reserved(index, "ja operands")
		}
		s.op = opJa
		if is32 { // gotol: the offset is in the immediate
			if ins.Offset != 0 {
				return reserved(index, "offset")
			}
			s.target = int32(int64(index) + 1 + ins.Constant)
		} else {
			if ins.Constant != 0 {
				return reserved(index, "immediate")
			}
			s.target = int32(index + 1 + int(ins.Offset))
		}
		return nil
	case asm.Exit:
		if code.Source() != asm.ImmSource || ins.Dst != 0 || ins.Src != 0 || ins.Offset != 0 || ins.Constant != 0 {
			return reserved(index, "exit operands")
		}
		s.op = opExit
		return nil
	case asm.Call:
		return d.decodeCall(index, ins, s)
	default:
		base, ok := jumpOps[jop]
		if !ok {
			return invalid(index, ins)
		}
		if code.Source() == asm.RegSource {
			if ins.Constant != 0 {
				return reserved(index, "immediate")
			}
			base += jumpRegDelta
		} else if ins.Src != 0 {
			return reserved(index, "src")
		}
		if is32 {
			base += jump32Delta
		}
		s.op = base
		s.target = int32(index + 1 + int(ins.Offset))
		return nil
	}
}

func (d *decoder) decodeCall(index int, ins *asm.Instruction, s *slot) error {
	if ins.Offset != 0 {
		return reserved(index, "offset")
	}
	if ins.OpCode.Source() == asm.RegSource {
		// callx: the helper id is in dst, as the conformance suite and
		// LLVM encode it. The kernel does not accept it.
		if ins.Src != 0 || ins.Constant != 0 {
			return reserved(index, "callx operands")
		}
		s.op = opCallReg
		return nil
	}
	if ins.Dst != 0 {
		return reserved(index, "dst")
	}
	switch ins.Src {
	case asm.R0:
		if ins.Constant < 0 || ins.Constant > 0xffff {
			return checkErr(index, ErrUnknownHelper, "helper %d", ins.Constant)
		}
		s.op = opCallHelper
		d.helpers = append(d.helpers, index)
		return nil
	case asm.PseudoCall:
		s.op = opCallLocal
		s.target = int32(int64(index) + 1 + ins.Constant)
		d.calls = append(d.calls, index)
		return nil
	default:
		return checkErr(index, ErrInvalidOpcode, "call with source %d", ins.Src)
	}
}

func (d *decoder) decodeLd(index int, ins *asm.Instruction, s *slot) error {
	code := ins.OpCode
	if code&^0xff != 0 {
		return invalid(index, ins)
	}
	switch code.Mode() {
	case asm.ImmMode:
		if code.Size() != asm.DWord {
			return invalid(index, ins)
		}
		if ins.Offset != 0 {
			return reserved(index, "offset")
		}
		s.op = opLoadImm64
		s.src = 0
		switch ins.Src {
		case asm.R0:
		case asm.PseudoMapFD, asm.PseudoMapValue:
			m, err := d.resolveMap(index, ins)
			if err != nil {
				return err
			}
			if ins.Src == asm.PseudoMapFD {
				s.imm = int64(mapHandle(m))
			} else {
				s.imm = int64(regionAddr(firstMapRegion+m, uint32(uint64(ins.Constant)>>32)))
			}
		default:
			return checkErr(index, ErrInvalidOpcode, "lddw with source %d", ins.Src)
		}
		return nil
	case asm.AbsMode, asm.IndMode:
		abs := code.Mode() == asm.AbsMode
		if ins.Dst != 0 || ins.Offset != 0 || (abs && ins.Src != 0) {
			return reserved(index, "packet load operands")
		}
		sizes := map[asm.Size]op{asm.Byte: opLdAbsB, asm.Half: opLdAbsH, asm.Word: opLdAbsW}
		o, ok := sizes[code.Size()]
		if !ok {
			return invalid(index, ins)
		}
		if !abs {
			o += opLdIndB - opLdAbsB
		}
		s.op = o
		return nil
	default:
		return invalid(index, ins)
	}
}

var memSizes = map[asm.Size]int{asm.Byte: 0, asm.Half: 1, asm.Word: 2, asm.DWord: 3}

func decodeLdx(index int, ins *asm.Instruction, s *slot) error {
	code := ins.OpCode
	if code&^0xff != 0 {
		return invalid(index, ins)
	}
	if ins.Constant != 0 {
		return reserved(index, "immediate")
	}
	size := memSizes[code.Size()]
	switch {
	case code.Mode() == asm.MemMode:
		s.op = opLdxB + op(size)
	case code.Mode() == asm.MemSXMode && code.Size() != asm.DWord:
		s.op = opLdxSB + op(size)
	default:
		return invalid(index, ins)
	}
	return nil
}

var atomicOps = map[asm.AtomicOp]uint8{
	asm.AddAtomic: uint8(atomicAdd), asm.FetchAdd: uint8(atomicAdd) | atomicFetch,
	asm.OrAtomic: uint8(atomicOr), asm.FetchOr: uint8(atomicOr) | atomicFetch,
	asm.AndAtomic: uint8(atomicAnd), asm.FetchAnd: uint8(atomicAnd) | atomicFetch,
	asm.XorAtomic: uint8(atomicXor), asm.FetchXor: uint8(atomicXor) | atomicFetch,
	asm.Xchg: uint8(atomicXchg) | atomicFetch, asm.CmpXchg: uint8(atomicCmpXchg) | atomicFetch,
}

func decodeStore(index int, ins *asm.Instruction, s *slot) error {
	code := ins.OpCode
	size := memSizes[code.Size()]
	switch {
	case code.Mode() == asm.MemMode && code&^0xff == 0:
		if code.Class() == asm.StClass {
			if ins.Src != 0 {
				return reserved(index, "src")
			}
			s.op = opStB + op(size)
		} else {
			if ins.Constant != 0 {
				return reserved(index, "immediate")
			}
			s.op = opStxB + op(size)
		}
		return nil
	case code.Class() == asm.StXClass && code.Mode() == asm.AtomicMode:
		aux, ok := atomicOps[code.AtomicOp()]
		if !ok || (code.Size() != asm.Word && code.Size() != asm.DWord) {
			return invalid(index, ins)
		}
		// A decoded raw instruction keeps the operation in its immediate;
		// one built with asm.AtomicOp.Mem has zero there.
		if ins.Constant != 0 && ins.Constant != int64(code.AtomicOp()>>8) {
			return checkErr(index, ErrInvalidImmediate, "atomic operation %#x", ins.Constant)
		}
		s.op, s.aux, s.imm = opAtomicW, aux, 0
		if code.Size() == asm.DWord {
			s.op = opAtomicDW
		}
		if aux&atomicFetch != 0 && ins.Src == frameReg {
			return checkErr(index, ErrInvalidRegister, "r10 is read-only")
		}
		return nil
	default:
		return invalid(index, ins)
	}
}

// writesDst reports operations that write their dst register.
func writesDst(o op) bool {
	switch {
	case o >= opAdd64Imm && o <= opSwap64:
		return true
	case o >= opLdxB && o <= opLdxSW, o == opLoadImm64:
		return true
	}
	return false
}

package ebpf

import (
	"fmt"
	"strings"

	"github.com/cilium/ebpf/asm"
)

// Disassemble writes insns in the syntax Assemble reads, one instruction
// a line, with jump and call targets as +N / -N. Map loads that carry a
// reference name print as map:NAME or mapvalue:NAME+OFFSET. An instruction
// the syntax cannot express is an error naming its raw index.
func Disassemble(insns asm.Instructions) (string, error) {
	insns, err := resolveReferences(insns) // symbolic jumps get their offsets
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	iter := insns.Iterate()
	for iter.Next() {
		line, err := disassembleOne(iter.Ins)
		if err != nil {
			return "", checkErr(int(iter.Offset), ErrInvalidOpcode, "disassemble %v: %v", *iter.Ins, err)
		}
		sb.WriteString(line)
		sb.WriteByte('\n')
	}
	return sb.String(), nil
}

var (
	aluNames  = invert(aluMnemonics)
	jumpNames = invert(jumpMnemonics)
	sizeNames = invert(sizeSuffixes)
)

func invert[K comparable, V comparable](m map[K]V) map[V]K {
	out := make(map[V]K, len(m))
	for k, v := range m {
		out[v] = k
	}
	return out
}

func reg(r asm.Register) string { return fmt.Sprintf("%%r%d", r) }

func memRef(r asm.Register, off int16) string {
	if off == 0 {
		return "[" + reg(r) + "]"
	}
	return fmt.Sprintf("[%s%+d]", reg(r), off)
}

func disassembleOne(ins *asm.Instruction) (string, error) {
	code := ins.OpCode
	switch cls := code.Class(); {
	case cls.IsALU():
		return disassembleALU(ins)
	case cls.IsJump():
		return disassembleJump(ins)
	case cls == asm.LdClass && code.IsDWordLoad():
		switch ins.Src {
		case asm.PseudoMapFD:
			if ins.Reference() != "" {
				return fmt.Sprintf("lddw %s, map:%s", reg(ins.Dst), ins.Reference()), nil
			}
		case asm.PseudoMapValue:
			if ins.Reference() != "" {
				return fmt.Sprintf("lddw %s, mapvalue:%s+%d", reg(ins.Dst), ins.Reference(), uint64(ins.Constant)>>32), nil
			}
		case asm.R0:
			return fmt.Sprintf("lddw %s, %#x", reg(ins.Dst), uint64(ins.Constant)), nil
		}
	case cls == asm.LdClass && (code.Mode() == asm.AbsMode || code.Mode() == asm.IndMode):
		size := sizeNames[code.Size()]
		if code.Mode() == asm.AbsMode {
			return fmt.Sprintf("ldabs%s %d", size, ins.Constant), nil
		}
		return fmt.Sprintf("ldind%s %s, %d", size, reg(ins.Src), ins.Constant), nil
	case cls == asm.LdXClass && code.Mode() == asm.MemMode:
		return fmt.Sprintf("ldx%s %s, %s", sizeNames[code.Size()], reg(ins.Dst), memRef(ins.Src, ins.Offset)), nil
	case cls == asm.LdXClass && code.Mode() == asm.MemSXMode:
		return fmt.Sprintf("ldxs%s %s, %s", sizeNames[code.Size()], reg(ins.Dst), memRef(ins.Src, ins.Offset)), nil
	case cls == asm.StClass && code.Mode() == asm.MemMode:
		return fmt.Sprintf("st%s %s, %d", sizeNames[code.Size()], memRef(ins.Dst, ins.Offset), ins.Constant), nil
	case cls == asm.StXClass && code.Mode() == asm.MemMode:
		return fmt.Sprintf("stx%s %s, %s", sizeNames[code.Size()], memRef(ins.Dst, ins.Offset), reg(ins.Src)), nil
	case cls == asm.StXClass && code.Mode() == asm.AtomicMode:
		return disassembleAtomic(ins)
	}
	return "", fmt.Errorf("no syntax for %v", code)
}

func disassembleALU(ins *asm.Instruction) (string, error) {
	code := ins.OpCode
	suffix := ""
	if code.Class() == asm.ALUClass {
		suffix = "32"
	}
	op := code.ALUOp()
	switch op {
	case asm.Neg:
		return fmt.Sprintf("neg%s %s", suffix, reg(ins.Dst)), nil
	case asm.Swap:
		prefix := "bswap"
		if code.Class() == asm.ALUClass {
			prefix = map[asm.Endianness]string{asm.LE: "le", asm.BE: "be"}[code.Endianness()]
		}
		return fmt.Sprintf("%s%d %s", prefix, ins.Constant, reg(ins.Dst)), nil
	case asm.MovSX8, asm.MovSX16, asm.MovSX32:
		for name, c := range movsxMnemonics {
			if c == code {
				return fmt.Sprintf("%s %s, %s", name, reg(ins.Dst), reg(ins.Src)), nil
			}
		}
		return "", fmt.Errorf("no syntax for %v", code)
	}
	name, ok := aluNames[op]
	if !ok {
		return "", fmt.Errorf("no syntax for %v", code)
	}
	if code.Source() == asm.RegSource {
		return fmt.Sprintf("%s%s %s, %s", name, suffix, reg(ins.Dst), reg(ins.Src)), nil
	}
	return fmt.Sprintf("%s%s %s, %d", name, suffix, reg(ins.Dst), ins.Constant), nil
}

func disassembleJump(ins *asm.Instruction) (string, error) {
	code := ins.OpCode
	switch op := code.JumpOp(); {
	case op == asm.Exit:
		return "exit", nil
	case op == asm.Ja && code.Class() == asm.Jump32Class:
		return fmt.Sprintf("ja32 %+d", ins.Constant), nil
	case op == asm.Ja:
		return fmt.Sprintf("ja %+d", ins.Offset), nil
	case op == asm.Call && code.Source() == asm.RegSource:
		return "call " + reg(ins.Dst), nil
	case op == asm.Call && ins.Src == asm.PseudoCall:
		return fmt.Sprintf("call local %+d", ins.Constant), nil
	case op == asm.Call && ins.Src == asm.PseudoKfuncCall:
		return fmt.Sprintf("call runtime %d", ins.Constant), nil
	case op == asm.Call:
		return fmt.Sprintf("call %d", ins.Constant), nil
	}
	name, ok := jumpNames[code.JumpOp()]
	if !ok {
		return "", fmt.Errorf("no syntax for %v", code)
	}
	if code.Class() == asm.Jump32Class {
		name += "32"
	}
	operand := fmt.Sprint(ins.Constant)
	if code.Source() == asm.RegSource {
		operand = reg(ins.Src)
	}
	return fmt.Sprintf("%s %s, %s, %+d", name, reg(ins.Dst), operand, ins.Offset), nil
}

func disassembleAtomic(ins *asm.Instruction) (string, error) {
	op := ins.OpCode.AtomicOp()
	fetch := ""
	if op != asm.Xchg && op != asm.CmpXchg && op&(asm.FetchAdd&^asm.AddAtomic) != 0 {
		fetch = "fetch "
		op &^= asm.FetchAdd &^ asm.AddAtomic
	}
	name, ok := invert(atomicMnemonics)[op]
	if !ok {
		return "", fmt.Errorf("no syntax for %v", ins.OpCode)
	}
	if ins.OpCode.Size() == asm.Word {
		name += "32"
	}
	return fmt.Sprintf("lock %s%s %s, %s", fetch, name, memRef(ins.Dst, ins.Offset), reg(ins.Src)), nil
}

package ebpf

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/cilium/ebpf/asm"
)

// ErrSyntax classifies assembler errors; a *SyntaxError wraps it.
var ErrSyntax = errors.New("syntax error")

// SyntaxError locates an assembler error. Line and Column count from 1.
type SyntaxError struct {
	Line, Column int
	Msg          string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Unwrap returns ErrSyntax.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// token is a word of an instruction: a mnemonic, register, number, label
// or a whole bracketed memory operand.
type token struct {
	text string
	col  int
}

// asmLine is one instruction of the source.
type asmLine struct {
	line   int
	toks   []token
	offset int // raw slot of the instruction
}

// Assemble translates eBPF assembly in the syntax of the bpf_conformance
// suite (and uBPF) into instructions:
//
//	# comment
//	mov %r0, 0            # 64-bit ALU; add32, mov32, ... are 32-bit
//	ldxh %r2, [%r1+12]    # ldx{b,h,w,dw}, ldxs{b,h,w}, st*, stx*
//	jne %r2, 0x8, drop    # jump to a label or by +N / -N instructions
//	lddw %r1, map:counts  # a map reference, resolved by Options.Maps
//	lock fetch add [%r10-8], %r1
//	call 1                # helper; "call local label", "call %r2"
//	drop:
//	exit
//
// Numbers are decimal or hexadecimal (0x); 32-bit immediates must fit in
// 32 bits. The first exit instruction is also the label "exit", as in the
// suite. Errors are *SyntaxError with the line and column.
func Assemble(src string) (asm.Instructions, error) {
	var lines []asmLine
	labels := map[string]int{}
	offset := 0
	for n, text := range strings.Split(src, "\n") {
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		toks, err := tokenize(text, n+1)
		if err != nil {
			return nil, err
		}
		for len(toks) > 0 && strings.HasSuffix(toks[0].text, ":") {
			name := strings.TrimSuffix(toks[0].text, ":")
			if _, dup := labels[name]; dup || name == "" {
				return nil, &SyntaxError{n + 1, toks[0].col, fmt.Sprintf("duplicate or empty label %q", name)}
			}
			labels[name] = offset
			toks = toks[1:]
		}
		if len(toks) == 0 {
			continue
		}
		if _, ok := labels["exit"]; !ok && toks[0].text == "exit" {
			labels["exit"] = offset
		}
		lines = append(lines, asmLine{line: n + 1, toks: toks, offset: offset})
		offset++
		if toks[0].text == "lddw" {
			offset++
		}
	}
	insns := make(asm.Instructions, 0, len(lines))
	for _, l := range lines {
		a := assembler{asmLine: l, labels: labels}
		ins, err := a.instruction()
		if err != nil {
			return nil, err
		}
		insns = append(insns, ins)
	}
	return insns, nil
}

func tokenize(text string, line int) ([]token, error) {
	var toks []token
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == ',':
			i++
		case c == '[':
			end := strings.IndexByte(text[i:], ']')
			if end < 0 {
				return nil, &SyntaxError{line, i + 1, "missing ]"}
			}
			toks = append(toks, token{strings.ReplaceAll(text[i:i+end+1], " ", ""), i + 1})
			i += end + 1
		default:
			start := i
			for i < len(text) && !strings.ContainsRune(" \t\r,[", rune(text[i])) {
				i++
			}
			toks = append(toks, token{text[start:i], start + 1})
		}
	}
	return toks, nil
}

type assembler struct {
	asmLine
	labels map[string]int
}

func (a *assembler) errorf(t token, format string, args ...any) error {
	return &SyntaxError{a.line, t.col, fmt.Sprintf(format, args...)}
}

// operands checks the operand count and returns them.
func (a *assembler) operands(n int) ([]token, error) {
	ops := a.toks[1:]
	if len(ops) != n {
		return nil, a.errorf(a.toks[0], "%s takes %d operands, got %d", a.toks[0].text, n, len(ops))
	}
	return ops, nil
}

var aluMnemonics = map[string]asm.ALUOp{
	"add": asm.Add, "sub": asm.Sub, "mul": asm.Mul, "div": asm.Div, "sdiv": asm.SDiv,
	"or": asm.Or, "and": asm.And, "lsh": asm.LSh, "rsh": asm.RSh, "mod": asm.Mod,
	"smod": asm.SMod, "xor": asm.Xor, "mov": asm.Mov, "arsh": asm.ArSh,
}

var movsxMnemonics = map[string]asm.OpCode{
	"movsx864": asm.MovSX8.Op(asm.RegSource), "movsx1664": asm.MovSX16.Op(asm.RegSource),
	"movsx3264": asm.MovSX32.Op(asm.RegSource), "movsx832": asm.MovSX8.Op32(asm.RegSource),
	"movsx1632": asm.MovSX16.Op32(asm.RegSource),
}

var jumpMnemonics = map[string]asm.JumpOp{
	"jeq": asm.JEq, "jgt": asm.JGT, "jge": asm.JGE, "jset": asm.JSet, "jne": asm.JNE,
	"jsgt": asm.JSGT, "jsge": asm.JSGE, "jlt": asm.JLT, "jle": asm.JLE, "jslt": asm.JSLT,
	"jsle": asm.JSLE,
}

var sizeSuffixes = map[string]asm.Size{"b": asm.Byte, "h": asm.Half, "w": asm.Word, "dw": asm.DWord}

var atomicMnemonics = map[string]asm.AtomicOp{
	"add": asm.AddAtomic, "and": asm.AndAtomic, "or": asm.OrAtomic, "xor": asm.XorAtomic,
	"xchg": asm.Xchg, "cmpxchg": asm.CmpXchg,
}

var swapWidths = map[string]asm.Size{"16": asm.Half, "32": asm.Word, "64": asm.DWord}

func (a *assembler) instruction() (asm.Instruction, error) {
	m := a.toks[0].text
	base, is32 := m, false
	if b, ok := strings.CutSuffix(m, "32"); ok && b != "" && !strings.HasPrefix(m, "movsx") {
		base, is32 = b, true
	} else if b, ok := strings.CutSuffix(m, "64"); ok && b != "" && !strings.HasPrefix(m, "movsx") {
		base = b
	}
	switch {
	case m == "exit":
		if _, err := a.operands(0); err != nil {
			return asm.Instruction{}, err
		}
		return asm.Return(), nil
	case m == "neg" || m == "neg32" || m == "neg64":
		ops, err := a.operands(1)
		if err != nil {
			return asm.Instruction{}, err
		}
		dst, err := a.register(ops[0])
		op := asm.Neg.Op(asm.ImmSource)
		if is32 {
			op = asm.Neg.Op32(asm.ImmSource)
		}
		return asm.Instruction{OpCode: op, Dst: dst}, err
	case isALU(base):
		return a.alu(aluMnemonics[base], is32)
	case movsxMnemonics[m] != 0:
		ops, err := a.operands(2)
		if err != nil {
			return asm.Instruction{}, err
		}
		dst, err1 := a.register(ops[0])
		src, err2 := a.register(ops[1])
		return asm.Instruction{OpCode: movsxMnemonics[m], Dst: dst, Src: src}, errors.Join(err1, err2)
	case strings.HasPrefix(m, "le") || strings.HasPrefix(m, "be") || strings.HasPrefix(m, "bswap") || strings.HasPrefix(m, "swap"):
		return a.swap(m)
	case m == "ja" || m == "ja32":
		return a.ja(m == "ja32")
	case jumpMnemonics[base] != 0:
		return a.jump(jumpMnemonics[base], is32)
	case m == "call":
		return a.call()
	case m == "lddw":
		return a.lddw()
	case m == "lock":
		return a.atomic()
	case strings.HasPrefix(m, "ldabs") || strings.HasPrefix(m, "ldind"):
		return a.packetLoad(m)
	case strings.HasPrefix(m, "ldx") || strings.HasPrefix(m, "stx") || strings.HasPrefix(m, "st"):
		return a.memory(m)
	}
	return asm.Instruction{}, a.errorf(a.toks[0], "unknown mnemonic %q", m)
}

func isALU(m string) bool {
	_, ok := aluMnemonics[m]
	return ok
}

func (a *assembler) alu(op asm.ALUOp, is32 bool) (asm.Instruction, error) {
	ops, err := a.operands(2)
	if err != nil {
		return asm.Instruction{}, err
	}
	dst, err := a.register(ops[0])
	if err != nil {
		return asm.Instruction{}, err
	}
	ins := asm.Instruction{Dst: dst}
	source := asm.ImmSource
	if strings.HasPrefix(ops[1].text, "%") {
		source = asm.RegSource
		ins.Src, err = a.register(ops[1])
	} else {
		ins.Constant, err = a.imm32(ops[1])
	}
	ins.OpCode = op.Op(source)
	if is32 {
		ins.OpCode = op.Op32(source)
	}
	return ins, err
}

func (a *assembler) swap(m string) (asm.Instruction, error) {
	ops, err := a.operands(1)
	if err != nil {
		return asm.Instruction{}, err
	}
	dst, err := a.register(ops[0])
	if err != nil {
		return asm.Instruction{}, err
	}
	for prefix, build := range map[string]func(asm.Size) asm.Instruction{
		"le":    func(s asm.Size) asm.Instruction { return asm.HostTo(asm.LE, dst, s) },
		"be":    func(s asm.Size) asm.Instruction { return asm.HostTo(asm.BE, dst, s) },
		"swap":  func(s asm.Size) asm.Instruction { return asm.BSwap(dst, s) },
		"bswap": func(s asm.Size) asm.Instruction { return asm.BSwap(dst, s) },
	} {
		if width, ok := strings.CutPrefix(m, prefix); ok {
			if size, ok := swapWidths[width]; ok {
				return build(size), nil
			}
		}
	}
	return asm.Instruction{}, a.errorf(a.toks[0], "unknown mnemonic %q", m)
}

func (a *assembler) ja(long bool) (asm.Instruction, error) {
	ops, err := a.operands(1)
	if err != nil {
		return asm.Instruction{}, err
	}
	if long {
		rel, err := a.target(ops[0], math.MinInt32, math.MaxInt32)
		return asm.Instruction{OpCode: asm.OpCode(asm.Jump32Class).SetJumpOp(asm.Ja), Constant: rel}, err
	}
	rel, err := a.target(ops[0], math.MinInt16, math.MaxInt16)
	return asm.Instruction{OpCode: asm.Ja.Op(asm.ImmSource), Offset: int16(rel)}, err
}

func (a *assembler) jump(op asm.JumpOp, is32 bool) (asm.Instruction, error) {
	ops, err := a.operands(3)
	if err != nil {
		return asm.Instruction{}, err
	}
	ins := asm.Instruction{}
	if ins.Dst, err = a.register(ops[0]); err != nil {
		return ins, err
	}
	source := asm.ImmSource
	if strings.HasPrefix(ops[1].text, "%") {
		source = asm.RegSource
		ins.Src, err = a.register(ops[1])
	} else {
		ins.Constant, err = a.imm32(ops[1])
	}
	if err != nil {
		return ins, err
	}
	class := asm.JumpClass
	if is32 {
		class = asm.Jump32Class
	}
	ins.OpCode = asm.OpCode(class).SetJumpOp(op).SetSource(source)
	rel, err := a.target(ops[2], math.MinInt16, math.MaxInt16)
	ins.Offset = int16(rel)
	return ins, err
}

func (a *assembler) call() (asm.Instruction, error) {
	ops := a.toks[1:]
	call := asm.OpCode(asm.JumpClass).SetJumpOp(asm.Call)
	mode := "helper"
	if len(ops) == 2 {
		mode, ops = ops[0].text, ops[1:]
	}
	if len(ops) != 1 {
		return asm.Instruction{}, a.errorf(a.toks[0], "call takes a target")
	}
	switch mode {
	case "helper":
		if strings.HasPrefix(ops[0].text, "%") {
			dst, err := a.register(ops[0])
			return asm.Instruction{OpCode: call.SetSource(asm.RegSource), Dst: dst}, err
		}
		id, err := a.imm32(ops[0])
		return asm.Instruction{OpCode: call, Constant: id}, err
	case "local":
		rel, err := a.target(ops[0], math.MinInt32, math.MaxInt32)
		return asm.Instruction{OpCode: call, Src: asm.PseudoCall, Constant: rel}, err
	case "runtime":
		id, err := a.imm32(ops[0])
		return asm.Instruction{OpCode: call, Src: asm.PseudoKfuncCall, Constant: id}, err
	}
	return asm.Instruction{}, a.errorf(a.toks[1], "unknown call mode %q", mode)
}

func (a *assembler) lddw() (asm.Instruction, error) {
	ops, err := a.operands(2)
	if err != nil {
		return asm.Instruction{}, err
	}
	dst, err := a.register(ops[0])
	if err != nil {
		return asm.Instruction{}, err
	}
	if name, ok := strings.CutPrefix(ops[1].text, "map:"); ok && name != "" {
		return asm.LoadMapPtr(dst, 0).WithReference(name), nil
	}
	if ref, ok := strings.CutPrefix(ops[1].text, "mapvalue:"); ok {
		name, off, _ := strings.Cut(ref, "+")
		offset := uint64(0)
		if off != "" {
			if offset, err = strconv.ParseUint(off, 0, 32); err != nil {
				return asm.Instruction{}, a.errorf(ops[1], "bad map value offset %q", off)
			}
		}
		if name != "" {
			return asm.LoadMapValue(dst, 0, uint32(offset)).WithReference(name), nil
		}
	}
	v, err := a.number(ops[1], 64)
	return asm.LoadImm(dst, v, asm.DWord), err
}

func (a *assembler) atomic() (asm.Instruction, error) {
	ops := a.toks[1:]
	fetch := len(ops) > 0 && ops[0].text == "fetch"
	if fetch {
		ops = ops[1:]
	}
	if len(ops) != 3 {
		return asm.Instruction{}, a.errorf(a.toks[0], "lock takes [fetch] op, [reg+off], reg")
	}
	name, is32 := strings.CutSuffix(ops[0].text, "32")
	op, ok := atomicMnemonics[name]
	if !ok {
		return asm.Instruction{}, a.errorf(ops[0], "unknown atomic operation %q", ops[0].text)
	}
	if fetch && op != asm.Xchg && op != asm.CmpXchg {
		op |= asm.FetchAdd &^ asm.AddAtomic
	}
	dst, off, err := a.memOperand(ops[1])
	if err != nil {
		return asm.Instruction{}, err
	}
	src, err := a.register(ops[2])
	size := asm.DWord
	if is32 {
		size = asm.Word
	}
	ins := op.Mem(dst, src, size, off)
	// The immediate carries the operation in the encoding. Setting it
	// keeps it when cilium/ebpf v0.22's Marshal encodes the instruction:
	// it writes the Constant it had before deriving the immediate from
	// the opcode, so it would write 0 (atomic add) for every operation.
	ins.Constant = int64(op >> 8)
	return ins, err
}

func (a *assembler) packetLoad(m string) (asm.Instruction, error) {
	size, ok := sizeSuffixes[m[5:]]
	if !ok || size == asm.DWord {
		return asm.Instruction{}, a.errorf(a.toks[0], "unknown mnemonic %q", m)
	}
	if strings.HasPrefix(m, "ldabs") {
		ops, err := a.operands(1)
		if err != nil {
			return asm.Instruction{}, err
		}
		k, err := a.imm32(ops[0])
		return asm.LoadAbs(int32(k), size), err
	}
	ops, err := a.operands(2)
	if err != nil {
		return asm.Instruction{}, err
	}
	src, err := a.register(ops[0])
	if err != nil {
		return asm.Instruction{}, err
	}
	k, err := a.imm32(ops[1])
	return asm.LoadInd(asm.R0, src, int32(k), size), err
}

func (a *assembler) memory(m string) (asm.Instruction, error) {
	ops, err := a.operands(2)
	if err != nil {
		return asm.Instruction{}, err
	}
	var kind string
	for _, k := range []string{"ldxs", "ldx", "stx", "st"} {
		if strings.HasPrefix(m, k) {
			kind = k
			break
		}
	}
	size, ok := sizeSuffixes[m[len(kind):]]
	if !ok || (kind == "ldxs" && size == asm.DWord) {
		return asm.Instruction{}, a.errorf(a.toks[0], "unknown mnemonic %q", m)
	}
	if kind == "ldx" || kind == "ldxs" {
		dst, err := a.register(ops[0])
		if err != nil {
			return asm.Instruction{}, err
		}
		src, off, err := a.memOperand(ops[1])
		if kind == "ldxs" {
			return asm.LoadMemSX(dst, src, off, size), err
		}
		return asm.LoadMem(dst, src, off, size), err
	}
	dst, off, err := a.memOperand(ops[0])
	if err != nil {
		return asm.Instruction{}, err
	}
	if kind == "stx" {
		src, err := a.register(ops[1])
		return asm.StoreMem(dst, off, src, size), err
	}
	v, err := a.imm32(ops[1])
	// Built by hand: asm.StoreImm refuses the double-word size the
	// kernel accepts.
	return asm.Instruction{OpCode: asm.StoreImmOp(size), Dst: dst, Offset: off, Constant: v}, err
}

func (a *assembler) register(t token) (asm.Register, error) {
	n, ok := strings.CutPrefix(t.text, "%r")
	if !ok {
		return 0, a.errorf(t, "want a register, got %q", t.text)
	}
	v, err := strconv.ParseUint(n, 10, 8)
	if err != nil || v > 10 {
		return 0, a.errorf(t, "invalid register %q", t.text)
	}
	return asm.Register(v), nil
}

// memOperand parses [%rN], [%rN+off] or [%rN-off].
func (a *assembler) memOperand(t token) (asm.Register, int16, error) {
	inner, ok := strings.CutPrefix(t.text, "[")
	inner, ok2 := strings.CutSuffix(inner, "]")
	if !ok || !ok2 {
		return 0, 0, a.errorf(t, "want [register+offset], got %q", t.text)
	}
	regText, offText := inner, ""
	if i := strings.IndexAny(inner, "+-"); i >= 0 {
		regText, offText = inner[:i], inner[i:]
	}
	reg, err := a.register(token{regText, t.col + 1})
	if err != nil || offText == "" {
		return reg, 0, err
	}
	off, err := a.number(token{offText, t.col + 1 + len(regText)}, 16)
	return reg, int16(off), err
}

// target is a jump or call destination: +N, -N or a label, as a count of
// raw instructions after this one, within [lo, hi].
func (a *assembler) target(t token, lo, hi int64) (int64, error) {
	var rel int64
	if t.text[0] == '+' || t.text[0] == '-' {
		v, err := strconv.ParseInt(t.text, 0, 64)
		if err != nil {
			return 0, a.errorf(t, "bad offset %q", t.text)
		}
		rel = v
	} else {
		at, ok := a.labels[t.text]
		if !ok {
			return 0, a.errorf(t, "undefined label %q", t.text)
		}
		rel = int64(at - a.offset - 1)
	}
	if rel < lo || rel > hi {
		return 0, a.errorf(t, "jump offset %d out of range", rel)
	}
	return rel, nil
}

func (a *assembler) imm32(t token) (int64, error) { return a.number(t, 32) }

// number parses a signed decimal or hexadecimal number that fits in bits:
// hexadecimal is read as unsigned and reinterpreted (0xffffffff is -1 as
// a 32-bit immediate), decimal must be in the signed range.
func (a *assembler) number(t token, bitSize int) (int64, error) {
	text := t.text
	neg := strings.HasPrefix(text, "-")
	digits := strings.TrimLeft(text, "+-")
	if h, ok := strings.CutPrefix(strings.ToLower(digits), "0x"); ok {
		u, err := strconv.ParseUint(h, 16, bitSize)
		if err != nil {
			return 0, a.errorf(t, "number %q does not fit in %d bits", text, bitSize)
		}
		v := int64(u)
		switch bitSize {
		case 32:
			v = int64(int32(u))
		case 16:
			v = int64(int16(u))
		}
		if neg {
			v = -v
		}
		return v, nil
	}
	v, err := strconv.ParseInt(text, 10, bitSize)
	if err != nil && bitSize == 64 && !neg {
		u, uerr := strconv.ParseUint(strings.TrimPrefix(text, "+"), 10, 64)
		return int64(u), a.wrap(t, uerr)
	}
	return v, a.wrap(t, err)
}

func (a *assembler) wrap(t token, err error) error {
	if err != nil {
		return a.errorf(t, "bad number %q", t.text)
	}
	return nil
}

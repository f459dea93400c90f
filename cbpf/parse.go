package cbpf

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/bpf"
)

// Errors a [*ParseError] may wrap, for errors.Is.
var (
	ErrEmptyProgram    = errors.New("empty program")
	ErrProgramTooLong  = fmt.Errorf("program longer than %d instructions", MaxInstructions)
	ErrUnknownMnemonic = errors.New("unknown mnemonic")
	ErrCountMismatch   = errors.New("instruction count mismatch")
)

// ParseError reports why a program listing could not be read and where.
type ParseError struct {
	Line int   // 1-based line of the listing; 0 when the listing as a whole is wrong
	Err  error // what is wrong; may wrap one of the Err* values of this package
}

// Error returns "line N: reason", or the reason alone when Line is 0.
func (e *ParseError) Error() string {
	if e.Line == 0 {
		return e.Err.Error()
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// Parse reads a program in any of the formats [Program.Format] writes,
// telling them apart by the first line that is not blank or a comment:
// "{" starts CArray, a lone number is Decimal's count, anything else is Text.
// See [ParseFormat] for what each format accepts.
func Parse(text string) (Program, error) {
	return ParseFormat(text, detectFormat(significantLines(text)))
}

// ParseFormat reads a program in format f. In every format blank lines and
// lines starting with "#" or "//" are ignored, and a program must have 1 to
// [MaxInstructions] instructions. Errors in the text are [*ParseError]
// values naming the line.
//
//   - Text reads tcpdump -d listings: the "(NNN)" prefix is optional but
//     must count up from 0 when present, jump targets are absolute
//     instruction numbers, numbers may be decimal or 0x-hex wherever one is
//     printed, and "unimp 0xCODE" stands for an opcode without a mnemonic.
//     Also accepted: "jmp" for "ja", "#len" for "#pktlen", "ldx" for
//     "ldxb 4*([k]&0xf)". What a line does not show (k of "ret" with A, jt
//     and jf outside conditional jumps, jt, jf and k of "unimp") reads as 0.
//   - CArray reads tcpdump -dd lines "{ code, jt, jf, k }" with or without
//     the trailing comma; numbers are 0x-hex or decimal (a decimal with a
//     leading 0 is refused, as C would read it as octal).
//   - Decimal reads tcpdump -ddd: a count line that must match the number of
//     "code jt jf k" lines that follow. Instructions may also be separated
//     by commas, as in iptables' "4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0".
func ParseFormat(text string, f Format) (Program, error) {
	lines := significantLines(text)
	switch f {
	case Text:
		return parseLines(lines, parseTextLine)
	case CArray:
		return parseLines(lines, func(line string, _ int) (bpf.RawInstruction, error) {
			return parseCArrayLine(line)
		})
	case Decimal:
		return parseDecimal(lines)
	}
	return nil, fmt.Errorf("parse program: unknown %v", f)
}

// sourceLine is a line of a listing that is neither blank nor a comment.
type sourceLine struct {
	number int    // 1-based
	text   string // without surrounding white space
}

func significantLines(text string) []sourceLine {
	var lines []sourceLine
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "//") {
			continue
		}
		lines = append(lines, sourceLine{number: i + 1, text: line})
	}
	return lines
}

func detectFormat(lines []sourceLine) Format {
	if len(lines) == 0 {
		return Text
	}
	first := lines[0].text
	count, _, _ := strings.Cut(first, ",")
	switch {
	case strings.HasPrefix(first, "{"):
		return CArray
	case isDecimal(strings.TrimSpace(count)):
		return Decimal
	}
	return Text
}

// parseLines reads one instruction from each line with parse, which gets
// the index the instruction will have.
func parseLines(lines []sourceLine, parse func(line string, n int) (bpf.RawInstruction, error)) (Program, error) {
	if len(lines) == 0 {
		return nil, &ParseError{Err: ErrEmptyProgram}
	}
	var p Program
	for _, line := range lines {
		if len(p) == MaxInstructions {
			return nil, &ParseError{Line: line.number, Err: ErrProgramTooLong}
		}
		ins, err := parse(line.text, len(p))
		if err != nil {
			return nil, &ParseError{Line: line.number, Err: err}
		}
		p = append(p, ins)
	}
	return p, nil
}

// parseCArrayLine reads "{ 0x28, 0, 0, 0x0000000c }," with or without the
// comma.
func parseCArrayLine(line string) (bpf.RawInstruction, error) {
	body, ok := strings.CutPrefix(line, "{")
	if ok {
		body, ok = strings.CutSuffix(strings.TrimSuffix(body, ","), "}")
	}
	if !ok {
		return bpf.RawInstruction{}, fmt.Errorf("want \"{ code, jt, jf, k },\", got %q", line)
	}
	fields := strings.Split(body, ",")
	if len(fields) != 4 {
		return bpf.RawInstruction{}, fmt.Errorf("want 4 numbers between braces, got %d", len(fields))
	}
	var v [4]uint64
	for i, bits := range [4]int{16, 8, 8, 32} {
		var err error
		if v[i], err = parseCNumber(strings.TrimSpace(fields[i]), bits); err != nil {
			return bpf.RawInstruction{}, fmt.Errorf("read %s: %w", fieldNames[i], err)
		}
	}
	return bpf.RawInstruction{Op: uint16(v[0]), Jt: uint8(v[1]), Jf: uint8(v[2]), K: uint32(v[3])}, nil
}

var fieldNames = [4]string{"code", "jt", "jf", "k"}

// parseCNumber reads a C integer literal in hex or decimal that fits in
// bits bits.
func parseCNumber(s string, bits int) (uint64, error) {
	if hex, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		return parseBits(s, hex, 16, bits)
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("number %q has a leading 0, which C reads as octal", s)
	}
	return parseDecimalUint(s, bits)
}

// parseDecimal reads tcpdump -ddd: a count, then the instructions, one per
// line or separated by commas.
func parseDecimal(lines []sourceLine) (Program, error) {
	var records []sourceLine
	for _, line := range lines {
		for r := range strings.SplitSeq(strings.TrimSuffix(line.text, ","), ",") {
			if r = strings.TrimSpace(r); r == "" {
				return nil, &ParseError{Line: line.number, Err: errors.New("empty instruction between commas")}
			}
			records = append(records, sourceLine{number: line.number, text: r})
		}
	}
	if len(records) == 0 {
		return nil, &ParseError{Err: ErrEmptyProgram}
	}
	head := records[0]
	count, err := parseDecimalUint(head.text, 32)
	switch {
	case err != nil:
		return nil, &ParseError{Line: head.number, Err: fmt.Errorf("read instruction count: %w", err)}
	case count == 0:
		return nil, &ParseError{Line: head.number, Err: ErrEmptyProgram}
	case count > MaxInstructions:
		return nil, &ParseError{Line: head.number, Err: ErrProgramTooLong}
	}
	body := records[1:]
	if len(body) != int(count) {
		err := &ParseError{Line: head.number, Err: fmt.Errorf("%w: count is %d, found %d instructions", ErrCountMismatch, count, len(body))}
		if len(body) > int(count) {
			err.Line = body[count].number
		}
		return nil, err
	}
	p := make(Program, 0, count)
	for _, r := range body {
		ins, err := parseDecimalInstruction(r.text)
		if err != nil {
			return nil, &ParseError{Line: r.number, Err: err}
		}
		p = append(p, ins)
	}
	return p, nil
}

func parseDecimalInstruction(s string) (bpf.RawInstruction, error) {
	fields := strings.Fields(s)
	if len(fields) != 4 {
		return bpf.RawInstruction{}, fmt.Errorf("want 4 numbers \"code jt jf k\", got %q", s)
	}
	var v [4]uint64
	for i, bits := range [4]int{16, 8, 8, 32} {
		var err error
		if v[i], err = parseDecimalUint(fields[i], bits); err != nil {
			return bpf.RawInstruction{}, fmt.Errorf("read %s: %w", fieldNames[i], err)
		}
	}
	return bpf.RawInstruction{Op: uint16(v[0]), Jt: uint8(v[1]), Jf: uint8(v[2]), K: uint32(v[3])}, nil
}

func isDecimal(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// parseDecimalUint reads unsigned decimal digits (no sign) that fit in bits
// bits.
func parseDecimalUint(s string, bits int) (uint64, error) {
	if !isDecimal(s) {
		return 0, fmt.Errorf("%q is not a decimal number", s)
	}
	return parseBits(s, s, 10, bits)
}

// parseBits reads the digits of the number s in base, which must fit in
// bits bits.
func parseBits(s, digits string, base, bits int) (uint64, error) {
	v, err := strconv.ParseUint(digits, base, bits)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number of at most %d bits", s, bits)
	}
	return v, nil
}

// parseTextLine reads one line of tcpdump -d output for instruction n.
func parseTextLine(line string, n int) (bpf.RawInstruction, error) {
	rest := line
	if inner, ok := strings.CutPrefix(rest, "("); ok {
		number, after, ok := strings.Cut(inner, ")")
		if !ok {
			return bpf.RawInstruction{}, errors.New("missing \")\" after the instruction number")
		}
		if v, err := parseDecimalUint(number, 32); err != nil || v != uint64(n) {
			return bpf.RawInstruction{}, fmt.Errorf("instruction number (%s) out of sequence, want (%03d)", number, n)
		}
		rest = after
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return bpf.RawInstruction{}, errors.New("missing mnemonic")
	}
	name, args := fields[0], fields[1:]
	var targets []string
	if i := slices.IndexFunc(args, func(a string) bool { return a == "jt" || a == "jf" }); i >= 0 {
		args, targets = args[:i], args[i:]
	}
	// Operands may be written with or without inner spaces: "[x + 14]".
	arg := strings.Join(args, "")

	var ins bpf.RawInstruction
	var err error
	if name == "unimp" {
		ins.Op, err = parseUnimp(arg)
	} else {
		ins.Op, ins.K, err = parseMnemonic(name, arg, n)
	}
	if err != nil {
		return bpf.RawInstruction{}, err
	}
	if !isConditionalJump(ins.Op) {
		if targets != nil {
			return bpf.RawInstruction{}, fmt.Errorf("%s takes no jt and jf", name)
		}
		return ins, nil
	}
	ins.Jt, ins.Jf, err = parseTargets(targets, n)
	return ins, err
}

// parseUnimp reads the operand of "unimp", an opcode without a mnemonic.
func parseUnimp(arg string) (uint16, error) {
	code, err := parseNumber(arg)
	if err != nil || code > 0xffff {
		return 0, fmt.Errorf("unimp wants a 16-bit opcode, got %q", arg)
	}
	if m, ok := mnemonics[uint16(code)]; ok {
		return 0, fmt.Errorf("opcode %#x is %s, not unimp", code, m.name)
	}
	return uint16(code), nil
}

// parseMnemonic finds the opcode that lists as name with an operand
// shaped like arg, and its k.
func parseMnemonic(name, arg string, n int) (uint16, uint32, error) {
	ops, ok := opcodesByName[name]
	if !ok {
		return 0, 0, fmt.Errorf("%w %q", ErrUnknownMnemonic, name)
	}
	for _, op := range ops {
		k, matched, err := mnemonics[op].operand.parse(arg, n)
		if err != nil {
			return 0, 0, fmt.Errorf("read operand of %s: %w", name, err)
		}
		if matched {
			return op, k, nil
		}
	}
	return 0, 0, fmt.Errorf("bad operand %q for %s", arg, name)
}

// opcodesByName lists for each mnemonic, and for the spellings Parse
// accepts besides bpf_image's, the opcodes it may stand for.
var opcodesByName = func() map[string][]uint16 {
	byName := map[string][]uint16{
		"jmp": {ClassJMP | JumpA},
		"ldx": {ClassLDX | SizeB | ModeMSH},
	}
	for op, m := range mnemonics {
		byName[m.name] = append(byName[m.name], op)
	}
	for _, ops := range byName {
		slices.Sort(ops)
	}
	return byName
}()

// parse reads the operand text s (inner spaces removed) of instruction n.
// matched reports whether s has the operand's shape; err whether, having
// it, s is still wrong, like a number out of range.
func (o operand) parse(s string, n int) (k uint32, matched bool, err error) {
	inner, matched := o.unwrap(s)
	if !matched {
		return 0, false, nil
	}
	switch o {
	case noOperand, packetLen, registerX:
		return 0, true, nil
	case absOffset:
		if a, ok := ancillaryByName[inner]; ok {
			return AncillaryBase + uint32(a), true, nil
		}
		if !looksNumeric(inner) {
			return 0, true, fmt.Errorf("%q is neither a number nor a Linux ancillary name", inner)
		}
	case jumpTarget:
		target, err := parseNumber(inner)
		// k counts from the next instruction, modulo 2^32 as in C.
		return target - uint32(n+1), true, err
	}
	k, err = parseNumber(inner)
	return k, true, err
}

// unwrap checks that s has the shape of the operand and returns what
// stands for k inside it.
func (o operand) unwrap(s string) (inner string, ok bool) {
	between := func(prefix, suffix string) (string, bool) {
		if len(s) < len(prefix)+len(suffix) || !strings.HasPrefix(s, prefix) || !strings.HasSuffix(s, suffix) {
			return "", false
		}
		return s[len(prefix) : len(s)-len(suffix)], true
	}
	switch o {
	case noOperand:
		return "", s == ""
	case signedImm, hexImm:
		inner, ok = between("#", "")
		return inner, ok && looksNumeric(inner)
	case absOffset:
		inner, ok = between("[", "]")
		return inner, ok && !strings.HasPrefix(inner, "x+")
	case indOffset:
		return between("[x+", "]")
	case scratchSlot:
		return between("M[", "]")
	case ipHeaderLen:
		return between("4*([", "]&0xf)")
	case packetLen:
		return "", s == "#pktlen" || s == "#len"
	case registerX:
		return "", s == "x"
	case jumpTarget:
		return s, looksNumeric(s)
	}
	return "", false
}

var ancillaryByName = func() map[string]Ancillary {
	byName := make(map[string]Ancillary, len(ancillaryNames))
	for a, name := range ancillaryNames {
		byName[name] = a
	}
	return byName
}()

func looksNumeric(s string) bool {
	return s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9')
}

// parseNumber reads a 32-bit number as the Text format prints one: 0x-hex,
// unsigned decimal, or negative decimal for the two's complement.
func parseNumber(s string) (uint32, error) {
	if hex, ok := strings.CutPrefix(s, "0x"); ok {
		v, err := parseBits(s, hex, 16, 32)
		return uint32(v), err
	}
	if abs, ok := strings.CutPrefix(s, "-"); ok {
		v, err := parseDecimalUint(abs, 32)
		if err != nil || v > 1<<31 {
			return 0, fmt.Errorf("%q is not a 32-bit number", s)
		}
		return uint32(-int64(v)), nil
	}
	v, err := parseDecimalUint(s, 32)
	return uint32(v), err
}

// parseTargets reads "jt T jf F" of instruction n, whose targets are
// absolute, into relative offsets.
func parseTargets(fields []string, n int) (jt, jf uint8, err error) {
	if len(fields) == 0 {
		return 0, 0, errors.New("missing jt and jf after a conditional jump")
	}
	if len(fields) != 4 || fields[0] != "jt" || fields[2] != "jf" {
		return 0, 0, fmt.Errorf("want \"jt TARGET jf TARGET\" after a conditional jump, got %q", strings.Join(fields, " "))
	}
	offsets := [2]uint8{}
	for i, s := range []string{fields[1], fields[3]} {
		target, err := parseDecimalUint(s, 32)
		if err != nil {
			return 0, 0, fmt.Errorf("read %s target: %w", fields[2*i], err)
		}
		off := int64(target) - int64(n+1)
		if off < 0 || off > 0xff {
			return 0, 0, fmt.Errorf("%s target %d out of reach of instruction %d (%d to %d)", fields[2*i], target, n, n+1, n+256)
		}
		offsets[i] = uint8(off)
	}
	return offsets[0], offsets[1], nil
}

package cbpf

import (
	"errors"
	"fmt"
)

// Rule names one load-time rule a program can break.
type Rule int

// The load-time rules. Each [Semantics] applies a subset: both reject an
// empty program, opcodes they cannot run, jumps out of range, a last
// instruction that is not a return, scratch indices of 16 or more and
// division or modulo by the constant 0; Linux also limits the length to
// [MaxInstructions], rejects constant shifts of 32 or more, unknown
// ancillary loads and reads of scratch cells not written on every path,
// and its jumps may only go forwards.
const (
	RuleLength        Rule = iota + 1 // 1..MaxInstructions instructions
	RuleOpcode                        // the opcode is one the machine runs
	RuleJump                          // jump targets lie inside the program (and after the jump, for Linux)
	RuleLastReturn                    // the last instruction is a return
	RuleScratchIndex                  // scratch memory index below ScratchWords
	RuleDivideByZero                  // no division or modulo by the constant 0
	RuleShift                         // Linux: constant shifts below 32
	RuleAncillary                     // Linux: absolute loads above AncillaryBase name a known ancillary value
	RuleScratchUninit                 // Linux: scratch cells are written on every path before they are read
)

var ruleText = map[Rule]string{
	RuleLength:        "program length must be 1 to 4096 instructions",
	RuleOpcode:        "unknown or unsupported opcode",
	RuleJump:          "jump target out of range",
	RuleLastReturn:    "last instruction must be a return",
	RuleScratchIndex:  "scratch memory index must be below 16",
	RuleDivideByZero:  "division or modulo by constant 0",
	RuleShift:         "constant shift by 32 or more",
	RuleAncillary:     "unknown ancillary load",
	RuleScratchUninit: "scratch memory read before it is written on every path",
}

func (r Rule) String() string {
	if s, ok := ruleText[r]; ok {
		return s
	}
	return fmt.Sprintf("Rule(%d)", int(r))
}

// ErrInvalid is matched by every [*ValidationError] through errors.Is.
var ErrInvalid = errors.New("invalid program")

// ValidationError reports the first instruction of a program that breaks a
// load-time rule of a [Semantics].
type ValidationError struct {
	Semantics Semantics
	Index     int // instruction index, 0-based as in tcpdump -d; -1 for the whole program
	Rule      Rule
	Program   Program
}

func (e *ValidationError) Error() string {
	if e.Index < 0 || e.Index >= len(e.Program) {
		return fmt.Sprintf("invalid %v program: %v (%d instructions)", e.Semantics, e.Rule, len(e.Program))
	}
	ins := e.Program[e.Index]
	return fmt.Sprintf("invalid %v program: instruction %d {code 0x%02x, jt %d, jf %d, k 0x%x}: %v",
		e.Semantics, e.Index, ins.Op, ins.Jt, ins.Jf, ins.K, e.Rule)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Validate checks p against the load-time rules of s: for [Linux] those of
// the kernel's sk_attach_filter (net/core/filter.c), for [Libpcap] those of
// libpcap's pcap_validate_filter restricted to the opcodes bpf_filter runs.
// It returns nil or a [*ValidationError] for the first broken rule, in the
// order the kernel checks them.
func (p Program) Validate(s Semantics) error {
	fail := func(i int, r Rule) error {
		return &ValidationError{Semantics: s, Index: i, Rule: r, Program: p}
	}
	if len(p) == 0 || (s == Linux && len(p) > MaxInstructions) {
		return fail(-1, RuleLength)
	}
	for i, ins := range p {
		if r := checkInstruction(p, i, s); r != 0 {
			return fail(i, r)
		}
		_ = ins
	}
	if last := p[len(p)-1].Op; last != ClassRET|RetK && last != ClassRET|RetA {
		return fail(len(p)-1, RuleLastReturn)
	}
	if s == Linux {
		if i := firstUninitRead(p); i >= 0 {
			return fail(i, RuleScratchUninit)
		}
	}
	return nil
}

// allowed lists the opcodes both libpcap's bpf_filter and the kernel run;
// they are the same set.
var allowed = func() (ok [256]bool) {
	for _, op := range []uint16{
		ClassLD | SizeW | ModeABS, ClassLD | SizeH | ModeABS, ClassLD | SizeB | ModeABS,
		ClassLD | SizeW | ModeIND, ClassLD | SizeH | ModeIND, ClassLD | SizeB | ModeIND,
		ClassLD | SizeW | ModeLEN, ClassLD | ModeIMM, ClassLD | ModeMEM,
		ClassLDX | SizeW | ModeLEN, ClassLDX | SizeB | ModeMSH, ClassLDX | ModeIMM, ClassLDX | ModeMEM,
		ClassST, ClassSTX,
		ClassMISC | MiscTAX, ClassMISC | MiscTXA,
		ClassRET | RetK, ClassRET | RetA,
		ClassJMP | JumpA, ClassALU | ALUNeg,
	} {
		ok[op] = true
	}
	for _, src := range []uint16{SrcK, SrcX} {
		for _, alu := range []uint16{ALUAdd, ALUSub, ALUMul, ALUDiv, ALUMod, ALUAnd, ALUOr, ALUXor, ALULsh, ALURsh} {
			ok[ClassALU|alu|src] = true
		}
		for _, jmp := range []uint16{JumpEQ, JumpGT, JumpGE, JumpSet} {
			ok[ClassJMP|jmp|src] = true
		}
	}
	return ok
}()

// checkInstruction applies the per-instruction rules to p[i].
func checkInstruction(p Program, i int, s Semantics) Rule {
	ins := p[i]
	if ins.Op > 0xff || !allowed[ins.Op] {
		return RuleOpcode
	}
	n := uint64(len(p))
	next := uint64(i) + 1
	switch ins.Op {
	case ClassALU | ALUDiv | SrcK, ClassALU | ALUMod | SrcK:
		if ins.K == 0 {
			return RuleDivideByZero
		}
	case ClassALU | ALULsh | SrcK, ClassALU | ALURsh | SrcK:
		if s == Linux && ins.K >= 32 {
			return RuleShift
		}
	case ClassLD | ModeMEM, ClassLDX | ModeMEM, ClassST, ClassSTX:
		if ins.K >= ScratchWords {
			return RuleScratchIndex
		}
	case ClassJMP | JumpA:
		if s == Linux {
			if uint64(ins.K) >= n-next {
				return RuleJump
			}
		} else if uint32(next)+ins.K >= uint32(n) {
			// libpcap computes the target in unsigned 32-bit arithmetic, so
			// a large offset wraps around to a backward jump.
			return RuleJump
		}
	case ClassLD | SizeW | ModeABS, ClassLD | SizeH | ModeABS, ClassLD | SizeB | ModeABS:
		if s == Linux && ins.K >= AncillaryBase && !Ancillary(ins.K-AncillaryBase).valid() {
			return RuleAncillary
		}
	}
	if opClass(ins.Op) == ClassJMP && ins.Op != ClassJMP|JumpA {
		if next+uint64(ins.Jt) >= n || next+uint64(ins.Jf) >= n {
			return RuleJump
		}
	}
	return 0
}

// firstUninitRead returns the index of the first scratch load the kernel's
// check_load_and_stores rejects, or -1. Like the kernel it walks the
// program in order, carrying the set of written cells into jump targets
// (intersected over all jumps) and along fall-through edges, including the
// one after a return.
func firstUninitRead(p Program) int {
	masks := make([]uint16, len(p))
	for i := range masks {
		masks[i] = 0xffff
	}
	var valid uint16
	for pc, ins := range p {
		valid &= masks[pc]
		switch {
		case ins.Op == ClassST || ins.Op == ClassSTX:
			valid |= 1 << ins.K
		case ins.Op == ClassLD|ModeMEM || ins.Op == ClassLDX|ModeMEM:
			if valid&(1<<ins.K) == 0 {
				return pc
			}
		case ins.Op == ClassJMP|JumpA:
			masks[pc+1+int(ins.K)] &= valid
			valid = 0xffff
		case opClass(ins.Op) == ClassJMP:
			masks[pc+1+int(ins.Jt)] &= valid
			masks[pc+1+int(ins.Jf)] &= valid
			valid = 0xffff
		}
	}
	return -1
}

package cbpf

import (
	"errors"
	"testing"
)

func TestValidate(t *testing.T) {
	ret0 := raw(ClassRET|RetK, 0, 0, 0)
	long := make(Program, MaxInstructions+1)
	for i := range long {
		long[i] = ret0
	}
	for _, c := range []struct {
		name string
		prog Program
		// Index and rule broken under each semantics; rule 0 means valid.
		libpcapIndex int
		libpcapRule  Rule
		linuxIndex   int
		linuxRule    Rule
	}{
		{"valid", Program{ldA(1), insRetA}, 0, 0, 0, 0},
		{"empty", Program{}, -1, RuleLength, -1, RuleLength},
		{"too long for linux", long, 0, 0, -1, RuleLength},
		{"unknown opcode", Program{raw(0x21, 0, 0, 0), ret0}, 0, RuleOpcode, 0, RuleOpcode}, // ldx [k] does not exist
		{"ret x", Program{raw(ClassRET|RetX, 0, 0, 0)}, 0, RuleOpcode, 0, RuleOpcode},
		{"ld h len", Program{raw(ClassLD|SizeH|ModeLEN, 0, 0, 0), ret0}, 0, RuleOpcode, 0, RuleOpcode},
		{"opcode above 0xff", Program{raw(0x106, 0, 0, 0)}, 0, RuleOpcode, 0, RuleOpcode},
		{"no final return", Program{ret0, ldA(1)}, 1, RuleLastReturn, 1, RuleLastReturn},
		{"jt past end", Program{raw(ClassJMP|JumpEQ, 1, 0, 0), ret0}, 0, RuleJump, 0, RuleJump},
		{"jf past end", Program{raw(ClassJMP|JumpEQ, 0, 2, 0), ret0, ret0}, 0, RuleJump, 0, RuleJump},
		{"ja past end", Program{raw(ClassJMP|JumpA, 0, 0, 1), ret0}, 0, RuleJump, 0, RuleJump},
		{"ja backwards", Program{ret0, raw(ClassJMP|JumpA, 0, 0, 0xfffffffe), ret0}, 0, 0, 1, RuleJump},
		{"ja wraps past end", Program{raw(ClassJMP|JumpA, 0, 0, 0xffffffff), ret0}, 0, 0, 0, RuleJump},
		{"scratch index", Program{raw(ClassST, 0, 0, 16), ret0}, 0, RuleScratchIndex, 0, RuleScratchIndex},
		{"ldx mem index", Program{raw(ClassLDX|ModeMEM, 0, 0, 99), ret0}, 0, RuleScratchIndex, 0, RuleScratchIndex},
		{"div by 0", Program{raw(ClassALU|ALUDiv|SrcK, 0, 0, 0), ret0}, 0, RuleDivideByZero, 0, RuleDivideByZero},
		{"mod by 0", Program{raw(ClassALU|ALUMod|SrcK, 0, 0, 0), ret0}, 0, RuleDivideByZero, 0, RuleDivideByZero},
		{"lsh 32", Program{raw(ClassALU|ALULsh|SrcK, 0, 0, 32), ret0}, 0, 0, 0, RuleShift},
		{"rsh 31", Program{raw(ClassALU|ALURsh|SrcK, 0, 0, 31), ret0}, 0, 0, 0, 0},
		{"unknown ancillary", Program{raw(ClassLD|SizeW|ModeABS, 0, 0, AncillaryBase+64), ret0}, 0, 0, 0, RuleAncillary},
		{"unaligned ancillary", Program{raw(ClassLD|SizeW|ModeABS, 0, 0, AncillaryBase+2), ret0}, 0, 0, 0, RuleAncillary},
		{"known ancillary", Program{raw(ClassLD|SizeB|ModeABS, 0, 0, AncillaryBase+uint32(AncVLANTPID)), ret0}, 0, 0, 0, 0},
		{"scratch read before write", Program{raw(ClassLD|ModeMEM, 0, 0, 3), ret0}, 0, 0, 0, RuleScratchUninit},
		{"scratch written on one path only", Program{
			raw(ClassJMP|JumpEQ, 0, 1, 0),
			raw(ClassST, 0, 0, 2),
			raw(ClassLD|ModeMEM, 0, 0, 2),
			ret0,
		}, 0, 0, 2, RuleScratchUninit},
		{"scratch written on both paths", Program{
			raw(ClassJMP|JumpEQ, 0, 2, 0),
			raw(ClassST, 0, 0, 2),
			raw(ClassJMP|JumpA, 0, 0, 1),
			raw(ClassSTX, 0, 0, 2),
			raw(ClassLD|ModeMEM, 0, 0, 2),
			ret0,
		}, 0, 0, 0, 0},
		// The kernel carries written cells past a return into the next
		// instruction; so do we.
		{"scratch after return", Program{
			raw(ClassST, 0, 0, 1),
			ret0,
			raw(ClassLD|ModeMEM, 0, 0, 1),
			ret0,
		}, 0, 0, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			check := func(s Semantics, index int, rule Rule) {
				err := c.prog.Validate(s)
				if rule == 0 {
					if err != nil {
						t.Errorf("%v: unexpected error: %v", s, err)
					}
					return
				}
				var ve *ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("%v: got %v, want a *ValidationError", s, err)
				}
				if ve.Index != index || ve.Rule != rule {
					t.Errorf("%v: got instruction %d rule %q, want instruction %d rule %q", s, ve.Index, ve.Rule, index, rule)
				}
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("%v: errors.Is(err, ErrInvalid) is false", s)
				}
				if _, err := NewVM(c.prog, s); err == nil {
					t.Errorf("%v: NewVM accepted an invalid program", s)
				}
			}
			check(Libpcap, c.libpcapIndex, c.libpcapRule)
			check(Linux, c.linuxIndex, c.linuxRule)
		})
	}
}

func TestValidationErrorMessage(t *testing.T) {
	err := Program{ldA(1), raw(ClassST, 0, 0, 16), insRetA}.Validate(Linux)
	want := "invalid linux program: instruction 1 {code 0x02, jt 0, jf 0, k 0x10}: scratch memory index must be below 16"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

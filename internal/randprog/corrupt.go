package randprog

import (
	"math/rand/v2"

	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// Corrupt returns a copy of p, a program valid under s, changed to break
// exactly one load-time rule of s, and that rule. The change is placed so
// that the broken rule is the first one a validator walking the program in
// order meets: comparing [cbpf.Program.Validate] with the kernel on such
// programs tests each rule on its own.
func Corrupt(rng *rand.Rand, p cbpf.Program, s cbpf.Semantics) (cbpf.Program, cbpf.Rule) {
	rules := []cbpf.Rule{
		cbpf.RuleLength, cbpf.RuleOpcode, cbpf.RuleJump, cbpf.RuleLastReturn,
		cbpf.RuleScratchIndex, cbpf.RuleDivideByZero,
	}
	if s == cbpf.Linux {
		rules = append(rules, cbpf.RuleShift, cbpf.RuleAncillary, cbpf.RuleScratchUninit)
	}
	rule := rules[rng.IntN(len(rules))]
	q := append(cbpf.Program(nil), p...)
	last := len(q) - 1
	// at is an instruction before the final return; with a one-instruction
	// program the corruption goes in front of it.
	at := 0
	if last > 0 {
		at = rng.IntN(last)
	} else {
		q = append(cbpf.Program{must(bpf.LoadConstant{Dst: bpf.RegA})}, q...)
		last++
	}
	switch rule {
	case cbpf.RuleLength:
		if s == cbpf.Linux && rng.IntN(2) == 0 {
			pad := make(cbpf.Program, cbpf.MaxInstructions+1-len(q))
			for i := range pad {
				pad[i] = must(bpf.TXA{})
			}
			return append(pad, q...), rule
		}
		return cbpf.Program{}, rule
	case cbpf.RuleOpcode:
		q[at] = bpf.RawInstruction{Op: pick(rng, badOpcodes...), K: rng.Uint32()}
	case cbpf.RuleJump:
		beyond := uint32(last - at) // one past the last instruction
		if rng.IntN(2) == 0 {
			q[at] = must(bpf.Jump{Skip: beyond + uint32(rng.IntN(3))})
		} else {
			jt, jf := uint8(0), uint8(min(beyond, 255))
			if rng.IntN(2) == 0 {
				jt, jf = jf, jt
			}
			if beyond > 255 {
				at = last - 1 // an 8-bit offset only escapes near the end
				jt, jf = uint8(1), uint8(0)
			}
			q[at] = must(bpf.JumpIf{Cond: bpf.JumpEqual, Val: rng.Uint32(), SkipTrue: jt, SkipFalse: jf})
		}
	case cbpf.RuleLastReturn:
		q[last] = must(bpf.LoadConstant{Dst: bpf.RegA, Val: rng.Uint32()})
	case cbpf.RuleScratchIndex:
		n := cbpf.ScratchWords + rng.IntN(3)
		if rng.IntN(2) == 0 {
			n = int(^uint32(0) >> 1)
		}
		q[at] = pick(rng, // x/net/bpf refuses to assemble these
			bpf.RawInstruction{Op: 0x02, K: uint32(n)}, // st
			bpf.RawInstruction{Op: 0x03, K: uint32(n)}, // stx
			bpf.RawInstruction{Op: 0x60, K: uint32(n)}, // ld M[n]
			bpf.RawInstruction{Op: 0x61, K: uint32(n)}, // ldx M[n]
		)
	case cbpf.RuleDivideByZero:
		q[at] = must(bpf.ALUOpConstant{Op: pick(rng, bpf.ALUOpDiv, bpf.ALUOpMod)})
	case cbpf.RuleShift:
		q[at] = must(bpf.ALUOpConstant{
			Op:  pick(rng, bpf.ALUOpShiftLeft, bpf.ALUOpShiftRight),
			Val: pick[uint32](rng, 32, 33, 63, 0xffffffff),
		})
	case cbpf.RuleAncillary:
		k := pick[uint32](rng, 64, 68, 1, 2, 3, 0xffc, 0xfff)
		q[at] = must(bpf.LoadAbsolute{Off: cbpf.AncillaryBase + k, Size: pick(rng, 1, 2, 4)})
	case cbpf.RuleScratchUninit:
		// A read in front of everything sees no store on any path.
		q = append(cbpf.Program{must(bpf.LoadScratch{Dst: pick(rng, bpf.RegA, bpf.RegX), N: rng.IntN(cbpf.ScratchWords)})}, q...)
	}
	return q, rule
}

// badOpcodes are opcodes neither machine runs: sizes and modes that do not
// combine, "ret x", unknown ALU and jump operations, and values above a
// byte.
var badOpcodes = []uint16{
	0x08,  // ld with size h and mode imm
	0x18,  // ld with the reserved size
	0x09,  // ldx with size h and mode imm
	0x29,  // ldx abs
	0x0a,  // st with size bits
	0x0e,  // ret x
	0x1e,  // ret with the reserved source
	0x8c,  // neg x
	0xb4,  // ALU operation 0xb0
	0xf4,  // ALU operation 0xf0
	0x55,  // jne, which only eBPF has
	0xf5,  // jump operation 0xf0
	0x0f,  // misc operation 0x08
	0x100, // above a byte
	0xffff,
}

// must assembles an instruction the generator built, which cannot fail.
func must(ins bpf.Instruction) bpf.RawInstruction {
	raw, err := ins.Assemble()
	if err != nil {
		panic("randprog: " + err.Error()) // a generator bug, not bad input
	}
	return raw
}

package cbpf

// loopBudget bounds how many instructions one run of a program with
// backward jumps may execute. libpcap's protochain loop needs a few per
// extension header; a program still running after this many is taken to
// loop forever and rejects the packet, where libpcap would hang.
const loopBudget = 1 << 22

// alu applies the ALU operation op (with source bit) to a and v. ok is
// false for division or modulo by zero, which ends the program with 0.
func alu(op uint16, a, v uint32, s Semantics) (uint32, bool) {
	switch opALU(op) {
	case ALUAdd:
		return a + v, true
	case ALUSub:
		return a - v, true
	case ALUMul:
		return a * v, true
	case ALUDiv:
		if v == 0 {
			return 0, false
		}
		return a / v, true
	case ALUMod:
		if v == 0 {
			return 0, false
		}
		return a % v, true
	case ALUAnd:
		return a & v, true
	case ALUOr:
		return a | v, true
	case ALUXor:
		return a ^ v, true
	case ALULsh:
		return a << shiftCount(op, v, s), true
	case ALURsh:
		return a >> shiftCount(op, v, s), true
	case ALUNeg:
		return -a, true
	}
	return 0, false
}

// shiftCount is the shift amount the machine really uses: libpcap shifts by
// X are range-checked (32 or more gives 0, which Go's shift also gives),
// everything else uses the low five bits as the CPU (and the kernel's
// eBPF) does.
func shiftCount(op uint16, v uint32, s Semantics) uint32 {
	if s == Libpcap && opSrc(op) == SrcX {
		return v
	}
	return v & 31
}

// jump reports whether the conditional jump op is taken for a and v.
func jump(op uint16, a, v uint32) bool {
	switch op & 0xf0 {
	case JumpEQ:
		return a == v
	case JumpGT:
		return a > v
	case JumpGE:
		return a >= v
	}
	return a&v != 0 // JumpSet
}

// interpret is the reference implementation of both semantics: a plain
// loop over the raw instructions of a program that passed Validate(s). The
// compiled VM must agree with it on every program and packet; it also runs
// the programs the compiler does not take (backward jumps).
func interpret(p Program, s Semantics, pkt []byte, wireLen uint32, m *Metadata) uint32 {
	var a, x uint32
	var mem [ScratchWords]uint32
	for pc, steps := 0, 0; steps < loopBudget; steps++ {
		ins := p[pc]
		pc++
		var ok bool
		switch opClass(ins.Op) {
		case ClassRET:
			if ins.Op == ClassRET|RetA {
				return a
			}
			return ins.K
		case ClassLD:
			switch opMode(ins.Op) {
			case ModeIMM:
				a = ins.K
			case ModeMEM:
				a = mem[ins.K]
			case ModeLEN:
				a = wireLen
			case ModeABS:
				n := loadSize(opSize(ins.Op))
				switch {
				case s == Libpcap:
					a, ok = loadAt(pkt, uint64(ins.K), n)
				case ins.K >= AncillaryBase:
					anc := Ancillary(ins.K - AncillaryBase)
					if m.NoDevice && anc.endsWithoutDevice() {
						return a
					}
					a, ok = ancillary(anc, pkt, a, x, m), true
				default:
					a, ok = loadLinux(pkt, int32(ins.K), n, m)
				}
				if !ok {
					return 0
				}
			case ModeIND:
				n := loadSize(opSize(ins.Op))
				if s == Libpcap {
					a, ok = loadAt(pkt, uint64(x)+uint64(ins.K), n)
				} else {
					a, ok = loadLinux(pkt, int32(x+ins.K), n, m)
				}
				if !ok {
					return 0
				}
			}
		case ClassLDX:
			switch opMode(ins.Op) {
			case ModeIMM:
				x = ins.K
			case ModeMEM:
				x = mem[ins.K]
			case ModeLEN:
				x = wireLen
			case ModeMSH:
				var b uint32
				if s == Libpcap {
					b, ok = loadAt(pkt, uint64(ins.K), 1)
				} else {
					b, ok = loadLinux(pkt, int32(ins.K), 1, m)
				}
				if !ok {
					return 0
				}
				x = msh(b)
			}
		case ClassST:
			mem[ins.K] = a
		case ClassSTX:
			mem[ins.K] = x
		case ClassALU:
			v := ins.K
			if opSrc(ins.Op) == SrcX {
				v = x
			}
			if a, ok = alu(ins.Op, a, v, s); !ok {
				return 0
			}
		case ClassJMP:
			if ins.Op == ClassJMP|JumpA {
				pc = int(uint32(pc) + ins.K)
				continue
			}
			v := ins.K
			if opSrc(ins.Op) == SrcX {
				v = x
			}
			if jump(ins.Op, a, v) {
				pc += int(ins.Jt)
			} else {
				pc += int(ins.Jf)
			}
		case ClassMISC:
			if ins.Op == ClassMISC|MiscTAX {
				x = a
			} else {
				a = x
			}
		}
	}
	return 0
}

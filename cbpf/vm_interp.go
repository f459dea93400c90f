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
	case aluADD:
		return a + v, true
	case aluSUB:
		return a - v, true
	case aluMUL:
		return a * v, true
	case aluDIV:
		if v == 0 {
			return 0, false
		}
		return a / v, true
	case aluMOD:
		if v == 0 {
			return 0, false
		}
		return a % v, true
	case aluAND:
		return a & v, true
	case aluOR:
		return a | v, true
	case aluXOR:
		return a ^ v, true
	case aluLSH:
		return a << shiftCount(op, v, s), true
	case aluRSH:
		return a >> shiftCount(op, v, s), true
	case aluNEG:
		return -a, true
	}
	return 0, false
}

// shiftCount is the shift amount the machine really uses: libpcap shifts by
// X are range-checked (32 or more gives 0, which Go's shift also gives),
// everything else uses the low five bits as the CPU (and the kernel's
// eBPF) does.
func shiftCount(op uint16, v uint32, s Semantics) uint32 {
	if s == Libpcap && opSrc(op) == srcX {
		return v
	}
	return v & 31
}

// jump reports whether the conditional jump op is taken for a and v.
func jump(op uint16, a, v uint32) bool {
	switch op & 0xf0 {
	case jmpJEQ:
		return a == v
	case jmpJGT:
		return a > v
	case jmpJGE:
		return a >= v
	}
	return a&v != 0 // jmpJSET
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
		case classRET:
			if ins.Op == classRET|retA {
				return a
			}
			return ins.K
		case classLD:
			switch opMode(ins.Op) {
			case modeIMM:
				a = ins.K
			case modeMEM:
				a = mem[ins.K]
			case modeLEN:
				a = wireLen
			case modeABS:
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
			case modeIND:
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
		case classLDX:
			switch opMode(ins.Op) {
			case modeIMM:
				x = ins.K
			case modeMEM:
				x = mem[ins.K]
			case modeLEN:
				x = wireLen
			case modeMSH:
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
		case classST:
			mem[ins.K] = a
		case classSTX:
			mem[ins.K] = x
		case classALU:
			v := ins.K
			if opSrc(ins.Op) == srcX {
				v = x
			}
			if a, ok = alu(ins.Op, a, v, s); !ok {
				return 0
			}
		case classJMP:
			if ins.Op == classJMP|jmpJA {
				pc = int(uint32(pc) + ins.K)
				continue
			}
			v := ins.K
			if opSrc(ins.Op) == srcX {
				v = x
			}
			if jump(ins.Op, a, v) {
				pc += int(ins.Jt)
			} else {
				pc += int(ins.Jf)
			}
		case classMISC:
			if ins.Op == classMISC|miscTAX {
				x = a
			} else {
				a = x
			}
		}
	}
	return 0
}

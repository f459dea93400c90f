package cbpf

import (
	"fmt"
	"strings"

	"golang.org/x/net/bpf"
)

// Format selects one of tcpdump's program listings.
type Format int

const (
	Text    Format = iota // tcpdump -d:   "(000) ldh      [12]"
	CArray                // tcpdump -dd:  "{ 0x28, 0, 0, 0x0000000c },"
	Decimal               // tcpdump -ddd: count line, then "40 0 0 12"
)

// String returns the tcpdump flag that prints the format.
func (f Format) String() string {
	switch f {
	case Text:
		return "-d"
	case CArray:
		return "-dd"
	case Decimal:
		return "-ddd"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Format writes p the way tcpdump 4.99.3 prints a compiled filter with
// the flag f stands for (libpcap 1.10.3's bpf_dump), byte for byte,
// including the newline after every line. Instructions bpf_dump has no
// mnemonic for print as "unimp"; absolute loads from a Linux ancillary
// offset print its libpcap name, as libpcap built on Linux does.
//
// The Text format drops what its mnemonics do not show (k of "ret" with A,
// jt and jf of anything but a conditional jump, everything but the opcode
// of "unimp"); CArray and Decimal keep every bit. Format panics if f is not
// one of the three formats, like strconv.FormatInt with a bad base.
func (p Program) Format(f Format) string {
	var b strings.Builder
	switch f {
	case Text:
		for i, ins := range p {
			writeTextLine(&b, i, ins)
		}
	case CArray:
		for _, ins := range p {
			fmt.Fprintf(&b, "{ 0x%x, %d, %d, 0x%08x },\n", ins.Op, ins.Jt, ins.Jf, ins.K)
		}
	case Decimal:
		fmt.Fprintf(&b, "%d\n", len(p))
		for _, ins := range p {
			fmt.Fprintf(&b, "%d %d %d %d\n", ins.Op, ins.Jt, ins.Jf, ins.K)
		}
	default:
		panic(fmt.Sprintf("cbpf: format program: unknown %v", f))
	}
	return b.String()
}

// String returns p in tcpdump -d form, the same as p.Format(Text).
func (p Program) String() string { return p.Format(Text) }

// writeTextLine writes instruction n as bpf_image prints it, then a newline.
func writeTextLine(b *strings.Builder, n int, ins bpf.RawInstruction) {
	name, operand := "unimp", fmt.Sprintf("0x%x", ins.Op)
	if m, ok := mnemonics[ins.Op]; ok {
		name, operand = m.name, m.operand.format(n, ins.K)
	}
	if isConditionalJump(ins.Op) {
		// The targets are absolute: bpf_image adds n+1 to jt and jf.
		fmt.Fprintf(b, "(%03d) %-8s %-16s jt %d\tjf %d\n", n, name, operand, n+1+int(ins.Jt), n+1+int(ins.Jf))
		return
	}
	fmt.Fprintf(b, "(%03d) %-8s %s\n", n, name, operand)
}

// isConditionalJump reports whether the listing of op shows jt and jf:
// bpf_image decides by class and operation alone, so an unknown opcode in
// the jump class shows them too.
func isConditionalJump(op uint16) bool {
	return opClass(op) == ClassJMP && opALU(op) != JumpA
}

// operand is the shape of an instruction's operand in the Text format.
type operand int

const (
	noOperand   operand = iota // ""
	signedImm                  // "#%d": k as a signed 32-bit number
	hexImm                     // "#0x%x"
	absOffset                  // "[%d]", or "[name]" for a Linux ancillary offset
	indOffset                  // "[x + %d]"
	scratchSlot                // "M[%d]"
	ipHeaderLen                // "4*([%d]&0xf)"
	packetLen                  // "#pktlen"
	registerX                  // "x"
	jumpTarget                 // "%d": the absolute index ja lands on
)

// format renders the operand of instruction n whose constant is k. C's
// printf("%d") of libpcap's unsigned k shows it as a signed 32-bit number.
func (o operand) format(n int, k uint32) string {
	switch o {
	case signedImm:
		return fmt.Sprintf("#%d", int32(k))
	case hexImm:
		return fmt.Sprintf("#0x%x", k)
	case absOffset:
		if name, ok := ancillaryNames[Ancillary(k-AncillaryBase)]; ok && k >= AncillaryBase {
			return "[" + name + "]"
		}
		return fmt.Sprintf("[%d]", int32(k))
	case indOffset:
		return fmt.Sprintf("[x + %d]", int32(k))
	case scratchSlot:
		return fmt.Sprintf("M[%d]", int32(k))
	case ipHeaderLen:
		return fmt.Sprintf("4*([%d]&0xf)", int32(k))
	case packetLen:
		return "#pktlen"
	case registerX:
		return "x"
	case jumpTarget:
		// Unsigned arithmetic as in C, so targets wrap around.
		return fmt.Sprintf("%d", int32(uint32(n+1)+k))
	}
	return ""
}

// mnemonic is how bpf_image lists one opcode.
type mnemonic struct {
	name    string
	operand operand
}

// mnemonics holds every opcode libpcap 1.10.3's bpf_image has a name for.
// It matches the full 16-bit code, so for instance BPF_LDX|BPF_W|BPF_LEN,
// BPF_RET|BPF_X and BPF_ALU|BPF_NEG|BPF_X are listed as "unimp".
var mnemonics = map[uint16]mnemonic{
	ClassRET | RetK: {"ret", signedImm},
	ClassRET | RetA: {"ret", noOperand},

	ClassLD | SizeW | ModeABS: {"ld", absOffset},
	ClassLD | SizeH | ModeABS: {"ldh", absOffset},
	ClassLD | SizeB | ModeABS: {"ldb", absOffset},
	ClassLD | SizeW | ModeIND: {"ld", indOffset},
	ClassLD | SizeH | ModeIND: {"ldh", indOffset},
	ClassLD | SizeB | ModeIND: {"ldb", indOffset},
	ClassLD | SizeW | ModeLEN: {"ld", packetLen},
	ClassLD | SizeW | ModeIMM: {"ld", hexImm},
	ClassLD | SizeW | ModeMEM: {"ld", scratchSlot},

	ClassLDX | SizeW | ModeIMM: {"ldx", hexImm},
	ClassLDX | SizeW | ModeMEM: {"ldx", scratchSlot},
	ClassLDX | SizeB | ModeMSH: {"ldxb", ipHeaderLen},

	ClassST:  {"st", scratchSlot},
	ClassSTX: {"stx", scratchSlot},

	ClassJMP | JumpA:          {"ja", jumpTarget},
	ClassJMP | JumpEQ | SrcK:  {"jeq", hexImm},
	ClassJMP | JumpGT | SrcK:  {"jgt", hexImm},
	ClassJMP | JumpGE | SrcK:  {"jge", hexImm},
	ClassJMP | JumpSet | SrcK: {"jset", hexImm},
	ClassJMP | JumpEQ | SrcX:  {"jeq", registerX},
	ClassJMP | JumpGT | SrcX:  {"jgt", registerX},
	ClassJMP | JumpGE | SrcX:  {"jge", registerX},
	ClassJMP | JumpSet | SrcX: {"jset", registerX},

	ClassALU | ALUAdd | SrcK: {"add", signedImm},
	ClassALU | ALUSub | SrcK: {"sub", signedImm},
	ClassALU | ALUMul | SrcK: {"mul", signedImm},
	ClassALU | ALUDiv | SrcK: {"div", signedImm},
	ClassALU | ALUMod | SrcK: {"mod", signedImm},
	ClassALU | ALUAnd | SrcK: {"and", hexImm},
	ClassALU | ALUOr | SrcK:  {"or", hexImm},
	ClassALU | ALUXor | SrcK: {"xor", hexImm},
	ClassALU | ALULsh | SrcK: {"lsh", signedImm},
	ClassALU | ALURsh | SrcK: {"rsh", signedImm},
	ClassALU | ALUAdd | SrcX: {"add", registerX},
	ClassALU | ALUSub | SrcX: {"sub", registerX},
	ClassALU | ALUMul | SrcX: {"mul", registerX},
	ClassALU | ALUDiv | SrcX: {"div", registerX},
	ClassALU | ALUMod | SrcX: {"mod", registerX},
	ClassALU | ALUAnd | SrcX: {"and", registerX},
	ClassALU | ALUOr | SrcX:  {"or", registerX},
	ClassALU | ALUXor | SrcX: {"xor", registerX},
	ClassALU | ALULsh | SrcX: {"lsh", registerX},
	ClassALU | ALURsh | SrcX: {"rsh", registerX},
	ClassALU | ALUNeg:        {"neg", noOperand},

	ClassMISC | MiscTAX: {"tax", noOperand},
	ClassMISC | MiscTXA: {"txa", noOperand},
}

// ancillaryNames are libpcap's names for the Linux ancillary offsets, which
// its bpf_image prints instead of the number when built on Linux.
var ancillaryNames = map[Ancillary]string{
	AncProtocol:       "proto",
	AncPacketType:     "type",
	AncIfIndex:        "ifidx",
	AncNetlinkAttr:    "nla",
	AncNetlinkNested:  "nlan",
	AncMark:           "mark",
	AncQueue:          "queue",
	AncHAType:         "hatype",
	AncRXHash:         "rxhash",
	AncCPU:            "cpu",
	AncALUXorX:        "xor_x",
	AncVLANTag:        "vlan_tci",
	AncVLANTagPresent: "vlanp",
	AncPayloadOffset:  "poff",
	AncRandom:         "random",
	AncVLANTPID:       "vlan_tpid",
}

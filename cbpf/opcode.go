package cbpf

// Opcode fields of classic BPF, with the kernel's and libpcap's meanings
// (BPF_LD, BPF_W, BPF_ABS, BPF_ADD, BPF_JEQ, BPF_K...). An instruction's
// opcode is the OR of a class and the fields of that class:
// ClassLD|SizeH|ModeABS is "ldh [k]", ClassJMP|JumpEQ|SrcK is "jeq #k".
//
// The classic BPF opcode is one byte:
//
//	  7 6 5     4 3       2 1 0
//	+-------+---------+---------+
//	| mode  |  size   |  class  |   loads (LD, LDX)
//	+-------+---------+---------+
//	|    op     | src |  class  |   ALU and JMP
//	+-----------+-----+---------+
//	|  rval     |     |  class  |   RET (K or A)
//	+-----------+-----+---------+
const (
	// Instruction classes.
	ClassLD   = 0x00
	ClassLDX  = 0x01
	ClassST   = 0x02
	ClassSTX  = 0x03
	ClassALU  = 0x04
	ClassJMP  = 0x05
	ClassRET  = 0x06
	ClassMISC = 0x07

	// Load sizes: word, halfword, byte.
	SizeW = 0x00
	SizeH = 0x08
	SizeB = 0x10

	// Load addressing modes: immediate, absolute, indirect (X+k), scratch
	// memory, packet length, and "4*([k]&0xf)".
	ModeIMM = 0x00
	ModeABS = 0x20
	ModeIND = 0x40
	ModeMEM = 0x60
	ModeLEN = 0x80
	ModeMSH = 0xa0

	// Operand sources of ALU and jump instructions: the constant k or X.
	SrcK = 0x00
	SrcX = 0x08

	// ALU operations.
	ALUAdd = 0x00
	ALUSub = 0x10
	ALUMul = 0x20
	ALUDiv = 0x30
	ALUOr  = 0x40
	ALUAnd = 0x50
	ALULsh = 0x60
	ALURsh = 0x70
	ALUNeg = 0x80
	ALUMod = 0x90
	ALUXor = 0xa0

	// Jumps: always (ja), and on A == v, A > v, A >= v, A & v != 0.
	JumpA   = 0x00
	JumpEQ  = 0x10
	JumpGT  = 0x20
	JumpGE  = 0x30
	JumpSet = 0x40

	// Return values: the constant k, X (not run by libpcap or Linux), A.
	RetK = 0x00
	RetX = 0x08
	RetA = 0x10

	// Register moves: X = A and A = X.
	MiscTAX = 0x00
	MiscTXA = 0x80
)

func opClass(op uint16) uint16 { return op & 0x07 }
func opSize(op uint16) uint16  { return op & 0x18 }
func opMode(op uint16) uint16  { return op & 0xe0 }
func opALU(op uint16) uint16   { return op & 0xf0 }
func opSrc(op uint16) uint16   { return op & 0x08 }

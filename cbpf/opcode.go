package cbpf

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
	classLD   = 0x00
	classLDX  = 0x01
	classST   = 0x02
	classSTX  = 0x03
	classALU  = 0x04
	classJMP  = 0x05
	classRET  = 0x06
	classMISC = 0x07

	sizeW = 0x00
	sizeH = 0x08
	sizeB = 0x10

	modeIMM = 0x00
	modeABS = 0x20
	modeIND = 0x40
	modeMEM = 0x60
	modeLEN = 0x80
	modeMSH = 0xa0

	srcK = 0x00
	srcX = 0x08

	aluADD = 0x00
	aluSUB = 0x10
	aluMUL = 0x20
	aluDIV = 0x30
	aluOR  = 0x40
	aluAND = 0x50
	aluLSH = 0x60
	aluRSH = 0x70
	aluNEG = 0x80
	aluMOD = 0x90
	aluXOR = 0xa0

	jmpJA   = 0x00
	jmpJEQ  = 0x10
	jmpJGT  = 0x20
	jmpJGE  = 0x30
	jmpJSET = 0x40

	retK = 0x00
	retX = 0x08
	retA = 0x10

	miscTAX = 0x00
	miscTXA = 0x80
)

func opClass(op uint16) uint16 { return op & 0x07 }
func opSize(op uint16) uint16  { return op & 0x18 }
func opMode(op uint16) uint16  { return op & 0xe0 }
func opALU(op uint16) uint16   { return op & 0xf0 }
func opSrc(op uint16) uint16   { return op & 0x08 }

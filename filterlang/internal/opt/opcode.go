package opt

// Opcode fields of classic BPF, as the optimiser reads and rewrites them.
// Opcodes are ints here so that nop (-1) and an edge's negated code fit.
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

	jmpJEQ  = 0x10
	jmpJGT  = 0x20
	jmpJGE  = 0x30
	jmpJSET = 0x40

	retA = 0x10
	retX = 0x08

	miscTAX = 0x00
	miscTXA = 0x80

	// nop marks a statement the optimiser removed; emission skips it.
	nop = -1
)

func class(code int) int  { return code & 0x07 }
func size(code int) int   { return code & 0x18 }
func mode(code int) int   { return code & 0xe0 }
func op(code int) int     { return code & 0xf0 }
func src(code int) int    { return code & 0x08 }
func rval(code int) int   { return code & 0x18 }
func miscOp(code int) int { return code & 0xf8 }

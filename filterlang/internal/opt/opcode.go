package opt

// nop marks a statement the optimiser removed; emission skips it.
// Opcodes are ints here so that nop and an edge's negated code fit; the
// opcode fields are cbpf's.
const nop = -1

func class(code int) int  { return code & 0x07 }
func size(code int) int   { return code & 0x18 }
func mode(code int) int   { return code & 0xe0 }
func op(code int) int     { return code & 0xf0 }
func src(code int) int    { return code & 0x08 }
func rval(code int) int   { return code & 0x18 }
func miscOp(code int) int { return code & 0xf8 }

package opt

import "github.com/gotcpdump/gotcpdump/cbpf"

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

// isPacketLoad reports whether code reads the packet, and so may end the
// program when the packet is too short.
func isPacketLoad(code int) bool {
	switch class(code) {
	case cbpf.ClassLD:
		return mode(code) == cbpf.ModeABS || mode(code) == cbpf.ModeIND
	case cbpf.ClassLDX:
		return mode(code) == cbpf.ModeMSH
	}
	return false
}

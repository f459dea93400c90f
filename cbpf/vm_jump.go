package cbpf

import "encoding/binary"

// jumpK is a conditional jump comparing A with the constant k.
func jumpK(op uint16, k uint32, jt, jf step) step {
	switch op & 0xf0 {
	case jmpJEQ:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 {
			if a == k {
				return jt(pkt, wl, a, x, f)
			}
			return jf(pkt, wl, a, x, f)
		}
	case jmpJGT:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 {
			if a > k {
				return jt(pkt, wl, a, x, f)
			}
			return jf(pkt, wl, a, x, f)
		}
	case jmpJGE:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 {
			if a >= k {
				return jt(pkt, wl, a, x, f)
			}
			return jf(pkt, wl, a, x, f)
		}
	}
	return func(pkt []byte, wl, a, x uint32, f *frame) uint32 {
		if a&k != 0 {
			return jt(pkt, wl, a, x, f)
		}
		return jf(pkt, wl, a, x, f)
	}
}

// jumpX is a conditional jump comparing A with X.
func jumpX(op uint16, jt, jf step) step {
	switch op & 0xf0 {
	case jmpJEQ:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 {
			if a == x {
				return jt(pkt, wl, a, x, f)
			}
			return jf(pkt, wl, a, x, f)
		}
	case jmpJGT:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 {
			if a > x {
				return jt(pkt, wl, a, x, f)
			}
			return jf(pkt, wl, a, x, f)
		}
	case jmpJGE:
		return func(pkt []byte, wl, a, x uint32, f *frame) uint32 {
			if a >= x {
				return jt(pkt, wl, a, x, f)
			}
			return jf(pkt, wl, a, x, f)
		}
	}
	return func(pkt []byte, wl, a, x uint32, f *frame) uint32 {
		if a&x != 0 {
			return jt(pkt, wl, a, x, f)
		}
		return jf(pkt, wl, a, x, f)
	}
}

// loadJump fuses "ld{,h,b} [k]" (n bytes) with the conditional jump op on
// the constant v that follows it.
func loadJump(n uint32, k int, op uint16, v uint32, jt, jf step) step {
	switch n {
	case 1:
		return loadByteJump(k, op, v, jt, jf)
	case 2:
		return loadHalfJump(k, op, v, jt, jf)
	}
	return loadWordJump(k, op, v, jt, jf)
}

func loadByteJump(k int, op uint16, v uint32, jt, jf step) step {
	switch op & 0xf0 {
	case jmpJEQ:
		return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
			if k >= len(pkt) {
				return 0
			}
			if a := uint32(pkt[k]); a == v {
				return jt(pkt, wl, a, x, f)
			} else {
				return jf(pkt, wl, a, x, f)
			}
		}
	case jmpJGT:
		return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
			if k >= len(pkt) {
				return 0
			}
			if a := uint32(pkt[k]); a > v {
				return jt(pkt, wl, a, x, f)
			} else {
				return jf(pkt, wl, a, x, f)
			}
		}
	case jmpJGE:
		return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
			if k >= len(pkt) {
				return 0
			}
			if a := uint32(pkt[k]); a >= v {
				return jt(pkt, wl, a, x, f)
			} else {
				return jf(pkt, wl, a, x, f)
			}
		}
	}
	return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
		if k >= len(pkt) {
			return 0
		}
		if a := uint32(pkt[k]); a&v != 0 {
			return jt(pkt, wl, a, x, f)
		} else {
			return jf(pkt, wl, a, x, f)
		}
	}
}

func loadHalfJump(k int, op uint16, v uint32, jt, jf step) step {
	switch op & 0xf0 {
	case jmpJEQ:
		return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
			if k+2 > len(pkt) {
				return 0
			}
			if a := uint32(binary.BigEndian.Uint16(pkt[k:])); a == v {
				return jt(pkt, wl, a, x, f)
			} else {
				return jf(pkt, wl, a, x, f)
			}
		}
	case jmpJGT:
		return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
			if k+2 > len(pkt) {
				return 0
			}
			if a := uint32(binary.BigEndian.Uint16(pkt[k:])); a > v {
				return jt(pkt, wl, a, x, f)
			} else {
				return jf(pkt, wl, a, x, f)
			}
		}
	case jmpJGE:
		return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
			if k+2 > len(pkt) {
				return 0
			}
			if a := uint32(binary.BigEndian.Uint16(pkt[k:])); a >= v {
				return jt(pkt, wl, a, x, f)
			} else {
				return jf(pkt, wl, a, x, f)
			}
		}
	}
	return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
		if k+2 > len(pkt) {
			return 0
		}
		if a := uint32(binary.BigEndian.Uint16(pkt[k:])); a&v != 0 {
			return jt(pkt, wl, a, x, f)
		} else {
			return jf(pkt, wl, a, x, f)
		}
	}
}

func loadWordJump(k int, op uint16, v uint32, jt, jf step) step {
	switch op & 0xf0 {
	case jmpJEQ:
		return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
			if k+4 > len(pkt) {
				return 0
			}
			if a := binary.BigEndian.Uint32(pkt[k:]); a == v {
				return jt(pkt, wl, a, x, f)
			} else {
				return jf(pkt, wl, a, x, f)
			}
		}
	case jmpJGT:
		return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
			if k+4 > len(pkt) {
				return 0
			}
			if a := binary.BigEndian.Uint32(pkt[k:]); a > v {
				return jt(pkt, wl, a, x, f)
			} else {
				return jf(pkt, wl, a, x, f)
			}
		}
	case jmpJGE:
		return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
			if k+4 > len(pkt) {
				return 0
			}
			if a := binary.BigEndian.Uint32(pkt[k:]); a >= v {
				return jt(pkt, wl, a, x, f)
			} else {
				return jf(pkt, wl, a, x, f)
			}
		}
	}
	return func(pkt []byte, wl, _, x uint32, f *frame) uint32 {
		if k+4 > len(pkt) {
			return 0
		}
		if a := binary.BigEndian.Uint32(pkt[k:]); a&v != 0 {
			return jt(pkt, wl, a, x, f)
		} else {
			return jf(pkt, wl, a, x, f)
		}
	}
}

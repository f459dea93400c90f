package capture

import (
	"encoding/binary"
	"math/bits"
)

// byteOrder decodes a file's integers; a bool rather than a
// binary.ByteOrder keeps the per-packet path free of interface calls.
type byteOrder struct{ big bool }

// nativeBig reports whether this machine is big-endian; files are written
// in the native order and pseudo-headers converted to it, as in libpcap.
var nativeBig = binary.NativeEndian.Uint16([]byte{0, 1}) == 1

func (o byteOrder) u16(b []byte) uint16 {
	if o.big {
		return binary.BigEndian.Uint16(b)
	}
	return binary.LittleEndian.Uint16(b)
}

func (o byteOrder) u32(b []byte) uint32 {
	if o.big {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

func (o byteOrder) u64(b []byte) uint64 {
	if o.big {
		return binary.BigEndian.Uint64(b)
	}
	return binary.LittleEndian.Uint64(b)
}

// swapped reports whether the file's order differs from this machine's.
func (o byteOrder) swapped() bool { return o.big != nativeBig }

// swap32 reverses the bytes of a 32-bit field in place.
func swap32(b []byte) {
	binary.LittleEndian.PutUint32(b, bits.ReverseBytes32(binary.LittleEndian.Uint32(b)))
}

// swap16 reverses the bytes of a 16-bit field in place.
func swap16(b []byte) { b[0], b[1] = b[1], b[0] }

// swap64 reverses the bytes of a 64-bit field in place.
func swap64(b []byte) {
	binary.LittleEndian.PutUint64(b, bits.ReverseBytes64(binary.LittleEndian.Uint64(b)))
}

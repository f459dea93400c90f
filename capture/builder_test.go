package capture

import (
	"bytes"
	"encoding/binary"
)

// Builders of capture files for tests, in either byte order.

// order both decodes and appends.
type order interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

var (
	le order = binary.LittleEndian
	be order = binary.BigEndian
)

// nativeOrder is the order the writers use.
func nativeOrder() order {
	if nativeBig {
		return be
	}
	return le
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func u16(o binary.AppendByteOrder, v uint16) []byte { return o.AppendUint16(nil, v) }
func u32(o binary.AppendByteOrder, v uint32) []byte { return o.AppendUint32(nil, v) }
func u64(o binary.AppendByteOrder, v uint64) []byte { return o.AppendUint64(nil, v) }

// pcapHeader builds a pcap file header.
func pcapHeader(o binary.AppendByteOrder, magic uint32, major, minor uint16, snapLen, linkType uint32) []byte {
	return cat(u32(o, magic), u16(o, major), u16(o, minor), u32(o, 0), u32(o, 0), u32(o, snapLen), u32(o, linkType))
}

// pcapRecord builds a record header followed by data.
func pcapRecord(o binary.AppendByteOrder, sec, frac, capLen, origLen uint32, data []byte) []byte {
	return cat(u32(o, sec), u32(o, frac), u32(o, capLen), u32(o, origLen), data)
}

// payload returns n bytes of a recognisable pattern.
func payload(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i*7)
	}
	return b
}

// block builds a pcapng block with a padded body.
func block(o binary.AppendByteOrder, typ uint32, body ...[]byte) []byte {
	b := cat(body...)
	b = append(b, make([]byte, -len(b)&3)...)
	total := uint32(12 + len(b))
	return cat(u32(o, typ), u32(o, total), b, u32(o, total))
}

// option builds a padded pcapng option.
func option(o binary.AppendByteOrder, code uint16, value []byte) []byte {
	return cat(u16(o, code), u16(o, uint16(len(value))), value, make([]byte, -len(value)&3))
}

func endOfOpt(o binary.AppendByteOrder) []byte { return option(o, 0, nil) }

func shb(o binary.AppendByteOrder, major, minor uint16) []byte {
	return block(o, 0x0a0d0d0a, u32(o, 0x1a2b3c4d), u16(o, major), u16(o, minor), u64(o, ^uint64(0)))
}

func idb(o binary.AppendByteOrder, linkType uint16, snapLen uint32, opts ...[]byte) []byte {
	return block(o, 1, append([][]byte{u16(o, linkType), u16(o, 0), u32(o, snapLen)}, opts...)...)
}

func epb(o binary.AppendByteOrder, id uint32, ticks uint64, capLen, origLen uint32, data []byte) []byte {
	return block(o, 6, u32(o, id), u32(o, uint32(ticks>>32)), u32(o, uint32(ticks)), u32(o, capLen), u32(o, origLen), data)
}

func spb(o binary.AppendByteOrder, origLen uint32, data []byte) []byte {
	return block(o, 3, u32(o, origLen), data)
}

func pb(o binary.AppendByteOrder, id uint16, ticks uint64, capLen, origLen uint32, data []byte) []byte {
	return block(o, 2, u16(o, id), u16(o, 0), u32(o, uint32(ticks>>32)), u32(o, uint32(ticks)), u32(o, capLen), u32(o, origLen), data)
}

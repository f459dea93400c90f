package cbpf

import (
	"encoding/binary"
	"unsafe"
)

// The load helpers below define what reading packet data means under each
// semantics. Both the reference interpreter and the compiled VM use them, so
// the rules live in one place. Each returns ok=false when the load fails,
// which ends the program with 0.

// loadSize is the width in bytes of a load with the given size bits.
func loadSize(size uint16) uint32 {
	switch size {
	case SizeH:
		return 2
	case SizeB:
		return 1
	}
	return 4
}

// readBE reads a big-endian value of n (1, 2 or 4) bytes at off, which the
// caller has checked.
func readBE(pkt []byte, off uint32, n uint32) uint32 {
	switch n {
	case 1:
		return uint32(pkt[off])
	case 2:
		return uint32(binary.BigEndian.Uint16(pkt[off:]))
	}
	return binary.BigEndian.Uint32(pkt[off:])
}

// at8, at16 and at32 read a big-endian value at off, which the caller has
// checked lies inside pkt. They are the compiled VM's loads: every step
// checks its bounds once, against the program's own rule, and the checks
// the compiler would add again on the slice cost as much as the rest of
// the step.
func at8(pkt []byte, off int) uint32 {
	return uint32(*(*byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(pkt)), off)))
}

func at16(pkt []byte, off int) uint32 {
	p := (*[2]byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(pkt)), off))
	return uint32(p[0])<<8 | uint32(p[1])
}

func at32(pkt []byte, off int) uint32 {
	p := (*[4]byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(pkt)), off))
	return uint32(p[0])<<24 | uint32(p[1])<<16 | uint32(p[2])<<8 | uint32(p[3])
}

// loadAt reads n bytes at the unsigned 64-bit offset off, failing past the
// end of pkt. This is libpcap's rule for every load, and the kernel's for
// non-negative offsets.
func loadAt(pkt []byte, off uint64, n uint32) (uint32, bool) {
	if off+uint64(n) > uint64(len(pkt)) {
		return 0, false
	}
	return readBE(pkt, uint32(off), n), true
}

// NetworkBase and LinkBase as the kernel's signed offsets.
const (
	netOff  = -0x100000
	linkOff = -0x200000
)

// loadLinux reads n bytes at the kernel offset off, a signed 32-bit value:
// non-negative offsets address the packet, negative ones the network
// (NetworkBase) or link (LinkBase) header as bpf_internal_load_pointer_neg_helper
// does; anything below LinkBase fails.
func loadLinux(pkt []byte, off int32, n uint32, m *Metadata) (uint32, bool) {
	if off >= 0 {
		return loadAt(pkt, uint64(off), n)
	}
	var base int
	switch {
	case off >= netOff:
		base = m.NetworkOffset + int(off-netOff)
	case off >= linkOff:
		base = m.LinkOffset + int(off-linkOff)
	default:
		return 0, false
	}
	if base < 0 {
		return 0, false
	}
	return loadAt(pkt, uint64(base), n)
}

// msh is the value "ldx 4*([k]&0xf)" gives for the byte b at k.
func msh(b uint32) uint32 { return (b & 0xf) << 2 }

// ancillary returns the value of the Linux ancillary load a, given the
// registers (for the netlink lookups and ALU_XOR_X).
func ancillary(a Ancillary, pkt []byte, regA, regX uint32, m *Metadata) uint32 {
	switch a {
	case AncProtocol:
		return uint32(m.Protocol)
	case AncPacketType:
		return uint32(m.PacketType)
	case AncIfIndex:
		return m.IfIndex
	case AncNetlinkAttr:
		return netlinkAttr(pkt, regA, regX)
	case AncNetlinkNested:
		return netlinkNested(pkt, regA, regX)
	case AncMark:
		return m.Mark
	case AncQueue:
		return uint32(m.Queue)
	case AncHAType:
		return uint32(m.HAType)
	case AncRXHash:
		return m.RXHash
	case AncCPU:
		return m.CPU
	case AncALUXorX:
		return regA ^ regX
	case AncVLANTag:
		return uint32(m.VLANTCI)
	case AncVLANTagPresent:
		if m.VLANPresent {
			return 1
		}
		return 0
	case AncPayloadOffset:
		return m.PayloadOffset
	case AncRandom:
		return m.Random
	case AncVLANTPID:
		return uint32(m.VLANTPID)
	}
	return 0
}

// nlaHeader is the size of a netlink attribute header (struct nlattr).
const nlaHeader = 4

// netlinkAttr is SKF_AD_NLATTR: the offset of the first attribute of type
// attr in the attribute stream starting at offset start, or 0.
func netlinkAttr(pkt []byte, start, attr uint32) uint32 {
	n := uint32(len(pkt))
	if n < nlaHeader || start > n-nlaHeader {
		return 0
	}
	return findAttr(pkt, int(start), int(n-start), attr)
}

// netlinkNested is SKF_AD_NLATTR_NEST: the same search inside the payload
// of the attribute at offset start.
func netlinkNested(pkt []byte, start, attr uint32) uint32 {
	n := uint32(len(pkt))
	if n < nlaHeader || start > n-nlaHeader {
		return 0
	}
	l := uint32(binary.NativeEndian.Uint16(pkt[start:]))
	if l > n-start {
		return 0
	}
	return findAttr(pkt, int(start)+nlaHeader, int(l)-nlaHeader, attr)
}

// findAttr is the kernel's nla_find over rem bytes at off (host byte order
// headers, 4-byte alignment): the offset of the first attribute whose type,
// without the nested and byte-order flags, is attr; 0 when there is none.
func findAttr(pkt []byte, off, rem int, attr uint32) uint32 {
	for rem >= nlaHeader {
		l := int(binary.NativeEndian.Uint16(pkt[off:]))
		typ := uint32(binary.NativeEndian.Uint16(pkt[off+2:])) & 0x3fff
		if l < nlaHeader || l > rem {
			return 0
		}
		if typ == attr {
			return uint32(off)
		}
		step := (l + 3) &^ 3
		off += step
		rem -= step
	}
	return 0
}

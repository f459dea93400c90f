package capture

import (
	"encoding/binary"
	"io"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// pcapng block types, option codes and limits.
const (
	blockTypeIDB = 0x00000001
	blockTypePB  = 0x00000002 // obsolete Packet Block
	blockTypeSPB = 0x00000003
	blockTypeEPB = 0x00000006

	byteOrderMagic = 0x1a2b3c4d

	optEndOfOpt     = 0
	optIfName       = 2
	optIfDesc       = 3
	optIfTSResol    = 9
	optIfOS         = 12
	optIfTSOffset   = 14
	blockHeaderLen  = 8 // type and total length
	blockTrailerLen = 4 // total length again
	shbBodyLen      = 16
	idbBodyLen      = 8
	epbBodyLen      = 20
	spbBodyLen      = 4
	pbBodyLen       = 20

	// libpcap's limits: the first SHB may not exceed 1 MiB; other blocks
	// 16 MiB, or an EPB of the largest packet of any link type seen plus
	// 128 KiB of options.
	maxFirstSHBLen  = 1 << 20
	initialMaxBlock = 16 << 20
	maxBlockOptions = 128 << 10
)

// pcapngFile is the state of a pcapng file being read.
type pcapngFile struct {
	order       byteOrder // of the current section
	firstIface  int       // index in the interface list of the section's first
	clocks      []clock   // one per interface, parallel to the interface list
	maxBlockLen uint32
	sections    int
}

// openPcapng reads the first Section Header Block and the blocks up to the
// first Interface Description Block. On error it returns the offset of the
// block at fault.
func openPcapng(in *input, ifaces *[]Interface) (*pcapngFile, int64, error) {
	h, err := in.peek(blockHeaderLen + 4)
	if len(h) < blockHeaderLen+4 {
		return nil, 0, shortRead(err, "file header bytes", blockHeaderLen+4, int64(len(h)))
	}
	if !isByteOrderMagic(h[8:]) {
		return nil, 0, ErrUnknownFormat
	}
	ng := &pcapngFile{maxBlockLen: initialMaxBlock}
	ng.order.big = binary.BigEndian.Uint32(h[8:]) == byteOrderMagic
	if n := ng.order.u32(h[4:]); n < blockHeaderLen+shbBodyLen+blockTrailerLen || n > maxFirstSHBLen {
		return nil, 0, malformed("Section Header Block in pcapng dump file has invalid length %d < _%d_ < %d (BT_SHB_INSANE_MAX)",
			blockHeaderLen+shbBodyLen+blockTrailerLen, n, maxFirstSHBLen)
	}
	for len(*ifaces) == 0 {
		offset := in.offset
		typ, body, err := ng.readBlock(in)
		switch {
		case err == io.EOF:
			return nil, offset, malformed("the capture file has no Interface Description Blocks")
		case err != nil:
			return nil, offset, err
		case typ == blockTypeEPB || typ == blockTypeSPB || typ == blockTypePB:
			return nil, offset, malformed("the capture file has a packet block before any Interface Description Blocks")
		}
		if err := ng.control(typ, body, ifaces); err != nil {
			return nil, offset, err
		}
	}
	return ng, 0, nil
}

// ngShortRead returns the error for a short read inside a block.
func ngShortRead(err error, want, got int) error {
	err = shortRead(err, "bytes", int64(want), int64(got))
	if t, ok := err.(*TruncatedError); ok {
		t.pcapng = true
	}
	return err
}

func isByteOrderMagic(b []byte) bool {
	return binary.LittleEndian.Uint32(b) == byteOrderMagic || binary.BigEndian.Uint32(b) == byteOrderMagic
}

// readBlock reads one whole block and returns its type and body (between
// the length fields); the body is valid until the next read. A Section
// Header Block switches the byte order before its length is decoded.
func (ng *pcapngFile) readBlock(in *input) (uint32, []byte, error) {
	h, err := in.peek(blockHeaderLen)
	if len(h) < blockHeaderLen {
		if len(h) == 0 && err == io.EOF {
			return 0, nil, io.EOF
		}
		return 0, nil, ngShortRead(err, blockHeaderLen, len(h))
	}
	order := ng.order
	if binary.LittleEndian.Uint32(h) == blockTypeSHB {
		h, err = in.peek(blockHeaderLen + 4)
		if len(h) < blockHeaderLen+4 {
			return 0, nil, ngShortRead(err, 4, len(h)-blockHeaderLen)
		}
		if !isByteOrderMagic(h[8:]) {
			return 0, nil, malformed("the file has a section with a bad byte order magic field")
		}
		order.big = binary.BigEndian.Uint32(h[8:]) == byteOrderMagic
	}
	typ, total := order.u32(h), order.u32(h[4:])
	switch {
	case total < blockHeaderLen+blockTrailerLen:
		return 0, nil, malformed("block in pcapng dump file has a length of %d < %d", total, blockHeaderLen+blockTrailerLen)
	case total%4 != 0:
		return 0, nil, malformed("block in pcapng dump file has a length of %d that is not a multiple of 4", total)
	case total > ng.maxBlockLen:
		return 0, nil, tooLarge("pcapng block size %d > maximum %d", total, ng.maxBlockLen)
	}
	b, err := in.peek(int(total))
	if len(b) < int(total) {
		// libpcap reads the header, then the rest.
		return 0, nil, ngShortRead(err, int(total)-blockHeaderLen, len(b)-blockHeaderLen)
	}
	if order.u32(b[total-blockTrailerLen:]) != total {
		return 0, nil, malformed("block total length in header and trailer don't match")
	}
	in.consume(int(total))
	ng.order = order
	return typ, b[blockHeaderLen : total-blockTrailerLen], nil
}

// control handles a block that is not a packet: a section header, an
// interface description, or anything else, which is skipped.
func (ng *pcapngFile) control(typ uint32, body []byte, ifaces *[]Interface) error {
	switch typ {
	case blockTypeSHB:
		return ng.section(body, len(*ifaces))
	case blockTypeIDB:
		iface, c, err := ng.interfaceDescription(body)
		if err != nil {
			return err
		}
		*ifaces = append(*ifaces, iface)
		ng.clocks = append(ng.clocks, c)
		ng.maxBlockLen = max(ng.maxBlockLen, blockHeaderLen+epbBodyLen+maxCapLen(iface.LinkType)+maxBlockOptions+blockTrailerLen)
	}
	return nil
}

// section starts a new section whose interfaces will follow the n seen.
func (ng *pcapngFile) section(body []byte, n int) error {
	if len(body) < shbBodyLen {
		return tooShort(blockTypeSHB)
	}
	major, minor := ng.order.u16(body[4:]), ng.order.u16(body[6:])
	// libpcap accepts minor versions 0 and 2 in the first section and any
	// minor version after it.
	if major != 1 || (ng.sections == 0 && minor != 0 && minor != 2) {
		return unsupported("unsupported pcapng savefile version %d.%d", major, minor)
	}
	ng.sections++
	ng.firstIface = n
	return nil
}

func tooShort(typ uint32) error {
	return malformed("block of type %d in pcapng dump file is too short", typ)
}

// interfaceDescription decodes an Interface Description Block.
func (ng *pcapngFile) interfaceDescription(body []byte) (Interface, clock, error) {
	if len(body) < idbBodyLen {
		return Interface{}, clock{}, tooShort(blockTypeIDB)
	}
	lt := layers.LinkType(ng.order.u16(body))
	iface := Interface{
		LinkType:     lt,
		SnapLen:      adjustSnapLen(lt, ng.order.u32(body[4:])),
		TSResolution: Microseconds,
	}
	var sawResolution, sawOffset bool
	for opts := body[idbBodyLen:]; len(opts) > 0; {
		if len(opts) < 4 {
			return Interface{}, clock{}, tooShort(blockTypeIDB)
		}
		code, n := ng.order.u16(opts), int(ng.order.u16(opts[2:]))
		padded := (n + 3) &^ 3
		if len(opts)-4 < padded {
			return Interface{}, clock{}, tooShort(blockTypeIDB)
		}
		value := opts[4 : 4+n]
		opts = opts[4+padded:]
		switch code {
		case optEndOfOpt:
			if n != 0 {
				return Interface{}, clock{}, malformed("Interface Description Block has opt_endofopt option with length %d != 0", n)
			}
			opts = nil
		case optIfName:
			iface.Name = string(value)
		case optIfDesc:
			iface.Description = string(value)
		case optIfOS:
			iface.OS = string(value)
		case optIfTSResol:
			if n != 1 {
				return Interface{}, clock{}, malformed("Interface Description Block has if_tsresol option with length %d != 1", n)
			}
			if sawResolution {
				return Interface{}, clock{}, malformed("Interface Description Block has more than one if_tsresol option")
			}
			sawResolution = true
			iface.TSResolution = TSResolution(value[0])
			if _, err := iface.TSResolution.TicksPerSecond(); err != nil {
				return Interface{}, clock{}, malformed("Interface Description Block if_tsresol option resolution %s is too high", iface.TSResolution.exponent())
			}
		case optIfTSOffset:
			if n != 8 {
				return Interface{}, clock{}, malformed("Interface Description Block has if_tsoffset option with length %d != 8", n)
			}
			if sawOffset {
				return Interface{}, clock{}, malformed("Interface Description Block has more than one if_tsoffset option")
			}
			sawOffset = true
			iface.TSOffset = int64(ng.order.u64(value))
		}
	}
	return iface, newClock(iface.TSResolution, iface.TSOffset), nil
}

// next reads blocks up to the next packet and returns it with the offset of
// its block.
func (ng *pcapngFile) next(in *input, ifaces *[]Interface) ([]byte, gopacket.CaptureInfo, int64, error) {
	for {
		offset := in.offset
		typ, body, err := ng.readBlock(in)
		if err != nil {
			return nil, gopacket.CaptureInfo{}, offset, err
		}
		switch typ {
		case blockTypeEPB, blockTypeSPB, blockTypePB:
			data, ci, err := ng.packet(typ, body, *ifaces)
			return data, ci, offset, err
		default:
			if err := ng.control(typ, body, ifaces); err != nil {
				return nil, gopacket.CaptureInfo{}, offset, err
			}
		}
	}
}

// packet decodes a packet block.
func (ng *pcapngFile) packet(typ uint32, body []byte, ifaces []Interface) ([]byte, gopacket.CaptureInfo, error) {
	var (
		id              uint32
		ticks           uint64
		capLen, origLen uint32
		data            []byte
	)
	o := ng.order
	switch typ {
	case blockTypeEPB:
		if len(body) < epbBodyLen {
			return nil, gopacket.CaptureInfo{}, tooShort(typ)
		}
		id, ticks = o.u32(body), uint64(o.u32(body[4:]))<<32|uint64(o.u32(body[8:]))
		capLen, origLen = o.u32(body[12:]), o.u32(body[16:])
		data = body[epbBodyLen:]
	case blockTypePB:
		if len(body) < pbBodyLen {
			return nil, gopacket.CaptureInfo{}, tooShort(typ)
		}
		id, ticks = uint32(o.u16(body)), uint64(o.u32(body[4:]))<<32|uint64(o.u32(body[8:]))
		capLen, origLen = o.u32(body[12:]), o.u32(body[16:])
		data = body[pbBodyLen:]
	case blockTypeSPB:
		if len(body) < spbBodyLen {
			return nil, gopacket.CaptureInfo{}, tooShort(typ)
		}
		// No interface, timestamp or captured length: the first
		// interface, time zero, and the length cut to its snapshot.
		origLen, capLen = o.u32(body), o.u32(body)
		data = body[spbBodyLen:]
	}
	if id >= uint32(len(ifaces)-ng.firstIface) {
		return nil, gopacket.CaptureInfo{}, malformed("a packet arrived on interface %d, but there's no Interface Description Block for that interface", id)
	}
	index := ng.firstIface + int(id)
	iface := &ifaces[index]
	if typ == blockTypeSPB {
		capLen = min(capLen, iface.SnapLen)
	}
	if capLen > iface.SnapLen {
		return nil, gopacket.CaptureInfo{}, tooLarge("invalid packet capture length %d, bigger than snaplen of %d", capLen, iface.SnapLen)
	}
	if uint64(capLen) > uint64(len(data)) {
		return nil, gopacket.CaptureInfo{}, tooShort(typ)
	}
	data = data[:capLen]
	if o.swapped() {
		swapPseudoHeader(iface.LinkType, data, origLen)
	}
	origLen = fixUSBMmappedLength(iface.LinkType, data, origLen)
	c := &ng.clocks[index]
	return data, gopacket.CaptureInfo{
		Timestamp:      c.time(ticks),
		CaptureLength:  int(capLen),
		Length:         int(origLen),
		InterfaceIndex: index,
	}, nil
}

package capture

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/gopacket/gopacket"
)

// PcapngWriter writes a pcapng file with one section. It buffers: call
// Flush when done.
type PcapngWriter struct {
	w      *bufio.Writer
	clocks []clock // one per interface written
	block  []byte  // scratch for headers and options
}

// NewPcapngWriter writes a Section Header Block and one Interface
// Description Block per interface (with if_tsresol when the resolution is
// not microseconds) and returns a writer for the packets, whose
// CaptureInfo.InterfaceIndex indexes ifaces.
func NewPcapngWriter(w io.Writer, ifaces []Interface) (*PcapngWriter, error) {
	nw := &PcapngWriter{w: bufio.NewWriterSize(w, writeBufferSize)}
	const shbLen = blockHeaderLen + shbBodyLen + blockTrailerLen
	b := nw.blockStart(blockTypeSHB)
	b = binary.NativeEndian.AppendUint32(b, byteOrderMagic)
	b = binary.NativeEndian.AppendUint16(b, 1) // version 1.0
	b = binary.NativeEndian.AppendUint16(b, 0)
	b = binary.NativeEndian.AppendUint64(b, math.MaxUint64) // section length unknown
	if err := nw.blockEnd(b, shbLen); err != nil {
		return nil, fmt.Errorf("write pcapng header: %w", err)
	}
	for _, iface := range ifaces {
		if _, err := nw.AddInterface(iface); err != nil {
			return nil, err
		}
	}
	return nw, nil
}

// AddInterface writes an Interface Description Block and returns the index
// that packets on the interface use as CaptureInfo.InterfaceIndex.
func (nw *PcapngWriter) AddInterface(iface Interface) (int, error) {
	if _, err := iface.TSResolution.TicksPerSecond(); err != nil {
		return 0, fmt.Errorf("write interface %q: %w", iface.Name, err)
	}
	ne := binary.NativeEndian
	b := nw.blockStart(blockTypeIDB)
	b = ne.AppendUint16(b, uint16(iface.LinkType))
	b = ne.AppendUint16(b, 0) // reserved
	b = ne.AppendUint32(b, iface.SnapLen)
	for _, opt := range []struct {
		code  uint16
		value string
	}{{optIfName, iface.Name}, {optIfDesc, iface.Description}, {optIfOS, iface.OS}} {
		if opt.value != "" {
			if len(opt.value) > math.MaxUint16 {
				return 0, fmt.Errorf("write interface %q: option %d longer than 65535 bytes: %w", iface.Name, opt.code, ErrInvalidPacket)
			}
			b = appendOption(b, opt.code, []byte(opt.value))
		}
	}
	if iface.TSResolution != Microseconds {
		b = appendOption(b, optIfTSResol, []byte{byte(iface.TSResolution)})
	}
	if iface.TSOffset != 0 {
		b = appendOption(b, optIfTSOffset, ne.AppendUint64(nil, uint64(iface.TSOffset)))
	}
	b = appendOption(b, optEndOfOpt, nil)
	if err := nw.blockEnd(b, len(b)+blockTrailerLen); err != nil {
		return 0, fmt.Errorf("write interface %q: %w", iface.Name, err)
	}
	nw.clocks = append(nw.clocks, newClock(iface.TSResolution, iface.TSOffset))
	return len(nw.clocks) - 1, nil
}

// appendOption appends a pcapng option padded to 32 bits.
func appendOption(b []byte, code uint16, value []byte) []byte {
	b = binary.NativeEndian.AppendUint16(b, code)
	b = binary.NativeEndian.AppendUint16(b, uint16(len(value)))
	b = append(b, value...)
	return append(b, make([]byte, pad4(len(value)))...)
}

// pad4 returns the padding that brings n to a multiple of 4.
func pad4(n int) int { return -n & 3 }

// blockStart begins a block in the scratch buffer; its length is filled in
// by blockEnd.
func (nw *PcapngWriter) blockStart(typ uint32) []byte {
	b := binary.NativeEndian.AppendUint32(nw.block[:0], typ)
	return binary.NativeEndian.AppendUint32(b, 0)
}

// blockEnd sets the total length of the block in b, whose body is
// complete, and writes it with its trailer.
func (nw *PcapngWriter) blockEnd(b []byte, total int) error {
	binary.NativeEndian.PutUint32(b[4:], uint32(total))
	b = binary.NativeEndian.AppendUint32(b, uint32(total))
	nw.block = b
	_, err := nw.w.Write(b)
	return err
}

// WritePacket writes an Enhanced Packet Block on interface
// ci.InterfaceIndex, with the timestamp truncated to its resolution.
func (nw *PcapngWriter) WritePacket(ci gopacket.CaptureInfo, data []byte) error {
	if ci.InterfaceIndex < 0 || ci.InterfaceIndex >= len(nw.clocks) {
		return fmt.Errorf("write packet: interface %d of %d: %w", ci.InterfaceIndex, len(nw.clocks), ErrInvalidPacket)
	}
	if err := checkLengths(ci, data); err != nil {
		return err
	}
	total := uint64(blockHeaderLen+epbBodyLen+blockTrailerLen) + uint64(len(data)) + uint64(pad4(len(data)))
	if total > math.MaxUint32 {
		return fmt.Errorf("write packet: %d bytes: %w", len(data), ErrInvalidPacket)
	}
	c := &nw.clocks[ci.InterfaceIndex]
	ticks, err := timeToTicks(ci.Timestamp, c.ticksPerSecond, c.offset)
	if err != nil {
		return fmt.Errorf("write packet: %w", err)
	}
	ne := binary.NativeEndian
	b := nw.blockStart(blockTypeEPB)
	ne.PutUint32(b[4:], uint32(total))
	b = ne.AppendUint32(b, uint32(ci.InterfaceIndex))
	b = ne.AppendUint32(b, uint32(ticks>>32))
	b = ne.AppendUint32(b, uint32(ticks))
	b = ne.AppendUint32(b, uint32(len(data)))
	b = ne.AppendUint32(b, uint32(ci.Length))
	nw.block = b
	if _, err := nw.w.Write(b); err != nil {
		return fmt.Errorf("write packet: %w", err)
	}
	if _, err := nw.w.Write(data); err != nil {
		return fmt.Errorf("write packet: %w", err)
	}
	tail := ne.AppendUint32(append(b[:0], make([]byte, pad4(len(data)))...), uint32(total))
	nw.block = tail
	if _, err := nw.w.Write(tail); err != nil {
		return fmt.Errorf("write packet: %w", err)
	}
	return nil
}

// Flush writes buffered data to the underlying writer.
func (nw *PcapngWriter) Flush() error {
	if err := nw.w.Flush(); err != nil {
		return fmt.Errorf("flush pcapng: %w", err)
	}
	return nil
}

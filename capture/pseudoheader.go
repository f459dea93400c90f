package capture

import (
	"encoding/binary"

	"github.com/gopacket/gopacket/layers"
)

// Linux writes some pseudo-headers in the capturing host's byte order.
// libpcap converts them to the reading host's order when a file's byte
// order differs, and so must a Reader to hand out the same bytes. The
// layouts below are those of libpcap's pflog.h, pcap/sll.h, pcap/usb.h
// and pcap/nflog.h.

// Link types with host-byte-order pseudo-headers.
const (
	linkTypePFLog           layers.LinkType = 117
	linkTypeLinuxSLL        layers.LinkType = 113
	linkTypeLinuxSLL2       layers.LinkType = 276
	linkTypeUSBLinux        layers.LinkType = 189
	linkTypeUSBLinuxMmapped layers.LinkType = 220
	linkTypeNFLog           layers.LinkType = 239
)

// swapPseudoHeader converts the host-byte-order fields at the start of
// data, a packet of origLen bytes on the wire, to this machine's order.
func swapPseudoHeader(lt layers.LinkType, data []byte, origLen uint32) {
	switch lt {
	case linkTypePFLog:
		swapPFLog(data, origLen)
	case linkTypeLinuxSLL:
		swapSocketCAN(data, origLen, 14, 16)
	case linkTypeLinuxSLL2:
		swapSocketCAN(data, origLen, 0, 20)
	case linkTypeUSBLinux:
		swapUSB(data, false)
	case linkTypeUSBLinuxMmapped:
		swapUSB(data, true)
	case linkTypeNFLog:
		swapNFLog(data, origLen)
	}
}

// present reports whether a field ending at end was captured and sent.
func present(data []byte, origLen uint32, end int) bool {
	return len(data) >= end && origLen >= uint32(end)
}

// swapPFLog swaps the uid, pid, rule_uid and rule_pid fields, each only if
// the header's own length says it has it.
func swapPFLog(data []byte, origLen uint32) {
	for _, field := range []int{44, 48, 52, 56} {
		end := field + 4
		if !present(data, origLen, end) || int(data[0]) < end {
			return
		}
		swap32(data[field:end])
	}
}

// SocketCAN protocols in a cooked header.
const (
	sllProtocolCAN   = 0x000c
	sllProtocolCANFD = 0x000d
)

// swapSocketCAN swaps the CAN identifier that follows a Linux cooked
// header of headerLen bytes whose big-endian protocol is at protoAt.
func swapSocketCAN(data []byte, origLen uint32, protoAt, headerLen int) {
	if !present(data, origLen, headerLen) {
		return
	}
	if p := binary.BigEndian.Uint16(data[protoAt:]); p != sllProtocolCAN && p != sllProtocolCANFD {
		return
	}
	if present(data, origLen, headerLen+4) {
		swap32(data[headerLen : headerLen+4])
	}
}

// Linux USB header layout and values.
const (
	usbHeaderLen        = 48 // DLT_USB_LINUX
	usbMmappedHeaderLen = 64 // DLT_USB_LINUX_MMAPPED
	usbIsoDescLen       = 16
	usbTransferIso      = 0
	usbEventComplete    = 'C'
	usbEndpointIn       = 0x80
)

// swapUSB swaps the host-order fields of a Linux USB header, field by
// field while they were captured, as libpcap's swap_linux_usb_header.
func swapUSB(data []byte, mmapped bool) {
	fields := []struct{ at, size int }{
		{0, 8}, {12, 2}, {16, 8}, {24, 4}, {28, 4}, {32, 4}, {36, 4},
	}
	for _, f := range fields {
		if len(data) < f.at+f.size {
			return
		}
		swapField(data[f.at : f.at+f.size])
	}
	iso := data[9] == usbTransferIso
	if iso {
		// s.iso.error_count and s.iso.numdesc; otherwise a setup header.
		for at := 40; at < 48; at += 4 {
			if len(data) < at+4 {
				return
			}
			swap32(data[at : at+4])
		}
	}
	if !mmapped {
		return
	}
	// interval, start_frame, xfer_flags, ndesc.
	for at := 48; at < usbMmappedHeaderLen; at += 4 {
		if len(data) < at+4 {
			return
		}
		swap32(data[at : at+4])
	}
	if !iso {
		return
	}
	ndesc := binary.NativeEndian.Uint32(data[60:])
	for i, at := uint32(0), usbMmappedHeaderLen; i < ndesc; i, at = i+1, at+usbIsoDescLen {
		// status, offset, len; then 4 bytes of padding.
		for f := at; f < at+12; f += 4 {
			if len(data) < f+4 {
				return
			}
			swap32(data[f : f+4])
		}
	}
}

func swapField(b []byte) {
	switch len(b) {
	case 2:
		swap16(b)
	case 4:
		swap32(b)
	case 8:
		swap64(b)
	}
}

// NFLOG layout: a 4-byte header (family, version, resource id), then TLVs
// whose 16-bit length and type are in host order.
const (
	nflogHeaderLen = 4
	nflogTLVLen    = 4
)

// swapNFLog swaps the length and type of each captured TLV.
func swapNFLog(data []byte, origLen uint32) {
	if !present(data, origLen, nflogHeaderLen) || data[1] != 0 {
		return
	}
	rest, restLen := data[nflogHeaderLen:], origLen-nflogHeaderLen
	for len(rest) >= nflogTLVLen {
		swap16(rest[0:2])
		swap16(rest[2:4])
		size := uint32(binary.NativeEndian.Uint16(rest))
		size = (size + 3) &^ 3
		if size < nflogTLVLen || uint32(len(rest)) < size || restLen < size {
			return
		}
		rest, restLen = rest[size:], restLen-size
	}
}

// fixUSBMmappedLength returns the original length of a packet as libpcap
// reports it: for memory-mapped Linux USB captures, old libpcap versions
// computed the length of incoming isochronous completions from the URB
// length, and libpcap recomputes it from the isochronous descriptors.
func fixUSBMmappedLength(lt layers.LinkType, data []byte, origLen uint32) uint32 {
	if lt != linkTypeUSBLinuxMmapped || len(data) < usbMmappedHeaderLen {
		return origLen
	}
	ne := binary.NativeEndian
	ndesc, urbLen := ne.Uint32(data[60:]), ne.Uint32(data[32:])
	dataFlag, transfer, event, endpoint := data[15], data[9], data[8], data[10]
	if dataFlag != 0 || transfer != usbTransferIso || event != usbEventComplete || endpoint&usbEndpointIn == 0 ||
		uint64(origLen) != usbMmappedHeaderLen+uint64(ndesc)*usbIsoDescLen+uint64(urbLen) {
		return origLen
	}
	var dataEnd uint32
	left := len(data) - usbMmappedHeaderLen
	for i, at := uint32(0), usbMmappedHeaderLen; i < ndesc && left >= usbIsoDescLen; i, at, left = i+1, at+usbIsoDescLen, left-usbIsoDescLen {
		offset, n := ne.Uint32(data[at+4:]), ne.Uint32(data[at+8:])
		if n != 0 {
			dataEnd = max(dataEnd, offset+n) // wraps in 32 bits, as in libpcap
		}
	}
	// 32-bit arithmetic, as libpcap's u_int.
	total := uint32(usbMmappedHeaderLen) + ndesc*usbIsoDescLen + dataEnd
	if total >= uint32(len(data)) {
		origLen = total
	}
	return max(origLen, uint32(len(data)))
}

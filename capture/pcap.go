package capture

import (
	"io"
	"math"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Layout and versions of pcap files.
const (
	pcapFileHeaderLen     = 24
	pcapRecordHeaderLen   = 16
	kuznetzovRecordHdrLen = 24 // adds ifindex, protocol, packet type, padding
	pcapLinkTypeMask      = 0x03ffffff
	pcapVersionMajor      = 2
	pcapVersionMinor      = 4
	dguxVersionMajor      = 543 // DG/UX tcpdump: pre-2.3 field order
	ethernetHeaderLen     = 14
)

// lengthOrder says whether a version stores the captured and original
// lengths in the old (swapped) order.
type lengthOrder uint8

const (
	lengthsInOrder lengthOrder = iota
	lengthsSwapped
	lengthsMaybeSwapped // version 2.3: swapped when caplen > len
)

// pcapFile is the state of a pcap file being read.
type pcapFile struct {
	order       byteOrder
	nano        bool
	recordLen   int // record header length
	lengths     lengthOrder
	linkType    layers.LinkType
	linkTypeExt uint32 // flag bits above the link type in the header field
	snapLen     uint32 // adjusted
	maxCapLen   uint32
}

// openPcap reads a pcap file header and records its interface in ifaces.
func openPcap(in *input, ifaces *[]Interface) (*pcapFile, error) {
	h, err := in.peek(pcapFileHeaderLen)
	if len(h) < pcapFileHeaderLen {
		return nil, shortRead(err, "file header bytes", pcapFileHeaderLen, int64(len(h)))
	}
	p := &pcapFile{recordLen: pcapRecordHeaderLen}
	magic := byteOrder{}.u32(h)
	if !isPcapMagic(magic) {
		p.order.big = true
		magic = p.order.u32(h)
	}
	p.nano = magic == magicNanoseconds
	major, minor := p.order.u16(h[4:]), p.order.u16(h[6:])
	if major < pcapVersionMajor {
		return nil, unsupported("archaic pcap savefile format")
	}
	switch {
	case major == pcapVersionMajor && minor < 3, major == dguxVersionMajor && minor == 0:
		p.lengths = lengthsSwapped
	case major == pcapVersionMajor && minor == 3:
		p.lengths = lengthsMaybeSwapped
	case major == pcapVersionMajor && minor <= pcapVersionMinor:
	default:
		return nil, unsupported("unsupported pcap savefile version %d.%d", major, minor)
	}
	field := p.order.u32(h[20:])
	if field&pcapLinkTypeMask > math.MaxUint16 {
		return nil, unsupported("unsupported link type %d", field&pcapLinkTypeMask)
	}
	p.linkType = layers.LinkType(field & pcapLinkTypeMask)
	p.linkTypeExt = field &^ pcapLinkTypeMask
	p.snapLen = adjustSnapLen(p.linkType, p.order.u32(h[16:]))
	p.maxCapLen = maxCapLen(p.linkType)
	if magic == magicKuznetzov {
		p.recordLen = kuznetzovRecordHdrLen
		if p.linkType == layers.LinkTypeEthernet {
			// Cooked-mode captures added a fake Ethernet header to
			// snapshot-length packets.
			p.snapLen = min(p.snapLen+ethernetHeaderLen, math.MaxInt32)
		}
	}
	res := Microseconds
	if p.nano {
		res = Nanoseconds
	}
	*ifaces = append(*ifaces, Interface{LinkType: p.linkType, SnapLen: p.snapLen, TSResolution: res})
	in.consume(pcapFileHeaderLen)
	return p, nil
}

// next reads one record.
func (p *pcapFile) next(in *input) ([]byte, gopacket.CaptureInfo, error) {
	h, err := in.peek(p.recordLen)
	if len(h) < p.recordLen {
		if len(h) == 0 && err == io.EOF {
			return nil, gopacket.CaptureInfo{}, io.EOF
		}
		return nil, gopacket.CaptureInfo{}, shortRead(err, "header bytes", int64(p.recordLen), int64(len(h)))
	}
	sec, frac := p.order.u32(h), p.order.u32(h[4:])
	capLen, origLen := p.order.u32(h[8:]), p.order.u32(h[12:])
	if p.lengths == lengthsSwapped || (p.lengths == lengthsMaybeSwapped && capLen > origLen) {
		capLen, origLen = origLen, capLen
	}
	if capLen > p.maxCapLen {
		if capLen > p.snapLen {
			return nil, gopacket.CaptureInfo{}, tooLarge("invalid packet capture length %d, bigger than snaplen of %d", capLen, p.snapLen)
		}
		return nil, gopacket.CaptureInfo{}, tooLarge("invalid packet capture length %d, bigger than maximum of %d", capLen, p.maxCapLen)
	}
	in.consume(p.recordLen)
	// capLen <= maxCapLen, so the buffer stays within libpcap's limits.
	data, err := in.peek(int(capLen))
	if len(data) < int(capLen) {
		return nil, gopacket.CaptureInfo{}, p.truncatedData(err, capLen, len(data))
	}
	in.consume(int(capLen))
	if capLen > p.snapLen {
		// libpcap keeps the first snapshot-length bytes of an oversized
		// record and skips the rest.
		data = data[:p.snapLen]
		capLen = p.snapLen
	}
	if p.order.swapped() {
		swapPseudoHeader(p.linkType, data, origLen)
	}
	origLen = fixUSBMmappedLength(p.linkType, data, origLen)
	ns := int64(frac)
	if !p.nano {
		ns *= 1000
	}
	return data, gopacket.CaptureInfo{
		Timestamp:     time.Unix(int64(sec), ns).UTC(),
		CaptureLength: int(capLen),
		Length:        int(origLen),
	}, nil
}

// truncatedData reports a record whose data ends early, with the byte
// counts libpcap reports.
func (p *pcapFile) truncatedData(err error, capLen uint32, got int) error {
	want := int64(capLen)
	if capLen > p.snapLen && got < int(p.snapLen) {
		want = int64(p.snapLen)
	}
	return shortRead(err, "captured bytes", want, int64(got))
}

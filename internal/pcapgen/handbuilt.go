package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// The headers in this file are ones gopacket decodes but cannot serialize.
// Each is the smallest SerializableLayer that writes the header in front of
// what has been serialized so far.

var (
	errAddressTooLong = errors.New("link-layer address longer than 8 bytes")
	errBadAHLength    = errors.New("authentication header length not a multiple of 4 bytes")
)

// prepend writes hdr in front of b's current contents.
func prepend(b gopacket.SerializeBuffer, hdr []byte) error {
	out, err := b.PrependBytes(len(hdr))
	if err != nil {
		return err
	}
	copy(out, hdr)
	return nil
}

// linuxSLL is the 16-byte LINKTYPE_LINUX_SLL header: packet type, ARPHRD
// type, link-layer address length and up to 8 address bytes, protocol.
type linuxSLL struct {
	pktType layers.LinuxSLLPacketType
	arphrd  uint16
	addr    net.HardwareAddr
	proto   layers.EthernetType
}

func (*linuxSLL) LayerType() gopacket.LayerType { return layers.LayerTypeLinuxSLL }

func (h *linuxSLL) SerializeTo(b gopacket.SerializeBuffer, _ gopacket.SerializeOptions) error {
	if len(h.addr) > 8 {
		return fmt.Errorf("sll address of %d bytes: %w", len(h.addr), errAddressTooLong)
	}
	hdr := make([]byte, 16)
	binary.BigEndian.PutUint16(hdr[0:], uint16(h.pktType))
	binary.BigEndian.PutUint16(hdr[2:], h.arphrd)
	binary.BigEndian.PutUint16(hdr[4:], uint16(len(h.addr)))
	copy(hdr[6:14], h.addr)
	binary.BigEndian.PutUint16(hdr[14:], uint16(h.proto))
	return prepend(b, hdr)
}

// linuxSLL2 is the 20-byte LINKTYPE_LINUX_SLL2 header: protocol, reserved,
// interface index, ARPHRD type, packet type, address length, address.
type linuxSLL2 struct {
	proto   layers.EthernetType
	ifindex uint32
	arphrd  uint16
	pktType layers.LinuxSLLPacketType
	addr    net.HardwareAddr
}

func (*linuxSLL2) LayerType() gopacket.LayerType { return layers.LayerTypeLinuxSLL2 }

func (h *linuxSLL2) SerializeTo(b gopacket.SerializeBuffer, _ gopacket.SerializeOptions) error {
	if len(h.addr) > 8 {
		return fmt.Errorf("sll2 address of %d bytes: %w", len(h.addr), errAddressTooLong)
	}
	hdr := make([]byte, 20)
	binary.BigEndian.PutUint16(hdr[0:], uint16(h.proto))
	binary.BigEndian.PutUint32(hdr[4:], h.ifindex)
	binary.BigEndian.PutUint16(hdr[8:], h.arphrd)
	hdr[10] = uint8(h.pktType)
	hdr[11] = uint8(len(h.addr))
	copy(hdr[12:], h.addr)
	return prepend(b, hdr)
}

// loopHeader is the DLT_LOOP header: the address family as a big-endian
// 32-bit word. (DLT_NULL's host-endian word is gopacket's layers.Loopback,
// which writes little-endian.)
type loopHeader struct {
	family uint32
}

func (*loopHeader) LayerType() gopacket.LayerType { return layers.LayerTypeLoopback }

func (h *loopHeader) SerializeTo(b gopacket.SerializeBuffer, _ gopacket.SerializeOptions) error {
	return prepend(b, binary.BigEndian.AppendUint32(nil, h.family))
}

// IGMP message types (RFC 2236, RFC 3376).
const (
	igmpQuery    = 0x11
	igmpV1Report = 0x12
	igmpV2Report = 0x16
	igmpV2Leave  = 0x17
	igmpV3Report = 0x22
)

// igmpGroupRecord is one IGMPv3 report record (RFC 3376 section 4.2.4).
type igmpGroupRecord struct {
	recordType uint8 // 1..6, e.g. 4 CHANGE_TO_EXCLUDE_MODE
	group      net.IP
	sources    []net.IP
}

// igmp is an IGMPv1/v2 message, or an IGMPv3 membership report when records
// is set, with its checksum.
type igmp struct {
	msgType uint8
	maxResp uint8 // tenths of a second
	group   net.IP
	records []igmpGroupRecord
}

func (*igmp) LayerType() gopacket.LayerType { return layers.LayerTypeIGMP }

func (m *igmp) SerializeTo(b gopacket.SerializeBuffer, _ gopacket.SerializeOptions) error {
	msg := []byte{m.msgType, m.maxResp, 0, 0}
	if m.msgType == igmpV3Report {
		msg = binary.BigEndian.AppendUint16(append(msg, 0, 0), uint16(len(m.records)))
		for _, r := range m.records {
			msg = append(msg, r.recordType, 0)
			msg = binary.BigEndian.AppendUint16(msg, uint16(len(r.sources)))
			msg = append(msg, r.group.To4()...)
			for _, s := range r.sources {
				msg = append(msg, s.To4()...)
			}
		}
	} else {
		msg = append(msg, m.group.To4()...)
	}
	binary.BigEndian.PutUint16(msg[2:], internetChecksum(msg))
	return prepend(b, msg)
}

// ipsecAH is an IPsec authentication header (RFC 4302) with an opaque ICV.
// Its length must be a multiple of 8 bytes under IPv6, 4 under IPv4.
type ipsecAH struct {
	next     layers.IPProtocol
	spi, seq uint32
	icv      []byte
}

func (*ipsecAH) LayerType() gopacket.LayerType { return layers.LayerTypeIPSecAH }

func (h *ipsecAH) SerializeTo(b gopacket.SerializeBuffer, _ gopacket.SerializeOptions) error {
	size := 12 + len(h.icv)
	if size%4 != 0 {
		return fmt.Errorf("ah of %d bytes: %w", size, errBadAHLength)
	}
	hdr := []byte{uint8(h.next), uint8(size/4 - 2), 0, 0}
	hdr = binary.BigEndian.AppendUint32(hdr, h.spi)
	hdr = binary.BigEndian.AppendUint32(hdr, h.seq)
	return prepend(b, append(hdr, h.icv...))
}

// ipsecESP is an IPsec ESP header (RFC 4303) followed by the ciphertext,
// which a capture cannot look into.
type ipsecESP struct {
	spi, seq   uint32
	ciphertext []byte
}

func (*ipsecESP) LayerType() gopacket.LayerType { return layers.LayerTypeIPSecESP }

func (h *ipsecESP) SerializeTo(b gopacket.SerializeBuffer, _ gopacket.SerializeOptions) error {
	hdr := binary.BigEndian.AppendUint32(nil, h.spi)
	hdr = binary.BigEndian.AppendUint32(hdr, h.seq)
	return prepend(b, append(hdr, h.ciphertext...))
}

// pppoeTag is one PPPoE discovery tag (RFC 2516 appendix A).
type pppoeTag struct {
	tagType uint16
	value   []byte
}

// PPPoE discovery tag types.
const (
	tagServiceName = 0x0101
	tagACName      = 0x0102
	tagHostUniq    = 0x0103
	tagACCookie    = 0x0104
)

// pppoeTags encodes discovery tags as the payload of a PPPoE discovery
// packet.
func pppoeTags(tags ...pppoeTag) gopacket.Payload {
	var b []byte
	for _, t := range tags {
		b = binary.BigEndian.AppendUint16(b, t.tagType)
		b = binary.BigEndian.AppendUint16(b, uint16(len(t.value)))
		b = append(b, t.value...)
	}
	return b
}

package afpacket

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"golang.org/x/sys/unix"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// Lengths of the headers a handle builds in front of packets.
const (
	sllHeaderLen  = 16 // struct sll_header (LINUX_SLL)
	sll2HeaderLen = 20 // struct sll2_header (LINUX_SLL2)
	vlanTagLen    = 4  // an 802.1Q tag: TPID and TCI
	// headroom is the most a handle adds in front of the kernel's data:
	// a cooked header and a VLAN tag.
	headroom = sll2HeaderLen + vlanTagLen
)

// errNoRoom means the kernel left less room in front of a packet than
// the headers to build need; PACKET_RESERVE is meant to prevent it.
var errNoRoom = errors.New("no room in front of the packet for its link-layer header")

// packet is one packet as the kernel hands it over, from the ring or from
// recvmsg: its bytes at buf[start:start+caplen] with at least headroom
// writable bytes before start, and what sockaddr_ll and the auxiliary
// data say about it.
type packet struct {
	buf     []byte
	start   int
	caplen  int // bytes the kernel copied
	wireLen int // length on the wire (tp_len)
	ts      time.Time

	protocol uint16 // sll_protocol, host order
	ifindex  int32
	hatype   uint16
	pkttype  uint8
	halen    uint8
	addr     [8]byte

	vlanValid bool
	vlanTCI   uint16
	vlanTPID  uint16
	rxhash    uint32
	netOffset int // offset of the network header from start
}

// framer turns kernel packets into the frames a handle delivers, as
// libpcap's pcap_handle_packet_mmap does: it builds the cooked header,
// applies a user-space filter and the direction, re-inserts a stripped
// VLAN tag and cuts to the snapshot length.
type framer struct {
	linkType  layers.LinkType
	cooked    bool
	snapLen   int
	direction Direction
	// loIndex is the index of lo, whose outgoing packets are dropped
	// because they come back as incoming ones; -1 when there is no lo.
	loIndex int32
	vlanOff int
}

// frame builds the frame of p in place. It returns ok false for packets
// the user-space filter vm (when not nil) or the direction rejects.
func (f *framer) frame(p *packet, vm *cbpf.VM) (data []byte, ci gopacket.CaptureInfo, ok bool, err error) {
	start, caplen, wireLen := p.start, p.caplen, p.wireLen
	if f.cooked {
		n, err := f.putCookedHeader(p)
		if err != nil {
			return nil, ci, false, err
		}
		start -= n
		caplen += n
		wireLen += n
	}
	if vm != nil && vm.RunMetadata(p.buf[start:start+caplen], wireLen, f.metadata(p, p.start-start)) == 0 {
		return nil, ci, false, nil
	}
	if !f.wanted(p) {
		return nil, ci, false, nil
	}
	if p.vlanValid && f.vlanOff >= 0 && p.caplen >= f.vlanOff {
		if start < vlanTagLen {
			return nil, ci, false, errNoRoom
		}
		start -= vlanTagLen
		copy(p.buf[start:], p.buf[start+vlanTagLen:start+vlanTagLen+f.vlanOff])
		tag := p.buf[start+f.vlanOff:]
		binary.BigEndian.PutUint16(tag, p.vlanTPID)
		binary.BigEndian.PutUint16(tag[2:], p.vlanTCI)
		caplen += vlanTagLen
		wireLen += vlanTagLen
	}
	caplen = min(caplen, f.snapLen)
	ci = gopacket.CaptureInfo{Timestamp: p.ts, CaptureLength: caplen, Length: wireLen}
	return p.buf[start : start+caplen], ci, true, nil
}

// putCookedHeader writes the LINUX_SLL2 or LINUX_SLL header in front of
// p's data and returns its length.
func (f *framer) putCookedHeader(p *packet) (int, error) {
	if f.linkType == layers.LinkTypeLinuxSLL2 {
		if p.start < sll2HeaderLen {
			return 0, errNoRoom
		}
		h := p.buf[p.start-sll2HeaderLen : p.start]
		binary.BigEndian.PutUint16(h[0:], p.protocol)
		binary.BigEndian.PutUint16(h[2:], 0)
		binary.BigEndian.PutUint32(h[4:], uint32(p.ifindex))
		binary.BigEndian.PutUint16(h[8:], p.hatype)
		h[10] = p.pkttype
		h[11] = p.halen
		copy(h[12:20], p.addr[:])
		return sll2HeaderLen, nil
	}
	if p.start < sllHeaderLen {
		return 0, errNoRoom
	}
	h := p.buf[p.start-sllHeaderLen : p.start]
	binary.BigEndian.PutUint16(h[0:], uint16(p.pkttype))
	binary.BigEndian.PutUint16(h[2:], p.hatype)
	binary.BigEndian.PutUint16(h[4:], uint16(p.halen))
	copy(h[6:14], p.addr[:])
	binary.BigEndian.PutUint16(h[14:], p.protocol)
	return sllHeaderLen, nil
}

// wanted applies the direction as libpcap's linux_check_direction does.
func (f *framer) wanted(p *packet) bool {
	if p.pkttype == unix.PACKET_OUTGOING {
		if p.ifindex == f.loIndex {
			return false
		}
		if p.hatype == arphrdCAN && f.direction != Out {
			return false
		}
		return f.direction != In
	}
	return f.direction != Out
}

// metadata is what the kernel's socket filter would know about p, for
// running a filter in user space; hdr is the length of the cooked header
// in front of the data.
func (f *framer) metadata(p *packet, hdr int) *cbpf.Metadata {
	return &cbpf.Metadata{
		Protocol:      p.protocol,
		PacketType:    p.pkttype,
		IfIndex:       uint32(p.ifindex),
		HAType:        p.hatype,
		RXHash:        p.rxhash,
		VLANTCI:       p.vlanTCI,
		VLANPresent:   p.vlanValid,
		VLANTPID:      p.vlanTPID,
		NetworkOffset: hdr + p.netOffset,
	}
}

// setSockaddr fills p's link-layer fields from a sockaddr_ll.
func (p *packet) setSockaddr(sa *unix.RawSockaddrLinklayer) {
	p.protocol = ntohs(sa.Protocol)
	p.ifindex = sa.Ifindex
	p.hatype = sa.Hatype
	p.pkttype = sa.Pkttype
	p.halen = sa.Halen
	p.addr = sa.Addr
}

// setVLAN records a stripped VLAN tag as the kernel reports it in
// tpacket headers and auxiliary data: valid when flagged (or, on old
// kernels, when the TCI is not 0), with the TPID when the kernel gives
// one and 802.1Q otherwise.
func (p *packet) setVLAN(status uint32, tci, tpid uint16) {
	p.vlanValid = tci != 0 || status&unix.TP_STATUS_VLAN_VALID != 0
	p.vlanTCI = tci
	p.vlanTPID = unix.ETH_P_8021Q
	if status&unix.TP_STATUS_VLAN_TPID_VALID != 0 {
		p.vlanTPID = tpid
	}
}

// ntohs converts a network-order field read as a native integer.
func ntohs(v uint16) uint16 {
	var b [2]byte
	binary.NativeEndian.PutUint16(b[:], v)
	return binary.BigEndian.Uint16(b[:])
}

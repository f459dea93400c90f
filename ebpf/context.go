package ebpf

import (
	"math/bits"
)

// Layout of struct __sk_buff (include/uapi/linux/bpf.h): byte offsets of
// the fields the emulated context fills in.
const (
	skbLen            = 0
	skbPktType        = 4
	skbMark           = 8
	skbQueueMapping   = 12
	skbProtocol       = 16
	skbVLANPresent    = 20
	skbVLANTCI        = 24
	skbVLANProto      = 28
	skbPriority       = 32
	skbIngressIfindex = 36
	skbIfindex        = 40
	skbTCIndex        = 44
	skbCB             = 48 // __u32 cb[5]
	skbHash           = 68
	skbTCClassID      = 72
	skbData           = 76
	skbDataEnd        = 80
	skbNapiID         = 84
	skbDataMeta       = 140
	skbTstamp         = 152
	skbWireLen        = 160
	skbGSOSegs        = 164
	skbSize           = 192
)

// Layout of struct xdp_md.
const (
	xdpData           = 0
	xdpDataEnd        = 4
	xdpDataMeta       = 8
	xdpIngressIfindex = 12
	xdpRxQueueIndex   = 16
	xdpEgressIfindex  = 20
	xdpSize           = 24
)

// SKBMeta is the per-packet metadata of a socket filter or TC program's
// context, struct __sk_buff. Numbers are in host byte order; Protocol and
// VLANProto are stored in network byte order as the kernel does.
type SKBMeta struct {
	WireLen        uint32 // len and wire_len; 0 means the captured length
	PktType        uint32 // PACKET_HOST, PACKET_BROADCAST, ... (linux/if_packet.h)
	Mark           uint32
	QueueMapping   uint32
	Protocol       uint16 // EtherType, e.g. 0x0800
	VLANPresent    bool
	VLANTCI        uint16
	VLANProto      uint16
	Priority       uint32
	IngressIfindex uint32
	Ifindex        uint32
	TCIndex        uint32
	Hash           uint32
	TCClassID      uint32
	Tstamp         uint64
	// NetworkOffset is where the network header starts in the packet, for
	// legacy packet loads relative to it (SKF_NET_OFF); -1 if unknown.
	NetworkOffset int
}

// XDPMeta is the per-packet metadata of an XDP program's context, struct
// xdp_md.
type XDPMeta struct {
	IngressIfindex uint32
	RxQueueIndex   uint32
	EgressIfindex  uint32
}

// Run runs the program with the conformance suite's convention: r1 holds
// the address of mem, r2 its length. Legacy packet loads read mem too.
// The program may write into mem.
func (vm *VM) Run(mem []byte) (uint64, error) {
	vm.setPacket(mem, -1)
	vm.resetRegs(packetBase, uint64(len(mem)), 0)
	return vm.exec()
}

// RunPacket runs the program as a packet function: r1 holds the address
// of the first byte of data, r2 the address one past the last, r3 wireLen,
// the packet's length on the wire. It does not allocate. The program may
// write into data.
func (vm *VM) RunPacket(data []byte, wireLen uint32) (uint64, error) {
	vm.setPacket(data, -1)
	vm.resetRegs(packetBase, packetBase+uint64(len(data)), uint64(wireLen))
	return vm.exec()
}

// RunSKB runs the program as a socket filter or TC classifier: r1 points
// at an emulated struct __sk_buff built from data and meta, whose data and
// data_end give direct access to the packet; legacy packet loads read it
// too. Context fields the program writes (mark, cb, ...) are reset on
// every run. It does not allocate.
func (vm *VM) RunSKB(data []byte, meta *SKBMeta) (uint64, error) {
	vm.setPacket(data, meta.NetworkOffset)
	ctx := vm.ctx[:skbSize]
	clear(ctx)
	wireLen := meta.WireLen
	if wireLen == 0 {
		wireLen = uint32(len(data))
	}
	put32 := func(off int, v uint32) { le.PutUint32(ctx[off:], v) }
	put32(skbLen, wireLen)
	put32(skbPktType, meta.PktType)
	put32(skbMark, meta.Mark)
	put32(skbQueueMapping, meta.QueueMapping)
	put32(skbProtocol, uint32(bits.ReverseBytes16(meta.Protocol)))
	if meta.VLANPresent {
		put32(skbVLANPresent, 1)
	}
	put32(skbVLANTCI, uint32(meta.VLANTCI))
	put32(skbVLANProto, uint32(bits.ReverseBytes16(meta.VLANProto)))
	put32(skbPriority, meta.Priority)
	put32(skbIngressIfindex, meta.IngressIfindex)
	put32(skbIfindex, meta.Ifindex)
	put32(skbTCIndex, meta.TCIndex)
	put32(skbHash, meta.Hash)
	put32(skbTCClassID, meta.TCClassID)
	put32(skbData, packetBase)
	put32(skbDataEnd, packetBase+uint32(len(data)))
	put32(skbDataMeta, packetBase)
	le.PutUint64(ctx[skbTstamp:], meta.Tstamp)
	put32(skbWireLen, wireLen)
	put32(skbGSOSegs, 1)
	vm.regions[contextRegion].mem = ctx
	vm.resetRegs(regionAddr(contextRegion, 0), 0, 0)
	return vm.exec()
}

// RunXDP runs the program as an XDP program: r1 points at an emulated
// struct xdp_md for data and meta. There is no metadata area: data_meta
// equals data. It does not allocate.
func (vm *VM) RunXDP(data []byte, meta *XDPMeta) (uint64, error) {
	vm.setPacket(data, -1)
	ctx := vm.ctx[:xdpSize]
	le.PutUint32(ctx[xdpData:], packetBase)
	le.PutUint32(ctx[xdpDataEnd:], packetBase+uint32(len(data)))
	le.PutUint32(ctx[xdpDataMeta:], packetBase)
	le.PutUint32(ctx[xdpIngressIfindex:], meta.IngressIfindex)
	le.PutUint32(ctx[xdpRxQueueIndex:], meta.RxQueueIndex)
	le.PutUint32(ctx[xdpEgressIfindex:], meta.EgressIfindex)
	vm.regions[contextRegion].mem = ctx
	vm.resetRegs(regionAddr(contextRegion, 0), 0, 0)
	return vm.exec()
}

func (vm *VM) setPacket(data []byte, netOffset int) {
	vm.regions[packetRegion].mem = data
	vm.netOffset = int64(netOffset)
}

func (vm *VM) resetRegs(r1, r2, r3 uint64) {
	vm.regs = [numRegs]uint64{1: r1, 2: r2, 3: r3}
}

// Offsets of the kernel's legacy negative packet loads (linux/filter.h).
const (
	skfNetOff = -0x100000
	skfLLOff  = -0x200000
)

// loadPacket runs LD_ABS and LD_IND: a big-endian load from the packet at
// imm (plus src for LD_IND, as a 32-bit signed sum). Negative offsets from
// SKF_LL_OFF and SKF_NET_OFF address the link and network headers. It
// reports false when the load is outside the packet: the program then
// ends returning 0, as in the kernel.
func (vm *VM) loadPacket(s *slot) (uint64, bool) {
	off := int64(int32(s.imm))
	size := int64(1) << ((s.op - opLdAbsB) % 3)
	if s.op >= opLdIndB {
		off = int64(int32(uint32(vm.regs[s.src&(numRegs-1)]) + uint32(s.imm)))
	}
	switch {
	case off >= 0:
	case off >= skfNetOff && vm.netOffset >= 0:
		off = off - skfNetOff + vm.netOffset
	case off >= skfLLOff && off < skfNetOff:
		off -= skfLLOff
	default:
		return 0, false
	}
	p := vm.regions[packetRegion].mem
	if off+size > int64(len(p)) {
		return 0, false
	}
	b := p[off : off+size]
	switch size {
	case 1:
		return uint64(b[0]), true
	case 2:
		return uint64(b[0])<<8 | uint64(b[1]), true
	default:
		return uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3]), true
	}
}

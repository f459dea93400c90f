package translate

import (
	"github.com/cilium/ebpf/asm"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// absKind is what an absolute offset of a load addresses.
type absKind int

const (
	absPacket    absKind = iota // packet data at a non-negative offset
	absFail                     // nothing: the load fails on every packet
	absAncillary                // a Linux ancillary value
	absNetwork                  // Linux: relative to the network header (SKF_NET_OFF)
	absLink                     // Linux: relative to the link header (SKF_LL_OFF)
)

// limit is the end offset past which no load of the program can succeed.
func (g *gen) limit() uint64 {
	if g.o.PacketLimit != 0 {
		return uint64(g.o.PacketLimit)
	}
	return uint64(targetLimit(g.o.Target))
}

// targetLimit is the end offset past which no load of target t can
// succeed.
func targetLimit(t Target) uint32 {
	switch t {
	case XDP, SchedCLS, Function:
		return maxPacketOff
	case InProcess:
		return maxVarOffset
	}
	return maxOffset
}

// direct reports whether the target reads packets between data and end
// pointers rather than with LD_ABS.
func (g *gen) direct() bool { return g.o.Target != SocketFilter }

// absolute classifies the absolute load (ld [k] or ldx 4*([k]&0xf)) with
// opcode op and offset k, returning the offset inside the area.
func (g *gen) absolute(op uint16, k uint32) (absKind, uint32) {
	size := loadSize(op)
	if g.o.Semantics == cbpf.Libpcap || int32(k) >= 0 {
		if uint64(k)+uint64(size) > g.limit() {
			return absFail, 0
		}
		return absPacket, k
	}
	var kind absKind
	var off uint32
	switch {
	case k >= cbpf.AncillaryBase && opClass(op) == cbpf.ClassLD:
		return absAncillary, k - cbpf.AncillaryBase
	case k >= cbpf.NetworkBase:
		kind, off = absNetwork, k-cbpf.NetworkBase
	case k >= cbpf.LinkBase:
		kind, off = absLink, k-cbpf.LinkBase
	default:
		return absFail, 0
	}
	if off+size > maxPacketOff {
		// Beyond any packet the kernel filters (and beyond what
		// bpf_skb_load_bytes_relative reads).
		return absFail, 0
	}
	return kind, off
}

// isAbsolute reports whether op is a load from an absolute offset.
func isAbsolute(op uint16) bool {
	return op == cbpf.ClassLDX|cbpf.SizeB|cbpf.ModeMSH ||
		opClass(op) == cbpf.ClassLD && opMode(op) == cbpf.ModeABS
}

// alwaysFails reports whether instruction i is a packet load that fails
// on every packet, ending the program with 0.
func (g *gen) alwaysFails(i int) bool {
	ins := g.p[i]
	switch {
	case isAbsolute(ins.Op):
		kind, _ := g.absolute(ins.Op, ins.K)
		return kind == absFail
	case opClass(ins.Op) == cbpf.ClassLD && opMode(ins.Op) == cbpf.ModeIND:
		// Libpcap adds X without wrapping, so X+k is at least k.
		return g.o.Semantics == cbpf.Libpcap && uint64(ins.K)+uint64(loadSize(ins.Op)) > g.limit()
	}
	return false
}

// constantLoadEnd returns the end of the packet bytes instruction i reads
// at a constant offset, for direct-access targets.
func (g *gen) constantLoadEnd(i int) (uint32, bool) {
	ins := g.p[i]
	if !g.direct() || !isAbsolute(ins.Op) {
		return 0, false
	}
	if kind, off := g.absolute(ins.Op, ins.K); kind == absPacket {
		return off + loadSize(ins.Op), true
	}
	return 0, false
}

// ancillary reports whether instruction i is a Linux ancillary load.
func (g *gen) ancillary(i int) bool {
	ins := g.p[i]
	if opClass(ins.Op) != cbpf.ClassLD || opMode(ins.Op) != cbpf.ModeABS {
		return false
	}
	kind, _ := g.absolute(ins.Op, ins.K)
	return kind == absAncillary
}

// ctxField is a 32-bit field of a program context.
type ctxField struct {
	off     int16
	network bool // holds a 16-bit value in network byte order
}

// skbAncillary are the ancillary values __sk_buff carries.
var skbAncillary = map[cbpf.Ancillary]ctxField{
	cbpf.AncProtocol:       {skbProtocol, true},
	cbpf.AncPacketType:     {skbPktType, false},
	cbpf.AncIfIndex:        {skbIfIndex, false},
	cbpf.AncMark:           {skbMark, false},
	cbpf.AncQueue:          {skbQueue, false},
	cbpf.AncRXHash:         {skbHash, false},
	cbpf.AncVLANTag:        {skbVLANTCI, false},
	cbpf.AncVLANTagPresent: {skbVLANPresent, false},
	cbpf.AncVLANTPID:       {skbVLANProto, true},
}

// xdpAncillary are the ancillary values xdp_md carries.
var xdpAncillary = map[cbpf.Ancillary]ctxField{
	cbpf.AncIfIndex: {xdpIfIndex, false},
}

// helperAncillary are the ancillary values a helper returns.
var helperAncillary = map[cbpf.Ancillary]asm.BuiltinFunc{
	cbpf.AncCPU:    asm.FnGetSmpProcessorId,
	cbpf.AncRandom: asm.FnGetPrandomU32,
}

// ancillarySource says where target t finds ancillary value a: a context
// field, a helper, or nowhere (ok false).
func ancillarySource(t Target, a cbpf.Ancillary) (f ctxField, fn asm.BuiltinFunc, ok bool) {
	if a == cbpf.AncALUXorX {
		return f, fn, true
	}
	switch t {
	case SocketFilter, SchedCLS:
		if f, ok = skbAncillary[a]; ok {
			return f, fn, true
		}
		fn, ok = helperAncillary[a]
		return f, fn, ok
	case XDP:
		f, ok = xdpAncillary[a]
		return f, fn, ok
	}
	return f, fn, false
}

// checkInstruction reports an instruction the target cannot express.
func (g *gen) checkInstruction(i int) error {
	ins := g.p[i]
	if !isAbsolute(ins.Op) {
		return nil
	}
	fail := func(detail string) error {
		return &Error{Target: g.o.Target, Index: i, Instruction: ins, Detail: detail, Err: ErrUnsupported}
	}
	switch kind, off := g.absolute(ins.Op, ins.K); kind {
	case absAncillary:
		if _, _, ok := ancillarySource(g.o.Target, cbpf.Ancillary(off)); !ok {
			return fail("ancillary load")
		}
	case absNetwork, absLink:
		if g.o.Target != SocketFilter && g.o.Target != SchedCLS {
			return fail("load relative to a header the target cannot locate")
		}
	}
	return nil
}

// loadAbsolute emits "ld [k]" of any size.
func (g *gen) loadAbsolute(i int) {
	ins := g.p[i]
	size := loadSize(ins.Op)
	kind, off := g.absolute(ins.Op, ins.K)
	switch {
	case kind == absAncillary:
		g.loadAncillary(cbpf.Ancillary(off))
	case g.o.Target == SocketFilter:
		// The kernel's LD_ABS reads packet data and, at negative
		// offsets, the network and link headers.
		g.emit(asm.LoadAbs(int32(ins.K), ebpfSize(size)))
	case kind == absPacket:
		g.loadPacket(g.r.a, off, size)
	default:
		g.loadRelative(kind, off, size, g.r.a)
	}
}

// loadMSH emits "ldx 4*([k]&0xf)".
func (g *gen) loadMSH(i int) {
	ins := g.p[i]
	kind, off := g.absolute(ins.Op, ins.K)
	a, x := g.r.a, g.r.x
	switch {
	case g.o.Target == SocketFilter:
		// LD_ABS leaves the byte in r0, which is A: keep A aside.
		g.emit(asm.Mov.Reg(g.r.tmp, a), asm.LoadAbs(int32(ins.K), asm.Byte), asm.Mov.Reg(x, asm.R0), asm.Mov.Reg(a, g.r.tmp))
	case kind == absPacket:
		g.loadPacket(x, off, 1)
	default:
		g.emit(asm.StoreMem(asm.RFP, spillA, a, asm.DWord))
		g.loadRelative(kind, off, 1, x)
		g.emit(asm.LoadMem(a, asm.RFP, spillA, asm.DWord))
	}
	g.emit(asm.And.Imm32(x, 0xf), asm.LSh.Imm32(x, 2))
}

// loadPacket emits a load of size bytes at off into dst, for a direct
// target whose block check has proved the bytes are there.
func (g *gen) loadPacket(dst asm.Register, off, size uint32) {
	if off+size <= 1<<15 {
		g.emit(asm.LoadMem(dst, g.r.data, int16(off), ebpfSize(size)))
	} else {
		// The offset field of a load is 16 bits wide.
		g.emit(asm.Mov.Reg(g.r.tmp, g.r.data), asm.Add.Imm(g.r.tmp, int32(off)), asm.LoadMem(dst, g.r.tmp, 0, ebpfSize(size)))
	}
	g.toHost(dst, size)
}

// toHost converts a big-endian value of size bytes to host order.
func (g *gen) toHost(dst asm.Register, size uint32) {
	if size > 1 {
		g.emit(asm.HostTo(asm.BE, dst, ebpfSize(size)))
	}
}

func ebpfSize(size uint32) asm.Size {
	switch size {
	case 1:
		return asm.Byte
	case 2:
		return asm.Half
	}
	return asm.Word
}

// loadIndirect emits "ld [x + k]" of any size.
func (g *gen) loadIndirect(i int) {
	ins := g.p[i]
	size := loadSize(ins.Op)
	tmp, libpcap := g.r.tmp, g.o.Semantics == cbpf.Libpcap
	if g.o.Target == SocketFilter {
		if !libpcap {
			// The kernel's own rule: X+k wraps as an int32.
			g.emit(asm.LoadInd(asm.R0, g.r.x, int32(ins.K), ebpfSize(size)))
			return
		}
		// libpcap adds without wrapping: keep X+k positive as an int32
		// so LD_IND cannot wander into the header areas.
		g.emit(asm.Mov.Reg32(tmp, g.r.x))
		if ins.K != 0 {
			g.emit(asm.Add.Imm(tmp, int32(ins.K)))
		}
		g.emit(asm.JGT.Imm(tmp, int32(maxOffset-size), g.failLabel()), asm.LoadInd(asm.R0, tmp, 0, ebpfSize(size)))
		return
	}
	g.emit(asm.Mov.Reg32(tmp, g.r.x))
	var slow string
	if ins.K != 0 {
		if libpcap {
			g.emit(asm.Add.Imm(tmp, int32(ins.K)))
		} else {
			g.emit(asm.Add.Imm32(tmp, int32(ins.K)))
		}
	}
	if !libpcap && g.o.Target == SchedCLS {
		// A negative int32 offset reads a header area.
		slow = g.fresh("relative")
		g.emit(asm.JGT.Imm(tmp, 1<<31-1, slow))
	}
	// The bound gives the verifier a range for the offset; past it no
	// packet has the bytes.
	g.emit(
		asm.JGT.Imm(tmp, int32(g.limit()-uint64(size)), g.failLabel()),
		asm.Add.Reg(tmp, g.r.data),
		asm.Add.Imm(tmp, int32(size)),
		asm.JGT.Reg(tmp, g.r.end, g.failLabel()),
		asm.LoadMem(g.r.a, tmp, -int16(size), ebpfSize(size)),
	)
	g.toHost(g.r.a, size)
	if slow == "" {
		return
	}
	cont, call := g.fresh("loaded"), g.fresh("call")
	g.emit(asm.Ja.Label(cont))
	g.mark(slow)
	// tmp holds the offset as a uint32: NetworkBase+n, LinkBase+n or
	// below. Each area is headerArea bytes long and NetworkBase is
	// headerArea below 2^32, so adding headerArea once or twice turns
	// the offset into n.
	g.emit(
		asm.Mov.Imm32(asm.R5, bpfHdrStartNet),
		asm.Add.Imm32(tmp, headerArea),
		asm.JLT.Imm(tmp, headerArea, call),
		asm.Mov.Imm32(asm.R5, bpfHdrStartMAC),
		asm.Add.Imm32(tmp, headerArea),
		asm.JGE.Imm(tmp, headerArea, g.failLabel()),
	)
	g.mark(call)
	g.callLoadRelative(size, g.r.a)
	g.mark(cont)
}

// loadRelative emits a SchedCLS load of size bytes at off in the header
// area kind into dst, through bpf_skb_load_bytes_relative. It clobbers r0
// to r5.
func (g *gen) loadRelative(kind absKind, off, size uint32, dst asm.Register) {
	hdr := int32(bpfHdrStartNet)
	if kind == absLink {
		hdr = bpfHdrStartMAC
	}
	g.emit(asm.Mov.Imm32(asm.R2, int32(off)), asm.Mov.Imm32(asm.R5, hdr))
	g.callLoadRelative(size, dst)
}

// callLoadRelative calls bpf_skb_load_bytes_relative(ctx, r2, buffer,
// size, r5) and loads the bytes into dst, failing the program when the
// helper fails.
func (g *gen) callLoadRelative(size uint32, dst asm.Register) {
	g.emit(
		asm.Mov.Reg(asm.R1, g.r.ctx),
		asm.Mov.Reg(asm.R3, asm.RFP),
		asm.Add.Imm(asm.R3, relativeBuffer),
		asm.Mov.Imm32(asm.R4, int32(size)),
		asm.FnSkbLoadBytesRelative.Call(),
		asm.JNE.Imm(asm.R0, 0, g.failLabel()),
		asm.LoadMem(dst, asm.RFP, relativeBuffer, ebpfSize(size)),
	)
	g.toHost(dst, size)
}

// loadAncillary emits a load of the ancillary value a, which
// checkInstruction has accepted for the target.
func (g *gen) loadAncillary(a cbpf.Ancillary) {
	f, fn, _ := ancillarySource(g.o.Target, a)
	switch {
	case a == cbpf.AncALUXorX:
		g.emit(asm.Xor.Reg32(g.r.a, g.r.x))
	case fn != 0:
		// Helpers return in r0, which is A.
		g.emit(fn.Call())
	default:
		g.emit(asm.LoadMem(g.r.a, g.r.ctx, f.off, asm.Word))
		if f.network {
			g.toHost(g.r.a, 2)
		}
	}
}

// loadLength emits "ld len" or "ldx len" into dst.
func (g *gen) loadLength(dst asm.Register) {
	switch g.o.Target {
	case SocketFilter, SchedCLS:
		g.emit(asm.LoadMem(dst, g.r.ctx, skbLen, asm.Word))
	case XDP:
		// The frame's length with all its fragments.
		if dst != asm.R0 {
			g.emit(asm.StoreMem(asm.RFP, spillA, asm.R0, asm.DWord))
		}
		g.emit(asm.Mov.Reg(asm.R1, g.r.ctx), asm.FnXdpGetBuffLen.Call())
		if dst != asm.R0 {
			g.emit(asm.Mov.Reg32(dst, asm.R0), asm.LoadMem(asm.R0, asm.RFP, spillA, asm.DWord))
		}
	default:
		g.emit(asm.Mov.Reg32(dst, g.r.wire))
	}
}

package cbpf

import (
	"encoding/binary"
	"testing"

	"golang.org/x/net/bpf"
)

// raw builds one instruction from its four fields.
func raw(op uint16, jt, jf uint8, k uint32) bpf.RawInstruction {
	return bpf.RawInstruction{Op: op, Jt: jt, Jf: jf, K: k}
}

var (
	insRetA = raw(ClassRET|RetA, 0, 0, 0)
	tax     = raw(ClassMISC|MiscTAX, 0, 0, 0)
)

func ldA(k uint32) bpf.RawInstruction { return raw(ClassLD|ModeIMM, 0, 0, k) }
func ldX(k uint32) bpf.RawInstruction { return raw(ClassLDX|ModeIMM, 0, 0, k) }

// vmCase is one program run over one packet, under one semantics.
type vmCase struct {
	name string
	sem  Semantics
	prog Program
	pkt  []byte
	wire int // 0 means len(pkt)
	meta *Metadata
	want uint32
}

// testPacket is 0x00 0x01 ... 0x3f.
var testPacket = func() []byte {
	b := make([]byte, 64)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}()

func bothSemantics(name string, prog Program, want uint32) []vmCase {
	return []vmCase{
		{name: name + "/libpcap", sem: Libpcap, prog: prog, pkt: testPacket, want: want},
		{name: name + "/linux", sem: Linux, prog: prog, pkt: testPacket, want: want},
	}
}

func vmCases() []vmCase {
	var cs []vmCase
	add := func(c ...vmCase) { cs = append(cs, c...) }
	ld := func(size, mode uint16, k uint32) bpf.RawInstruction { return raw(ClassLD|size|mode, 0, 0, k) }
	alu := func(op uint16, k uint32) bpf.RawInstruction { return raw(ClassALU|op, 0, 0, k) }

	// Returns and loads of every size and mode.
	add(bothSemantics("ret k", Program{raw(ClassRET|RetK, 0, 0, 7)}, 7)...)
	add(bothSemantics("ld imm", Program{ldA(0xdeadbeef), insRetA}, 0xdeadbeef)...)
	add(bothSemantics("ld w abs", Program{ld(SizeW, ModeABS, 4), insRetA}, 0x04050607)...)
	add(bothSemantics("ld h abs", Program{ld(SizeH, ModeABS, 62), insRetA}, 0x3e3f)...)
	add(bothSemantics("ld b abs", Program{ld(SizeB, ModeABS, 63), insRetA}, 0x3f)...)
	add(bothSemantics("ld w abs past end", Program{ld(SizeW, ModeABS, 61), ldA(1), insRetA}, 0)...)
	add(bothSemantics("ld h abs past end", Program{ld(SizeH, ModeABS, 63), ldA(1), insRetA}, 0)...)
	add(bothSemantics("ld b abs past end", Program{ld(SizeB, ModeABS, 64), ldA(1), insRetA}, 0)...)
	add(bothSemantics("ld w ind", Program{ldX(10), ld(SizeW, ModeIND, 2), insRetA}, 0x0c0d0e0f)...)
	add(bothSemantics("ld h ind", Program{ldX(60), ld(SizeH, ModeIND, 2), insRetA}, 0x3e3f)...)
	add(bothSemantics("ld b ind past end", Program{ldX(60), ld(SizeB, ModeIND, 4), insRetA}, 0)...)
	add(bothSemantics("ld len", Program{ld(SizeW, ModeLEN, 0), insRetA}, 64)...)
	add(vmCase{name: "ld len is the wire length", sem: Libpcap, prog: Program{ld(SizeW, ModeLEN, 0), insRetA}, pkt: testPacket, wire: 1500, want: 1500})
	add(bothSemantics("ldx len", Program{raw(ClassLDX|SizeW|ModeLEN, 0, 0, 0), raw(ClassMISC|MiscTXA, 0, 0, 0), insRetA}, 64)...)
	add(bothSemantics("ldx msh", Program{raw(ClassLDX|SizeB|ModeMSH, 0, 0, 0x25), raw(ClassMISC|MiscTXA, 0, 0, 0), insRetA}, (0x25&0xf)*4)...)
	add(bothSemantics("ldx msh past end", Program{raw(ClassLDX|SizeB|ModeMSH, 0, 0, 64), ldA(1), insRetA}, 0)...)
	add(bothSemantics("ldx msh then ldh ind", Program{raw(ClassLDX|SizeB|ModeMSH, 0, 0, 1), ld(SizeH, ModeIND, 10), insRetA}, 0x0e0f)...)
	add(bothSemantics("ldx msh then ldh ind past end", Program{raw(ClassLDX|SizeB|ModeMSH, 0, 0, 15), ld(SizeH, ModeIND, 3), insRetA}, 0)...)
	add(bothSemantics("st and ld mem", Program{ldA(5), raw(ClassST, 0, 0, 15), ldA(0), raw(ClassLD|ModeMEM, 0, 0, 15), insRetA}, 5)...)
	add(bothSemantics("stx and ldx mem", Program{ldX(9), raw(ClassSTX, 0, 0, 3), ldX(0), raw(ClassLDX|ModeMEM, 0, 0, 3), raw(ClassMISC|MiscTXA, 0, 0, 0), insRetA}, 9)...)
	add(bothSemantics("tax txa", Program{ldA(3), tax, ldA(0), raw(ClassMISC|MiscTXA, 0, 0, 0), insRetA}, 3)...)

	// ALU with a constant and with X.
	for _, c := range []struct {
		name string
		op   uint16
		a, v uint32
		want uint32
	}{
		{"add", ALUAdd, 0xffffffff, 2, 1},
		{"sub", ALUSub, 1, 2, 0xffffffff},
		{"mul", ALUMul, 0x10000, 0x10000, 0},
		{"div", ALUDiv, 7, 2, 3},
		{"mod", ALUMod, 7, 4, 3},
		{"and", ALUAnd, 0xf0f0, 0xff00, 0xf000},
		{"or", ALUOr, 0xf0f0, 0x0f00, 0xfff0},
		{"xor", ALUXor, 0xf0f0, 0xff00, 0x0ff0},
		{"lsh", ALULsh, 1, 31, 0x80000000},
		{"rsh", ALURsh, 0x80000000, 31, 1},
	} {
		add(bothSemantics("alu k "+c.name, Program{ldA(c.a), alu(c.op|SrcK, c.v), insRetA}, c.want)...)
		add(bothSemantics("alu x "+c.name, Program{ldX(c.v), ldA(c.a), alu(c.op|SrcX, 0), insRetA}, c.want)...)
	}
	add(bothSemantics("neg", Program{ldA(1), alu(ALUNeg, 0), insRetA}, 0xffffffff)...)
	add(bothSemantics("div by zero x", Program{ldX(0), ldA(7), alu(ALUDiv|SrcX, 0), ldA(1), insRetA}, 0)...)
	add(bothSemantics("mod by zero x", Program{ldX(0), ldA(7), alu(ALUMod|SrcX, 0), ldA(1), insRetA}, 0)...)
	// Shifts past 31: libpcap range-checks X (0) but the CPU masks a
	// constant; Linux masks X (constant shifts of 32 or more do not load).
	add(vmCase{name: "lsh x 33/libpcap", sem: Libpcap, prog: Program{ldX(33), ldA(1), alu(ALULsh|SrcX, 0), insRetA}, pkt: testPacket, want: 0})
	add(vmCase{name: "lsh x 33/linux", sem: Linux, prog: Program{ldX(33), ldA(1), alu(ALULsh|SrcX, 0), insRetA}, pkt: testPacket, want: 2})
	add(vmCase{name: "rsh x 32/libpcap", sem: Libpcap, prog: Program{ldX(32), ldA(8), alu(ALURsh|SrcX, 0), insRetA}, pkt: testPacket, want: 0})
	add(vmCase{name: "rsh x 32/linux", sem: Linux, prog: Program{ldX(32), ldA(8), alu(ALURsh|SrcX, 0), insRetA}, pkt: testPacket, want: 8})
	add(vmCase{name: "lsh k 33/libpcap", sem: Libpcap, prog: Program{ldA(0xffffffff), alu(ALULsh|SrcK, 33), insRetA}, pkt: testPacket, want: 0xfffffffe})

	// Jumps.
	for _, c := range []struct {
		name     string
		op       uint16
		a, v     uint32
		taken    bool
		viaConst bool
	}{
		{"jeq", JumpEQ, 5, 5, true, true}, {"jeq not", JumpEQ, 5, 6, false, true},
		{"jgt", JumpGT, 0xffffffff, 1, true, true}, {"jgt equal", JumpGT, 5, 5, false, true},
		{"jge", JumpGE, 5, 5, true, true}, {"jge less", JumpGE, 4, 5, false, true},
		{"jset", JumpSet, 6, 2, true, true}, {"jset not", JumpSet, 5, 2, false, true},
	} {
		want := uint32(20)
		if c.taken {
			want = 10
		}
		add(bothSemantics("jmp k "+c.name, Program{ldA(c.a), raw(ClassJMP|c.op|SrcK, 0, 1, c.v), raw(ClassRET, 0, 0, 10), raw(ClassRET, 0, 0, 20)}, want)...)
		add(bothSemantics("jmp x "+c.name, Program{ldX(c.v), ldA(c.a), raw(ClassJMP|c.op|SrcX, 0, 1, 0), raw(ClassRET, 0, 0, 10), raw(ClassRET, 0, 0, 20)}, want)...)
		// The same jump fused with the load before it.
		b := byte(c.a)
		pkt := append([]byte{}, testPacket...)
		pkt[0], pkt[1], pkt[2], pkt[3] = 0, 0, 0, b
		if c.a > 0xff {
			binary.BigEndian.PutUint32(pkt, c.a)
		}
		for _, size := range []uint16{SizeB, SizeH, SizeW} {
			off := uint32(3)
			if size == SizeH {
				off = 2
			} else if size == SizeW {
				off = 0
			}
			if c.a > 0xff && size != SizeW {
				continue
			}
			add(vmCase{name: "ld jmp " + c.name, sem: Libpcap, prog: Program{ld(size, ModeABS, off), raw(ClassJMP|c.op|SrcK, 0, 1, c.v), raw(ClassRET, 0, 0, 10), raw(ClassRET, 0, 0, 20)}, pkt: pkt, want: want})
		}
	}
	// A load, a mask and a jump: one fused step.
	for _, c := range []struct {
		name string
		size uint16
		off  uint32
		mask uint32
		op   uint16
		v    uint32
		want uint32
	}{
		{"net prefix", SizeW, 4, 0xffff0000, JumpEQ, 0x04050000, 10},
		{"net prefix not", SizeW, 4, 0xffff0000, JumpEQ, 0x04060000, 20},
		{"flag set", SizeB, 63, 0x01, JumpSet, 0x01, 10},
		{"masked gt", SizeH, 10, 0xff00, JumpGT, 0x0900, 10},
		{"masked ge past end", SizeH, 63, 0xff00, JumpGE, 0, 0},
	} {
		add(bothSemantics("ld and jmp "+c.name, Program{ld(c.size, ModeABS, c.off), alu(ALUAnd|SrcK, c.mask), raw(ClassJMP|c.op|SrcK, 0, 1, c.v), raw(ClassRET, 0, 0, 10), raw(ClassRET, 0, 0, 20)}, c.want)...)
	}
	add(bothSemantics("ja", Program{raw(ClassJMP|JumpA, 0, 0, 1), raw(ClassRET, 0, 0, 1), raw(ClassRET, 0, 0, 2)}, 2)...)
	// libpcap lets "ja" wrap around to jump backwards: count A to 3.
	add(vmCase{name: "ja backwards/libpcap", sem: Libpcap, pkt: testPacket, want: 3, prog: Program{
		ldA(0),
		alu(ALUAdd|SrcK, 1),
		raw(ClassJMP|JumpEQ|SrcK, 1, 0, 3),
		raw(ClassJMP|JumpA, 0, 0, 0xfffffffd), // 4-3: back to the add
		insRetA,
	}})
	add(vmCase{name: "endless loop ends with 0", sem: Libpcap, pkt: testPacket, want: 0, prog: Program{
		raw(ClassJMP|JumpA, 0, 0, 0xffffffff), insRetA,
	}})

	// Linux: ancillary loads, negative offsets, int32 indirect offsets.
	meta := &Metadata{Protocol: 0x0800, PacketType: 4, IfIndex: 7, Mark: 0x11, Queue: 3, HAType: 1,
		RXHash: 0xabcdef, CPU: 1, VLANTCI: 0x2064, VLANPresent: true, VLANTPID: 0x88a8,
		PayloadOffset: 34, Random: 42, LinkOffset: 0, NetworkOffset: 14}
	for _, c := range []struct {
		anc  Ancillary
		want uint32
	}{
		{AncProtocol, 0x0800}, {AncPacketType, 4}, {AncIfIndex, 7}, {AncMark, 0x11}, {AncQueue, 3},
		{AncHAType, 1}, {AncRXHash, 0xabcdef}, {AncCPU, 1}, {AncVLANTag, 0x2064}, {AncVLANTagPresent, 1},
		{AncPayloadOffset, 34}, {AncRandom, 42}, {AncVLANTPID, 0x88a8},
	} {
		for _, size := range []uint16{SizeB, SizeH, SizeW} {
			add(vmCase{name: "ancillary", sem: Linux, prog: Program{ld(size, ModeABS, AncillaryBase+uint32(c.anc)), insRetA}, pkt: testPacket, meta: meta, want: c.want})
		}
		// Offline, the same load is past the end of any packet.
		add(vmCase{name: "ancillary offline", sem: Libpcap, prog: Program{ld(SizeW, ModeABS, AncillaryBase+uint32(c.anc)), ldA(1), insRetA}, pkt: testPacket, want: 0})
	}
	add(vmCase{name: "ancillary xor x", sem: Linux, prog: Program{ldX(0xff), ldA(0xf0f), ld(SizeB, ModeABS, AncillaryBase+uint32(AncALUXorX)), insRetA}, pkt: testPacket, want: 0xff0})
	noDev := &Metadata{IfIndex: 7, HAType: 1, NoDevice: true}
	add(vmCase{name: "ifindex without device", sem: Linux, prog: Program{ldA(9), ld(SizeW, ModeABS, AncillaryBase+uint32(AncIfIndex)), raw(ClassRET, 0, 0, 1)}, pkt: testPacket, meta: noDev, want: 9})
	add(vmCase{name: "hatype without device", sem: Linux, prog: Program{ldA(9), ld(SizeH, ModeABS, AncillaryBase+uint32(AncHAType)), raw(ClassRET, 0, 0, 1)}, pkt: testPacket, meta: noDev, want: 9})
	add(vmCase{name: "mark without device", sem: Linux, prog: Program{ldA(9), ld(SizeW, ModeABS, AncillaryBase+uint32(AncMark)), insRetA}, pkt: testPacket, meta: noDev, want: 0})
	add(vmCase{name: "no vlan", sem: Linux, prog: Program{ld(SizeB, ModeABS, AncillaryBase+uint32(AncVLANTagPresent)), insRetA}, pkt: testPacket, want: 0})
	add(vmCase{name: "net off", sem: Linux, prog: Program{ld(SizeH, ModeABS, NetworkBase+2), insRetA}, pkt: testPacket, meta: meta, want: 0x1011})
	add(vmCase{name: "ll off", sem: Linux, prog: Program{ld(SizeW, ModeABS, LinkBase+1), insRetA}, pkt: testPacket, meta: meta, want: 0x01020304})
	add(vmCase{name: "net off past end", sem: Linux, prog: Program{ld(SizeH, ModeABS, NetworkBase+49), ldA(1), insRetA}, pkt: testPacket, meta: meta, want: 0})
	add(vmCase{name: "below ll off", sem: Linux, prog: Program{ld(SizeB, ModeABS, LinkBase-1), ldA(1), insRetA}, pkt: testPacket, meta: meta, want: 0})
	add(vmCase{name: "ldx msh net off", sem: Linux, prog: Program{raw(ClassLDX|SizeB|ModeMSH, 0, 0, NetworkBase+1), raw(ClassMISC|MiscTXA, 0, 0, 0), insRetA}, pkt: testPacket, meta: meta, want: (15 & 0xf) * 4})
	// X+k wraps as int32: 0x100 + 0xfff00000-0x100+3 = NetworkBase+3.
	add(vmCase{name: "ind wraps to net off", sem: Linux, prog: Program{ldX(0x100), ld(SizeB, ModeIND, NetworkBase-0x100+3), insRetA}, pkt: testPacket, meta: meta, want: 17})
	add(vmCase{name: "ind wraps offline", sem: Libpcap, prog: Program{ldX(0x100), ld(SizeB, ModeIND, NetworkBase-0x100+3), ldA(1), insRetA}, pkt: testPacket, want: 0})
	add(vmCase{name: "ind wraps to 0", sem: Linux, prog: Program{ldX(2), ld(SizeB, ModeIND, 0xffffffff), insRetA}, pkt: testPacket, want: 1})
	return cs
}

func TestVM(t *testing.T) {
	for _, c := range vmCases() {
		t.Run(c.name, func(t *testing.T) {
			vm, err := NewVM(c.prog, c.sem)
			if err != nil {
				t.Fatalf("NewVM: %v", err)
			}
			wire := c.wire
			if wire == 0 {
				wire = len(c.pkt)
			}
			if got := vm.RunMetadata(c.pkt, wire, c.meta); got != c.want {
				t.Errorf("RunMetadata = %#x, want %#x", got, c.want)
			}
			if got := interpret(c.prog, c.sem, c.pkt, uint32(wire), metaOrZero(c.meta)); got != c.want {
				t.Errorf("interpret = %#x, want %#x", got, c.want)
			}
			if c.meta == nil {
				if got := vm.Run(c.pkt, wire); got != c.want {
					t.Errorf("Run = %#x, want %#x", got, c.want)
				}
			}
		})
	}
}

func metaOrZero(m *Metadata) *Metadata {
	if m == nil {
		return &noMetadata
	}
	return m
}

func TestNetlinkAttr(t *testing.T) {
	// Three attributes in host byte order: type 1 (len 5, padded to 8),
	// type 2 nested (len 12) holding type 7 (len 8), then type 3 (len 4).
	pkt := make([]byte, 24)
	put := func(off int, l, typ uint16) {
		binary.NativeEndian.PutUint16(pkt[off:], l)
		binary.NativeEndian.PutUint16(pkt[off+2:], typ)
	}
	put(0, 5, 1)
	put(8, 12, 2|0x8000) // NLA_F_NESTED is ignored when matching types
	put(12, 8, 7)
	put(20, 4, 3)
	for _, c := range []struct {
		name          string
		anc           Ancillary
		start, attr   uint32
		want          uint32
		wantWithShort uint32
	}{
		{"first", AncNetlinkAttr, 0, 1, 0, 0},
		{"second", AncNetlinkAttr, 0, 2, 8, 8},
		{"third", AncNetlinkAttr, 0, 3, 20, 0},
		{"missing", AncNetlinkAttr, 0, 9, 0, 0},
		{"start past end", AncNetlinkAttr, 21, 3, 0, 0},
		{"nested", AncNetlinkNested, 8, 7, 12, 12},
		{"nested missing", AncNetlinkNested, 8, 3, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			prog := Program{ldX(c.attr), ldA(c.start), raw(ClassLD|SizeB|ModeABS, 0, 0, AncillaryBase+uint32(c.anc)), insRetA}
			vm, err := NewVM(prog, Linux)
			if err != nil {
				t.Fatal(err)
			}
			if got := vm.Run(pkt, len(pkt)); got != c.want {
				t.Errorf("got %d, want %d", got, c.want)
			}
			// Cut inside the last attribute: it is no longer found.
			if got := vm.Run(pkt[:22], 22); got != c.wantWithShort {
				t.Errorf("short packet: got %d, want %d", got, c.wantWithShort)
			}
		})
	}
}

func TestRunDoesNotAllocate(t *testing.T) {
	progs := map[string]Program{
		"plain":   {raw(ClassLD|SizeH|ModeABS, 0, 0, 12), raw(ClassJMP|JumpEQ|SrcK, 0, 1, 0x0800), raw(ClassRET, 0, 0, 1), raw(ClassRET, 0, 0, 0)},
		"scratch": {ldA(1), raw(ClassST, 0, 0, 0), raw(ClassLD|ModeMEM, 0, 0, 0), insRetA},
	}
	for name, p := range progs {
		for _, s := range []Semantics{Libpcap, Linux} {
			vm, err := NewVM(p, s)
			if err != nil {
				t.Fatal(err)
			}
			vm.Run(testPacket, 64)
			if n := testing.AllocsPerRun(100, func() { vm.Run(testPacket, 64) }); n != 0 {
				t.Errorf("%s/%v: %v allocations per run", name, s, n)
			}
		}
	}
}

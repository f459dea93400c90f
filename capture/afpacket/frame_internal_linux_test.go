package afpacket

import (
	"encoding/binary"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket/layers"
	"golang.org/x/sys/unix"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// TestKernelProgram checks libpcap's fix_offset rewriting for cooked
// sockets, offset by offset.
func TestKernelProgram(t *testing.T) {
	ld := func(mode uint16, k uint32) cbpf.Program {
		return cbpf.Program{{Op: cbpf.ClassLD | cbpf.SizeH | mode, K: k}, {Op: cbpf.ClassRET | cbpf.RetA}}
	}
	anc := func(a cbpf.Ancillary) uint32 { return cbpf.AncillaryBase + uint32(a) }
	for _, tc := range []struct {
		name   string
		lt     layers.LinkType
		cooked bool
		in     cbpf.Program
		want   cbpf.Program // nil: only user space can run it
	}{
		{"raw untouched", layers.LinkTypeEthernet, false, ld(cbpf.ModeABS, 12), ld(cbpf.ModeABS, 12)},
		{"sll2 protocol", layers.LinkTypeLinuxSLL2, true, ld(cbpf.ModeABS, 0), ld(cbpf.ModeABS, anc(cbpf.AncProtocol))},
		{"sll2 ifindex", layers.LinkTypeLinuxSLL2, true, ld(cbpf.ModeABS, 4), ld(cbpf.ModeABS, anc(cbpf.AncIfIndex))},
		{"sll2 packet type", layers.LinkTypeLinuxSLL2, true, ld(cbpf.ModeABS, 10), ld(cbpf.ModeABS, anc(cbpf.AncPacketType))},
		{"sll2 payload", layers.LinkTypeLinuxSLL2, true, ld(cbpf.ModeABS, 29), ld(cbpf.ModeABS, 9)},
		{"sll2 indirect payload", layers.LinkTypeLinuxSLL2, true, ld(cbpf.ModeIND, 20), ld(cbpf.ModeIND, 0)},
		{"sll2 address", layers.LinkTypeLinuxSLL2, true, ld(cbpf.ModeABS, 12), nil},
		{"sll2 ancillary kept", layers.LinkTypeLinuxSLL2, true, ld(cbpf.ModeABS, anc(cbpf.AncVLANTag)), ld(cbpf.ModeABS, anc(cbpf.AncVLANTag))},
		{"sll packet type", layers.LinkTypeLinuxSLL, true, ld(cbpf.ModeABS, 0), ld(cbpf.ModeABS, anc(cbpf.AncPacketType))},
		{"sll protocol", layers.LinkTypeLinuxSLL, true, ld(cbpf.ModeABS, 14), ld(cbpf.ModeABS, anc(cbpf.AncProtocol))},
		{"sll payload", layers.LinkTypeLinuxSLL, true, ld(cbpf.ModeABS, 25), ld(cbpf.ModeABS, 9)},
		{"sll hardware type", layers.LinkTypeLinuxSLL, true, ld(cbpf.ModeABS, 2), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := kernelProgram(tc.in, tc.cooked, tc.lt)
			if ok != (tc.want != nil) {
				t.Fatalf("kernel can run it: %v, want %v", ok, tc.want != nil)
			}
			if diff := cmp.Diff(tc.want, got); ok && diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestFrame checks the frames built from kernel packets: cooked headers,
// VLAN tags put back, snapshot lengths and directions.
func TestFrame(t *testing.T) {
	payload := []byte{0x45, 0, 0, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	eth := append([]byte{1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 0x08, 0x00}, payload...)
	mk := func(data []byte, pkttype uint8, vlan bool) *packet {
		buf := make([]byte, headroom+len(data))
		copy(buf[headroom:], data)
		p := &packet{buf: buf, start: headroom, caplen: len(data), wireLen: len(data) + 100, ts: time.Unix(1, 2),
			protocol: 0x0800, ifindex: 7, hatype: 1, pkttype: pkttype, halen: 6, addr: [8]byte{2, 2, 2, 2, 2, 2}}
		if vlan {
			p.vlanValid, p.vlanTCI, p.vlanTPID = true, 0x6064, 0x88a8
		}
		return p
	}
	type result struct {
		Data    []byte
		Len     int
		OK      bool
		Capture int
	}
	for _, tc := range []struct {
		name string
		f    framer
		p    *packet
		want result
	}{
		{"ethernet", framer{linkType: layers.LinkTypeEthernet, snapLen: 1000, vlanOff: 12, loIndex: 1}, mk(eth, 0, false),
			result{eth, len(eth) + 100, true, len(eth)}},
		{"ethernet vlan back", framer{linkType: layers.LinkTypeEthernet, snapLen: 1000, vlanOff: 12, loIndex: 1}, mk(eth, 0, true),
			result{append(append(append([]byte(nil), eth[:12]...), 0x88, 0xa8, 0x60, 0x64), eth[12:]...), len(eth) + 104, true, len(eth) + 4}},
		{"snap length", framer{linkType: layers.LinkTypeEthernet, snapLen: 10, vlanOff: 12, loIndex: 1}, mk(eth, 0, false),
			result{eth[:10], len(eth) + 100, true, 10}},
		{"sll2", framer{linkType: layers.LinkTypeLinuxSLL2, cooked: true, snapLen: 1000, vlanOff: -1, loIndex: 1}, mk(payload, 4, true),
			result{append([]byte{8, 0, 0, 0, 0, 0, 0, 7, 0, 1, 4, 6, 2, 2, 2, 2, 2, 2, 0, 0}, payload...), len(payload) + 120, true, len(payload) + 20}},
		{"sll vlan back", framer{linkType: layers.LinkTypeLinuxSLL, cooked: true, snapLen: 1000, vlanOff: 14, loIndex: 1}, mk(payload, 0, true),
			result{append([]byte{0, 0, 0, 1, 0, 6, 2, 2, 2, 2, 2, 2, 0, 0, 0x88, 0xa8, 0x60, 0x64, 8, 0}, payload...), len(payload) + 120, true, len(payload) + 20}},
		{"in drops outgoing", framer{linkType: layers.LinkTypeEthernet, snapLen: 1000, vlanOff: 12, direction: In, loIndex: 1}, mk(eth, unix.PACKET_OUTGOING, false),
			result{}},
		{"out drops incoming", framer{linkType: layers.LinkTypeEthernet, snapLen: 1000, vlanOff: 12, direction: Out, loIndex: 1}, mk(eth, unix.PACKET_HOST, false),
			result{}},
		{"outgoing on lo", framer{linkType: layers.LinkTypeEthernet, snapLen: 1000, vlanOff: 12, loIndex: 7}, mk(eth, unix.PACKET_OUTGOING, false),
			result{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, ci, ok, err := tc.f.frame(tc.p, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := result{data, ci.Length, ok, ci.CaptureLength}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestUserSpaceFilterMetadata runs a live program reading the VLAN tag
// and the SLL2 interface index through the user-space path.
func TestUserSpaceFilterMetadata(t *testing.T) {
	prog := cbpf.Program{
		{Op: cbpf.ClassLD | cbpf.SizeW | cbpf.ModeABS, K: cbpf.AncillaryBase + uint32(cbpf.AncVLANTag)},
		{Op: cbpf.ClassJMP | cbpf.JumpEQ, K: 0x6064, Jt: 0, Jf: 3}, // jeq
		{Op: cbpf.ClassLD | cbpf.SizeW | cbpf.ModeABS, K: 4},       // SLL2 ifindex
		{Op: cbpf.ClassJMP | cbpf.JumpEQ, K: 7, Jt: 0, Jf: 1},
		{Op: cbpf.ClassRET | cbpf.RetK, K: 1000},
		{Op: cbpf.ClassRET | cbpf.RetK, K: 0},
	}
	vm, err := cbpf.NewVM(prog, cbpf.Linux)
	if err != nil {
		t.Fatal(err)
	}
	f := framer{linkType: layers.LinkTypeLinuxSLL2, cooked: true, snapLen: 1000, vlanOff: -1, loIndex: 1}
	for _, tc := range []struct {
		tci     uint16
		ifindex int32
		want    bool
	}{{0x6064, 7, true}, {0x6065, 7, false}, {0x6064, 8, false}} {
		buf := make([]byte, headroom+4)
		p := &packet{buf: buf, start: headroom, caplen: 4, wireLen: 4, ifindex: tc.ifindex, vlanValid: true, vlanTCI: tc.tci}
		if _, _, ok, err := f.frame(p, vm); err != nil || ok != tc.want {
			t.Errorf("tci %#x ifindex %d: delivered %v (%v), want %v", tc.tci, tc.ifindex, ok, err, tc.want)
		}
	}
}

// FuzzFrame builds frames from arbitrary kernel packets: never a panic,
// and a frame is never longer than the snapshot length.
func FuzzFrame(f *testing.F) {
	f.Add([]byte{1, 2, 3}, 0, uint8(0), true, uint16(276), 100)
	f.Add(make([]byte, 40), 30, uint8(4), false, uint16(1), 10)
	f.Fuzz(func(t *testing.T, data []byte, start int, pkttype uint8, vlan bool, lt uint16, snap int) {
		if start < 0 || start > len(data) || snap <= 0 {
			return
		}
		linkType := layers.LinkType(lt)
		fr := framer{linkType: linkType, cooked: linkType == layers.LinkTypeLinuxSLL || linkType == layers.LinkTypeLinuxSLL2,
			snapLen: snap, vlanOff: vlanOffset(linkType), loIndex: 1}
		p := &packet{buf: data, start: start, caplen: len(data) - start, wireLen: len(data), pkttype: pkttype, vlanValid: vlan}
		out, ci, ok, err := fr.frame(p, nil)
		if err != nil || !ok {
			return
		}
		if len(out) != ci.CaptureLength || len(out) > snap {
			t.Fatalf("frame of %d bytes, capture length %d, snap length %d", len(out), ci.CaptureLength, snap)
		}
	})
}

// FuzzParseControl feeds arbitrary control messages to the recvmsg
// parser: never a panic.
func FuzzParseControl(f *testing.F) {
	var aux [unix.SizeofCmsghdr + 24]byte
	h := (*unix.Cmsghdr)(unsafe.Pointer(&aux[0]))
	h.Level, h.Type = unix.SOL_PACKET, unix.PACKET_AUXDATA
	h.SetLen(unix.CmsgLen(sizeofAuxdata))
	binary.NativeEndian.PutUint32(aux[unix.SizeofCmsghdr:], unix.TP_STATUS_VLAN_VALID)
	f.Add(aux[:])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		var r receiver
		var p packet
		r.parseControl(&p, b)
	})
}

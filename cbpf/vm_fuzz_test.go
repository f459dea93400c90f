package cbpf

import (
	"encoding/binary"
	"testing"

	"golang.org/x/net/bpf"
)

// decodeFuzzProgram splits fuzz input into a program (8 bytes an
// instruction, as many as the first byte says) and a packet (the rest).
func decodeFuzzProgram(data []byte) (Program, []byte) {
	if len(data) == 0 {
		return nil, nil
	}
	n := int(data[0])%64 + 1
	data = data[1:]
	var p Program
	for i := 0; i < n && len(data) >= 8; i++ {
		p = append(p, bpf.RawInstruction{
			Op: uint16(data[0]),
			Jt: data[1],
			Jf: data[2],
			K:  binary.BigEndian.Uint32(data[4:8]),
		})
		data = data[8:]
	}
	return p, data
}

func encodeFuzzProgram(p Program, pkt []byte) []byte {
	out := []byte{byte(len(p) - 1)}
	for _, ins := range p {
		var b [8]byte
		b[0], b[1], b[2] = byte(ins.Op), ins.Jt, ins.Jf
		binary.BigEndian.PutUint32(b[4:], ins.K)
		out = append(out, b[:]...)
	}
	return append(out, pkt...)
}

// FuzzVM checks that any program Validate accepts runs without panicking
// and that the compiled VM agrees with the reference interpreter, under
// both semantics.
func FuzzVM(f *testing.F) {
	for _, c := range vmCases() {
		if len(c.prog) > 0 && len(c.prog) <= 64 {
			f.Add(encodeFuzzProgram(c.prog, c.pkt[:20]))
		}
	}
	meta := &Metadata{Protocol: 0x86dd, VLANPresent: true, VLANTCI: 5, NetworkOffset: 14, LinkOffset: 0}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, pkt := decodeFuzzProgram(data)
		for _, s := range []Semantics{Libpcap, Linux} {
			vm, err := NewVM(p, s)
			if err != nil {
				continue
			}
			got := vm.RunMetadata(pkt, len(pkt)+3, meta)
			want := interpret(p, s, pkt, uint32(len(pkt)+3), meta)
			if got != want {
				t.Fatalf("%v: compiled %#x, interpreted %#x\nprogram %v\npacket %x", s, got, want, p, pkt)
			}
		}
	})
}

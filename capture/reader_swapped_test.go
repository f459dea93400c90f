package capture

import (
	"bytes"
	"encoding/binary"
	"testing"
)

func TestSwapped(t *testing.T) {
	native := binary.NativeEndian.Uint16([]byte{1, 0}) == 1 // little-endian machine
	for _, c := range []struct {
		name string
		file []byte
		big  bool
	}{
		{"pcap little-endian", pcapHeader(binary.LittleEndian, 0xa1b2c3d4, 2, 4, 65535, 1), false},
		{"pcap big-endian", pcapHeader(binary.BigEndian, 0xa1b2c3d4, 2, 4, 65535, 1), true},
	} {
		r, err := NewReader(bytes.NewReader(c.file))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if want := c.big == native; r.Swapped() != want {
			t.Errorf("%s: Swapped() = %v, want %v", c.name, r.Swapped(), want)
		}
	}
}

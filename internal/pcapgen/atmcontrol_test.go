package main

import (
	"fmt"
	"testing"
)

// TestHeaderErrorControl checks the cell header CRC against the header of
// an idle cell, 00 00 00 01 with HEC 0x52 (ITU-T I.432.1).
func TestHeaderErrorControl(t *testing.T) {
	if got := headerErrorControl([]byte{0x00, 0x00, 0x00, 0x01}); got != 0x52 {
		t.Errorf("HEC of the idle cell header = %#02x, want 0x52", got)
	}
}

// TestOAMCellCRC10 checks that every OAM cell's payload, CRC included,
// has a CRC-10 remainder of zero, which is what receivers test.
func TestOAMCellCRC10(t *testing.T) {
	cells := []struct {
		name string
		cell []byte
	}{
		{"loopback request", oamLoopbackCell(vcOAMSegment, true, 0x0badcafe)},
		{"loopback reply", oamLoopbackCell(vcOAMSegment, false, 0x0badcafe)},
		{"AIS", oamAISCell(vcOAMEndToEnd)},
	}
	for _, tt := range cells {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.cell) != 53 {
				t.Fatalf("cell of %d bytes, want 53", len(tt.cell))
			}
			if rem := crc10(tt.cell[5:]); rem != 0 {
				t.Errorf("CRC-10 remainder %#03x, want 0", rem)
			}
		})
	}
}

// TestQ2931MessageType checks the offsets libpcap's connectmsg relies on:
// the message type 5 bytes into the PDU, and the SSCOP trailer aligned.
func TestQ2931MessageType(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3} {
		t.Run(fmt.Sprintf("%d IEs", n), func(t *testing.T) {
			ies := []q2931IE{ieAAL5, ieTrafficBestEffort, ieBearerBCOBX}[:n]
			msg := q2931Message(q2931Release, 0x42, true, 9, ies...)
			if msg[5] != q2931Release {
				t.Errorf("byte 5 = %#02x, want %#02x", msg[5], q2931Release)
			}
			if len(msg)%4 != 0 {
				t.Errorf("PDU of %d bytes, want a multiple of 4", len(msg))
			}
			if ref := int(msg[2])<<16 | int(msg[3])<<8 | int(msg[4]); ref != 0x800042 {
				t.Errorf("call reference %#06x, want 0x800042", ref)
			}
		})
	}
}

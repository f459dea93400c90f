package main

import (
	"encoding/binary"

	"github.com/gopacket/gopacket"
)

// Q.2931 (UNI 3.1) message types; libpcap's connectmsg matches the first
// six on the signalling circuit, metaconnect all but CONNECT ACK on the
// meta-signalling circuit.
const (
	q2931CallProceeding     = 0x02
	q2931Setup              = 0x05
	q2931Connect            = 0x07
	q2931ConnectAck         = 0x0f
	q2931Release            = 0x4d
	q2931ReleaseComplete    = 0x5a
	q2931StatusEnquiry      = 0x75
	q2931ProtoDiscriminator = 0x09
)

// q2931IE is one information element: identifier and contents.
type q2931IE struct {
	id       uint8
	contents []byte
}

// Information elements of the calls in the SunATM capture.
var (
	// AAL type 5, forward and backward maximum CPCS-SDU size 9188.
	ieAAL5 = q2931IE{0x58, []byte{0x05, 0x8c, 0x23, 0xe4, 0x81, 0x23, 0xe4}}
	// Forward and backward peak cell rate (CLP 0+1) 4500 cells/s, best effort.
	ieTrafficBestEffort = q2931IE{0x59, []byte{0x82, 0x00, 0x11, 0x94, 0x83, 0x00, 0x11, 0x94, 0xbe}}
	// BCOB-X, no clipping, point-to-point.
	ieBearerBCOBX = q2931IE{0x5e, []byte{0x10, 0x80, 0x80}}
	// QoS class 0 (unspecified) both ways.
	ieQoSUnspecified = q2931IE{0x5c, []byte{0x00, 0x00}}
	// Cause: user, normal call clearing (16).
	ieCauseNormal = q2931IE{0x08, []byte{0x80, 0x90}}
)

// ieCalledParty is the called party number IE for an NSAP ATM address.
func ieCalledParty(atm []byte) q2931IE { return q2931IE{0x70, append([]byte{0x82}, atm...)} }

// ieConnectionID assigns the call to VPCI/VCI vc, explicitly indicated.
func ieConnectionID(vc atmVC) q2931IE {
	return q2931IE{0x5a, binary.BigEndian.AppendUint16(append([]byte{0x88}, 0, vc.vpi), vc.vci)}
}

// q2931Message returns a Q.2931 message for call reference callRef
// carried in an SSCOP sequenced-data PDU, as the AAL5 payload of a Q.SAAL
// circuit: protocol discriminator, call reference length 3, the call
// reference (bit 23 set by the side that did not originate the call),
// message type at offset 5, compatibility instruction, length, the
// information elements; then SSCOP pads to 4 bytes and appends its
// trailer (pad length, PDU type SD, N(S)).
func q2931Message(msgType uint8, callRef uint32, fromCallee bool, seq uint32, ies ...q2931IE) gopacket.Payload {
	if fromCallee {
		callRef |= 0x800000
	}
	var body []byte
	for _, ie := range ies {
		body = append(body, ie.id, 0x80) // ITU-T coding, no explicit action
		body = binary.BigEndian.AppendUint16(body, uint16(len(ie.contents)))
		body = append(body, ie.contents...)
	}
	b := []byte{q2931ProtoDiscriminator, 3, byte(callRef >> 16), byte(callRef >> 8), byte(callRef), msgType, 0x80}
	b = binary.BigEndian.AppendUint16(b, uint16(len(body)))
	b = append(b, body...)
	pad := (4 - len(b)%4) % 4
	b = append(b, make([]byte, pad)...)
	const sscopSD = 0x8
	return binary.BigEndian.AppendUint32(b, uint32(pad)<<30|sscopSD<<24|seq&0xffffff)
}

// OAM F4 cells (ITU-T I.610) travel on VCI 3 (segment) and 4 (end-to-end)
// of the virtual path they supervise.
const (
	oamFaultManagement = 0x1
	oamAIS             = 0x0
	oamLoopback        = 0x8
	oamUnused          = 0x6a // fill of unused octets
)

// oamLoopbackCell returns a fault-management loopback cell; request sets
// the loopback indication the far end clears when it returns the cell.
func oamLoopbackCell(vc atmVC, request bool, correlation uint32) gopacket.Payload {
	fields := []byte{0}
	if request {
		fields[0] = 1
	}
	fields = binary.BigEndian.AppendUint32(fields, correlation)
	fields = append(fields, fill(16, 0xff)...) // loopback location: end point
	fields = append(fields, fill(16, 0xff)...) // source: not given
	fields = append(fields, fill(8, oamUnused)...)
	return oamCell(vc, oamFaultManagement<<4|oamLoopback, fields)
}

// oamAISCell returns an alarm indication signal cell.
func oamAISCell(vc atmVC) gopacket.Payload {
	return oamCell(vc, oamFaultManagement<<4|oamAIS, fill(45, oamUnused))
}

// oamCell returns a whole 53-byte cell as tcpdump's OAM printer reads it:
// HEC first, then the 4-byte cell header (GFC 0, VPI, VCI, PTI 0, CLP 0),
// the cell and function type, the 45 function-specific bytes and the
// CRC-10 over the 48-byte payload.
func oamCell(vc atmVC, cellFunction uint8, fields []byte) gopacket.Payload {
	header := binary.BigEndian.AppendUint32(nil, uint32(vc.vpi)<<20|uint32(vc.vci)<<4)
	payload := append(append([]byte{cellFunction}, fields...), 0, 0)
	binary.BigEndian.PutUint16(payload[46:], crc10(payload))
	return append(append([]byte{headerErrorControl(header)}, header...), payload...)
}

// headerErrorControl is the cell header's CRC-8 (x^8+x^2+x+1) XOR 0x55
// (ITU-T I.432.1).
func headerErrorControl(header []byte) byte {
	var crc byte
	for _, b := range header {
		crc ^= b
		for range 8 {
			if crc&0x80 != 0 {
				crc = crc<<1 ^ 0x07
			} else {
				crc <<= 1
			}
		}
	}
	return crc ^ 0x55
}

// crc10 is the OAM payload CRC (x^10+x^9+x^5+x^4+x+1) of b, computed as
// tcpdump verifies it. With the last 10 bits of b zero it returns the
// value to store there, which makes the CRC of the whole payload zero.
func crc10(b []byte) uint16 {
	const poly = 0x633
	var accum uint16
	for _, v := range b {
		// Shift the top 8 of the 10 bits out through the polynomial.
		top := (accum >> 2 & 0xff) << 2
		for range 8 {
			top <<= 1
			if top&0x400 != 0 {
				top ^= poly
			}
		}
		accum = (accum<<8)&0x3ff ^ top ^ uint16(v)
	}
	return accum
}

// fill returns n bytes of v.
func fill(n int, v byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = v
	}
	return b
}

// ilmiGet returns an ILMI message: SNMPv1 (community "ILMI") GetRequest
// for sysUpTime.0, or the GetResponse carrying uptime in hundredths of a
// second.
func ilmiGet(requestID uint8, response bool, uptime uint32) gopacket.Payload {
	sysUpTime := []byte{0x2b, 6, 1, 2, 1, 1, 3, 0} // 1.3.6.1.2.1.1.3.0
	value, pdu := ber(0x05), byte(0xa0)            // NULL in a GetRequest
	if response {
		value, pdu = ber(0x43, binary.BigEndian.AppendUint32(nil, uptime)...), 0xa2 // TimeTicks
	}
	varbind := ber(0x30, append(ber(0x06, sysUpTime...), value...)...)
	body := append(append(append(ber(0x02, requestID), ber(0x02, 0)...), ber(0x02, 0)...), ber(0x30, varbind...)...)
	message := append(append(ber(0x02, 0), ber(0x04, []byte("ILMI")...)...), ber(pdu, body...)...)
	return ber(0x30, message...)
}

// ber encodes one BER element with a short-form length (under 128 bytes).
func ber(tag byte, contents ...byte) []byte {
	return append([]byte{tag, byte(len(contents))}, contents...)
}

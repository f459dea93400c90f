package main

import (
	"encoding/binary"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// tcpFlags is a set of TCP header flags.
type tcpFlags uint16

const (
	fin tcpFlags = 1 << iota
	syn
	rst
	psh
	ack
	urg
	ece
	cwr
	ns
)

// tcpFlow keeps the sequence numbers of one TCP connection so that its
// segments acknowledge each other as a real stack's would.
type tcpFlow struct {
	c              *capture
	fr             framer
	client, server endpoint
	cport, sport   uint16
	cseq, sseq     uint32 // next sequence number each side sends
	tsval          uint32 // RFC 7323 timestamp clock, shared by both sides
}

// newTCPFlow starts a connection; the initial sequence numbers are derived
// from the ports so that every flow differs but stays reproducible.
func (c *capture) newTCPFlow(fr framer, client endpoint, cport uint16, server endpoint, sport uint16) *tcpFlow {
	return &tcpFlow{
		c: c, fr: fr,
		client: client, server: server,
		cport: cport, sport: sport,
		cseq:  uint32(cport)*2654435761 + 1,
		sseq:  uint32(sport)*2246822519 + uint32(cport),
		tsval: 3_141_592 + uint32(cport),
	}
}

// synOptions are those of a Linux SYN: MSS, SACK permitted, timestamps,
// window scale.
func synOptions(tsval, tsecr uint32) []layers.TCPOption {
	return []layers.TCPOption{
		{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
		{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
		timestampOption(tsval, tsecr),
		{OptionType: layers.TCPOptionKindNop},
		{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}},
	}
}

func timestampOption(tsval, tsecr uint32) layers.TCPOption {
	data := make([]byte, 8)
	binary.BigEndian.PutUint32(data, tsval)
	binary.BigEndian.PutUint32(data[4:], tsecr)
	return layers.TCPOption{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: data}
}

// segment builds one segment without sending it; fromClient picks the
// direction. SYN segments carry the SYN options, others NOP NOP timestamps.
// The sender's sequence number advances by the payload and by one for SYN
// and FIN.
func (f *tcpFlow) segment(fromClient bool, flags tcpFlags, payload []byte) *layers.TCP {
	seq, peerSeq := &f.sseq, &f.cseq
	src, dst := f.sport, f.cport
	if fromClient {
		seq, peerSeq = &f.cseq, &f.sseq
		src, dst = f.cport, f.sport
	}
	f.tsval += 7
	t := &layers.TCP{
		SrcPort: layers.TCPPort(src),
		DstPort: layers.TCPPort(dst),
		Seq:     *seq,
		Window:  502,
		FIN:     flags&fin != 0,
		SYN:     flags&syn != 0,
		RST:     flags&rst != 0,
		PSH:     flags&psh != 0,
		ACK:     flags&ack != 0,
		URG:     flags&urg != 0,
		ECE:     flags&ece != 0,
		CWR:     flags&cwr != 0,
		NS:      flags&ns != 0,
	}
	if t.ACK {
		t.Ack = *peerSeq
	}
	switch {
	case t.SYN:
		t.Window = 64240
		t.Options = synOptions(f.tsval, f.tsval-11)
	case !t.RST:
		t.Options = []layers.TCPOption{{OptionType: layers.TCPOptionKindNop}, {OptionType: layers.TCPOptionKindNop}, timestampOption(f.tsval, f.tsval-11)}
	}
	*seq += uint32(len(payload))
	if t.SYN {
		*seq++
	}
	if t.FIN {
		*seq++
	}
	return t
}

// send adds one segment in the given direction.
func (f *tcpFlow) send(fromClient bool, flags tcpFlags, payload []byte) {
	src, dst := f.server, f.client
	if fromClient {
		src, dst = f.client, f.server
	}
	f.sendSegment(src, dst, f.segment(fromClient, flags, payload), payload)
}

// sendSegment adds a segment built by segment, possibly modified by the
// caller.
func (f *tcpFlow) sendSegment(src, dst endpoint, t *layers.TCP, payload []byte) {
	upper := []gopacket.SerializableLayer{t}
	if len(payload) > 0 {
		upper = append(upper, gopacket.Payload(payload))
	}
	f.c.send(f.fr, src, dst, layers.IPProtocolTCP, upper...)
}

// handshake adds SYN, SYN-ACK and ACK.
func (f *tcpFlow) handshake() {
	f.send(true, syn, nil)
	f.send(false, syn|ack, nil)
	f.send(true, ack, nil)
}

// exchange adds a request, the acknowledged response and the client's ACK.
func (f *tcpFlow) exchange(request, response []byte) {
	f.send(true, psh|ack, request)
	f.send(false, psh|ack, response)
	f.send(true, ack, nil)
}

// closeByClient adds FIN-ACK from the client, FIN-ACK from the server and
// the final ACK.
func (f *tcpFlow) closeByClient() {
	f.send(true, fin|ack, nil)
	f.send(false, fin|ack, nil)
	f.send(true, ack, nil)
}

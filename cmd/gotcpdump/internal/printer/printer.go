package printer

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// maxSnapLen is tcpdump's MAXIMUM_SNAPLEN: larger lengths in a packet
// header mark the header invalid.
const maxSnapLen = 262144

// errTruncated reports that a field lies past the captured bytes; the line
// then ends with " [|proto]" where proto is the protocol being printed.
var errTruncated = errors.New("truncated packet")

// errPrinted stops printing a packet whose printer already ended the line
// with its own marker, as tcpdump's printers that return early do.
var errPrinted = errors.New("packet printed")

// A Printer prints packets one per line to a writer. It is not safe for
// concurrent use: the output of a packet depends on the packets before it.
type Printer struct {
	w    io.Writer
	opts Options
	loc  *time.Location

	line  []byte // the line being built, reused between packets
	proto string // innermost protocol being printed, for " [|proto]"

	tsRef   stamp // previous (-ttt) or first (-ttttt) packet's time stamp
	tcpSeqs map[tcpConv]tcpSeqBase

	hosts  map[netip.Addr]string
	ifaces map[uint32]string
}

// New returns a Printer writing to w. Each packet is written with a single
// Write call; pass a *bufio.Writer and flush it when done for speed.
func New(w io.Writer, opts Options) *Printer {
	return &Printer{
		w:       w,
		opts:    opts,
		loc:     opts.location(),
		line:    make([]byte, 0, 512),
		tcpSeqs: make(map[tcpConv]tcpSeqBase),
		hosts:   make(map[netip.Addr]string),
		ifaces:  make(map[uint32]string),
	}
}

// Print prints one packet: ci describes it (time stamp, captured and wire
// lengths), data holds the captured bytes and linkType says how to decode
// them. It returns an error only when writing fails.
func (p *Printer) Print(ci gopacket.CaptureInfo, data []byte, linkType layers.LinkType) error {
	p.line = p.line[:0]
	caplen := len(data)
	if ci.CaptureLength < caplen {
		caplen = ci.CaptureLength
	}
	data = data[:caplen]
	if p.invalidHeader(caplen, ci.Length) {
		p.str("]\n")
		return p.flush()
	}
	p.timestamp(ci.Timestamp)

	p.proto = ""
	hdrlen, err := p.link(data, ci.Length, linkType)
	if errors.Is(err, errTruncated) {
		p.trunc()
		hdrlen = 0 // tcpdump dumps a truncated packet from its first byte
	}
	p.dump(data, hdrlen)
	p.byte('\n')
	return p.flush()
}

func (p *Printer) flush() error {
	if _, err := p.w.Write(p.line); err != nil {
		return fmt.Errorf("write packet line: %w", err)
	}
	return nil
}

// invalidHeader prints tcpdump's complaint about impossible lengths in the
// packet header and reports whether there was one.
func (p *Printer) invalidHeader(caplen, length int) bool {
	invalid := false
	complain := func(s string) {
		if invalid {
			p.byte(',')
		} else {
			p.str("[Invalid header:")
			invalid = true
		}
		p.str(s)
	}
	if caplen == 0 {
		p.str("[Invalid header: caplen==0")
		invalid = true
	}
	if length == 0 {
		complain(" len==0")
	} else if length < caplen {
		complain(fmt.Sprintf(" len(%d) < caplen(%d)", length, caplen))
	}
	if caplen > maxSnapLen {
		complain(fmt.Sprintf(" caplen(%d) > %d", caplen, maxSnapLen))
	}
	if length > maxSnapLen {
		complain(fmt.Sprintf(" len(%d) > %d", length, maxSnapLen))
	}
	return invalid
}

// link prints the packet from its link-layer header on and returns the
// length of that header, which the -x, -X and -A dumps skip.
func (p *Printer) link(b []byte, length int, lt layers.LinkType) (int, error) {
	if print, ok := linkPrinters[lt]; ok {
		return print(p, b, length)
	}
	// What tcpdump prints for link types it has no printer for.
	p.proto = "unsupported"
	p.str("UNSUPPORTED")
	p.hexASCIIDump(b)
	return 0, nil
}

// linkPrinters print a packet from its link-layer header on, by link type.
var linkPrinters = map[layers.LinkType]func(p *Printer, b []byte, length int) (int, error){
	layers.LinkTypeEthernet: func(p *Printer, b []byte, length int) (int, error) {
		p.proto = "ether"
		return p.ether(b, length)
	},
	layers.LinkTypeLinuxSLL:  (*Printer).sll,
	layers.LinkTypeLinuxSLL2: (*Printer).sll2,
	layers.LinkTypeNull:      (*Printer).null,
	layers.LinkTypeLoop:      (*Printer).null,
	layers.LinkTypeRaw:       (*Printer).raw,
	linkTypeRaw12:            (*Printer).raw,
	linkTypeRaw14:            (*Printer).raw,
	layers.LinkTypeIPv4:      (*Printer).raw,
	layers.LinkTypeIPv6:      (*Printer).raw,
}

// raw prints an IPv4 or IPv6 packet with no link-layer header.
func (p *Printer) raw(b []byte, length int) (int, error) {
	p.proto = "raw"
	if p.opts.Link {
		p.str("ip: ")
	}
	return 0, p.ipN(b, length)
}

// Supports reports whether packets of link type lt are decoded; others
// are printed as tcpdump prints a link type it has no printer for.
func Supports(lt layers.LinkType) bool {
	_, ok := linkPrinters[lt]
	return ok
}

// Link types gopacket's layers package does not name.
const (
	linkTypeRaw12 layers.LinkType = 12 // DLT_RAW on OpenBSD
	linkTypeRaw14 layers.LinkType = 14 // DLT_RAW on BSD/OS
)

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// fileFormat selects the container a capture is written in.
type fileFormat int

const (
	pcapMicro fileFormat = iota // classic pcap, magic a1b2c3d4
	pcapNano                    // classic pcap, magic a1b23c4d
	pcapNG                      // pcapng, one interface per entry of capture.ifaces
)

// errBadTruncation reports a cut that would not shorten a packet.
var errBadTruncation = errors.New("captured length must be between 1 and the packet length - 1")

// defaultSnaplen is what tcpdump uses when no -s is given.
const defaultSnaplen = 262144

// baseTime is the timestamp of the first packet of every capture.
var baseTime = time.Date(2024, time.March, 14, 9, 26, 53, 0, time.UTC)

// packetGap separates consecutive packets. The nanosecond formats get a gap
// that is not a whole number of microseconds so that a reader dropping the
// nanosecond digits shows.
const (
	packetGapMicro = 10_137 * time.Microsecond
	packetGapNano  = 10_137_042 * time.Nanosecond
)

// packet is one record: its full bytes (before snap-length truncation),
// in pcapng files the index of the interface it was captured on, and, for
// a record cut shorter than its interface's snap length (as capture
// hardware with a per-packet limit does), how many bytes were kept.
type packet struct {
	data   []byte
	iface  int
	caplen int // 0: up to the interface's snap length
}

// iface is one capturing interface: its link type and snap length.
type iface struct {
	link    layers.LinkType
	snaplen uint32
}

// capture is one output file under construction. Packets are appended with
// add; the first build error is kept in err and stops further appends, so
// capture functions read as a flat list of packets.
type capture struct {
	file    string
	ifaces  []iface // classic pcap has exactly one
	format  fileFormat
	covers  string
	packets []packet
	ipID    uint16 // next IPv4 identification
	err     error
}

// newCapture starts a classic microsecond pcap with the default snap length.
func newCapture(file string, link layers.LinkType, covers string) *capture {
	return &capture{
		file:   file,
		ifaces: []iface{{link, defaultSnaplen}},
		format: pcapMicro,
		covers: covers,
		ipID:   0x1c46,
	}
}

// add serializes ls as one packet on interface 0.
func (c *capture) add(ls ...gopacket.SerializableLayer) {
	c.addOn(0, ls...)
}

// addOn serializes ls as one packet captured on interface iface.
func (c *capture) addOn(iface int, ls ...gopacket.SerializableLayer) {
	if c.err != nil {
		return
	}
	data, err := serialize(ls...)
	if err != nil {
		c.err = fmt.Errorf("build packet %d of %s: %w", len(c.packets)+1, c.file, err)
		return
	}
	c.packets = append(c.packets, packet{data: data, iface: iface})
}

// truncateLast keeps only the first n bytes of the last packet added.
func (c *capture) truncateLast(n int) {
	if c.err != nil {
		return
	}
	p := &c.packets[len(c.packets)-1]
	if n <= 0 || n >= len(p.data) {
		c.err = fmt.Errorf("truncate packet %d of %s (%d bytes) to %d bytes: %w", len(c.packets), c.file, len(p.data), n, errBadTruncation)
		return
	}
	p.caplen = n
}

// nextIPID returns a fresh IPv4 identification value.
func (c *capture) nextIPID() uint16 {
	c.ipID += 0x0113
	return c.ipID
}

// timestamp returns the capture time of the i-th packet.
func (c *capture) timestamp(i int) time.Time {
	gap := packetGapMicro
	if c.format != pcapMicro {
		gap = packetGapNano
	}
	return baseTime.Add(time.Duration(i) * gap)
}

// captureInfo describes packet i as captured with its interface's snap
// length.
func (c *capture) captureInfo(i int) (gopacket.CaptureInfo, []byte) {
	p := c.packets[i]
	data := p.data
	if snaplen := c.ifaces[p.iface].snaplen; uint32(len(data)) > snaplen {
		data = data[:snaplen]
	}
	if p.caplen > 0 && p.caplen < len(data) {
		data = data[:p.caplen]
	}
	return gopacket.CaptureInfo{
		Timestamp:      c.timestamp(i),
		CaptureLength:  len(data),
		Length:         len(p.data),
		InterfaceIndex: p.iface,
	}, data
}

// encode returns the file's bytes.
func (c *capture) encode() ([]byte, error) {
	if c.err != nil {
		return nil, c.err
	}
	var buf bytes.Buffer
	var err error
	switch c.format {
	case pcapMicro:
		err = c.writePcap(pcapgo.NewWriter(&buf))
	case pcapNano:
		err = c.writePcap(pcapgo.NewWriterNanos(&buf))
	case pcapNG:
		err = c.writePcapng(&buf)
	default:
		err = fmt.Errorf("unknown file format %d", c.format)
	}
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", c.file, err)
	}
	return buf.Bytes(), nil
}

func (c *capture) writePcap(w *pcapgo.Writer) error {
	if len(c.ifaces) != 1 {
		return fmt.Errorf("classic pcap needs exactly one interface, have %d", len(c.ifaces))
	}
	if err := w.WriteFileHeader(c.ifaces[0].snaplen, c.ifaces[0].link); err != nil {
		return err
	}
	for i := range c.packets {
		if c.packets[i].iface != 0 {
			return fmt.Errorf("packet %d: interface %d in a classic pcap", i+1, c.packets[i].iface)
		}
		ci, data := c.captureInfo(i)
		if err := w.WritePacket(ci, data); err != nil {
			return err
		}
	}
	return nil
}

// pcapngSection fixes the section header options that pcapgo would otherwise
// take from the build machine.
var pcapngSection = pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{
	Hardware:    "x86_64",
	OS:          "Linux 6.1.0",
	Application: "gotcpdump pcapgen",
}}

// writePcapng writes each interface description block just before the
// first packet on that interface, as a capture started on one interface and
// joined by another would, so readers meet an IDB after packets.
func (c *capture) writePcapng(out io.Writer) error {
	describe := func(i int) pcapgo.NgInterface {
		return pcapgo.NgInterface{
			Name:                fmt.Sprintf("if%d", i),
			OS:                  pcapngSection.SectionInfo.OS,
			LinkType:            c.ifaces[i].link,
			SnapLength:          c.ifaces[i].snaplen,
			TimestampResolution: 9,
		}
	}
	w, err := pcapgo.NewNgWriterInterface(out, describe(0), pcapngSection)
	if err != nil {
		return err
	}
	described := 1
	describeUpTo := func(n int) error {
		for ; described < n; described++ {
			if _, err := w.AddInterface(describe(described)); err != nil {
				return err
			}
		}
		return nil
	}
	for i := range c.packets {
		if c.packets[i].iface >= len(c.ifaces) {
			return fmt.Errorf("packet %d: interface %d of %d", i+1, c.packets[i].iface, len(c.ifaces))
		}
		if err := describeUpTo(c.packets[i].iface + 1); err != nil {
			return err
		}
		ci, data := c.captureInfo(i)
		if err := w.WritePacket(ci, data); err != nil {
			return err
		}
	}
	if err := describeUpTo(len(c.ifaces)); err != nil {
		return err
	}
	return w.Flush()
}

// linkNames are the libpcap names of the link types used here.
var linkNames = map[layers.LinkType]string{
	layers.LinkTypeNull:      "NULL",
	layers.LinkTypeEthernet:  "EN10MB",
	layers.LinkTypeRaw:       "RAW",
	layers.LinkTypeLoop:      "LOOP",
	layers.LinkTypeLinuxSLL:  "LINUX_SLL",
	layers.LinkTypePFLog:     "PFLOG",
	layers.LinkTypeSunATM:    "SUNATM",
	layers.LinkTypeIPv4:      "IPV4",
	layers.LinkTypeIPv6:      "IPV6",
	layers.LinkTypeLinuxSLL2: "LINUX_SLL2",
}

// linkDescription names c's link types with their numbers, e.g. "EN10MB(1)".
func (c *capture) linkDescription() string {
	var b bytes.Buffer
	for i, intf := range c.ifaces {
		if i > 0 {
			b.WriteByte('+')
		}
		fmt.Fprintf(&b, "%s(%d)", linkNames[intf.link], intf.link)
	}
	return b.String()
}

// embed serializes ls for use inside another packet, such as the datagram an
// ICMP error quotes. Errors are kept in c.err like add's.
func (c *capture) embed(ls ...gopacket.SerializableLayer) gopacket.Payload {
	if c.err != nil {
		return nil
	}
	data, err := serialize(ls...)
	if err != nil {
		c.err = fmt.Errorf("build embedded packet in packet %d of %s: %w", len(c.packets)+1, c.file, err)
	}
	return data
}

// singleLinkType reports whether all of c's interfaces share one link type,
// which libpcap requires of a pcapng file.
func (c *capture) singleLinkType() bool {
	for _, intf := range c.ifaces {
		if intf.link != c.ifaces[0].link {
			return false
		}
	}
	return true
}

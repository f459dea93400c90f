package capture

import (
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Source is a packet source; it satisfies gopacket.PacketDataSource.
type Source interface {
	// ReadPacketData returns the next packet, or io.EOF at the end.
	ReadPacketData() (data []byte, ci gopacket.CaptureInfo, err error)
	// LinkType is the link type of the first (or only) interface.
	LinkType() layers.LinkType
}

// Sink receives packets.
type Sink interface {
	// WritePacket writes data exactly as given, byte for byte, with ci's
	// timestamp, ci.Length as the original length and len(data) as the
	// captured length.
	WritePacket(ci gopacket.CaptureInfo, data []byte) error
	// Flush writes any buffered data to the underlying writer.
	Flush() error
}

// Interface describes one capture interface: the single implicit one of a
// pcap file, or one pcapng Interface Description Block.
type Interface struct {
	// LinkType is the link-layer header type of the interface's packets.
	LinkType layers.LinkType
	// SnapLen is the snapshot length, adjusted as libpcap adjusts it: 0 or
	// more than 2^31-1 in the file means the maximum for the link type.
	SnapLen uint32
	// Name, Description and OS are the if_name, if_description and if_os
	// options; empty when absent.
	Name, Description, OS string
	// TSResolution is the resolution of the interface's timestamps in the
	// file; Microseconds when absent.
	TSResolution TSResolution
	// TSOffset is the if_tsoffset option: seconds added to every timestamp
	// of the interface as stored in the file.
	TSOffset int64
}

var (
	_ Source                            = (*Reader)(nil)
	_ gopacket.PacketDataSource         = (*Reader)(nil)
	_ gopacket.ZeroCopyPacketDataSource = (*Reader)(nil)
	_ Sink                              = (*PcapWriter)(nil)
	_ Sink                              = (*PcapngWriter)(nil)
)

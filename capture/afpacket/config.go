package afpacket

import (
	"strconv"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// AnyInterface is the name of the pseudo-interface that captures on every
// interface of the network namespace, with Linux cooked headers.
const AnyInterface = "any"

// DefaultSnapLen is the snapshot length when Config.SnapLen is 0:
// tcpdump's default.
const DefaultSnapLen = 262144

// DefaultBufferSize is the kernel buffer size when Config.BufferSize is 0:
// libpcap's default, 2 MiB.
const DefaultBufferSize = 2 << 20

// DefaultBlockTimeout is Config.BlockTimeout when it is 0.
const DefaultBlockTimeout = 10 * time.Millisecond

// Direction selects packets by the direction they cross the interface,
// like tcpdump -Q.
type Direction int

const (
	// InOut captures packets received and sent (the default).
	InOut Direction = iota
	// In captures packets received only.
	In
	// Out captures packets sent only.
	Out
)

func (d Direction) String() string {
	switch d {
	case InOut:
		return "inout"
	case In:
		return "in"
	case Out:
		return "out"
	}
	return "Direction(" + strconv.Itoa(int(d)) + ")"
}

// Config are the options of Open. The zero value captures like tcpdump
// with no options: promiscuous, both directions, 262144-byte snapshots,
// a 2 MiB kernel buffer, no filter.
type Config struct {
	// SnapLen is the snapshot length (tcpdump -s); 0 means DefaultSnapLen.
	SnapLen int
	// NoPromiscuous leaves the interface out of promiscuous mode
	// (tcpdump -p). The any interface is never made promiscuous.
	NoPromiscuous bool
	// Direction selects received, sent or all packets (tcpdump -Q).
	Direction Direction
	// BufferSize is the kernel buffer in bytes (tcpdump -B, which counts
	// KiB); 0 means DefaultBufferSize. The ring rounds it up to whole
	// 256 KiB blocks.
	BufferSize int
	// LinkType is the link-layer header type to deliver (tcpdump -y); it
	// must be one LinkTypes offers for the interface. 0 means the
	// interface's own type, or LinkTypeLinuxSLL2 for cooked captures.
	LinkType layers.LinkType
	// Cooked captures with Linux cooked headers (SLL2, or SLL with
	// LinkType) instead of the interface's link-layer headers, as
	// capturing on the any interface always does.
	Cooked bool
	// Immediate delivers each packet as soon as the kernel has it
	// (tcpdump --immediate-mode): the handle reads packets one system
	// call at a time instead of from the memory-mapped ring, whose
	// blocks reach the reader when full or after BlockTimeout.
	Immediate bool
	// BlockTimeout is how long the kernel keeps a partly filled ring
	// block before handing it over; 0 means DefaultBlockTimeout. It
	// bounds the delay of the ring at low packet rates.
	BlockTimeout time.Duration
	// Filter, when not nil, is the classic BPF program installed at
	// Open, as SetFilter would install it. It must be compiled for the
	// handle's link type and a live Linux socket (filterlang.LinuxLive).
	Filter cbpf.Program
	// FilterInUserSpace runs classic filters in this process with
	// cbpf.VM under Linux semantics instead of in the kernel: the same
	// verdicts, for comparison and for programs the kernel refuses.
	FilterInUserSpace bool
	// Fanout, when not nil, joins the socket to a PACKET_FANOUT group
	// that spreads the interface's packets over its members, so that
	// several handles (one per core) share the load.
	Fanout *Fanout
}

// FanoutMode is how a fanout group spreads packets over its sockets.
type FanoutMode uint16

// The fanout modes of PACKET_FANOUT.
const (
	FanoutHash     FanoutMode = 0 // by flow hash: a flow stays on one socket
	FanoutLB       FanoutMode = 1 // round robin
	FanoutCPU      FanoutMode = 2 // by the CPU that received the packet
	FanoutRollover FanoutMode = 3 // fill one socket, then the next
	FanoutRandom   FanoutMode = 4 // at random
	FanoutQueue    FanoutMode = 5 // by the NIC's receive queue
)

// Fanout configures membership of a PACKET_FANOUT group.
type Fanout struct {
	// ID names the group; every member uses the same ID, Mode and flags.
	ID uint16
	// Mode is how packets are spread.
	Mode FanoutMode
	// Defrag reassembles IP fragments before spreading, so that all
	// fragments of a datagram reach the same socket.
	Defrag bool
	// Rollover moves packets to another socket when the chosen one's
	// ring is full, instead of dropping them.
	Rollover bool
}

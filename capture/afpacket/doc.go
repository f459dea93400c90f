// Package afpacket captures packets live on Linux with AF_PACKET sockets,
// delivering what tcpdump 4.99 and libpcap 1.10 deliver on the same
// interface with the same options: the same frames, lengths, timestamps
// and statistics.
//
// # Model
//
// [Open] gives a [Handle] on one interface or on [AnyInterface]. A Handle
// is a [capture.Source] (ReadPacketData, LinkType) and a gopacket
// ZeroCopyPacketDataSource; reads block until a packet arrives, the
// context of [Handle.ZeroCopyReadPacketDataContext] is done, or
// [Handle.Close] is called, after which reads return io.EOF.
//
// Frames are built as libpcap builds them:
//
//   - On one interface the socket is raw (SOCK_RAW) and the link type is
//     the one libpcap maps the device's ARPHRD type to (Ethernet and
//     loopback: EN10MB); [LinkTypes] lists the alternatives tcpdump -L
//     shows, of which Config.LinkType chooses.
//   - On the any device, with Config.Cooked, and for devices libpcap
//     captures cooked, the socket is SOCK_DGRAM and the handle writes a
//     Linux cooked header in front of each packet from its sockaddr_ll:
//     LINUX_SLL2 by default (protocol, interface index, hardware type,
//     packet type, address length, address), or LINUX_SLL when asked.
//     tcpdump's own default on any is LINUX_SLL; -y LINUX_SLL2 matches
//     this package's.
//   - The kernel strips 802.1Q tags; the handle re-inserts them from the
//     packet's auxiliary data, with the TPID the kernel reports, before
//     the Ethernet type (EN10MB) or the SLL protocol field, so frames
//     written to a file read back like any capture. As in libpcap 1.10,
//     LINUX_SLL2 frames get no tag back.
//   - Direction (tcpdump -Q) is applied per packet from its packet type,
//     and outgoing packets on lo are dropped because they come back as
//     incoming ones, as libpcap does.
//   - Timestamps are the kernel's, to the nanosecond.
//
// # Filters without a window
//
// The socket is created with protocol 0 (no packets), gets a reject-all
// classic filter, and only then is bound. Replacing a filter
// ([Handle.SetFilter], [Handle.SetEBPF], and the first one at Open) puts
// the reject-all filter back on, waits for an RCU grace period
// (membarrier) so that every packet that ran the old filter has been
// stored, discards whatever is stored, and then attaches the new filter.
// Every packet read after the call returns therefore passed the new
// filter. This is libpcap's approach (total filter, drain, swap), with
// the grace period closing the window libpcap leaves for packets in
// flight, and the ring's half-filled block handled by skipping the
// packets it held at the swap.
//
// Classic programs for a cooked socket are rewritten as libpcap rewrites
// them: the kernel's packet starts at the network header, so payload
// offsets move back by the header's length and the header's protocol,
// packet type and interface index fields become ancillary loads. A
// program that reads other header fields, and every program when
// Config.FilterInUserSpace is set, runs in this process on cbpf.VM with
// Linux semantics and the packet's metadata (protocol, packet type,
// interface, VLAN tag and TPID, receive hash).
//
// # Two engines
//
// By default packets come from a memory-mapped TPACKET_V3 ring: the
// kernel stores packets in 256 KiB blocks and hands a block over when it
// is full or Config.BlockTimeout has passed, so one wake-up delivers many
// packets and reading costs no system call per packet. With
// Config.Immediate every packet is read with its own recvmsg(2), with
// SO_TIMESTAMPNS timestamps and PACKET_AUXDATA, so it reaches the reader
// at once, as tcpdump --immediate-mode does (libpcap switches to
// TPACKET_V2 for that). Config.Fanout joins a PACKET_FANOUT group so that
// several handles, each read by its own goroutine, share an interface's
// packets across cores.
//
// The ring is written here on github.com/mdlayher/socket rather than
// taken from gopacket's cgo-free afpacket package because the latter
// binds its socket to all protocols before a filter can be attached (so
// packets the filter would reject are delivered), gives no per-packet
// packet type, protocol or interface (so it can build neither cooked
// headers nor direction filtering), and blocks in poll(2) outside the Go
// runtime's poller, without deadlines or context cancellation.
//
// # Statistics
//
// [Handle.Stats] accumulates PACKET_STATISTICS the way libpcap does (each
// read resets the kernel's counters): Received is the sum of tp_packets,
// Dropped of tp_drops. [Stats.WriteTo] prints them as tcpdump does at
// exit.
//
// # Errors
//
// Errors wrap *os.SyscallError values naming the failed call and one of
// the sentinels: [ErrNoSuchInterface] (also when an interface disappears
// mid-capture), [ErrInterfaceDown] (at Open, or when it goes down
// mid-capture; reading again resumes once it is up), [ErrPermission]
// (no CAP_NET_RAW; also os.ErrPermission), [ErrFilterRejected],
// [ErrLinkType], and [ErrNotSupported] on systems other than Linux.
//
// # Interfaces
//
// [Interfaces] lists what can be opened, in libpcap's order and with its
// flags; [WriteInterfaces] prints the list as tcpdump -D does.
package afpacket

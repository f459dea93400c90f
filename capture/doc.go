// Package capture reads and writes packet capture files: pcap (microsecond
// and nanosecond) and pcapng, as tcpdump and libpcap do.
//
// # Sources and sinks
//
// A [Source] delivers packets one at a time and satisfies gopacket's
// PacketDataSource; a [Sink] receives them. [Reader] is the Source for
// capture files: [NewReader] detects pcap or pcapng from the first bytes,
// [OpenFile] opens a path ("-" is standard input). [PcapWriter] and
// [PcapngWriter] are the Sinks for files. Live capture adds more Sources
// beside these.
//
// # Reading like libpcap
//
// A Reader delivers what libpcap 1.10 (and so tcpdump -r) delivers for the
// same file: the same packets, bytes, lengths and timestamps. In particular:
//
//   - pcap: both byte orders; the microsecond magic a1b2c3d4, the nanosecond
//     magic a1b23c4d and the modified ("Kuznetzov") magic a1b2cd34, whose
//     longer record headers are skipped; versions 2.0 to 2.4 and 543.0 with
//     libpcap's handling of swapped length fields. A record whose captured
//     length exceeds the file's snapshot length is accepted and cut to the
//     snapshot length (the rest is skipped), a record whose captured length
//     exceeds its original length is delivered as is, and a captured length
//     above libpcap's maximum for the link type (256 KiB for most) is an
//     error. Timestamp seconds are unsigned, as in later libpcap and the
//     pcap specification (libpcap 1.10 reads them as signed, but tcpdump
//     cannot print times before 1970 anyway).
//   - pcapng: any number of sections, each in its own byte order, with any
//     number of interfaces of any link types; Enhanced, Simple and the
//     obsolete Packet blocks; per-interface if_tsresol (powers of 10 and of
//     2) and if_tsoffset. Other blocks are skipped. libpcap 1.10 refuses
//     files whose interfaces differ in link type or snapshot length, or
//     whose sections differ in byte order; a Reader accepts them and reports
//     each packet's interface in CaptureInfo.InterfaceIndex, an index into
//     [Reader.Interfaces] that counts interfaces across sections.
//   - Snapshot lengths are adjusted as libpcap adjusts them: 0 or more than
//     2^31-1 means the maximum for the link type.
//   - Timestamps carry the file's full resolution down to the nanosecond;
//     finer pcapng resolutions are truncated to the nanosecond, and the
//     conversion is exact where libpcap's 64-bit arithmetic would overflow.
//     A pcap microsecond field of a million or more carries into the
//     seconds, as the time package normalises it.
//   - Pseudo-headers that Linux writes in host byte order (Linux SLL and SLL2
//     CAN identifiers, NFLOG TLV headers, USB, pflog) are converted from the
//     file's byte order to this machine's, and libpcap's correction of the
//     original length of old memory-mapped Linux USB captures is applied,
//     so a packet's bytes match what libpcap hands to tcpdump.
//
// # Errors
//
// A damaged file yields every packet before the damage and then a
// [*FormatError] naming the packet number (1-based, as tcpdump counts) and
// the byte offset of the record or block in the file. A truncated file is a
// [*TruncatedError] inside it, which matches io.ErrUnexpectedEOF with
// errors.Is; other damage matches [ErrMalformed], [ErrTooLarge],
// [ErrUnsupported] or [ErrUnknownFormat]. The messages follow libpcap's
// ("truncated dump file; tried to read 16 captured bytes, only got 3").
// After an error a Reader stays at its end and returns io.EOF, so loops that
// stop only at io.EOF (gopacket's PacketSource.Packets) terminate. No input,
// however corrupt, makes a Reader allocate much more memory than the input
// holds: buffers grow with the bytes actually read, within libpcap's limits.
//
// # Speed
//
// [Reader.ZeroCopyReadPacketData] returns slices of one reusable buffer and
// allocates nothing per packet; [Reader.ReadPacketData] returns a fresh copy.
//
// # Writing like libpcap
//
// [PcapWriter] writes the 24-byte header and then every packet exactly as
// given: the captured length is len(data), even when it exceeds the original
// length in CaptureInfo.Length, because tcpdump -w writes what it read.
// Timestamps are truncated (not rounded) to the file's resolution, as
// libpcap does when it scales nanoseconds down to microseconds. To write
// what `tcpdump -r IN -w OUT` writes, pass [Reader.PcapHeader] to
// [NewPcapWriterHeader]: it carries the input's link type (with the flag
// bits of the pcap link-type field), its adjusted snapshot length (for
// pcapng input, the first interface's), and the microsecond magic unless
// nanoseconds are asked for, as with tcpdump --nano. [PcapngWriter] writes a
// Section Header Block, one Interface Description Block per [Interface]
// (with if_tsresol when the resolution is not microseconds) and one
// Enhanced Packet Block per packet. Both write in this machine's byte order,
// as libpcap does, which is what makes the pseudo-header conversion above
// round-trip. Writers buffer; call Flush before closing the file.
//
// # Why not gopacket's pcapgo
//
// The format code is written here rather than wrapped around pcapgo
// because pcapgo's readers differ from libpcap where it matters: its pcap
// reader rejects records whose captured length exceeds the original or the
// snapshot length, its errors carry neither packet number nor offset, it
// cannot bound allocations by libpcap's limits, and its writer refuses a
// captured length above the original length. Both formats are small; owning
// them keeps the zero-copy path free of allocations and the behaviour tied
// to libpcap's, which the tests check against tcpdump.
package capture

// Package netdb resolves the names a filter expression may contain the way
// libpcap 1.10.3 on GNU libc does, and holds the port and protocol names
// the packet printer shows.
//
// # What resolves where
//
// A [DB] answers every question libpcap's nametoaddr.c asks the system:
//
//   - [DB.Port]: "port ftp", like pcap_nametoport. A name is looked up as a
//     tcp and as a udp service. Only tcp, or tcp and udp with different
//     numbers: the tcp port, [TCP]. Only udp: [UDP]. Both with the same
//     number: [AnyTransport] (libpcap's PROTO_UNDEF, which matches tcp, udp
//     and sctp). A decimal string is a port too, read as getaddrinfo reads
//     a numeric service ("70000" is port 4464, "-1" is no port). No name
//     is ever sctp-only: under a tcp, udp or sctp qualifier libpcap
//     rejects a name of another transport ("udp port ftp" and "sctp port
//     ftp" are both "port 'ftp' is tcp") and otherwise uses the
//     qualifier's protocol.
//   - [DB.PortRange]: "portrange ftp-data-ftp", like 1.10.3's
//     pcap_nametoportrange. "N-M" is read as scanf's "%d-%d" would (the
//     numbers may be negative or above 65535: the caller rejects them as
//     libpcap does); anything else is split at its first '-' and each half
//     is a [DB.Port] ("ftp-data-ftp" is "ftp" and "data-ftp", unknown). The
//     transport is the halves' if they agree, else [AnyTransport].
//   - [DB.IPProtocol]: "ip proto \tcp", getprotobyname.
//   - [EtherType], [LLCSAP], [LinkProtocol], [OSIProtocol]: libpcap's own
//     tables for "ether proto \arp", "ether proto \stp" and "iso proto \isis";
//     no file is read.
//   - [DB.Network]: "net NAME", getnetbyname, left-aligned with its mask as
//     gencode.c does.
//   - [DB.EtherHost]: "ether host NAME", ether_hostton.
//   - [DB.Host]: "host NAME", getaddrinfo: numeric forms first (inet_aton's
//     "127.1" and "0x7f000001" included), then the [Resolver], every IPv4
//     and IPv6 address it returns.
//
// # Files and determinism
//
// [System] reads /etc/services, /etc/protocols, /etc/networks and
// /etc/ethers on first use, parsed as GNU libc's files backend parses them
// (first matching line wins; services and protocols match names exactly,
// networks and ethers ignoring case; a malformed line is skipped). When
// /etc/services or /etc/protocols cannot be read, the copy of Debian
// netbase's file embedded in this package stands in for it, so names work
// in a minimal container: the embedded table never mixes with a system
// file that exists. Host names go to Go's resolver (/etc/hosts, then DNS,
// per /etc/nsswitch.conf) with a [HostTimeout].
//
// [New] takes the files' contents instead, and a [Resolver] such as
// [Hosts], so tests answer the same on every machine. The netdbtest
// package has libpcap's own test fixtures (the *.libpcap.test names).
//
// # Pitfalls
//
//   - getaddrinfo sorts addresses (usually IPv6 first); [DB.Host] keeps the
//     resolver's order. The order changes the shape of a compiled program,
//     never which packets it accepts.
//   - glibc pads a network number to four parts before reading it
//     ("loopback 127" in /etc/networks is 127.0.0.0), so "net loopback" is
//     a /32, not a /8, exactly as tcpdump compiles it on Linux.
//   - Port names are case-sensitive ("FTP" is unknown); protocol names are
//     too, but Debian lists upper-case aliases ("TCP").
package netdb

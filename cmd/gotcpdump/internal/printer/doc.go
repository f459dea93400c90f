// Package printer renders captured packets one per line exactly as
// tcpdump 4.99 prints them, for the gotcpdump command.
//
// A [Printer] is created once per output stream with [New] and fed every
// packet that passed the filter, in capture order, through [Printer.Print].
// The printer is stateful on purpose, because tcpdump's output is:
//
//   - -ttt and -ttttt print the time since the previous or the first packet;
//   - TCP sequence and acknowledgement numbers are printed relative to the
//     first segment seen of each conversation (tcpdump's default, undone by
//     -S), so the printer remembers every conversation it has seen;
//   - host and port names are cached once looked up.
//
// # Model
//
// Each packet is decoded by hand, layer by layer, following the structure of
// tcpdump's own printers (print-ether.c, print-ip.c, print-tcp.c, ...): the
// link layer chosen by the capture's link type hands the payload to the
// network printer named by the ethertype or address family, which hands the
// transport payload to a printer chosen by protocol number and then by port.
// Every printer reads only the bytes that were captured; when a field lies
// past the captured length the line ends with tcpdump's truncation marker
// " [|proto]" naming the innermost protocol being printed. IPv4 and IPv6
// shrink the readable window to their own total length, so Ethernet padding
// is never parsed as payload.
//
// The hex and ASCII dumps (-x, -xx, -X, -XX, -A, -AA) follow the summary
// line. Without the link-layer variants they start at the network header, as
// tcpdump does; for a packet cut short by the snap length tcpdump forgets the
// link-layer header length, and so does this package.
//
// # Pitfalls
//
//   - Without [Options].Numeric, tcpdump asks the system resolver for host
//     names and reads /etc/services for port names. This package embeds a
//     copy of Debian's netbase services and protocols tables so that port and
//     protocol names do not depend on the machine; host names come from
//     [Options].LookupAddr (the system resolver by default), and interface
//     names for LINUX_SLL2 from [Options].InterfaceName.
//   - Local time (the default format and -tttt) uses [Options].Location,
//     which defaults to [time.Local]; set it to get output that does not
//     depend on TZ.
//   - Protocols tcpdump knows but this package does not decode are printed as
//     tcpdump prints the enclosing layer's generic line (for example
//     "UDP, length 48" or an ethertype line followed by a hex dump), which
//     differs from tcpdump's protocol-specific text.
package printer

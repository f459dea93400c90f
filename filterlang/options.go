package filterlang

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gotcpdump/gotcpdump/internal/netdb"

	"github.com/gopacket/gopacket/layers"
)

// Target is the kind of capture a program is compiled for.
type Target int

const (
	// Offline compiles for capture files and in-process filtering, as
	// libpcap does for a file or a dead handle: VLAN tags are inline.
	Offline Target = iota
	// LinuxLive compiles for a Linux socket filter, as libpcap does for a
	// live Linux handle: the kernel strips VLAN tags and the program reads
	// them with ancillary loads.
	LinuxLive
)

func (t Target) String() string {
	switch t {
	case Offline:
		return "offline"
	case LinuxLive:
		return "linux-live"
	}
	return fmt.Sprintf("Target(%d)", int(t))
}

// NetmaskUnknown is the Netmask to pass when the capture network's mask is
// not known (libpcap's PCAP_NETMASK_UNKNOWN): "ip broadcast" is then an
// error.
const NetmaskUnknown uint32 = 0xffffffff

// Options are the compiler's inputs besides the expression. Besides the
// link type, which has no default (0 is LINKTYPE_NULL), the zero value
// compiles an optimised program for capture files with tcpdump's default
// snapshot length, as tcpdump -r does.
type Options struct {
	// LinkType is the link-layer header type of the packets, e.g.
	// layers.LinkTypeEthernet.
	LinkType layers.LinkType
	// SnapLen is the value an accepting program returns; 0 means 262144.
	SnapLen uint32
	// Netmask is the capture network's mask for "ip broadcast"; tcpdump
	// passes 0 for capture files. See NetmaskUnknown.
	Netmask uint32
	// NoOptimize skips the optimiser, like tcpdump -O: the program is then
	// libpcap's unoptimised one. Otherwise it is libpcap's optimised one,
	// and an expression the optimiser finds can match no packet is an
	// error. Programs libpcap leaves unoptimised (geneve, vxlan, 802.11
	// header lengths) are optimised too, with the same verdicts, and
	// without that error; protochain's loop stays unoptimised.
	NoOptimize bool
	// Target selects capture files or a live Linux socket.
	Target Target
	// CaptureFile says the program filters a capture file being read, as
	// with tcpdump -r: libpcap then matches every platform's IPv6 address
	// family on NULL and LOOP links, and rejects inbound, outbound and
	// ifindex where the link header does not carry them. Without it the
	// program is for a live or a dead handle (tcpdump -d -y).
	CaptureFile bool
	// SwappedFile says the capture file's byte order differs from this
	// machine's (with CaptureFile); it changes the address family values
	// of NULL links.
	SwappedFile bool

	// names resolves host, network, port and protocol names; nil means
	// this machine's databases and resolver. Tests set libpcap's
	// fixtures.
	names *netdb.DB
}

// Error is a compile error: libpcap's message and where in the expression
// it arose.
type Error struct {
	Expr string // the expression compiled
	Pos  int    // byte offset of the offending token in Expr; -1 when no token is to blame
	Msg  string // libpcap's wording where it has one, e.g. "syntax error"
}

// Column returns the 1-based column (in characters) of the offending
// token, or 0 when no token is to blame.
func (e *Error) Column() int {
	if e.Pos < 0 || e.Pos > len(e.Expr) {
		return 0
	}
	return utf8.RuneCountInString(e.Expr[:e.Pos]) + 1
}

// Error returns the message, the column and the expression with a caret
// under the offending token:
//
//	syntax error at column 5
//	  tcp prt 80
//	      ^
func (e *Error) Error() string {
	col := e.Column()
	if col == 0 {
		return e.Msg
	}
	var caret strings.Builder
	for _, r := range e.Expr[:e.Pos] {
		if r == '\t' {
			caret.WriteRune('\t')
		} else {
			caret.WriteByte(' ')
		}
	}
	return fmt.Sprintf("%s at column %d\n  %s\n  %s^", e.Msg, col, e.Expr, caret.String())
}

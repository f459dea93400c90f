package afpacket

import (
	"fmt"
	"io"
)

// Stats are a capture's counters, as tcpdump prints them at exit.
type Stats struct {
	// Captured counts the packets the handle delivered to its reader
	// (tcpdump's "packets captured").
	Captured uint64
	// Received counts the packets the kernel filter accepted, including
	// those then dropped for lack of buffer space and those not read yet
	// (libpcap's ps_recv: the sum of PACKET_STATISTICS tp_packets).
	Received uint64
	// Dropped counts the packets the filter accepted that the kernel
	// dropped because the buffer was full (ps_drop: the sum of tp_drops).
	Dropped uint64
	// InterfaceDropped counts the packets the interface's driver reports
	// it dropped since the capture began (ps_ifdrop: rx_missed_errors
	// plus rx_fifo_errors), counted in promiscuous mode only, as libpcap
	// does.
	InterfaceDropped uint64
}

// WriteTo writes s as tcpdump does at exit:
//
//	3 packets captured
//	3 packets received by filter
//	0 packets dropped by kernel
//
// with a fourth line for InterfaceDropped when it is not 0. Counts are
// printed as the 32-bit values tcpdump prints.
func (s Stats) WriteTo(w io.Writer) (int64, error) {
	lines := fmt.Sprintf("%d packet%s captured\n%d packet%s received by filter\n%d packet%s dropped by kernel\n",
		uint32(s.Captured), plural(s.Captured), uint32(s.Received), plural(s.Received), uint32(s.Dropped), plural(s.Dropped))
	if uint32(s.InterfaceDropped) != 0 {
		lines += fmt.Sprintf("%d packet%s dropped by interface\n", uint32(s.InterfaceDropped), plural(s.InterfaceDropped))
	}
	n, err := io.WriteString(w, lines)
	return int64(n), err
}

// plural is tcpdump's PLURAL_SUFFIX.
func plural(n uint64) string {
	if uint32(n) == 1 {
		return ""
	}
	return "s"
}

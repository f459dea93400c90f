package afpacket

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Flags are an interface's properties as libpcap reports them (the
// PCAP_IF_* bits of pcap_findalldevs).
type Flags uint32

// The flags tcpdump -D prints.
const (
	FlagLoopback Flags = 1 << iota // PCAP_IF_LOOPBACK
	FlagUp                         // PCAP_IF_UP
	FlagRunning                    // PCAP_IF_RUNNING
	FlagWireless                   // PCAP_IF_WIRELESS
)

// Connection is whether an interface has a link (libpcap's
// PCAP_IF_CONNECTION_STATUS): for wired interfaces a carrier, for
// wireless ones an association.
type Connection uint32

// The connection states, with their PCAP_IF_CONNECTION_STATUS values.
const (
	ConnectionUnknown       Connection = 0x00
	Connected               Connection = 0x10
	Disconnected            Connection = 0x20
	ConnectionNotApplicable Connection = 0x30 // loopback, the any device, devices without ethtool
)

// Interface is an interface live capture can open, as pcap_findalldevs
// describes it.
type Interface struct {
	// Name is what Open takes.
	Name string
	// Description is libpcap's description; on Linux only the any
	// device has one.
	Description string
	// Index is the kernel's interface index, 0 for the any device.
	Index int
	// Flags are the interface's properties.
	Flags Flags
	// Connection is whether it has a link.
	Connection Connection
}

// WriteInterfaces writes list as tcpdump -D does: one numbered line per
// interface with its description and flags,
//
//	1.eth0 [Up, Running, Connected]
//	2.any (Pseudo-device that captures on all interfaces) [Up, Running]
//	3.lo [Up, Running, Loopback]
func WriteInterfaces(w io.Writer, list []Interface) error {
	bw := bufio.NewWriter(w)
	for i, ifc := range list {
		fmt.Fprintf(bw, "%d.%s", i+1, ifc.Name)
		if ifc.Description != "" {
			fmt.Fprintf(bw, " (%s)", ifc.Description)
		}
		if ifc.Flags != 0 || ifc.Connection != 0 {
			fmt.Fprintf(bw, " [%s%s]", ifc.Flags.names(), ifc.connectionSuffix())
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// names lists the set flags in tcpdump's order, or "none".
func (f Flags) names() string {
	var names []string
	for _, fl := range []struct {
		bit  Flags
		name string
	}{{FlagUp, "Up"}, {FlagRunning, "Running"}, {FlagLoopback, "Loopback"}, {FlagWireless, "Wireless"}} {
		if f&fl.bit != 0 {
			names = append(names, fl.name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// connectionSuffix is what tcpdump appends to the flags for the
// connection status.
func (ifc Interface) connectionSuffix() string {
	wireless := ifc.Flags&FlagWireless != 0
	switch ifc.Connection {
	case ConnectionUnknown:
		if wireless {
			return ", Association status unknown"
		}
		return ", Connection status unknown"
	case Connected:
		if wireless {
			return ", Associated"
		}
		return ", Connected"
	case Disconnected:
		if wireless {
			return ", Not associated"
		}
		return ", Disconnected"
	}
	return ""
}

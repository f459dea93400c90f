package afpacket_test

import (
	"context"
	"log"
	"os"
	"time"

	"github.com/gotcpdump/gotcpdump/capture"
	"github.com/gotcpdump/gotcpdump/capture/afpacket"
	"github.com/gotcpdump/gotcpdump/filterlang"
)

// A capture on every interface with a filter compiled for the handle's
// link type, written to a pcap file for ten seconds, with tcpdump's exit
// statistics. It needs CAP_NET_RAW, so it is not run as a test.
func ExampleOpen() {
	h, err := afpacket.Open(afpacket.AnyInterface, afpacket.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	prog, err := filterlang.Compile("tcp port 443", filterlang.Options{LinkType: h.LinkType(), Target: filterlang.LinuxLive})
	if err != nil {
		log.Fatal(err)
	}
	// Packets stored before the filter was set are discarded: every
	// packet read from here on passed it.
	if err := h.SetFilter(prog); err != nil {
		log.Fatal(err)
	}
	f, err := os.Create("capture.pcap")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	w, err := capture.NewPcapWriter(f, h.LinkType(), uint32(h.SnapLen()), true)
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		data, ci, err := h.ZeroCopyReadPacketDataContext(ctx)
		if err != nil {
			break // the ten seconds are over
		}
		if err := w.WritePacket(ci, data); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	stats, err := h.Stats()
	if err != nil {
		log.Fatal(err)
	}
	stats.WriteTo(os.Stderr)
}

// tcpdump -D's listing.
func ExampleWriteInterfaces() {
	afpacket.WriteInterfaces(os.Stdout, []afpacket.Interface{
		{Name: "eth0", Index: 2, Flags: afpacket.FlagUp | afpacket.FlagRunning, Connection: afpacket.Connected},
		{Name: "any", Description: "Pseudo-device that captures on all interfaces", Flags: afpacket.FlagUp | afpacket.FlagRunning, Connection: afpacket.ConnectionNotApplicable},
		{Name: "lo", Index: 1, Flags: afpacket.FlagUp | afpacket.FlagRunning | afpacket.FlagLoopback, Connection: afpacket.ConnectionNotApplicable},
	})
	// Output:
	// 1.eth0 [Up, Running, Connected]
	// 2.any (Pseudo-device that captures on all interfaces) [Up, Running]
	// 3.lo [Up, Running, Loopback]
}

// tcpdump's statistics at exit.
func ExampleStats_WriteTo() {
	afpacket.Stats{Captured: 1, Received: 12, Dropped: 0, InterfaceDropped: 3}.WriteTo(os.Stdout)
	// Output:
	// 1 packet captured
	// 12 packets received by filter
	// 0 packets dropped by kernel
	// 3 packets dropped by interface
}

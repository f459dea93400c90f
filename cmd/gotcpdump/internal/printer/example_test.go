package printer_test

import (
	"bufio"
	"os"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/gotcpdump/gotcpdump/cmd/gotcpdump/internal/printer"
)

// Print an ICMP echo request captured on Ethernet, as tcpdump -nn -e would
// in UTC.
func Example() {
	frame := []byte{
		// Ethernet: dst, src, type IPv4.
		0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
		// IPv4: 28 bytes, ICMP, 10.0.0.1 > 10.0.0.2.
		0x45, 0, 0, 28, 0, 1, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
		// ICMP echo request, id 1, seq 7.
		8, 0, 0, 0, 0, 1, 0, 7,
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	p := printer.New(w, printer.Options{Numeric: true, Link: true, UTC: true})
	ci := gopacket.CaptureInfo{
		Timestamp:     time.Date(2024, 3, 14, 9, 26, 53, 81096000, time.UTC),
		CaptureLength: len(frame),
		Length:        len(frame),
	}
	if err := p.Print(ci, frame, layers.LinkTypeEthernet); err != nil {
		panic(err)
	}
	// Output:
	// 09:26:53.081096 02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv4 (0x0800), length 42: 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 7, length 8
}

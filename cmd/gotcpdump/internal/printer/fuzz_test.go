package printer

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// fuzzLinkTypes are the link types the fuzzer chooses from.
var fuzzLinkTypes = []layers.LinkType{
	layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, layers.LinkTypeLinuxSLL2,
	layers.LinkTypeNull, layers.LinkTypeLoop, layers.LinkTypeRaw,
	layers.LinkTypeIPv4, layers.LinkTypeIPv6, layers.LinkType(147),
}

// FuzzPrint checks that any bytes print as exactly one line per packet
// (plus dump lines) without panicking, whatever the flags.
func FuzzPrint(f *testing.F) {
	for group, dir := range captureDirs {
		if group != "generated" && group != "module" {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.pcap"))
		for _, file := range files {
			_ = readCapture(file, func(ci gopacket.CaptureInfo, data []byte, lt layers.LinkType) error {
				for i, l := range fuzzLinkTypes {
					if l == lt {
						f.Add(data, uint8(i), uint16(0), uint16(len(data)))
					}
				}
				return nil
			})
		}
	}
	f.Add([]byte{0x45, 0, 0, 20}, uint8(5), uint16(0xffff), uint16(4))
	f.Fuzz(func(t *testing.T, data []byte, link uint8, flags uint16, wire uint16) {
		opts := Options{
			Numeric:   true,
			Timestamp: TimestampFormat(flags % 6),
			Nano:      flags&0x10 != 0,
			Link:      flags&0x20 != 0,
			Quick:     flags&0x40 != 0,
			Hex:       HexMode(flags >> 8 % 7),
			UTC:       true,
			// A fixed answer keeps system calls out of the loop.
			InterfaceName: func(uint32) string { return "eth0" },
		}
		var out bytes.Buffer
		p := New(&out, opts)
		lt := fuzzLinkTypes[int(link)%len(fuzzLinkTypes)]
		ci := gopacket.CaptureInfo{
			Timestamp:     time.Unix(1700000000, 123456789),
			CaptureLength: len(data),
			Length:        max(int(wire), len(data)),
		}
		for range 2 { // twice, to exercise the per-conversation state
			out.Reset()
			if err := p.Print(ci, data, lt); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasSuffix(out.Bytes(), []byte("\n")) {
				t.Fatalf("output does not end a line: %q", out.String())
			}
		}
	})
}

package capture_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gotcpdump/gotcpdump/capture"
)

// Write two packets to a pcap file in memory, then read them back.
func ExampleReader() {
	var file bytes.Buffer
	w, err := capture.NewPcapWriter(&file, layers.LinkTypeEthernet, 65535, true)
	if err != nil {
		log.Fatal(err)
	}
	for i, data := range [][]byte{make([]byte, 60), make([]byte, 1514)} {
		ci := gopacket.CaptureInfo{Timestamp: time.Unix(1700000000, int64(i)*1500), Length: len(data)}
		if err := w.WritePacket(ci, data); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}

	r, err := capture.NewReader(&file)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.LinkType(), r.SnapLen(), r.Nanosecond())
	for {
		data, ci, err := r.ZeroCopyReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ci.Timestamp.Format(time.RFC3339Nano), ci.CaptureLength, len(data))
	}
	// Output:
	// Ethernet 65535 true
	// 2023-11-14T22:13:20Z 60 60
	// 2023-11-14T22:13:20.0000015Z 1514 1514
}

// Copy a capture as `tcpdump -r IN -w OUT` does, stopping at damage.
func ExampleReader_PcapHeader() {
	in := bytes.NewReader([]byte{
		0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, // µs pcap 2.4
		0, 0, 0, 0, 1, 0, 0, 0, // snapshot length 0 (the maximum), Ethernet
		1, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef, // packet 1
		3, 0, 0, 0, 4, 0, 0, 0, 16, 0, 0, 0, 16, 0, 0, 0, 1, 2, 3, // packet 2, cut short
	})
	r, err := capture.NewReader(in)
	if err != nil {
		log.Fatal(err)
	}
	var out bytes.Buffer
	w, err := capture.NewPcapWriterHeader(&out, r.PcapHeader(false))
	if err != nil {
		log.Fatal(err)
	}
	for {
		data, ci, err := r.ZeroCopyReadPacketData()
		if err == io.EOF {
			break
		}
		var ferr *capture.FormatError
		if errors.As(err, &ferr) {
			fmt.Println(err)
			fmt.Println("truncated:", errors.Is(err, io.ErrUnexpectedEOF), "packet", ferr.Packet, "offset", ferr.Offset)
			break
		}
		if err := w.WritePacket(ci, data); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.PcapHeader(false).SnapLen, out.Len(), "bytes written")
	// Output:
	// read packet 2 at offset 44: truncated dump file; tried to read 16 captured bytes, only got 3
	// truncated: true packet 2 offset 44
	// 262144 44 bytes written
}

// Write a pcapng file with a nanosecond interface.
func ExamplePcapngWriter() {
	var file bytes.Buffer
	w, err := capture.NewPcapngWriter(&file, []capture.Interface{
		{LinkType: layers.LinkTypeEthernet, SnapLen: 262144, Name: "eth0", TSResolution: capture.Nanoseconds},
	})
	if err != nil {
		log.Fatal(err)
	}
	ci := gopacket.CaptureInfo{Timestamp: time.Unix(1700000000, 123456789), Length: 60, InterfaceIndex: 0}
	if err := w.WritePacket(ci, make([]byte, 60)); err != nil {
		log.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	r, err := capture.NewReader(&file)
	if err != nil {
		log.Fatal(err)
	}
	_, got, err := r.ReadPacketData()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Interfaces()[0].Name, got.Timestamp.UnixNano(), got.Length)
	// Output:
	// eth0 1700000000123456789 60
}

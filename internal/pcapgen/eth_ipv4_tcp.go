package main

import (
	"github.com/gopacket/gopacket/layers"
)

var (
	httpRequest  = []byte("GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n")
	httpResponse = []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 15\r\n\r\nHello, world!\r\n")
	// tlsClientHello is the start of a TLS 1.3 ClientHello record.
	tlsClientHello = append([]byte{0x16, 0x03, 0x01, 0x00, 0x2f, 0x01, 0x00, 0x00, 0x2b, 0x03, 0x03}, pattern(41, 0x60)...)
)

// ethIPv4TCP covers IPv4 TCP over Ethernet: complete connections, port range
// edges, every flag combination scanners and stacks produce, IPv4 options
// and TOS values.
func ethIPv4TCP() *capture {
	c := newCapture("eth-ipv4-tcp.pcap", layers.LinkTypeEthernet,
		"IPv4 TCP: HTTP connection (handshake with MSS/SACK/TS/WS options, data, FIN), TLS reset, ports 7999/8000/8100/8101/65535, flag combinations (null, FIN, Xmas, SYN-FIN, ECN, URG, NS, all), IPv4 options (IHL 6 and 15), DSCP, TTL 1, zero window, full-size segment")

	web80 := c.newTCPFlow(ether, laptop, 51234, web, 80)
	web80.handshake()
	web80.exchange(httpRequest, httpResponse)
	web80.closeByClient()

	tls := c.newTCPFlow(ether, laptop, 51236, web, 443)
	tls.handshake()
	tls.send(true, psh|ack, tlsClientHello)
	tls.send(false, rst|ack, nil)

	// Ports on either side of the 8000-8100 range, inside the office LAN.
	for _, port := range []uint16{7999, 8101} {
		f := c.newTCPFlow(ether, desktop, 40000+port, server, port)
		f.send(true, syn, nil)
		f.send(false, rst|ack, nil)
	}
	for _, port := range []uint16{8000, 8100} {
		f := c.newTCPFlow(ether, desktop, 40000+port, server, port)
		f.handshake()
		f.exchange([]byte("PING\n"), []byte("PONG\n"))
		f.send(true, rst, nil)
	}
	top := c.newTCPFlow(ether, desktop, 1, server, 65535)
	top.send(true, syn, nil)
	top.send(false, rst|ack, nil)

	// Scanner probes from the Internet and the laptop's answers.
	scan := c.newTCPFlow(ether, farHost, 61000, laptop, 22)
	for _, flags := range []tcpFlags{0, fin, fin | psh | urg, syn | fin, syn | ece | cwr, syn | rst, fin | syn | rst | psh | ack | urg | ece | cwr | ns} {
		t := scan.segment(true, flags, nil)
		if t.URG {
			t.Urgent = 1
		}
		scan.sendSegment(farHost, laptop, t, nil)
	}
	scan.send(false, rst|ack, nil)
	scan.send(false, syn|ack|ece, nil)

	// An ECN-capable connection with urgent data and a nonce-sum bit.
	telnet := c.newTCPFlow(ether, laptop, 52000, server, 23)
	telnet.handshake()
	urgent := telnet.segment(true, urg|psh|ack, []byte{0xff, 0xf4, 0xff, 0xfd, 0x06})
	urgent.Urgent = 5
	telnet.sendSegment(laptop, server, urgent, []byte{0xff, 0xf4, 0xff, 0xfd, 0x06})
	telnet.send(false, ece|ack, nil)
	telnet.send(true, cwr|psh|ack, []byte("ls\r\n"))
	telnet.send(false, ns|ack, nil)

	// Zero window, then a full-size segment.
	bulk := c.newTCPFlow(ether, laptop, 52100, server, 8080)
	bulk.handshake()
	full := make([]byte, 1448)
	copy(full, httpResponse)
	bulk.send(false, psh|ack, full)
	stall := bulk.segment(true, ack, nil)
	stall.Window = 0
	bulk.sendSegment(laptop, server, stall, nil)

	// IPv4 options: record route (IHL 15, the maximum) and router alert
	// padded with NOP and end-of-list (IHL 7), plus DSCP EF and TTL 1.
	opts := c.newTCPFlow(ether, laptop, 52200, web, 80)
	rr := c.ipv4(laptop, web, layers.IPProtocolTCP)
	rr.Options = []layers.IPv4Option{{OptionType: 7, OptionLength: 39, OptionData: append([]byte{4}, make([]byte, 36)...)}}
	c.add(&layers.Ethernet{SrcMAC: laptopMAC, DstMAC: gatewayMAC, EthernetType: layers.EthernetTypeIPv4}, rr, opts.segment(true, syn, nil))
	ra := c.ipv4(web, laptop, layers.IPProtocolTCP)
	ra.TOS = 0xb8
	ra.Options = []layers.IPv4Option{{OptionType: 1}, {OptionType: 148, OptionLength: 4, OptionData: []byte{0, 0}}, {OptionType: 0}}
	c.add(&layers.Ethernet{SrcMAC: gatewayMAC, DstMAC: laptopMAC, EthernetType: layers.EthernetTypeIPv4}, ra, opts.segment(false, syn|ack, nil))
	last := c.ipv4(laptop, web, layers.IPProtocolTCP)
	last.TTL = 1
	last.TOS = 0x02 // ECT(0)
	c.add(&layers.Ethernet{SrcMAC: laptopMAC, DstMAC: gatewayMAC, EthernetType: layers.EthernetTypeIPv4}, last, opts.segment(true, ack, nil))
	return c
}

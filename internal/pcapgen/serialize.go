package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// serializeOptions fills in every length and checksum field.
var serializeOptions = gopacket.SerializeOptions{ComputeChecksums: true, FixLengths: true}

// errNoNetworkLayer reports a transport header with no IP header before it.
var errNoNetworkLayer = errors.New("transport header without a network header before it")

// serialize turns a stack of layers, outermost first, into packet bytes.
func serialize(ls ...gopacket.SerializableLayer) ([]byte, error) {
	if err := linkChecksums(ls); err != nil {
		return nil, err
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, serializeOptions, ls...); err != nil {
		return nil, fmt.Errorf("serialize layers: %w", err)
	}
	return bytes.Clone(buf.Bytes()), nil
}

// checksummed is a transport layer whose checksum covers an IP pseudo-header.
type checksummed interface {
	SetNetworkLayerForChecksum(gopacket.NetworkLayer) error
}

// linkChecksums points every TCP, UDP and ICMPv6 layer at the nearest IP
// header before it, so tunnelled packets get their inner addresses. After an
// IPv6 type 0 routing header the pseudo-header carries the final destination,
// the last address of the route (RFC 8200 section 8.1).
func linkChecksums(ls []gopacket.SerializableLayer) error {
	var network gopacket.NetworkLayer
	for _, l := range ls {
		switch l := l.(type) {
		case *layers.IPv4:
			network = l
		case *layers.IPv6:
			network = l
		case *layers.IPv6Routing:
			ip6, ok := network.(*layers.IPv6)
			if !ok || len(l.SourceRoutingIPs) == 0 {
				continue
			}
			final := *ip6
			final.DstIP = l.SourceRoutingIPs[len(l.SourceRoutingIPs)-1]
			network = &final
		case checksummed:
			if network == nil {
				return fmt.Errorf("%v: %w", l.(gopacket.SerializableLayer).LayerType(), errNoNetworkLayer)
			}
			if err := l.SetNetworkLayerForChecksum(network); err != nil {
				return fmt.Errorf("set checksum pseudo-header: %w", err)
			}
		}
	}
	return nil
}

// internetChecksum is the RFC 1071 one's-complement sum, for the headers
// assembled by hand.
func internetChecksum(b []byte) uint16 {
	var sum uint32
	for len(b) >= 2 {
		sum += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// mustMAC and mustIP parse the constant addresses in this package; a typo is
// a programming error caught by the first run.
func mustMAC(s string) net.HardwareAddr {
	mac, err := net.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return mac
}

func mustIP(s string) net.IP {
	ip := net.ParseIP(s)
	if ip == nil {
		panic("invalid IP address " + s)
	}
	if ip4 := ip.To4(); ip4 != nil {
		return ip4
	}
	return ip
}

package lower

import (
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// Ports are the first (source) and second (destination) 16-bit fields of
// the TCP, UDP and SCTP headers. Over IPv4 the transport header follows
// the variable-length IP header; over IPv6 it is taken to follow the
// fixed header directly, as libpcap does (no extension headers).
const (
	srcPortOffset = 0
	dstPortOffset = 2
)

// transports are the IP protocols a port of no named transport
// (protoUndef) may belong to, in the order libpcap tests them.
var transports = []uint32{ipprotoTCP, ipprotoUDP, ipprotoSCTP}

// portField returns the offset of the port field a direction names.
func portField(dst bool) uint32 {
	if dst {
		return dstPortOffset
	}
	return srcPortOffset
}

// portatom tests the port at off in the transport header after IPv4
// (gen_portatom).
func (c *Compiler) portatom(off, v uint32) ir.Cond {
	return c.cmp(orTranIPv4, off, cbpf.SizeH, v)
}

// portatom6 is portatom after a fixed IPv6 header (gen_portatom6).
func (c *Compiler) portatom6(off, v uint32) ir.Cond {
	return c.cmp(orTranIPv6, off, cbpf.SizeH, v)
}

// ipv4Transport holds for IPv4 protocol proto that is not a fragment
// other than the first, so the transport header is there.
func (c *Compiler) ipv4Transport(proto uint32) ir.Cond {
	b := c.cmp(orLinkPL, 9, cbpf.SizeB, proto)
	return and(b, c.ipfrag())
}

// ipv6Transport holds for an IPv6 packet whose next header is proto.
func (c *Compiler) ipv6Transport(proto uint32) ir.Cond {
	return c.cmp(orLinkPL, 6, cbpf.SizeB, proto)
}

// perTransport builds one test per transport protocol for ipProto (tcp,
// udp, sctp, or all three ORed for protoUndef), as gen_port and its
// relatives do.
func (c *Compiler) perTransport(ipProto int, one func(proto uint32) ir.Cond) ir.Cond {
	switch ipProto {
	case ipprotoTCP, ipprotoUDP, ipprotoSCTP:
		return one(uint32(ipProto))
	case protoUndef:
		b := or(one(transports[0]), one(transports[1]))
		return or(one(transports[2]), b)
	}
	c.fail("invalid transport protocol %d for a port", ipProto)
	return nil
}

// portop tests port in direction dir of an IPv4 packet of transport
// protocol proto (gen_portop).
func (c *Compiler) portop(port, proto uint32, dir uint8) ir.Cond {
	b0 := c.ipv4Transport(proto)
	b1 := c.byDir(dir, "ports", func(dst bool) ir.Cond { return c.portatom(portField(dst), port) })
	return and(b0, b1)
}

// port tests an IPv4 port (gen_port); ipProto is the transport or
// protoUndef.
func (c *Compiler) port(port uint32, ipProto int, dir uint8) ir.Cond {
	b0 := c.linktypeCheck(ethertypeIP)
	return and(b0, c.perTransport(ipProto, func(proto uint32) ir.Cond { return c.portop(port, proto, dir) }))
}

// portop6 is portop over IPv6 (gen_portop6).
func (c *Compiler) portop6(port, proto uint32, dir uint8) ir.Cond {
	b0 := c.ipv6Transport(proto)
	b1 := c.byDir(dir, "ports", func(dst bool) ir.Cond { return c.portatom6(portField(dst), port) })
	return and(b0, b1)
}

// port6 is port over IPv6 (gen_port6).
func (c *Compiler) port6(port uint32, ipProto int, dir uint8) ir.Cond {
	b0 := c.linktypeCheck(ethertypeIPv6)
	return and(b0, c.perTransport(ipProto, func(proto uint32) ir.Cond { return c.portop6(port, proto, dir) }))
}

// portrangeatom tests that the port at off is between v1 and v2, in
// either order (gen_portrangeatom).
func (c *Compiler) portrangeatom(rel offrel, off, v1, v2 uint32) ir.Cond {
	lo, hi := min(v1, v2), max(v1, v2)
	b := c.cmpGE(rel, off, cbpf.SizeH, lo)
	return and(b, c.cmpLE(rel, off, cbpf.SizeH, hi))
}

// portrangeop tests a port range in direction dir of an IPv4 packet of
// transport protocol proto (gen_portrangeop).
func (c *Compiler) portrangeop(port1, port2, proto uint32, dir uint8) ir.Cond {
	b0 := c.ipv4Transport(proto)
	b1 := c.byDir(dir, "port ranges", func(dst bool) ir.Cond {
		return c.portrangeatom(orTranIPv4, portField(dst), port1, port2)
	})
	return and(b0, b1)
}

// portrange tests an IPv4 port range (gen_portrange).
func (c *Compiler) portrange(port1, port2 uint32, ipProto int, dir uint8) ir.Cond {
	b0 := c.linktypeCheck(ethertypeIP)
	return and(b0, c.perTransport(ipProto, func(proto uint32) ir.Cond {
		return c.portrangeop(port1, port2, proto, dir)
	}))
}

// portrangeop6 is portrangeop over IPv6 (gen_portrangeop6).
func (c *Compiler) portrangeop6(port1, port2, proto uint32, dir uint8) ir.Cond {
	b0 := c.ipv6Transport(proto)
	b1 := c.byDir(dir, "port ranges", func(dst bool) ir.Cond {
		return c.portrangeatom(orTranIPv6, portField(dst), port1, port2)
	})
	return and(b0, b1)
}

// portrange6 is portrange over IPv6 (gen_portrange6).
func (c *Compiler) portrange6(port1, port2 uint32, ipProto int, dir uint8) ir.Cond {
	b0 := c.linktypeCheck(ethertypeIPv6)
	return and(b0, c.perTransport(ipProto, func(proto uint32) ir.Cond {
		return c.portrangeop6(port1, port2, proto, dir)
	}))
}

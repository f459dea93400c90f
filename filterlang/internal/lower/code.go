package lower

import (
	"context"
	"math"
	"strings"

	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
	"github.com/gotcpdump/gotcpdump/internal/netdb"
)

// names returns the name database of the compilation.
func (c *Compiler) names() *netdb.DB {
	if c.cfg.Names == nil {
		c.cfg.Names = netdb.System()
	}
	return c.cfg.Names
}

// syntaxError is libpcap's error for a value whose qualifiers do not say
// what it is.
func (c *Compiler) syntaxError() {
	c.fail("syntax error in filter expression")
}

// Scode is a primitive whose value is a name, "host www", "port ftp",
// "net loopback", "proto tcp" (gen_scode). Host names may resolve to
// several IPv4 and IPv6 addresses: the test holds for any of them.
func (c *Compiler) Scode(name string, q Qual) ir.Cond {
	switch q.Addr {
	case QNet:
		addr, mask, err := c.names().Network(name)
		if err != nil {
			c.failLookup(err, "unknown network '%s'", name)
		}
		return c.Host(addr, mask, q.Proto, q.Dir, q.Addr)
	case QDefault, QHost:
		switch q.Proto {
		case QLink:
			return c.linkHostByName(name, q.Dir)
		case QDecnet:
			// Debian's libpcap has no DECnet name database. (Its
			// message ends with a stray newline, left out here.)
			c.fail("decnet name support not included, '%s' cannot be translated", name)
		}
		return c.hostByName(name, q)
	case QPort:
		want := c.portQualProto(q.Proto, "port")
		p, err := c.names().Port(name)
		if err != nil {
			c.failLookup(err, "unknown port '%s'", name)
		}
		ipProto := c.portTransport("port '%s'", name, want, p.Transport)
		b := c.port(uint32(p.Number), ipProto, q.Dir)
		return or(c.port6(uint32(p.Number), ipProto, q.Dir), b)
	case QPortrange:
		want := c.portQualProto(q.Proto, "portrange")
		r, err := c.names().PortRange(name)
		if err != nil {
			c.failLookup(err, "unknown port in range '%s'", name)
		}
		ipProto := c.portTransport("port in range '%s'", name, want, r.Transport)
		c.checkPortNumber(r.First)
		c.checkPortNumber(r.Last)
		b := c.portrange(uint32(r.First), uint32(r.Last), ipProto, q.Dir)
		return or(c.portrange6(uint32(r.First), uint32(r.Last), ipProto, q.Dir), b)
	case QGateway:
		return c.Gateway(name, q.Proto, q.Dir)
	case QProto:
		v := c.lookupProto(name, q.Proto)
		if v < 0 {
			c.fail("unknown protocol: %s", name)
		}
		return c.proto(uint32(v), q.Proto, q.Dir)
	case QProtochain:
		v := c.lookupProto(name, q.Proto)
		if v < 0 {
			c.fail("unknown protocol: %s", name)
		}
		return c.Protochain(uint32(v), q.Proto)
	case QUndef:
		c.syntaxError()
	}
	c.fail("invalid address qualifier %d", q.Addr)
	return nil
}

// hostByName tests the IPv4 and IPv6 addresses of a host name, in the
// order the resolver gives them. Without a link-layer type field (raw
// IP), an unqualified name tests each address in its own IP version
// only.
func (c *Compiler) hostByName(name string, q Qual) ir.Cond {
	addrs, err := c.names().Host(context.Background(), name)
	if err != nil {
		c.failLookup(err, "unknown host '%s'", name)
	}
	proto4, proto6 := q.Proto, q.Proto
	if c.offLinkType.constant == offsetNotSet && q.Proto == QDefault {
		proto4, proto6 = QIP, QIPv6
	}
	b := c.hosts(addrs, proto4, proto6, q.Dir, q.Addr)
	if b == nil {
		if q.Proto == QDefault {
			c.fail("unknown host '%s'", name)
		}
		c.fail("unknown host '%s' for specified address family", name)
	}
	return b
}

// macHostNames say how the errors of "link host NAME" name the hosts of
// the link types with 48-bit MAC addresses.
var macHostNames = map[int]string{
	dltEN10MB: "ether", dltNetanalyzer: "ether", dltNetanalyzerTransparent: "ether",
	dltDSATagBRCM: "ether", dltDSATagDSA: "ether",
	dltFDDI: "FDDI", dltIEEE802: "token ring",
	dltIEEE80211: "802.11", dltPrismHeader: "802.11", dltIEEE80211AVS: "802.11",
	dltIEEE80211Radio: "802.11", dltPPI: "802.11",
	dltIPOverFC: "Fibre Channel",
}

// linkHostByName tests the MAC address of a host name ("ether host
// NAME").
func (c *Compiler) linkHostByName(name string, dir uint8) ir.Cond {
	kind, ok := macHostNames[c.linktype]
	if !ok {
		c.fail("only ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel supports link-level host name")
	}
	eaddr, err := c.names().EtherHost(name)
	if err != nil {
		c.failLookup(err, "unknown %s host '%s'", kind, name)
	}
	return c.macHost(eaddr[:], dir)
}

// macHost tests a 48-bit MAC address in the link-layer header, or
// returns nil for a link type without one.
func (c *Compiler) macHost(eaddr []byte, dir uint8) ir.Cond {
	switch c.linktype {
	case dltEN10MB, dltNetanalyzer, dltNetanalyzerTransparent, dltDSATagBRCM, dltDSATagDSA:
		check := c.prevLinkhdrCheck()
		b := c.ehostop(eaddr, dir)
		if check != nil {
			b = and(check, b)
		}
		return b
	case dltFDDI:
		return c.fhostop(eaddr, dir)
	case dltIEEE802:
		return c.thostop(eaddr, dir)
	case dltIEEE80211, dltPrismHeader, dltIEEE80211AVS, dltIEEE80211Radio, dltPPI:
		return c.wlanhostop(eaddr, dir)
	case dltIPOverFC:
		return c.ipfchostop(eaddr, dir)
	}
	return nil
}

// portProtos are the IP protocols the qualifiers of "port" and
// "portrange" select; protoUndef, without a qualifier, stands for all.
var portProtos = map[uint8]int{QDefault: protoUndef, QTCP: ipprotoTCP, QUDP: ipprotoUDP, QSCTP: ipprotoSCTP}

// namedPortProtos are the IP protocols of a port name's transport.
var namedPortProtos = map[netdb.Transport]int{netdb.AnyTransport: protoUndef, netdb.TCP: ipprotoTCP, netdb.UDP: ipprotoUDP}

var ipProtoNames = map[int]string{ipprotoTCP: "tcp", ipprotoUDP: "udp", ipprotoSCTP: "sctp"}

// portQualProto returns the IP protocol the qualifier of "port" or
// "portrange" (kw) selects, failing for one that selects none.
func (c *Compiler) portQualProto(proto uint8, kw string) int {
	p, ok := portProtos[proto]
	if !ok {
		c.fail("illegal qualifier of '%s'", kw)
	}
	return p
}

// portTransport checks a named port's transport t against want, the
// qualifier's protocol (what names the port in errors), and returns the
// IP protocol to test: the qualifier's, else the name's.
func (c *Compiler) portTransport(what, name string, want int, t netdb.Transport) int {
	named := namedPortProtos[t]
	if want == protoUndef {
		return named
	}
	if named != protoUndef && named != want {
		c.fail(what+" is %s", name, ipProtoNames[named])
	}
	return want
}

// checkPortNumber rejects a port range bound outside 0..65535.
func (c *Compiler) checkPortNumber(p int) {
	if p < 0 {
		c.fail("illegal port number %d < 0", p)
	}
	if p > 65535 {
		c.fail("illegal port number %d > 65535", p)
	}
}

// Ncode is a primitive whose value is a number or a dotted IPv4 address,
// "host 10.1.2.3", "net 10", "port 80", "proto 6", "decnet host 1.2"
// (gen_ncode). s is the address as written, or "" for a number v.
func (c *Compiler) Ncode(s string, v uint32, q Qual) ir.Cond {
	vlen := 32
	switch {
	case s == "":
	case q.Proto == QDecnet:
		var ok bool
		if v, ok = atodn(s); !ok {
			c.fail("malformed decnet address '%s'", s)
		}
	default:
		var ok bool
		if v, vlen, ok = atoin(s); !ok {
			c.fail("invalid IPv4 address '%s'", s)
		}
	}
	switch q.Addr {
	case QDefault, QHost, QNet:
		switch q.Proto {
		case QDecnet:
			return c.Host(v, 0, q.Proto, q.Dir, q.Addr)
		case QLink:
			c.fail("illegal link layer address")
		}
		mask := uint32(0xffffffff)
		if s == "" && q.Addr == QNet {
			// A network number: left-justify its non-zero bytes.
			for v != 0 && v&0xff000000 == 0 {
				v <<= 8
				mask <<= 8
			}
		} else {
			// A short address: its parts are the leading bytes.
			v <<= 32 - vlen
			mask <<= 32 - vlen
		}
		return c.Host(v, mask, q.Proto, q.Dir, q.Addr)
	case QPort:
		ipProto := c.portQualProto(q.Proto, "port")
		if v > 65535 {
			c.fail("illegal port number %d > 65535", v)
		}
		b := c.port(v, ipProto, q.Dir)
		return or(c.port6(v, ipProto, q.Dir), b)
	case QPortrange:
		ipProto := c.portQualProto(q.Proto, "portrange")
		if v > 65535 {
			c.fail("illegal port number %d > 65535", v)
		}
		b := c.portrange(v, v, ipProto, q.Dir)
		return or(c.portrange6(v, v, ipProto, q.Dir), b)
	case QGateway:
		c.fail("'gateway' requires a name")
	case QProto:
		return c.proto(v, q.Proto, q.Dir)
	case QProtochain:
		return c.Protochain(v, q.Proto)
	case QUndef:
		c.syntaxError()
	}
	c.fail("invalid address qualifier %d", q.Addr)
	return nil
}

// Mcode is an IPv4 network with a mask, "net 10.0.0.0/8" (masklen) or
// "net 10.0.0.0 mask 255.0.0.0" (s2, "" when the mask is a length)
// (gen_mcode).
func (c *Compiler) Mcode(s1, s2 string, masklen uint32, q Qual) ir.Cond {
	n, nlen, ok := atoin(s1)
	if !ok {
		c.fail("invalid IPv4 address '%s'", s1)
	}
	n <<= 32 - nlen
	var m uint32
	if s2 != "" {
		var mlen int
		if m, mlen, ok = atoin(s2); !ok {
			c.fail("invalid IPv4 address '%s'", s2)
		}
		m <<= 32 - mlen
		if n&^m != 0 {
			c.fail("non-network bits set in \"%s mask %s\"", s1, s2)
		}
	} else {
		if masklen > 32 {
			c.fail("mask length must be <= 32")
		}
		m = uint32(0xffffffff) << (32 - masklen) // 0 for a length of 0
		if n&^m != 0 {
			c.fail("non-network bits set in \"%s/%d\"", s1, masklen)
		}
	}
	if q.Addr != QNet {
		c.fail("Mask syntax for networks only")
	}
	return c.Host(n, m, q.Proto, q.Dir, q.Addr)
}

// Mcode6 is an IPv6 address, "host ::1" (masklen 128), or network,
// "net fe80::/10" (gen_mcode6). libpcap takes no "mask" form for IPv6:
// a non-empty s2 is an error.
func (c *Compiler) Mcode6(s1, s2 string, masklen uint32, q Qual) ir.Cond {
	if s2 != "" {
		c.fail("no mask %s supported", s2)
	}
	addrs, err := c.names().Host(context.Background(), s1)
	if err != nil || !addrs[0].Is6() {
		c.fail("invalid ip6 address %s", s1)
	}
	if len(addrs) > 1 {
		c.fail("%s resolved to multiple address", s1)
	}
	if masklen > 128 {
		c.fail("mask length must be <= 128")
	}
	addr, mask := addrs[0].As16(), prefixMask128(masklen)
	for i := range addr {
		if addr[i]&^mask[i] != 0 {
			c.fail("non-network bits set in \"%s/%d\"", s1, masklen)
		}
	}
	switch q.Addr {
	case QDefault, QHost:
		if masklen != 128 {
			c.fail("Mask syntax for networks only")
		}
		return c.Host6(addr, mask, q.Proto, q.Dir, q.Addr)
	case QNet:
		return c.Host6(addr, mask, q.Proto, q.Dir, q.Addr)
	}
	c.fail("invalid qualifier against IPv6 address")
	return nil
}

// prefixMask128 is the mask of an IPv6 prefix of n bits (n <= 128).
func prefixMask128(n uint32) (m [16]byte) {
	for i := range m {
		switch bits := int(n) - 8*i; {
		case bits >= 8:
			m[i] = 0xff
		case bits > 0:
			m[i] = 0xff << (8 - bits)
		}
	}
	return m
}

// atoin reads a dotted IPv4 address or prefix of up to four decimal
// parts, "10.1" or "192.168.1.2", as libpcap's __pcap_atoin does: it
// returns the parts as the low bytes of v and their number of bits. A
// part above 255 is an error; characters other than digits and dots are
// not checked (libpcap's scanner passes none).
func atoin(s string) (v uint32, bits int, ok bool) {
	for {
		var n uint32
		for s != "" && s[0] != '.' {
			if n > 25 { // the next digit makes it above 255
				return 0, 0, false
			}
			n = n*10 + uint32(s[0]) - '0'
			s = s[1:]
		}
		if n > 255 || bits == 32 {
			return 0, 0, false
		}
		v = v<<8 | n
		bits += 8
		if s == "" {
			return v, bits, true
		}
		s = s[1:]
	}
}

// DECnet addresses: a 6-bit area and a 10-bit node.
const (
	dnAreaShift = 10
	dnAreaMask  = 0xfc00
	dnNodeMask  = 0x03ff
)

// atodn reads a DECnet address "area.node" as libpcap's __pcap_atodn
// does, with sscanf's "%d.%d".
func atodn(s string) (uint32, bool) {
	area, rest, ok := scanDecimal(s)
	if !ok || rest == "" || rest[0] != '.' {
		return 0, false
	}
	node, _, ok := scanDecimal(rest[1:])
	if !ok {
		return 0, false
	}
	return uint32(area)<<dnAreaShift&dnAreaMask | uint32(node)&dnNodeMask, true
}

// scanDecimal reads an int as scanf's "%d" does: leading white space, an
// optional sign, at least one digit; a value too large for a long is
// clamped, then truncated to an int.
func scanDecimal(s string) (v int32, rest string, ok bool) {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	// Clamp at 1<<63: a long's limit, LONG_MAX or, negated, LONG_MIN.
	const limit = 1 << 63
	i := 0
	var n uint64
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n > limit/10 {
			n = limit
			continue
		}
		n = min(n*10+uint64(s[i]-'0'), limit)
	}
	if i == 0 {
		return 0, s, false
	}
	l := int64(min(n, math.MaxInt64))
	if neg {
		l = -int64(n) // -(1<<63) wraps to itself, LONG_MIN
	}
	return int32(l), s[i:], true
}

// Ecode is a primitive whose value is a MAC address, "ether host
// 0:1:2:3:4:5" (gen_ecode).
func (c *Compiler) Ecode(s string, q Qual) ir.Cond {
	if (q.Addr != QHost && q.Addr != QDefault) || q.Proto != QLink {
		c.fail("ethernet address used in non-ether expression")
	}
	eaddr, ok := etherAton(s)
	if !ok {
		c.fail("invalid ethernet address '%s'", s)
	}
	b := c.macHost(eaddr, q.Dir)
	if b == nil {
		c.fail("ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel")
	}
	return b
}

// Acode is a primitive whose value is an ARCnet address, "link host $c0"
// (gen_acode). libpcap 1.10.3 reads the '$' as a hexadecimal digit and
// so never matches; its master branch reads the two digits after it, as
// this does.
func (c *Compiler) Acode(s string, q Qual) ir.Cond {
	if c.linktype != dltArcnet && c.linktype != dltArcnetLinux {
		c.fail("aid supported only on ARCnet")
	}
	if (q.Addr != QHost && q.Addr != QDefault) || q.Proto != QLink {
		c.fail("ARCnet address used in non-arc expression")
	}
	addr, ok := arcnetAton(s)
	if !ok {
		c.fail("invalid ARCnet address '%s'", s)
	}
	return c.ahostop([]byte{addr}, q.Dir)
}

// etherAton reads a 48-bit MAC address as libpcap's pcap_ether_aton does:
// one or two hexadecimal digits a byte, bytes separated by ':', '.' or
// '-' or not at all ("0:1:2:3:4:5", "0001.0203.0405", "000102030405").
func etherAton(s string) ([]byte, bool) {
	var e []byte
	for s != "" {
		if s[0] == ':' || s[0] == '.' || s[0] == '-' {
			s = s[1:]
		}
		if s == "" || !isHexDigit(s[0]) {
			return nil, false
		}
		d := hexValue(s[0])
		s = s[1:]
		if s != "" && isHexDigit(s[0]) {
			d = d<<4 | hexValue(s[0])
			s = s[1:]
		}
		e = append(e, d)
	}
	return e, len(e) == 6
}

// arcnetAton reads an ARCnet address: '$' and one or two hexadecimal
// digits.
func arcnetAton(s string) (byte, bool) {
	digits, ok := strings.CutPrefix(s, "$")
	if !ok || len(digits) == 0 || len(digits) > 2 {
		return 0, false
	}
	var v byte
	for i := range len(digits) {
		if !isHexDigit(digits[i]) {
			return 0, false
		}
		v = v<<4 | hexValue(digits[i])
	}
	return v, true
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexValue(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

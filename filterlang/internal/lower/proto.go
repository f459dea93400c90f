package lower

import (
	"errors"

	"github.com/gotcpdump/gotcpdump/cbpf"

	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
	"github.com/gotcpdump/gotcpdump/internal/netdb"
)

// OSI network layer protocol identifiers, and the IS-IS PDU types the
// isis keywords test.
const (
	nlpidCLNP = 0x81
	nlpidESIS = 0x82
	nlpidISIS = 0x83

	isisL1LANIIH = 15
	isisL2LANIIH = 16
	isisPTPIIH   = 17
	isisL1LSP    = 18
	isisL2LSP    = 20
	isisL1CSNP   = 24
	isisL2CSNP   = 25
	isisL1PSNP   = 26
	isisL2PSNP   = 27
)

// protoUndef is libpcap's PROTO_UNDEF: a port of any transport protocol.
const protoUndef = -1

// protoKeywords are the protocol qualifiers as the expression spells them.
var protoKeywords = map[uint8]string{
	QLink: "link", QIP: "ip", QARP: "arp", QRARP: "rarp", QSCTP: "sctp",
	QTCP: "tcp", QUDP: "udp", QICMP: "icmp", QIGMP: "igmp", QIGRP: "igrp",
	QAtalk: "atalk", QDecnet: "decnet", QLat: "lat", QSca: "sca",
	QMoprc: "moprc", QMopdl: "mopdl", QIPv6: "ip6", QICMPv6: "icmp6",
	QAH: "ah", QESP: "esp", QPIM: "pim", QVRRP: "vrrp", QAARP: "aarp",
	QISO: "iso", QESIS: "esis", QISIS: "isis", QCLNP: "clnp", QSTP: "stp",
	QIPX: "ipx", QNetbeui: "netbeui", QISISL1: "l1", QISISL2: "l2",
	QISISIIH: "iih", QISISSNP: "snp", QISISCSNP: "csnp", QISISPSNP: "psnp",
	QISISLSP: "lsp", QRadio: "radio", QCARP: "carp",
}

// protoKeyword returns the keyword of a protocol qualifier, failing for a
// value that is none.
func (c *Compiler) protoKeyword(proto uint8) string {
	kw, ok := protoKeywords[proto]
	if !ok {
		c.fail("invalid protocol qualifier %d", proto)
	}
	return kw
}

// ProtoAbbrev is a protocol keyword alone, "tcp" or "arp" or "l1"
// (gen_proto_abbrev): a test of the link-layer type, of the IP protocol
// (over IPv4 and IPv6 where both carry it) or of the OSI protocol.
func (c *Compiler) ProtoAbbrev(proto uint8) ir.Cond {
	// ipOrIPv6 is an IP protocol that IPv4 and IPv6 both carry.
	ipOrIPv6 := func(v uint32) ir.Cond { return c.proto(v, QDefault, QDefault) }
	isis := func(types ...uint32) ir.Cond {
		tests := make([]ir.Cond, len(types))
		for i, t := range types {
			tests[i] = c.proto(t, QISIS, QDefault)
		}
		return orEach(tests...)
	}
	switch proto {
	case QSCTP:
		return ipOrIPv6(ipprotoSCTP)
	case QTCP:
		return ipOrIPv6(ipprotoTCP)
	case QUDP:
		return ipOrIPv6(ipprotoUDP)
	case QPIM:
		return ipOrIPv6(ipprotoPIM)
	case QAH:
		return ipOrIPv6(ipprotoAH)
	case QESP:
		return ipOrIPv6(ipprotoESP)
	case QICMP:
		return c.proto(ipprotoICMP, QIP, QDefault)
	case QIGMP:
		return c.proto(ipprotoIGMP, QIP, QDefault)
	case QIGRP:
		return c.proto(ipprotoIGRP, QIP, QDefault)
	case QVRRP:
		return c.proto(ipprotoVRRP, QIP, QDefault)
	case QCARP:
		return c.proto(ipprotoCARP, QIP, QDefault)
	case QICMPv6:
		return c.proto(ipprotoICMPv6, QIPv6, QDefault)
	case QIP:
		return c.linktypeCheck(ethertypeIP)
	case QARP:
		return c.linktypeCheck(ethertypeARP)
	case QRARP:
		return c.linktypeCheck(ethertypeRevARP)
	case QAtalk:
		return c.linktypeCheck(ethertypeAtalk)
	case QAARP:
		return c.linktypeCheck(ethertypeAARP)
	case QDecnet:
		return c.linktypeCheck(ethertypeDN)
	case QSca:
		return c.linktypeCheck(ethertypeSca)
	case QLat:
		return c.linktypeCheck(ethertypeLat)
	case QMopdl:
		return c.linktypeCheck(ethertypeMOPDL)
	case QMoprc:
		return c.linktypeCheck(ethertypeMOPRC)
	case QIPv6:
		return c.linktypeCheck(ethertypeIPv6)
	case QISO:
		return c.linktypeCheck(llcsapISONS)
	case QSTP:
		return c.linktypeCheck(llcsap8021D)
	case QIPX:
		return c.linktypeCheck(llcsapIPX)
	case QNetbeui:
		return c.linktypeCheck(llcsapNetbeui)
	case QESIS:
		return c.proto(nlpidESIS, QISO, QDefault)
	case QISIS:
		return c.proto(nlpidISIS, QISO, QDefault)
	case QCLNP:
		return c.proto(nlpidCLNP, QISO, QDefault)
	case QISISL1:
		return isis(isisL1LANIIH, isisPTPIIH, isisL1LSP, isisL1CSNP, isisL1PSNP)
	case QISISL2:
		return isis(isisL2LANIIH, isisPTPIIH, isisL2LSP, isisL2CSNP, isisL2PSNP)
	case QISISIIH:
		return isis(isisL1LANIIH, isisL2LANIIH, isisPTPIIH)
	case QISISLSP:
		return isis(isisL1LSP, isisL2LSP)
	case QISISSNP:
		return isis(isisL1CSNP, isisL2CSNP, isisL1PSNP, isisL2PSNP)
	case QISISCSNP:
		return isis(isisL1CSNP, isisL2CSNP)
	case QISISPSNP:
		return isis(isisL1PSNP, isisL2PSNP)
	case QLink:
		c.fail("link layer applied in wrong context")
	case QRadio:
		c.fail("'radio' is not a valid protocol type")
	}
	c.fail("invalid protocol qualifier %d", proto)
	return nil
}

// ipfrag holds for an IPv4 packet that is not a fragment other than the
// first (gen_ipfrag): the fragment offset is zero.
func (c *Compiler) ipfrag() ir.Cond {
	return not(test(c.loadA(orLinkPL, 6, cbpf.SizeH), cbpf.JumpSet, 0x1fff))
}

// proto tests that the protocol above proto's header is v (gen_proto):
// the IP protocol ("ip proto", "ip6 proto", both by default), the
// Ethernet type or LLC SAP ("ether proto"), the OSI protocol ("iso
// proto") or the IS-IS PDU type ("isis proto").
func (c *Compiler) proto(v uint32, proto, dir uint8) ir.Cond {
	if dir != QDefault {
		c.fail("direction applied to 'proto'")
	}
	switch proto {
	case QDefault:
		b0 := c.proto(v, QIP, dir)
		return or(b0, c.proto(v, QIPv6, dir))
	case QLink:
		return c.linktypeCheck(v)
	case QIP:
		b0 := c.linktypeCheck(ethertypeIP)
		return and(b0, c.cmp(orLinkPL, 9, cbpf.SizeB, v))
	case QIPv6:
		b0 := c.linktypeCheck(ethertypeIPv6)
		// The protocol may also follow a fragment header.
		frag := and(c.cmp(orLinkPL, 6, cbpf.SizeB, ipprotoFragment), c.cmp(orLinkPL, 40, cbpf.SizeB, v))
		b1 := or(c.cmp(orLinkPL, 6, cbpf.SizeB, v), frag)
		return and(b0, b1)
	case QISO:
		switch c.linktype {
		case dltFrelay:
			// An OSI NLPID right after the UI control byte.
			return c.cmp(orLinkHdr, 2, cbpf.SizeH, 0x03<<8|v)
		case dltCHDLC, dltHDLC:
			// Cisco's type for OSI, then a fudge byte.
			b0 := c.linktypeCheck(llcsapISONS<<8 | llcsapISONS)
			return and(b0, c.cmp(orLinkPLNoSNAP, 1, cbpf.SizeB, v))
		}
		b0 := c.linktypeCheck(llcsapISONS)
		return and(b0, c.cmp(orLinkPLNoSNAP, 0, cbpf.SizeB, v))
	case QISIS:
		b0 := c.proto(nlpidISIS, QISO, QDefault)
		return and(b0, c.cmp(orLinkPLNoSNAP, c.isisPDUTypeOffset(), cbpf.SizeB, v))
	case QARP, QRARP, QLat, QSca, QMoprc, QMopdl:
		c.fail("%s does not encapsulate another protocol", noEncapsulation[proto])
	case QAtalk:
		c.fail("AppleTalk encapsulation is not specifiable")
	case QDecnet:
		c.fail("DECNET encapsulation is not specifiable")
	case QCLNP:
		c.fail("'clnp proto' is not supported")
	}
	c.fail("'%s proto' is bogus", c.protoKeyword(proto))
	return nil
}

// isisPDUTypeOffset is where the IS-IS PDU type is after the link-layer
// payload start: 4 bytes into the IS-IS header, plus, on Cisco HDLC, the
// padding byte before it that "iso proto" skips too. libpcap master reads
// it there; 1.10.3 read offset 4 on Cisco HDLC as well, one byte early, so
// that the PDU keywords (l1, csnp, ...) missed the PDUs they name.
func (c *Compiler) isisPDUTypeOffset() uint32 {
	switch c.linktype {
	case dltCHDLC, dltHDLC:
		return 5
	}
	return 4
}

// noEncapsulation names the protocols that carry no other, as libpcap's
// errors spell them.
var noEncapsulation = map[uint8]string{
	QARP: "arp", QRARP: "rarp", QLat: "LAT", QSca: "SCA", QMoprc: "MOPRC", QMopdl: "MOPDL",
}

// lookupProto returns the number of a protocol name for proto's
// qualifier (lookup_proto): an IP protocol for ip, ip6 and the default,
// an Ethernet type or LLC SAP for link, an OSI protocol for iso; -1
// (protoUndef) for other qualifiers.
func (c *Compiler) lookupProto(name string, proto uint8) int {
	switch proto {
	case QDefault, QIP, QIPv6:
		v, err := c.names().IPProtocol(name)
		if err != nil {
			c.failLookup(err, "unknown ip proto '%s'", name)
		}
		return v
	case QLink:
		v, ok := netdb.LinkProtocol(name)
		if !ok {
			c.fail("unknown ether proto '%s'", name)
		}
		return int(v)
	case QISO:
		v, ok := netdb.OSIProtocol(name)
		if !ok {
			c.fail("unknown osi proto '%s'", name)
		}
		return int(v)
	}
	return protoUndef
}

// failLookup fails with libpcap's message for a name that did not
// resolve; any other error of the name database (none yet) is reported
// as it is.
func (c *Compiler) failLookup(err error, format string, args ...any) {
	if errors.Is(err, netdb.ErrNotFound) {
		c.fail(format, args...)
	}
	c.fail("%v", err)
}

// Protochain tests that protocol v is in the chain of headers of an IPv4
// or IPv6 packet (IPv4 and IPv6 by default), walking IPv6 extension
// headers and IPsec AH headers (gen_protochain).
//
// The walk is a loop, and the blocks of a condition form no cycle: like
// libpcap, the test is one block whose statements hold their own jumps,
// forward ones and a "ja" back to the start of the loop, which offsets
// relative to the statements keep valid wherever the block is laid out.
// The optimiser cannot follow the backward jump, so the program stays
// unoptimised, and it needs a machine that accepts backward jumps, as
// libpcap's bpf_filter does (the Linux kernel does not).
func (c *Compiler) Protochain(v uint32, proto uint8) ir.Cond {
	// libpcap takes the scratch register before looking at proto, so
	// the default case and the errors leave one in use.
	reg := c.allocReg()
	switch proto {
	case QIP, QIPv6:
	case QDefault:
		b0 := c.Protochain(v, QIP)
		return or(b0, c.Protochain(v, QIPv6))
	default:
		c.fail("bad protocol applied for 'protochain'")
	}
	if c.offLinkPL.variable {
		c.fail("'protochain' not supported with variable length headers")
	}
	c.noOptimize = true
	nl := c.offLinkPL.constant + c.offNL
	var a chainAsm
	var b0 ir.Cond
	if proto == QIP {
		b0 = c.linktypeCheck(ethertypeIP)
		a.stmt(cbpf.ClassLD|cbpf.ModeABS|cbpf.SizeB, nl+9) // A = protocol
		a.stmt(cbpf.ClassLDX|cbpf.ModeMSH|cbpf.SizeB, nl)  // X = header length
	} else {
		b0 = c.linktypeCheck(ethertypeIPv6)
		a.stmt(cbpf.ClassLD|cbpf.ModeABS|cbpf.SizeB, nl+6) // A = next header
		a.stmt(cbpf.ClassLDX|cbpf.ModeIMM, 40)             // X = fixed header length
	}
	a.label(chainAgain)
	a.jeq(v, chainEnd, "")
	if proto == QIPv6 {
		a.jeq(ipprotoNone, chainEnd, "")
		for _, ext := range []uint32{ipprotoHopOpts, ipprotoDstOpts, ipprotoRouting} {
			a.jeq(ext, chainV6Advance, "")
		}
		a.jeq(ipprotoFragment, chainV6Advance, chainAHCheck)
		// An extension header: its first byte is the next header, its
		// second the length in 8-byte units, not counting the first 8.
		a.label(chainV6Advance)
		a.stmt(cbpf.ClassLD|cbpf.ModeIND|cbpf.SizeB, nl)
		a.stmt(cbpf.ClassST, uint32(reg))
		a.stmt(cbpf.ClassLD|cbpf.ModeIND|cbpf.SizeB, nl+1)
		a.stmt(cbpf.ClassALU|cbpf.ALUAdd, 1)
		a.stmt(cbpf.ClassALU|cbpf.ALUMul, 8)
		a.stmt(cbpf.ClassALU|cbpf.ALUAdd|cbpf.SrcX, 0)
		a.stmt(cbpf.ClassMISC|cbpf.MiscTAX, 0)
		a.stmt(cbpf.ClassLD|cbpf.ModeMEM, uint32(reg))
		a.ja(chainAgain)
	} else {
		a.jeq(ipprotoNone, chainEnd, "")
		a.stmt(cbpf.ClassALU|cbpf.ALUAdd, 0) // no-op, where IPv6 walks extension headers
	}
	// An AH header: the next header, then the length in 4-byte units,
	// not counting the first 8 bytes.
	a.label(chainAHCheck)
	a.jeq(ipprotoAH, "", chainEnd)
	a.stmt(cbpf.ClassMISC|cbpf.MiscTXA, 0)
	a.stmt(cbpf.ClassLD|cbpf.ModeIND|cbpf.SizeB, nl)
	a.stmt(cbpf.ClassST, uint32(reg))
	a.stmt(cbpf.ClassMISC|cbpf.MiscTXA, 0)
	a.stmt(cbpf.ClassALU|cbpf.ALUAdd, 1)
	a.stmt(cbpf.ClassMISC|cbpf.MiscTAX, 0)
	a.stmt(cbpf.ClassLD|cbpf.ModeIND|cbpf.SizeB, nl)
	a.stmt(cbpf.ClassALU|cbpf.ALUAdd, 2)
	a.stmt(cbpf.ClassALU|cbpf.ALUMul, 4)
	a.stmt(cbpf.ClassMISC|cbpf.MiscTAX, 0)
	a.stmt(cbpf.ClassLD|cbpf.ModeMEM, uint32(reg))
	a.ja(chainAgain)
	a.label(chainEnd)
	a.stmt(cbpf.ClassALU|cbpf.ALUAdd, 0) // no-op, the target of the exits
	b := test(a.assemble(), cbpf.JumpEQ, v)
	c.freeReg(reg)
	return and(b0, b)
}

// Labels of the protochain loop.
const (
	chainAgain     = "again"     // compare the current protocol
	chainV6Advance = "v6advance" // skip an IPv6 extension header
	chainAHCheck   = "ahcheck"   // skip an AH header, or end
	chainEnd       = "end"       // leave the loop with the protocol in A
)

// chainAsm assembles statements that jump to labels among themselves.
type chainAsm struct {
	ins    stmts
	labels map[string]int
	refs   []chainRef
}

// chainRef is a jump to resolve: its true and false targets ("" for the
// next instruction), or its "ja" target.
type chainRef struct {
	at     int
	jt, jf string
}

func (a *chainAsm) stmt(op uint16, k uint32) { a.ins = append(a.ins, stmt(op, k)) }

func (a *chainAsm) label(name string) {
	if a.labels == nil {
		a.labels = map[string]int{}
	}
	a.labels[name] = len(a.ins)
}

// jeq jumps to jt when A equals k, else to jf.
func (a *chainAsm) jeq(k uint32, jt, jf string) {
	a.refs = append(a.refs, chainRef{at: len(a.ins), jt: jt, jf: jf})
	a.stmt(cbpf.ClassJMP|cbpf.JumpEQ, k)
}

// ja jumps to label to, backwards or forwards.
func (a *chainAsm) ja(to string) {
	a.refs = append(a.refs, chainRef{at: len(a.ins), jt: to})
	a.stmt(cbpf.ClassJMP, 0)
}

// assemble resolves the jumps: offsets count from the next instruction,
// and a backward "ja" offset wraps around as a negative number.
func (a *chainAsm) assemble() stmts {
	off := func(from int, to string) int {
		if to == "" {
			return 0
		}
		return a.labels[to] - (from + 1)
	}
	for _, r := range a.refs {
		ins := &a.ins[r.at]
		if ins.Op == cbpf.ClassJMP {
			ins.K = uint32(int32(off(r.at, r.jt)))
			continue
		}
		ins.Jt = uint8(off(r.at, r.jt))
		ins.Jf = uint8(off(r.at, r.jf))
	}
	return a.ins
}

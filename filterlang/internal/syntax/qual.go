package syntax

// Proto is a protocol qualifier (libpcap's Q_LINK, Q_IP, ...). The zero
// value is ProtoDefault: no protocol was written.
type Proto uint8

// Protocol qualifiers, in libpcap's numbering.
const (
	ProtoDefault Proto = iota
	ProtoLink          // link, ether, ppp, slip, fddi, tr, wlan
	ProtoIP
	ProtoARP
	ProtoRARP
	ProtoSCTP
	ProtoTCP
	ProtoUDP
	ProtoICMP
	ProtoIGMP
	ProtoIGRP
	ProtoATalk
	ProtoDECnet
	ProtoLAT
	ProtoSCA
	ProtoMOPRC
	ProtoMOPDL
	ProtoIPv6
	ProtoICMPv6
	ProtoAH
	ProtoESP
	ProtoPIM
	ProtoVRRP
	ProtoAARP
	ProtoISO
	ProtoESIS
	ProtoISIS
	ProtoCLNP
	ProtoSTP
	ProtoIPX
	ProtoNetBEUI
	ProtoISISL1
	ProtoISISL2
	ProtoISISIIH
	ProtoISISSNP
	ProtoISISCSNP
	ProtoISISPSNP
	ProtoISISLSP
	ProtoRadio
	ProtoCARP
	// ProtoUndef marks the qualifiers of a value that inherited them
	// from a primitive that has none (libpcap's qerr, Q_UNDEF): "tcp or
	// 80". Lowering rejects it.
	ProtoUndef Proto = 255
)

var protoNames = map[Proto]string{
	ProtoLink: "link", ProtoIP: "ip", ProtoARP: "arp", ProtoRARP: "rarp",
	ProtoSCTP: "sctp", ProtoTCP: "tcp", ProtoUDP: "udp", ProtoICMP: "icmp",
	ProtoIGMP: "igmp", ProtoIGRP: "igrp", ProtoATalk: "atalk",
	ProtoDECnet: "decnet", ProtoLAT: "lat", ProtoSCA: "sca",
	ProtoMOPRC: "moprc", ProtoMOPDL: "mopdl", ProtoIPv6: "ip6",
	ProtoICMPv6: "icmp6", ProtoAH: "ah", ProtoESP: "esp", ProtoPIM: "pim",
	ProtoVRRP: "vrrp", ProtoAARP: "aarp", ProtoISO: "iso", ProtoESIS: "esis",
	ProtoISIS: "isis", ProtoCLNP: "clnp", ProtoSTP: "stp", ProtoIPX: "ipx",
	ProtoNetBEUI: "netbeui", ProtoISISL1: "l1", ProtoISISL2: "l2",
	ProtoISISIIH: "iih", ProtoISISSNP: "snp", ProtoISISCSNP: "csnp",
	ProtoISISPSNP: "psnp", ProtoISISLSP: "lsp", ProtoRadio: "radio",
	ProtoCARP: "carp",
}

// String returns the keyword of the qualifier ("link" for all the link
// layer spellings), "" for ProtoDefault and "undef" for ProtoUndef.
func (p Proto) String() string {
	switch p {
	case ProtoDefault:
		return ""
	case ProtoUndef:
		return "undef"
	}
	return protoNames[p]
}

// Dir is a direction qualifier (libpcap's Q_SRC, Q_DST, ...).
type Dir uint8

// Direction qualifiers, in libpcap's numbering.
const (
	DirDefault   Dir = iota
	DirSrc           // src
	DirDst           // dst
	DirSrcOrDst      // src or dst, dst or src
	DirSrcAndDst     // src and dst, dst and src
	DirAddr1         // addr1, address1
	DirAddr2         // addr2, address2
	DirAddr3         // addr3, address3
	DirAddr4         // addr4, address4
	DirRA            // ra
	DirTA            // ta
	// DirUndef goes with ProtoUndef.
	DirUndef Dir = 255
)

var dirNames = map[Dir]string{
	DirSrc: "src", DirDst: "dst", DirSrcOrDst: "src or dst",
	DirSrcAndDst: "src and dst", DirAddr1: "addr1", DirAddr2: "addr2",
	DirAddr3: "addr3", DirAddr4: "addr4", DirRA: "ra", DirTA: "ta",
}

// String returns the qualifier as written in an expression, "" for
// DirDefault and "undef" for DirUndef.
func (d Dir) String() string {
	switch d {
	case DirDefault:
		return ""
	case DirUndef:
		return "undef"
	}
	return dirNames[d]
}

// Kind is an address-type qualifier (libpcap's Q_HOST, Q_NET, ...).
type Kind uint8

// Address-type qualifiers, in libpcap's numbering.
const (
	KindDefault    Kind = iota
	KindHost            // host
	KindNet             // net
	KindPort            // port
	KindGateway         // gateway
	KindProto           // proto
	KindProtochain      // protochain
	KindPortrange       // portrange
	// KindUndef goes with ProtoUndef.
	KindUndef Kind = 255
)

var kindNames = map[Kind]string{
	KindHost: "host", KindNet: "net", KindPort: "port", KindGateway: "gateway",
	KindProto: "proto", KindProtochain: "protochain", KindPortrange: "portrange",
}

// String returns the keyword, "" for KindDefault and "undef" for
// KindUndef.
func (k Kind) String() string {
	switch k {
	case KindDefault:
		return ""
	case KindUndef:
		return "undef"
	}
	return kindNames[k]
}

// Qual is the full set of qualifiers of a primitive, as libpcap's struct
// qual.
type Qual struct {
	Proto Proto
	Dir   Dir
	Kind  Kind
}

// undefQual is libpcap's qerr: what a value inherits from a primitive
// without qualifiers.
var undefQual = Qual{ProtoUndef, DirUndef, KindUndef}

// Undefined reports whether q is libpcap's qerr, the qualifiers of a value
// that follows a primitive without qualifiers ("tcp or 80").
func (q Qual) Undefined() bool { return q == undefQual }

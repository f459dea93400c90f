package syntax

// tokKind is the class of a token, after libpcap's scanner. Keywords of
// one grammatical role share a kind and are told apart by token.sub.
type tokKind uint8

const (
	tokEOF tokKind = iota
	tokError
	tokNum       // NUM (number or named number)
	tokID        // ID (name, or \escaped)
	tokHID       // HID: 2 to 4 dotted numbers
	tokHID6      // HID6: IPv6 address
	tokEID       // EID: MAC address
	tokAID       // AID: $ARCnet address
	tokProtoName // pname keywords; sub is a Proto
	tokSrc       // src
	tokDst       // dst
	tokDirQual   // addr1..addr4, ra, ta; sub is a Dir
	tokAddrQual  // host, net, port, portrange; sub is a Kind
	tokGateway   // gateway
	tokProto     // proto
	tokProtochain
	tokMask // mask
	tokType // type
	tokSubtype
	tokDir // dir, direction (802.11)
	tokBroadcast
	tokMulticast
	tokByte
	tokAnd
	tokOr
	tokNot
	tokLen
	tokSpecial  // less, greater, ifindex, vlan, ...; sub is a SpecialKind
	tokLLC      // llc
	tokPF       // on, rset, rnr, srnr, reason, action; sub is a PFField
	tokField    // vpi, vci, sio, ...; sub is a Field
	tokLParen   // (
	tokRParen   // )
	tokLBracket // [
	tokRBracket // ]
	tokColon    // :
	tokSlash    // /
	tokPlus     // +
	tokMinus    // -
	tokStar     // *
	tokPercent  // %
	tokAmp      // &
	tokPipe     // |
	tokCaret    // ^
	tokLsh      // <<
	tokRsh      // >>
	tokEq       // =, ==
	tokGT       // >
	tokGE       // >=
	tokLT       // <
	tokLE       // <=
	tokNE       // !=
)

// token is one token of the expression.
type token struct {
	kind tokKind
	sub  uint8  // Proto, Dir, Kind, SpecialKind, PFField or Field
	pos  int    // byte offset
	text string // the matched text (without "\" or "$" for ID and AID)
	num  uint32 // the value of tokNum
	// err is the scanner's message for a token libpcap's scanner rejects
	// (a bad number, a bad IPv6 or Ethernet address, a stray character).
	err string
	// escaped marks an ID written with a backslash.
	escaped bool
}

type keyword struct {
	kind tokKind
	sub  uint8
}

// keywords are libpcap's reserved words. They are case-sensitive.
var keywords = map[string]keyword{
	"dst": {kind: tokDst}, "src": {kind: tokSrc},

	"link": {tokProtoName, uint8(ProtoLink)}, "ether": {tokProtoName, uint8(ProtoLink)},
	"ppp": {tokProtoName, uint8(ProtoLink)}, "slip": {tokProtoName, uint8(ProtoLink)},
	"fddi": {tokProtoName, uint8(ProtoLink)}, "tr": {tokProtoName, uint8(ProtoLink)},
	"wlan": {tokProtoName, uint8(ProtoLink)},
	"arp":  {tokProtoName, uint8(ProtoARP)}, "rarp": {tokProtoName, uint8(ProtoRARP)},
	"ip": {tokProtoName, uint8(ProtoIP)}, "sctp": {tokProtoName, uint8(ProtoSCTP)},
	"tcp": {tokProtoName, uint8(ProtoTCP)}, "udp": {tokProtoName, uint8(ProtoUDP)},
	"icmp": {tokProtoName, uint8(ProtoICMP)}, "igmp": {tokProtoName, uint8(ProtoIGMP)},
	"igrp": {tokProtoName, uint8(ProtoIGRP)}, "pim": {tokProtoName, uint8(ProtoPIM)},
	"vrrp": {tokProtoName, uint8(ProtoVRRP)}, "carp": {tokProtoName, uint8(ProtoCARP)},
	"radio": {tokProtoName, uint8(ProtoRadio)},
	"ip6":   {tokProtoName, uint8(ProtoIPv6)}, "icmp6": {tokProtoName, uint8(ProtoICMPv6)},
	"ah": {tokProtoName, uint8(ProtoAH)}, "esp": {tokProtoName, uint8(ProtoESP)},
	"atalk": {tokProtoName, uint8(ProtoATalk)}, "aarp": {tokProtoName, uint8(ProtoAARP)},
	"decnet": {tokProtoName, uint8(ProtoDECnet)}, "lat": {tokProtoName, uint8(ProtoLAT)},
	"sca": {tokProtoName, uint8(ProtoSCA)}, "moprc": {tokProtoName, uint8(ProtoMOPRC)},
	"mopdl": {tokProtoName, uint8(ProtoMOPDL)},
	"iso":   {tokProtoName, uint8(ProtoISO)}, "esis": {tokProtoName, uint8(ProtoESIS)},
	"es-is": {tokProtoName, uint8(ProtoESIS)}, "isis": {tokProtoName, uint8(ProtoISIS)},
	"is-is": {tokProtoName, uint8(ProtoISIS)}, "l1": {tokProtoName, uint8(ProtoISISL1)},
	"l2": {tokProtoName, uint8(ProtoISISL2)}, "iih": {tokProtoName, uint8(ProtoISISIIH)},
	"lsp": {tokProtoName, uint8(ProtoISISLSP)}, "snp": {tokProtoName, uint8(ProtoISISSNP)},
	"csnp": {tokProtoName, uint8(ProtoISISCSNP)}, "psnp": {tokProtoName, uint8(ProtoISISPSNP)},
	"clnp": {tokProtoName, uint8(ProtoCLNP)}, "stp": {tokProtoName, uint8(ProtoSTP)},
	"ipx": {tokProtoName, uint8(ProtoIPX)}, "netbeui": {tokProtoName, uint8(ProtoNetBEUI)},

	"host": {tokAddrQual, uint8(KindHost)}, "net": {tokAddrQual, uint8(KindNet)},
	"port": {tokAddrQual, uint8(KindPort)}, "portrange": {tokAddrQual, uint8(KindPortrange)},
	"mask": {kind: tokMask}, "proto": {kind: tokProto},
	"protochain": {kind: tokProtochain}, "gateway": {kind: tokGateway},

	"type": {kind: tokType}, "subtype": {kind: tokSubtype},
	"direction": {kind: tokDir}, "dir": {kind: tokDir},
	"address1": {tokDirQual, uint8(DirAddr1)}, "addr1": {tokDirQual, uint8(DirAddr1)},
	"address2": {tokDirQual, uint8(DirAddr2)}, "addr2": {tokDirQual, uint8(DirAddr2)},
	"address3": {tokDirQual, uint8(DirAddr3)}, "addr3": {tokDirQual, uint8(DirAddr3)},
	"address4": {tokDirQual, uint8(DirAddr4)}, "addr4": {tokDirQual, uint8(DirAddr4)},
	"ra": {tokDirQual, uint8(DirRA)}, "ta": {tokDirQual, uint8(DirTA)},

	"less": {tokSpecial, uint8(Less)}, "greater": {tokSpecial, uint8(Greater)},
	"byte": {kind: tokByte}, "broadcast": {kind: tokBroadcast},
	"multicast": {kind: tokMulticast},
	"and":       {kind: tokAnd}, "&&": {kind: tokAnd},
	"or": {kind: tokOr}, "||": {kind: tokOr},
	"not": {kind: tokNot},
	"len": {kind: tokLen}, "length": {kind: tokLen},
	"inbound": {tokSpecial, uint8(Inbound)}, "outbound": {tokSpecial, uint8(Outbound)},
	"ifindex": {tokSpecial, uint8(IfIndex)},
	"vlan":    {tokSpecial, uint8(VLAN)}, "mpls": {tokSpecial, uint8(MPLS)},
	"pppoed": {tokSpecial, uint8(PPPoED)}, "pppoes": {tokSpecial, uint8(PPPoES)},
	"geneve": {tokSpecial, uint8(Geneve)}, "vxlan": {tokSpecial, uint8(VXLAN)},

	"lane": {tokSpecial, uint8(Lane)}, "llc": {kind: tokLLC},
	"metac": {tokSpecial, uint8(MetaC)}, "bcc": {tokSpecial, uint8(BCC)},
	"oam": {tokSpecial, uint8(OAM)}, "oamf4": {tokSpecial, uint8(OAMF4)},
	"oamf4ec": {tokSpecial, uint8(OAMF4EC)}, "oamf4sc": {tokSpecial, uint8(OAMF4SC)},
	"sc": {tokSpecial, uint8(SC)}, "ilmic": {tokSpecial, uint8(ILMIC)},
	"vpi": {tokField, uint8(FieldVPI)}, "vci": {tokField, uint8(FieldVCI)},
	"connectmsg": {tokSpecial, uint8(ConnectMsg)}, "metaconnect": {tokSpecial, uint8(MetaConnect)},

	"on": {tokPF, uint8(PFIfName)}, "ifname": {tokPF, uint8(PFIfName)},
	"rset": {tokPF, uint8(PFRuleset)}, "ruleset": {tokPF, uint8(PFRuleset)},
	"rnr": {tokPF, uint8(PFRuleNum)}, "rulenum": {tokPF, uint8(PFRuleNum)},
	"srnr": {tokPF, uint8(PFSubRuleNum)}, "subrulenum": {tokPF, uint8(PFSubRuleNum)},
	"reason": {tokPF, uint8(PFReason)}, "action": {tokPF, uint8(PFAction)},

	"fisu": {tokSpecial, uint8(FISU)}, "lssu": {tokSpecial, uint8(LSSU)},
	"lsu": {tokSpecial, uint8(LSSU)}, "msu": {tokSpecial, uint8(MSU)},
	"hfisu": {tokSpecial, uint8(HFISU)}, "hlssu": {tokSpecial, uint8(HLSSU)},
	"hmsu": {tokSpecial, uint8(HMSU)},
	"sio":  {tokField, uint8(FieldSIO)}, "opc": {tokField, uint8(FieldOPC)},
	"dpc": {tokField, uint8(FieldDPC)}, "sls": {tokField, uint8(FieldSLS)},
	"hsio": {tokField, uint8(FieldHSIO)}, "hopc": {tokField, uint8(FieldHOPC)},
	"hdpc": {tokField, uint8(FieldHDPC)}, "hsls": {tokField, uint8(FieldHSLS)},
}

// namedNumbers are the names libpcap's scanner turns into numbers, for
// use in accessors: tcp[tcpflags] & tcp-syn != 0.
var namedNumbers = map[string]uint32{
	"icmptype": 0, "icmpcode": 1,
	"icmp-echoreply": 0, "icmp-unreach": 3, "icmp-sourcequench": 4,
	"icmp-redirect": 5, "icmp-echo": 8, "icmp-routeradvert": 9,
	"icmp-routersolicit": 10, "icmp-timxceed": 11, "icmp-paramprob": 12,
	"icmp-tstamp": 13, "icmp-tstampreply": 14, "icmp-ireq": 15,
	"icmp-ireqreply": 16, "icmp-maskreq": 17, "icmp-maskreply": 18,

	"icmp6type": 0, "icmp6code": 1,
	"icmp6-destinationunreach": 1, "icmp6-packettoobig": 2,
	"icmp6-timeexceeded": 3, "icmp6-parameterproblem": 4,
	"icmp6-echo": 128, "icmp6-echoreply": 129,
	"icmp6-multicastlistenerquery": 130, "icmp6-multicastlistenerreportv1": 131,
	"icmp6-multicastlistenerdone": 132, "icmp6-routersolicit": 133,
	"icmp6-routeradvert": 134, "icmp6-neighborsolicit": 135,
	"icmp6-neighboradvert": 136, "icmp6-redirect": 137,
	"icmp6-routerrenum": 138, "icmp6-nodeinformationquery": 139,
	"icmp6-nodeinformationresponse": 140, "icmp6-ineighbordiscoverysolicit": 141,
	"icmp6-ineighbordiscoveryadvert": 142, "icmp6-multicastlistenerreportv2": 143,
	"icmp6-homeagentdiscoveryrequest": 144, "icmp6-homeagentdiscoveryreply": 145,
	"icmp6-mobileprefixsolicit": 146, "icmp6-mobileprefixadvert": 147,
	"icmp6-certpathsolicit": 148, "icmp6-certpathadvert": 149,
	"icmp6-multicastrouteradvert": 151, "icmp6-multicastroutersolicit": 152,
	"icmp6-multicastrouterterm": 153,

	"tcpflags": 13, "tcp-fin": 0x01, "tcp-syn": 0x02, "tcp-rst": 0x04,
	"tcp-push": 0x08, "tcp-ack": 0x10, "tcp-urg": 0x20, "tcp-ece": 0x40,
	"tcp-cwr": 0x80,
}

package syntax

// Expr is a node of the boolean tree: *Binary, *Not, *Primitive,
// *Abbrev, *Relation, *Special, *Byte, *Cast, *WLAN, *LLC, *PF or
// *FieldCmp.
// A nil Expr is the empty expression, which accepts every packet.
type Expr interface {
	// Pos is the byte offset of the node's first token in the expression.
	Pos() int
	// String formats the node as an expression that parses back to the
	// same tree, with every qualifier written out (see the package
	// documentation).
	String() string
	exprNode()
}

// Arith is a node of an arithmetic expression: *Num, *Len, *Load, *Neg
// or *BinArith.
type Arith interface {
	Pos() int
	String() string
	arithNode()
}

// LogicOp is "and" or "or".
type LogicOp uint8

// The logical operators. They have the same precedence and associate to
// the left.
const (
	And LogicOp = iota + 1
	Or
)

func (op LogicOp) String() string {
	if op == And {
		return "and"
	}
	return "or"
}

// Binary is X and Y, or X or Y.
type Binary struct {
	Op    LogicOp
	X, Y  Expr
	OpPos int // offset of the operator ("and", "&&", "or", "||")
}

// Not is "not X" or "! X".
type Not struct {
	NotPos int
	X      Expr
}

// Primitive is a value with its qualifiers: "tcp dst port 80", "host a",
// or the bare "b" of "host a or b", which Qual gives in full.
type Primitive struct {
	QualPos int // offset of the first qualifier, or of the value when none is written
	// Qual are the resolved qualifiers: written before the value, or
	// inherited from the primitive before the "and"/"or" (Inherited).
	Qual      Qual
	Inherited bool
	Value     Value
}

// ValueKind is the lexical kind of a primitive's value.
type ValueKind uint8

// Value kinds, after the tokens of libpcap's scanner.
const (
	// ValNum is a number (NUM): decimal, 0x hex or 0 octal.
	ValNum ValueKind = iota + 1
	// ValName is a name (ID): a host, network, port, protocol or service
	// name, a port range such as 80-90, or anything written after a
	// backslash.
	ValName
	// ValIPv4 is a dotted IPv4 address or prefix with 2 to 4 parts (HID):
	// "10.1", "10.1.2", "10.1.2.3".
	ValIPv4
	// ValIPv4Len is HID/NUM: "10.0.0.0/8".
	ValIPv4Len
	// ValIPv4Mask is HID mask HID: "10.0.0.0 mask 255.0.0.0".
	ValIPv4Mask
	// ValIPv6 is an IPv6 address (HID6).
	ValIPv6
	// ValIPv6Len is HID6/NUM: "fe80::/10".
	ValIPv6Len
	// ValMAC is an Ethernet address (EID) in any of libpcap's notations:
	// aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aa.bb.cc.dd.ee.ff,
	// aabb.ccdd.eeff, aabbccddeeff (one or two hex digits a byte in the
	// first three).
	ValMAC
	// ValARCnet is an ARCnet address: "$" and one or two hex digits (AID).
	ValARCnet
)

var valueKindNames = [...]string{
	ValNum: "num", ValName: "name", ValIPv4: "ipv4", ValIPv4Len: "ipv4/len",
	ValIPv4Mask: "ipv4 mask", ValIPv6: "ipv6", ValIPv6Len: "ipv6/len",
	ValMAC: "mac", ValARCnet: "arcnet",
}

func (k ValueKind) String() string {
	if int(k) < len(valueKindNames) && valueKindNames[k] != "" {
		return valueKindNames[k]
	}
	return "ValueKind(?)"
}

// Value is a primitive's value as written.
type Value struct {
	Kind ValueKind
	Pos  int
	// Text is the token: the address or name as written, without the
	// backslash of an escaped name, without the "$" of an ARCnet address.
	// For ValIPv4Len, ValIPv4Mask and ValIPv6Len it is the address part.
	Text string
	// Escaped reports a name written with a backslash ("\tcp").
	Escaped bool
	// Num is the number of ValNum.
	Num uint32
	// Len is the prefix length of ValIPv4Len and ValIPv6Len.
	Len Number
	// Mask is the mask of ValIPv4Mask, and MaskPos its offset.
	Mask    string
	MaskPos int
}

// Number is a number as written: "0x10", "tcp-syn" (the scanner's named
// numbers), "(5)" for a parenthesised number.
type Number struct {
	Val  uint32
	Text string // the token, without parentheses
	Pos  int
}

// Abbrev is a protocol name alone: "tcp", "ip6", "l1". libpcap's
// gen_proto_abbrev.
type Abbrev struct {
	ProtoPos int
	Proto    Proto
}

// RelOp is a comparison operator.
type RelOp uint8

// Comparison operators. libpcap compiles LE, LT and NE as the negation of
// GT, GE and EQ.
const (
	EQ RelOp = iota + 1 // =, ==
	GT                  // >
	GE                  // >=
	LE                  // <=
	LT                  // <
	NE                  // !=
)

var relOpNames = [...]string{EQ: "=", GT: ">", GE: ">=", LE: "<=", LT: "<", NE: "!="}

func (op RelOp) String() string { return relOpNames[op] }

// Relation is "X op Y" on arithmetic expressions: "ip[0] & 0xf > 5".
type Relation struct {
	Op    RelOp
	X, Y  Arith
	OpPos int
}

// ArithOp is a binary arithmetic operator.
type ArithOp uint8

// Arithmetic operators, libpcap's precedence from loosest to tightest: |,
// &, << >>, + -, * /, unary minus, all left-associative; % and ^ have no
// precedence, which makes each of them take the nearest operand on its
// left and the whole rest of the arithmetic expression on its right.
const (
	Add   ArithOp = iota + 1 // +
	Sub                      // -
	Mul                      // *
	Div                      // /
	Mod                      // %
	AndOp                    // &
	OrOp                     // |
	Xor                      // ^
	Lsh                      // <<
	Rsh                      // >>
)

var arithOpNames = [...]string{Add: "+", Sub: "-", Mul: "*", Div: "/", Mod: "%",
	AndOp: "&", OrOp: "|", Xor: "^", Lsh: "<<", Rsh: ">>"}

func (op ArithOp) String() string { return arithOpNames[op] }

// Num is a constant: "5", "0x10", "tcp-syn", "icmptype".
type Num struct{ Number }

// Len is "len" or "length", the packet's length on the wire.
type Len struct{ LenPos int }

// Load is "proto[Index]" or "proto[Index:Size]".
type Load struct {
	ProtoPos int
	Proto    Proto
	Index    Arith
	// Size is the written size (lowering checks it is 1, 2 or 4), or 1
	// with SizeGiven false when none is written.
	Size      Number
	SizeGiven bool
}

// Neg is "-X".
type Neg struct {
	MinusPos int
	X        Arith
}

// BinArith is "X op Y".
type BinArith struct {
	Op    ArithOp
	X, Y  Arith
	OpPos int
}

// SpecialKind names the primitives made of a keyword and at most one
// number.
type SpecialKind uint8

// Special primitives.
const (
	Less     SpecialKind = iota + 1 // less N
	Greater                         // greater N
	Inbound                         // inbound
	Outbound                        // outbound
	IfIndex                         // ifindex N
	VLAN                            // vlan [N]
	MPLS                            // mpls [N]
	PPPoED                          // pppoed
	PPPoES                          // pppoes [N]
	Geneve                          // geneve [N]
	VXLAN                           // vxlan [N]
	// The ATM abbreviations (libpcap's gen_atmtype_abbrev).
	Lane    // lane
	MetaC   // metac
	BCC     // bcc
	OAMF4EC // oamf4ec
	OAMF4SC // oamf4sc
	SC      // sc
	ILMIC   // ilmic
	// The ATM multi-type abbreviations (gen_atmmulti_abbrev).
	OAM         // oam
	OAMF4       // oamf4
	ConnectMsg  // connectmsg
	MetaConnect // metaconnect
	// The MTP2 types (gen_mtp2type_abbrev).
	FISU  // fisu
	LSSU  // lssu, lsu
	MSU   // msu
	HFISU // hfisu
	HLSSU // hlssu
	HMSU  // hmsu
)

var specialNames = [...]string{Less: "less", Greater: "greater",
	Inbound: "inbound", Outbound: "outbound", IfIndex: "ifindex", VLAN: "vlan",
	MPLS: "mpls", PPPoED: "pppoed", PPPoES: "pppoes", Geneve: "geneve",
	VXLAN: "vxlan", Lane: "lane", MetaC: "metac", BCC: "bcc",
	OAMF4EC: "oamf4ec", OAMF4SC: "oamf4sc", SC: "sc", ILMIC: "ilmic",
	OAM: "oam", OAMF4: "oamf4", ConnectMsg: "connectmsg",
	MetaConnect: "metaconnect", FISU: "fisu", LSSU: "lssu", MSU: "msu",
	HFISU: "hfisu", HLSSU: "hlssu", HMSU: "hmsu"}

func (k SpecialKind) String() string { return specialNames[k] }

// Special is a keyword primitive with an optional number: "less 100",
// "vlan 10", "vlan", "inbound", "pppoed", "fisu".
type Special struct {
	KeyPos int
	Kind   SpecialKind
	N      Number
	HasN   bool
}

// Byte is "byte Index Op Value": Op is one of '&', '|', '<', '>', '='.
type Byte struct {
	KeyPos int
	Index  Number
	Op     byte
	Value  Number
}

// Cast is "[proto] broadcast" or "[proto] multicast".
type Cast struct {
	QualPos   int
	Proto     Proto
	Multicast bool
}

// WLAN is an 802.11 frame-control test: "type T [subtype S]",
// "subtype S", "dir D", with an optional, ignored, protocol before it
// ("wlan type mgt"). Names are resolved to libpcap's numbers.
type WLAN struct {
	QualPos int
	Proto   Proto
	// IsDir selects "dir": Value is the direction (0 to 3), Mask is 0.
	IsDir bool
	// Value and Mask are gen_p80211_type's: the type and subtype bits of
	// the frame-control byte, and which of them to test (0x0c for "type
	// T", 0xfc with a subtype).
	Value, Mask uint32
}

// LLC is "llc" or "llc T" with T one of i, s, u or an S or U frame
// subtype.
type LLC struct {
	KeyPos int
	// Type is the frame class; for LLCSSubtype and LLCUSubtype, Subtype
	// is the control value (rnr: 5, ui: 3).
	Type    LLCType
	Subtype uint32
	Name    string // the type as written, "" for plain llc
}

// LLCType says which LLC frames an LLC primitive matches.
type LLCType uint8

// LLC frame classes.
const (
	LLCAny      LLCType = iota // llc
	LLCI                       // llc i
	LLCS                       // llc s
	LLCU                       // llc u
	LLCSSubtype                // llc rr, rnr, rej
	LLCUSubtype                // llc ui, ua, disc, dm, sabme, test, xid, frmr
)

// PFField is a pflog header field.
type PFField uint8

// pflog fields.
const (
	PFIfName     PFField = iota + 1 // on, ifname
	PFRuleset                       // rset, ruleset
	PFRuleNum                       // rnr, rulenum
	PFSubRuleNum                    // srnr, subrulenum
	PFReason                        // reason
	PFAction                        // action
)

var pfNames = [...]string{PFIfName: "ifname", PFRuleset: "ruleset",
	PFRuleNum: "rulenum", PFSubRuleNum: "subrulenum", PFReason: "reason",
	PFAction: "action"}

func (f PFField) String() string { return pfNames[f] }

// PF is a pflog test: "ifname eth0", "rnr 3", "reason match",
// "action pass". Reason and action names are resolved to numbers in N.
type PF struct {
	KeyPos int
	Field  PFField
	Name   string // the interface or ruleset name, or the reason/action name as written
	N      Number // rule numbers, reasons and actions
}

// Field is an ATM or MTP3 header field.
type Field uint8

// ATM and MTP3 fields.
const (
	FieldVPI  Field = iota + 1 // vpi
	FieldVCI                   // vci
	FieldSIO                   // sio
	FieldOPC                   // opc
	FieldDPC                   // dpc
	FieldSLS                   // sls
	FieldHSIO                  // hsio
	FieldHOPC                  // hopc
	FieldHDPC                  // hdpc
	FieldHSLS                  // hsls
)

var fieldNames = [...]string{FieldVPI: "vpi", FieldVCI: "vci", FieldSIO: "sio",
	FieldOPC: "opc", FieldDPC: "dpc", FieldSLS: "sls", FieldHSIO: "hsio",
	FieldHOPC: "hopc", FieldHDPC: "hdpc", FieldHSLS: "hsls"}

func (f Field) String() string { return fieldNames[f] }

// FieldCmp is "vpi 5", "vci > 32", "sio (1 or 2)": the field compared with
// Op to the single value, or equal to any of Values.
type FieldCmp struct {
	KeyPos int
	Field  Field
	Op     RelOp
	Values []Number
}

func (x *Binary) Pos() int    { return x.X.Pos() }
func (x *Not) Pos() int       { return x.NotPos }
func (x *Primitive) Pos() int { return x.QualPos }
func (x *Abbrev) Pos() int    { return x.ProtoPos }
func (x *Relation) Pos() int  { return x.X.Pos() }
func (x *Special) Pos() int   { return x.KeyPos }
func (x *Byte) Pos() int      { return x.KeyPos }
func (x *Cast) Pos() int      { return x.QualPos }
func (x *WLAN) Pos() int      { return x.QualPos }
func (x *LLC) Pos() int       { return x.KeyPos }
func (x *PF) Pos() int        { return x.KeyPos }
func (x *FieldCmp) Pos() int  { return x.KeyPos }

func (*Binary) exprNode()    {}
func (*Not) exprNode()       {}
func (*Primitive) exprNode() {}
func (*Abbrev) exprNode()    {}
func (*Relation) exprNode()  {}
func (*Special) exprNode()   {}
func (*Byte) exprNode()      {}
func (*Cast) exprNode()      {}
func (*WLAN) exprNode()      {}
func (*LLC) exprNode()       {}
func (*PF) exprNode()        {}
func (*FieldCmp) exprNode()  {}

func (x *Num) Pos() int      { return x.Number.Pos }
func (x *Len) Pos() int      { return x.LenPos }
func (x *Load) Pos() int     { return x.ProtoPos }
func (x *Neg) Pos() int      { return x.MinusPos }
func (x *BinArith) Pos() int { return x.X.Pos() }

func (*Num) arithNode()      {}
func (*Len) arithNode()      {}
func (*Load) arithNode()     {}
func (*Neg) arithNode()      {}
func (*BinArith) arithNode() {}

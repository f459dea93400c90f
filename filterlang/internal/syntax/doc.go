// Package syntax is the first stage of the filter compiler: a scanner and
// a recursive-descent parser for the pcap-filter language that produce a
// syntax tree with byte positions, keeping everything libpcap's grammar
// (grammar.y, scanner.l) distinguishes.
//
// # Tokens
//
// The scanner is libpcap's flex scanner: at each position the longest
// match of any rule wins, ties going to the earlier rule. So keywords are
// case-sensitive ("TCP" is a name), "tcpx" and "1.2.3.4.5" are names,
// "10.1" is a dotted IPv4 value, "80-90" is a name (a port range to
// lowering), "001122334455" is a MAC address, and "tcp-syn",
// "icmp-echo", "tcpflags" are numbers. Numbers are decimal, 0x hex or
// leading-0 octal, at most 32 bits. A token the scanner rejects (bad
// number, bad IPv6 or Ethernet address, stray character) is reported when
// the parser reaches it, as in libpcap, where an earlier syntax error
// wins.
//
// # Tree
//
// Expr nodes: [Binary] (and/or), [Not], [Primitive] (a value with its
// qualifiers), [Abbrev] (a protocol alone: "tcp"), [Relation] (arithmetic
// comparison over [Arith] nodes: [Num], [Len], [Load], [Neg],
// [BinArith]), and the special primitives [Special] (less, greater,
// inbound, outbound, ifindex, vlan, mpls, pppoed, pppoes, geneve, vxlan,
// ATM and MTP2 abbreviations), [Byte], [Cast] (broadcast, multicast),
// [WLAN] (802.11 type, subtype, dir), [LLC], [PF] (pflog) and [FieldCmp]
// (ATM vpi/vci, MTP3 sio/opc/dpc/sls and their HSL forms).
//
// Invariants:
//   - Every Primitive carries its full, resolved qualifiers in Qual; none
//     is left to context. Inherited says they came from the primitive
//     before an "and"/"or" rather than being written before the value.
//   - Parentheses leave no node: they only group and scope inheritance.
//   - Names that libpcap's grammar resolves (802.11 types, subtypes and
//     directions, LLC types, pflog reasons and actions) are resolved to
//     libpcap's numbers; named numbers in accessors keep their text.
//   - String prints an expression that parses back to the same tree
//     (positions and the Inherited flag aside), with all qualifiers
//     written and all arithmetic parenthesised: the form tests print.
//
// # Qualifier inheritance
//
// libpcap's grammar gives a bare value (its "id": a name, number or
// address, "not" and a bare value, or a parenthesised list of bare
// values joined by and/or) the qualifiers its left context holds:
//   - after "and"/"or", those of the operand before it: for a qualified
//     primitive, its qualifiers ("host a or b" is "host a or host b",
//     "tcp dst port 21 or 20", "not host a and b" since "not" passes its
//     operand's qualifiers on, "src net 10 and not 11"); for a protocol
//     alone, a relation or any special primitive, libpcap's undefined
//     qualifiers qerr ([Qual.Undefined]: "tcp or 80", which lowering
//     rejects as libpcap's gencode does); for a parenthesised expression,
//     what came before its "(" ("host a and (tcp) and b" is "... and host
//     b", "(host a or host b) and 80" has undefined qualifiers);
//   - after a head of qualifiers, those of the head, including inside
//     parentheses and after "not" ("host (a or b)", "host not a");
//   - a parenthesised list inherits as a whole: "host a or (b and c)".
//
// A bare value cannot start an expression, nor a parenthesised list of
// bare values nest another one directly ("host a or ((b))" is a syntax
// error, "host a or ((1))" is not, since "(1)" is a number).
//
// # Precedence
//
// "and" and "or" have the same precedence and associate to the left;
// "not" binds tighter. In arithmetic, from loosest to tightest: |, &,
// << >>, + -, * /, unary minus, all left-associative. % and ^ have no
// declared precedence in libpcap's grammar, so bison shifts on them: each
// takes the nearest operand on its left and everything up to the end of
// the arithmetic expression on its right ("ip[0] * 2 % 3 + 1" is
// "ip[0] * (2 % (3 + 1))", "- ip[0] % 3" is "-(ip[0] % 3)").
//
// # Errors
//
// Errors are [*Error] with the byte offset of the offending token and
// libpcap's wording: "syntax error" where bison reports one, the
// scanner's messages ("number 08 contains non-octal digit", "decimal
// number 4294967296 overflows 32 bits", "invalid IPv6 address ...",
// "invalid Ethernet address ..."), and the checks libpcap's grammar makes
// itself: an IPv4 or IPv6 value under port, portrange, proto or
// protochain ("'port' qualifier applied to IPv4 address"), 802.11 type,
// subtype and direction values and names, LLC type names, pflog reason and
// action names. Where libpcap master words a message differently from
// 1.10.3, master's wording is used.
//
// # Left to lowering
//
// libpcap rejects these in gencode, not in the grammar, so they parse
// here and lowering must reject them with libpcap's messages:
//   - undefined qualifiers (Qual.Undefined): "syntax error in filter
//     expression", "invalid qualifier against IPv6 address", ...;
//   - qualifier combinations per value kind: "'tcp' is not a valid
//     qualifier for 'host <IPv4 address>'", "'addr1' is valid for 802.11
//     syntax only", "'gateway' is not a valid qualifier for ...",
//     "Ethernet address used in non-ether expression", "'link' is the
//     only valid proto qualifier for 'host $XX'", direction qualifiers on
//     proto/protochain/gateway that the grammar allows ("src gateway" is
//     a syntax error, "src port" is not);
//   - value checks: address syntax and non-network bits of IPv4 values,
//     prefix and mask lengths, port and port range numbers and names,
//     DECnet and ARCnet addresses, host, network, protocol and service
//     name lookups, the accessor size (1, 2 or 4), number ranges of vlan,
//     mpls, pppoes, geneve, vxlan, proto, byte, ATM and MTP3 fields;
//   - link-type and target support of every primitive, "not a live
//     capture" for inbound/outbound/ifindex, 'protochain' with variable
//     length headers, and the netmask for "ip broadcast".
package syntax

// Package lower turns the parts of a filter expression into conditions on
// packets ([ir.Cond]): libpcap's gencode, restructured.
//
// A [Compiler] holds the state of one compilation: the link-layer type and
// the offsets of the link-layer header, its payload and its type field,
// which vlan, mpls, pppoes and geneve move for the rest of the expression;
// the scratch registers in use; the snapshot length, netmask and target.
// Its methods mirror libpcap's gencode.h entry points (Host, Port,
// ProtoAbbrev, Relation, Vlan...), so the parser's tree maps onto them the
// way libpcap's grammar actions map onto gencode. Each returns a condition
// built from tests of one conditional jump each, exactly as libpcap builds
// its blocks, so that the unoptimised program equals libpcap's
// instruction for instruction (pcap_compile with optimisation off).
//
// Errors are libpcap's messages. They are raised with panic(*Error) deep
// in the generators, as libpcap longjmps out of gencode, and recovered by
// [Compiler.Run], the only place that calls into the generators from
// outside; no panic escapes the package.
package lower

// Package filterlang compiles tcpdump filter expressions (the pcap-filter
// language: "tcp port 80 and not host 10.0.0.1") to classic BPF programs
// whose verdicts equal libpcap's, packet for packet.
//
// # Use
//
// [Compile] takes an expression and [Options] (link type, snapshot length,
// netmask, optimisation, target) and returns a validated [cbpf.Program].
// Errors are [*Error] values that carry the byte offset of the offending
// token and print the expression with a caret under it.
//
// # Meaning
//
// libpcap is the reference (Debian's 1.10.3, and master where master fixed
// a bug or added a primitive such as vxlan). Its quirks are kept, not
// improved:
//
//   - "and" and "or" have the same precedence and associate to the left:
//     "tcp or udp and port 53" means "(tcp or udp) and port 53".
//   - A bare value after "and" or "or" takes the qualifiers of the
//     primitive before it: "host a or b" is "host a or host b", and
//     "not host a and b" is "not host a and host b".
//   - vlan, mpls, pppoes and geneve shift the offsets of everything after
//     them in the expression, whatever the nesting.
//   - tcp[...], udp[...] and the other transport accessors read through an
//     IPv4 header only.
//   - An expression that can match no packet is an error ("expression
//     rejects all packets") once optimised.
//
// # Targets
//
// The same expression compiles differently for capture files and for a
// Linux socket: offline, an 802.1Q tag is inline in the frame; on a live
// Linux socket the kernel has removed it and the program reads it with
// ancillary loads. [Options.Target] chooses, as libpcap does for an
// offline or a live handle.
//
// # Stages
//
// Compile is a pipeline of pure stages, each in its own package: the
// parser (expression → syntax tree with positions), lowering (tree →
// graph of basic blocks with one test each, libpcap's gencode), the
// optimiser (constant folding, redundant load and test elimination along
// paths, jump threading, dead block removal), and emission (blocks →
// program, with "ja" trampolines for jumps longer than 255).
// Options.NoOptimize skips the optimiser; that path is the reference the
// optimiser is tested against. Both programs equal libpcap's, instruction
// for instruction, except where libpcap does not optimise (geneve, vxlan,
// 802.11 header lengths) or optimises wrongly (vlan on a live socket):
// those programs are optimised here, to the same verdicts in fewer
// instructions, and testdata/oracle/known-disagreements.txt lists every
// other difference from libpcap with its reason.
package filterlang

// Package translate turns classic BPF programs into eBPF
// (github.com/cilium/ebpf/asm instructions) that mean exactly the same
// thing, for the Linux kernel (socket filters, XDP, tc) and for the
// in-process eBPF runtime.
//
// # Model
//
// [Program] takes a [cbpf.Program] that passes cbpf's load-time rules of
// the chosen [cbpf.Semantics] and an [Options] naming the [Target]. The
// classic machine maps onto eBPF as the kernel's own converter
// (bpf_convert_filter in net/core/filter.c) maps it:
//
//   - A and X live in registers and every ALU operation is the 32-bit eBPF
//     one with the same encoding, so both stay zero-extended 32-bit values;
//     conditional jumps are JMP32 compares, so a constant such as
//     0xffffffff is compared unsigned and never sign-extended.
//   - The scratch words M[0..15] are 32-bit stack slots at r10-64+4k.
//     Registers and slots some path may read before writing are zeroed
//     first, as cbpf's VM starts from zero and the verifier insists.
//   - Division or modulo by a zero X, and any load out of bounds, end the
//     program returning 0 (or the reject verdict).
//   - Shifts by a constant use its low five bits; shifts by X use the low
//     five bits under Linux semantics and give 0 from 32 on under libpcap
//     semantics.
//   - Under libpcap semantics offsets are unsigned: X+k does not wrap and
//     anything past the packet fails. Under Linux semantics offsets are
//     int32: loads at SKF_AD_OFF+n read ancillary data, and SKF_NET_OFF+n
//     and SKF_LL_OFF+n read relative to the network and link headers.
//
// # Targets and register maps
//
//	target        A   X   ctx  packet            scratch/temps
//	SocketFilter  r0  r7  r6   LD_ABS/LD_IND     r8
//	XDP           r0  r7  r6   r8=data r9=end    r1-r5
//	SchedCLS      r0  r7  r6   r8=data r9=end    r1-r5
//	Function      r0  r4  -    r1=start r2=end   r3=wire length, r5
//	InProcess     r0  r4  -    r1=start r2=end   r3=wire length, r5, r6=loop budget
//
// SocketFilter programs read packets with the legacy LD_ABS and LD_IND
// instructions, whose own rules are the classic ones, and ancillary
// values from __sk_buff fields or helpers (CPU, random).
//
// The other targets read the packet directly between two pointers. Each
// basic block checks once that its furthest constant-offset read is in
// bounds, unless every path into the block has already checked as much;
// an indirect load checks its own offset. Direct reads cannot go beyond
// the target's packet limit ([Options.PacketLimit]): 65535 bytes for the
// verified targets, the verifier's MAX_PACKET_OFF.
//
//   - XDP reads ingress_ifindex as the only ancillary value and "len" with
//     bpf_xdp_get_buff_len; other ancillary loads and header-relative
//     loads are refused with [ErrUnsupported].
//   - SchedCLS first pulls a non-linear skb into its head
//     (bpf_skb_pull_data) so that direct access sees the whole packet;
//     ancillary values come from __sk_buff or helpers, header-relative
//     loads (constant, or X+k negative as an int32) from
//     bpf_skb_load_bytes_relative.
//   - Function and InProcess know only the bytes they are given: every
//     ancillary load except A^=X is refused, and under Linux semantics an
//     indirect load whose X+k is negative as an int32 fails (returns 0).
//
// HATYPE, NLATTR, NLATTR_NEST and PAY_OFFSET have no eBPF counterpart in
// any program context and are always refused. A socket filter's ifindex
// is 0 on a packet without a device, where the classic filter ends
// returning A.
//
// XDP and SchedCLS programs return [Verdicts] (XDP_PASS/XDP_DROP,
// TC_ACT_OK/TC_ACT_SHOT by default) unless [Options.Raw] asks for the
// classic result itself; the other targets always return the result.
//
// A Function is a subprogram: call it with asm.Call.Label(prefix), or
// splice it into a program with [Options.ExitLabel]. It uses only r0 to
// r5 and the stack below r10, so a caller's r6 to r9 survive even when it
// is spliced; spliced, its scratch slots overwrite the caller's stack at
// r10-64 to r10-1.
//
// # Loops
//
// libpcap's protochain makes backward jumps. The verified targets refuse
// them with [ErrBackwardJump]; InProcess translates them with a budget of
// 2^22 backward jumps per run, after which the program returns 0 (cbpf's
// VM has a budget of instructions instead: the two differ only for
// programs that loop millions of times).
//
// # Labels
//
// The first instruction carries the symbol [Options.Prefix] (default
// [DefaultPrefix]); internal labels are the prefix, a dot and a name, so
// several translations can live in one program.
package translate

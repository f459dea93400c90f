package translate

import (
	"github.com/cilium/ebpf/asm"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// registers is where a target keeps the classic machine's state.
type registers struct {
	a, x      asm.Register // the accumulator and the index register
	ctx       asm.Register // the program context (__sk_buff, xdp_md), if any
	data, end asm.Register // packet start and end, for direct access
	wire      asm.Register // wire length (Function and InProcess)
	tmp       asm.Register // short-lived: offsets, pointers under check
	count     asm.Register // loop budget (InProcess)
}

// registerMap returns the register map of target t; the package
// documentation draws it.
func registerMap(t Target) registers {
	switch t {
	case SocketFilter:
		// LD_ABS and LD_IND want the context in r6, leave their result
		// in r0 and clobber r1 to r5.
		return registers{a: asm.R0, x: asm.R7, ctx: asm.R6, tmp: asm.R8}
	case XDP, SchedCLS:
		// Helpers clobber r1 to r5: everything that lives longer than
		// one instruction sits in r6 to r9.
		return registers{a: asm.R0, x: asm.R7, ctx: asm.R6, data: asm.R8, end: asm.R9, tmp: asm.R2}
	}
	// Function and InProcess: the arguments stay where the caller put
	// them, and nothing above r5 is touched except the loop budget of
	// InProcess, which has no caller to preserve registers for.
	return registers{a: asm.R0, x: asm.R4, data: asm.R1, end: asm.R2, wire: asm.R3, tmp: asm.R5, count: asm.R6}
}

// Stack layout below the frame pointer r10.
const (
	scratchOffset  = -64 // M[k] is the word at r10-64+4k
	relativeBuffer = -72 // SchedCLS: bytes copied by bpf_skb_load_bytes_relative
	spillA         = -80 // SchedCLS: A kept across that helper call
)

// Context field offsets.
const (
	skbLen         = 0  // __sk_buff.len
	skbPktType     = 4  // __sk_buff.pkt_type
	skbMark        = 8  // __sk_buff.mark
	skbQueue       = 12 // __sk_buff.queue_mapping
	skbProtocol    = 16 // __sk_buff.protocol, network byte order
	skbVLANPresent = 20 // __sk_buff.vlan_present
	skbVLANTCI     = 24 // __sk_buff.vlan_tci
	skbVLANProto   = 28 // __sk_buff.vlan_proto, network byte order
	skbIfIndex     = 40 // __sk_buff.ifindex
	skbHash        = 68 // __sk_buff.hash
	skbData        = 76 // __sk_buff.data
	skbDataEnd     = 80 // __sk_buff.data_end
	xdpData        = 0  // xdp_md.data
	xdpDataEnd     = 4  // xdp_md.data_end
	xdpIfIndex     = 12 // xdp_md.ingress_ifindex
)

// Limits on packet offsets.
const (
	// maxPacketOff is the verifier's MAX_PACKET_OFF: direct packet
	// access can prove no range beyond it.
	maxPacketOff = 0xffff
	// maxOffset bounds the loads of socket filters: no packet is 2 GiB
	// long, and LD_ABS and LD_IND offsets stay positive as int32.
	maxOffset = 1<<31 - 1
	// maxVarOffset bounds the loads of InProcess programs: the verifier
	// takes variable offsets below 2^29 (BPF_MAX_VAR_OFF), so the kernel
	// can still check the translation of programs without far constant
	// offsets, and no packet is 512 MiB long.
	maxVarOffset = 1<<29 - 1
	// loopBudget is how many backward jumps an InProcess program may
	// take before it gives up and returns 0, as cbpf's VM does after a
	// budget of instructions.
	loopBudget = 1 << 22
	// bpfHdrStartMAC and bpfHdrStartNet are the header arguments of
	// bpf_skb_load_bytes_relative.
	bpfHdrStartMAC = 0
	bpfHdrStartNet = 1
	// headerArea is the size of the SKF_NET_OFF and SKF_LL_OFF areas.
	headerArea = int32(cbpf.NetworkBase - cbpf.LinkBase)
)

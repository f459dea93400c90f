package translate

import (
	"fmt"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// Target is the kind of eBPF program a translation produces. Each has its
// own calling convention, register map and way of reading the packet; see
// the package documentation.
type Target int

// The targets. The zero value is not a target: Options.Target must be set.
const (
	// SocketFilter is a BPF_PROG_TYPE_SOCKET_FILTER program for
	// SO_ATTACH_BPF: r1 is the __sk_buff, packet data is read with the
	// legacy LD_ABS and LD_IND instructions, and the program returns the
	// cBPF result (the number of bytes to keep).
	SocketFilter Target = iota + 1
	// XDP is a BPF_PROG_TYPE_XDP program reading the frame directly
	// between xdp_md.data and data_end.
	XDP
	// SchedCLS is a BPF_PROG_TYPE_SCHED_CLS (tc) program reading the
	// frame directly between __sk_buff.data and data_end.
	SchedCLS
	// Function is a subprogram for other eBPF programs, called with
	// r1 = packet start, r2 = packet end, r3 = wire length and returning
	// the cBPF result in r0. It uses r0 to r5 and the stack only.
	Function
	// InProcess is a whole program with the Function convention for the
	// in-process eBPF runtime. Unlike Function it may loop (libpcap's
	// backward jumps) and reads at any offset below 2^31.
	InProcess
)

var targetNames = map[Target]string{
	SocketFilter: "socket filter",
	XDP:          "XDP",
	SchedCLS:     "SchedCLS",
	Function:     "function",
	InProcess:    "in-process",
}

func (t Target) String() string {
	if s, ok := targetNames[t]; ok {
		return s
	}
	return fmt.Sprintf("Target(%d)", int(t))
}

// Verdicts are what an XDP or SchedCLS program returns instead of the cBPF
// result: Accept when the result is non-zero, Reject when it is zero
// (including a load out of bounds or a division by zero).
type Verdicts struct {
	Accept, Reject int32
}

// The default verdicts of XDP and SchedCLS programs.
var (
	// XDPVerdicts are XDP_PASS and XDP_DROP.
	XDPVerdicts = Verdicts{Accept: 2, Reject: 1}
	// SchedCLSVerdicts are TC_ACT_OK and TC_ACT_SHOT.
	SchedCLSVerdicts = Verdicts{Accept: 0, Reject: 2}
)

// DefaultPrefix is the label prefix when Options.Prefix is empty.
const DefaultPrefix = "cbpf"

// Options choose the target and the meaning of the translated program.
type Options struct {
	// Target is the kind of program to produce. Required.
	Target Target
	// Semantics is the classic machine whose behaviour the translation
	// preserves: cbpf.Libpcap (capture files) or cbpf.Linux (sockets).
	// The program must pass cbpf's load-time rules of that semantics.
	Semantics cbpf.Semantics
	// Raw makes an XDP or SchedCLS program return the cBPF result itself
	// instead of a verdict, for tests. The other targets always do.
	Raw bool
	// Verdicts overrides the XDP or SchedCLS verdicts (XDPVerdicts,
	// SchedCLSVerdicts). Only for those targets, and not with Raw.
	Verdicts *Verdicts
	// Prefix starts every symbol of the output: the first instruction
	// carries the symbol Prefix itself (the name to call a Function by),
	// internal labels are Prefix+"."+name. Empty means DefaultPrefix.
	Prefix string
	// PacketLimit lowers the end offset past which every load fails:
	// packets are assumed no longer. 0 means the target's own limit:
	// 65535 for XDP, SchedCLS and Function (the verifier's
	// MAX_PACKET_OFF), 2^29-1 for InProcess and 2^31-1 for SocketFilter.
	// An InProcess program limited to 65535 and free of loops is also
	// one the kernel's verifier accepts inside an XDP program.
	PacketLimit uint32
	// ExitLabel, for Function only, makes every return jump to this
	// symbol instead of executing exit, so the code can be spliced into
	// another program: the caller puts the symbol on the instruction to
	// run next, where r0 holds the result.
	ExitLabel string
}

// verdicts returns the verdicts the program returns, or nil for the raw
// cBPF result.
func (o Options) verdicts() *Verdicts {
	switch {
	case o.Raw || (o.Target != XDP && o.Target != SchedCLS):
		return nil
	case o.Verdicts != nil:
		return o.Verdicts
	case o.Target == XDP:
		return &XDPVerdicts
	}
	return &SchedCLSVerdicts
}

// check reports options that contradict each other.
func (o Options) check() error {
	switch {
	case targetNames[o.Target] == "":
		return fmt.Errorf("%w: unknown target %v", ErrOptions, o.Target)
	case o.Semantics != cbpf.Libpcap && o.Semantics != cbpf.Linux:
		return fmt.Errorf("%w: unknown semantics %v", ErrOptions, o.Semantics)
	case o.Verdicts != nil && (o.Raw || (o.Target != XDP && o.Target != SchedCLS)):
		return fmt.Errorf("%w: verdicts are for XDP and SchedCLS programs that are not raw", ErrOptions)
	case o.PacketLimit > targetLimit(o.Target):
		return fmt.Errorf("%w: packet limit %d above the %v target's %d", ErrOptions, o.PacketLimit, o.Target, targetLimit(o.Target))
	case o.ExitLabel != "" && o.Target != Function:
		return fmt.Errorf("%w: an exit label is for the Function target only", ErrOptions)
	}
	return nil
}

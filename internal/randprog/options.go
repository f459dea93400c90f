package randprog

import "github.com/gotcpdump/gotcpdump/cbpf"

// Kind is a set of instruction families a generated program may use.
type Kind uint

// The instruction families. Every program also contains returns, which
// cannot be turned off.
const (
	// Loads of packet data and lengths: ld/ldx immediate, ld abs/ind of
	// every size, ld len, ldx len, ldx msh.
	Loads Kind = 1 << iota
	// Scratch memory: st, stx, ld M[k], ldx M[k].
	Scratch
	// ALU operations with a constant or X operand, and neg.
	ALU
	// Jumps: ja, jeq, jgt, jge, jset with a constant or X operand.
	Jumps
	// Register moves: tax, txa.
	Moves
	// Ancillary loads at cbpf.AncillaryBase (Linux only).
	Ancillary
	// Loads relative to the network and link headers (SKF_NET_OFF and
	// SKF_LL_OFF, Linux only), directly and through negative X.
	HeaderLoads

	// AllKinds enables every family the semantics supports.
	AllKinds = Loads | Scratch | ALU | Jumps | Moves | Ancillary | HeaderLoads
	// linuxOnly are the families libpcap's bpf_filter does not know.
	linuxOnly = Ancillary | HeaderLoads
)

// Options choose what [Generate] produces. The zero value generates
// libpcap-valid programs of 2 to 32 instructions using every family
// libpcap supports, with offsets biased to 64-byte packets.
type Options struct {
	// Semantics whose load-time rules the program must pass.
	Semantics cbpf.Semantics
	// MinLen and MaxLen bound the number of instructions, final return
	// included. Zero means 2 and 32; values are clamped to
	// [1, cbpf.MaxInstructions].
	MinLen, MaxLen int
	// Kinds restricts the instruction families; zero means AllKinds.
	// Linux-only families are dropped for libpcap.
	Kinds Kind
	// PacketLen is the typical packet length of the test data; offsets and
	// constants cluster around it. Zero means 64.
	PacketLen int
	// Ancillaries lists the ancillary values an ancillary load may read;
	// nil means every value Linux defines. A differential test against a
	// live kernel leaves out the ones it cannot predict (random, CPU).
	Ancillaries []cbpf.Ancillary
}

// allAncillaries are the values of every SKF_AD_* load Linux defines.
var allAncillaries = []cbpf.Ancillary{
	cbpf.AncProtocol, cbpf.AncPacketType, cbpf.AncIfIndex, cbpf.AncNetlinkAttr,
	cbpf.AncNetlinkNested, cbpf.AncMark, cbpf.AncQueue, cbpf.AncHAType,
	cbpf.AncRXHash, cbpf.AncCPU, cbpf.AncALUXorX, cbpf.AncVLANTag,
	cbpf.AncVLANTagPresent, cbpf.AncPayloadOffset, cbpf.AncRandom, cbpf.AncVLANTPID,
}

// normalized fills in the defaults and drops what the semantics cannot run.
func (o Options) normalized() Options {
	if o.MinLen == 0 {
		o.MinLen = 2
	}
	if o.MaxLen == 0 {
		o.MaxLen = 32
	}
	o.MinLen = min(max(o.MinLen, 1), cbpf.MaxInstructions)
	o.MaxLen = min(max(o.MaxLen, o.MinLen), cbpf.MaxInstructions)
	if o.Kinds == 0 {
		o.Kinds = AllKinds
	}
	if o.Semantics != cbpf.Linux {
		o.Kinds &^= linuxOnly
	}
	if o.Ancillaries == nil {
		o.Ancillaries = allAncillaries
	}
	if len(o.Ancillaries) == 0 {
		o.Kinds &^= Ancillary
	}
	if o.PacketLen <= 0 {
		o.PacketLen = 64
	}
	return o
}

package lower

import (
	"fmt"

	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/internal/netdb"
)

// Config is what a compilation needs to know besides the expression.
type Config struct {
	DLT     int    // libpcap's DLT_* value of the link type
	SnapLen uint32 // what an accepting program returns
	Netmask uint32 // for "ip broadcast"; NetmaskUnknown when unknown
	// Live is the Linux live target: VLAN tags are read with the kernel's
	// ancillary loads, and inbound/outbound/ifindex use packet metadata.
	Live bool
	// File says the program is for a capture file being read, as
	// libpcap's handle for a savefile: DLT_NULL and DLT_LOOP then match
	// every platform's IPv6 address family, and inbound, outbound and
	// ifindex, which need packet metadata, are errors where the link
	// header does not carry them. Without File the program is for a live
	// or dead handle, which libpcap on Linux treats alike for those
	// primitives (a dead handle is pcap_open_dead's, tcpdump -d -y's).
	File bool
	// Swapped says the capture file's byte order differs from this
	// machine's (with File), which changes the address family values
	// DLT_NULL and DLT_ENC compare with.
	Swapped bool
	// Names resolves host, network, port, protocol and Ethernet names;
	// nil means this machine's (netdb.System).
	Names *netdb.DB
}

// NetmaskUnknown is libpcap's PCAP_NETMASK_UNKNOWN.
const NetmaskUnknown = 0xffffffff

// Error is a compile error, with the byte offset of the token it concerns
// (-1 for none) as the caller set it with Compiler.At.
type Error struct {
	Pos int
	Msg string
}

func (e *Error) Error() string { return e.Msg }

// absOffset is an offset from the start of the packet: a constant, plus,
// when variable, a value computed at run time into scratch register reg.
type absOffset struct {
	constant uint32
	variable bool
	reg      int
}

// offsetNotSet marks an offset that does not exist for the link type.
const offsetNotSet = 0xffffffff

// Compiler is the state of one compilation. Its zero value is not usable:
// make one with New.
type Compiler struct {
	cfg Config
	pos int // position of the token being lowered, for errors

	// The link layer, as libpcap's compiler_state_t keeps it: the
	// outermost header, the one before the current one (for encapsulated
	// frames), and the current one, with the offsets of its header, its
	// payload and its type field. vlan, mpls, pppoes and geneve change
	// them for the rest of the expression.
	outermostLinktype, prevLinktype, linktype int
	offOutermostLinkHdr, offPrevLinkHdr       absOffset
	offLinkHdr, offLinkPL, offLinkType        absOffset
	offNL, offNLNoSNAP                        uint32
	isGeneve                                  bool
	labelStackDepth, vlanStackDepth           int

	// vlanVarOffsets says a live vlan test made the payload and type
	// offsets variable: Finish must zero their registers first
	// (libpcap's is_vlan_vloffset).
	vlanVarOffsets bool
	// noOptimize says libpcap would not optimise the program, which has
	// jumps inside a test's statements (libpcap's no_optimize).
	noOptimize bool

	// regs marks the scratch registers in use; curReg is where the
	// search for a free one resumes, as in libpcap's alloc_reg.
	regs   [16]bool
	curReg int
}

// New starts a compilation for cfg, or fails for a link type the
// compiler does not support.
func New(cfg Config) (c *Compiler, err error) {
	c = &Compiler{cfg: cfg, pos: -1}
	defer c.recover(&err)
	c.initLinktype()
	return c, nil
}

// At records the position of the token being lowered, for the errors of
// the calls that follow.
func (c *Compiler) At(pos int) { c.pos = pos }

// Run calls f, turning a compile error raised inside it into a returned
// error. Every call into the generators goes through Run.
func (c *Compiler) Run(f func()) (err error) {
	defer c.recover(&err)
	f()
	return nil
}

func (c *Compiler) recover(err *error) {
	if r := recover(); r != nil {
		e, ok := r.(*Error)
		if !ok {
			panic(r)
		}
		*err = e
	}
}

// fail raises a compile error with libpcap's message.
func (c *Compiler) fail(format string, args ...any) {
	panic(&Error{Pos: c.pos, Msg: fmt.Sprintf(format, args...)})
}

// allocReg returns a free scratch register, as libpcap's alloc_reg does:
// the search starts after the last one handed out.
func (c *Compiler) allocReg() int {
	for range c.regs {
		if !c.regs[c.curReg] {
			c.regs[c.curReg] = true
			return c.curReg
		}
		c.curReg = (c.curReg + 1) % len(c.regs)
	}
	c.fail("too many registers needed to evaluate expression")
	return 0
}

func (c *Compiler) freeReg(n int) { c.regs[n] = false }

// stmt builds one statement.
func stmt(op uint16, k uint32) bpf.RawInstruction { return bpf.RawInstruction{Op: op, K: k} }

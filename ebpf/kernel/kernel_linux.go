package kernel

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/rlimit"
	"golang.org/x/sys/unix"
)

// Program is an eBPF program loaded into the kernel. Close it when done.
type Program struct {
	typ  Type
	prog *ebpf.Program
}

var programTypes = map[Type]ebpf.ProgramType{
	SocketFilter: ebpf.SocketFilter,
	XDP:          ebpf.XDP,
	SchedCLS:     ebpf.SchedCLS,
}

// ethHeader is the length of an Ethernet header, the least a test run
// takes.
const ethHeader = 14

var memlock = sync.OnceValue(rlimit.RemoveMemlock)

// Load loads insns as a program of type t. A refusal is a *LoadError with
// the verifier's log; missing privileges match ErrPermission.
func Load(t Type, insns asm.Instructions) (*Program, error) {
	pt, ok := programTypes[t]
	if !ok {
		return nil, fmt.Errorf("load program: unknown type %v", t)
	}
	if err := memlock(); err != nil {
		return nil, fmt.Errorf("load %v program: %w: %w", t, ErrPermission, err)
	}
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{Type: pt, Instructions: insns, License: "GPL"})
	if err != nil {
		if errors.Is(err, unix.EPERM) {
			return nil, fmt.Errorf("load %v program: %w: %w", t, ErrPermission, err)
		}
		le := &LoadError{Type: t, Err: err}
		if ve := (*ebpf.VerifierError)(nil); errors.As(err, &ve) {
			le.Log = ve.Log
		}
		return nil, le
	}
	return &Program{typ: t, prog: prog}, nil
}

// Type returns the program's type.
func (p *Program) Type() Type { return p.typ }

// Close unloads the program (sockets it is attached to keep it).
func (p *Program) Close() error { return p.prog.Close() }

// Run runs the program once on pkt with BPF_PROG_TEST_RUN and returns its
// r0. The package documentation says what the program sees. XDP and
// SchedCLS packets must be at least 14 bytes long.
func (p *Program) Run(pkt []byte) (uint32, error) {
	data := pkt
	if p.typ == SocketFilter {
		// The kernel pulls an Ethernet header before the filter runs:
		// give it one to pull, the frame's own.
		data = make([]byte, ethHeader, ethHeader+len(pkt))
		copy(data, pkt)
		data = append(data, pkt...)
	}
	if len(data) < ethHeader {
		return 0, fmt.Errorf("run %v program: packet of %d bytes is shorter than an Ethernet header", p.typ, len(pkt))
	}
	r, err := p.prog.Run(&ebpf.RunOptions{Data: data})
	if err != nil {
		if errors.Is(err, unix.EPERM) {
			err = fmt.Errorf("%w: %w", ErrPermission, err)
		}
		return 0, fmt.Errorf("run %v program: %w", p.typ, err)
	}
	return r, nil
}

// AttachSocket attaches the socket filter to the socket fd with
// SO_ATTACH_BPF, replacing any filter it had.
func (p *Program) AttachSocket(fd int) error {
	if p.typ != SocketFilter {
		return fmt.Errorf("attach %v program to a socket: only socket filters attach to sockets", p.typ)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ATTACH_BPF, p.prog.FD()); err != nil {
		return os.NewSyscallError("setsockopt SO_ATTACH_BPF", err)
	}
	return nil
}

// DetachSocket removes the filter (classic or eBPF) attached to the socket
// fd.
func DetachSocket(fd int) error {
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_DETACH_BPF, 0); err != nil {
		return os.NewSyscallError("setsockopt SO_DETACH_BPF", err)
	}
	return nil
}

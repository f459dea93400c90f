package afpacket

import (
	"errors"
	"fmt"
	"os"
	"unsafe"

	"github.com/gopacket/gopacket/layers"
	"golang.org/x/sys/unix"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// filterKind is how a handle selects packets.
type filterKind int

const (
	rejectAll     filterKind = iota // the kernel drops every packet (while opening or swapping filters)
	noFilter                        // every packet
	kernelClassic                   // a classic program attached with SO_ATTACH_FILTER
	kernelEBPF                      // an eBPF program attached with SO_ATTACH_BPF
	userSpace                       // a classic program run by cbpf.VM in this process
)

// filter is the filter in force on a handle.
type filter struct {
	kind    filterKind
	program cbpf.Program // kernelClassic: as attached, rewritten for cooked sockets
	vm      *cbpf.VM     // userSpace
	fd      int          // kernelEBPF
}

// rejectAllProgram is libpcap's "total filter": ret #0.
var rejectAllProgram = cbpf.Program{{Op: cbpf.ClassRET | cbpf.RetK, K: 0}}

// memberBarrierGlobal is MEMBARRIER_CMD_GLOBAL: it returns after an RCU
// grace period, by which time every packet that ran the old socket filter
// has been stored.
const memberBarrierGlobal = 1

// SetFilter replaces the handle's filter with the classic program p,
// compiled for the handle's link type and a live Linux socket
// (filterlang.LinuxLive); nil removes the filter. Packets stored under
// the previous filter are discarded, so every packet read after SetFilter
// returns passed p. The kernel runs p unless Config.FilterInUserSpace is
// set or p reads fields of a cooked header the kernel cannot supply; then
// cbpf.VM runs it in this process under Linux semantics, as libpcap does.
// A program the kernel refuses yields an error matching
// ErrFilterRejected, and the previous filter stays in force.
func (h *Handle) SetFilter(p cbpf.Program) error {
	if p == nil {
		return h.replaceFilter(filter{kind: noFilter})
	}
	if !h.cfg.FilterInUserSpace {
		if kp, ok := kernelProgram(p, h.framer.cooked, h.framer.linkType); ok {
			return h.replaceFilter(filter{kind: kernelClassic, program: kp})
		}
	}
	vm, err := cbpf.NewVM(p, cbpf.Linux)
	if err != nil {
		return fmt.Errorf("set filter: %w", err)
	}
	return h.replaceFilter(filter{kind: userSpace, vm: vm})
}

// SetEBPF replaces the handle's filter with an eBPF socket filter
// (BPF_PROG_TYPE_SOCKET_FILTER) attached with SO_ATTACH_BPF, such as a
// *ebpf.Program of github.com/cilium/ebpf, whose FD method gives its file
// descriptor. Like a classic filter on a cooked socket, it sees packets
// from the network header on. The switch discards packets stored under
// the previous filter, as SetFilter does.
func (h *Handle) SetEBPF(prog interface{ FD() int }) error {
	return h.replaceFilter(filter{kind: kernelEBPF, fd: prog.FD()})
}

// replaceFilter swaps filters without a window: a reject-all program
// goes on first, then an RCU grace period lets every packet that ran the
// old filter be stored, then everything stored is discarded, and only
// then does the new filter go on. The socket carries the reject-all
// program from before bind(2), so at Open nothing is stored yet.
func (h *Handle) replaceFilter(f filter) error {
	h.readMu.Lock()
	defer h.readMu.Unlock()
	if h.closed.Load() {
		return fmt.Errorf("set filter: %w", os.ErrClosed)
	}
	if h.filter.kind != rejectAll {
		if err := h.attach(filter{kind: rejectAll}); err != nil {
			return fmt.Errorf("set filter: %w", err)
		}
		if _, _, errno := unix.Syscall(unix.SYS_MEMBARRIER, memberBarrierGlobal, 0, 0); errno != 0 {
			h.restore()
			return fmt.Errorf("set filter: wait for packets in flight: %w", os.NewSyscallError("membarrier", errno))
		}
		if err := h.discardStored(); err != nil {
			h.restore()
			return fmt.Errorf("set filter: %w", err)
		}
	}
	if err := h.attach(f); err != nil {
		h.restore()
		return fmt.Errorf("set filter: %w", err)
	}
	h.filter = f
	return nil
}

// restore puts the filter in force back after a failed swap. If that
// fails too, the reject-all program stays: nothing unfiltered leaks.
func (h *Handle) restore() { _ = h.attach(h.filter) }

// attach puts f on the socket.
func (h *Handle) attach(f filter) error {
	var err error
	switch f.kind {
	case rejectAll:
		err = h.attachClassic(rejectAllProgram)
	case kernelClassic:
		err = h.attachClassic(f.program)
	case kernelEBPF:
		err = h.conn.SetsockoptInt(unix.SOL_SOCKET, unix.SO_ATTACH_BPF, f.fd)
	case noFilter, userSpace:
		err = h.conn.SetsockoptInt(unix.SOL_SOCKET, unix.SO_DETACH_FILTER, 0)
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENONET) {
			err = nil
		}
	}
	switch {
	case err == nil:
		return nil
	case f.kind != rejectAll && (errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOMEM) || errors.Is(err, unix.E2BIG) || errors.Is(err, unix.EACCES)):
		return fmt.Errorf("attach filter: %w: %w", ErrFilterRejected, err)
	case errors.Is(err, unix.EPERM):
		return fmt.Errorf("attach filter: %w", permissionError{err})
	}
	return fmt.Errorf("attach filter: %w", err)
}

func (h *Handle) attachClassic(p cbpf.Program) error {
	if len(p) == 0 || len(p) > 0xffff {
		return os.NewSyscallError("setsockopt", unix.EINVAL)
	}
	prog := unix.SockFprog{Len: uint16(len(p)), Filter: (*unix.SockFilter)(unsafe.Pointer(&p[0]))}
	return h.conn.SetsockoptSockFprog(unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &prog)
}

// discardStored drops the packets the kernel stored: the ring's, or the
// socket's receive queue.
func (h *Handle) discardStored() error {
	if h.ring != nil {
		h.ring.discard()
		return nil
	}
	rc, err := h.conn.SyscallConn()
	if err != nil {
		return err
	}
	var rerr error
	err = rc.Control(func(fd uintptr) {
		for {
			_, _, rerr = unix.Recvfrom(int(fd), nil, unix.MSG_DONTWAIT|unix.MSG_TRUNC)
			if rerr != nil {
				break
			}
		}
	})
	if err != nil {
		return err
	}
	if !errors.Is(rerr, unix.EAGAIN) {
		return fmt.Errorf("drain socket: %w", os.NewSyscallError("recvfrom", rerr))
	}
	return nil
}

// kernelProgram returns p as the kernel must run it. On a cooked socket
// the kernel's packet starts at the network header, so, as libpcap's
// fix_program does, loads from the payload move back by the cooked
// header's length and loads of its protocol, packet type and (SLL2)
// interface index fields become ancillary loads. It reports false when p
// reads other header fields, which only a user-space filter can supply.
func kernelProgram(p cbpf.Program, cooked bool, lt layers.LinkType) (cbpf.Program, bool) {
	if !cooked {
		return p, true
	}
	hdrLen, fields := uint32(sllHeaderLen), map[uint32]cbpf.Ancillary{0: cbpf.AncPacketType, 14: cbpf.AncProtocol}
	if lt == layers.LinkTypeLinuxSLL2 {
		hdrLen, fields = sll2HeaderLen, map[uint32]cbpf.Ancillary{0: cbpf.AncProtocol, 4: cbpf.AncIfIndex, 10: cbpf.AncPacketType}
	}
	out := make(cbpf.Program, len(p))
	for i, ins := range p {
		out[i] = ins
		class, mode := ins.Op&0x07, ins.Op&0xe0
		if class != cbpf.ClassLD && class != cbpf.ClassLDX || mode != cbpf.ModeABS && mode != cbpf.ModeIND && mode != cbpf.ModeMSH {
			continue
		}
		k := ins.K
		if k >= cbpf.AncillaryBase {
			continue
		}
		if k >= hdrLen {
			out[i].K = k - hdrLen
		} else if anc, ok := fields[k]; ok {
			out[i].K = cbpf.AncillaryBase + uint32(anc)
		} else if int32(k) > 0 {
			return nil, false
		}
	}
	return out, true
}

//go:build linux

package kerneltest

import (
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// attachProbe attaches "ret #-1" to one end of a Unix socket pair, which
// needs no privilege and goes through the kernel's BPF loader and JIT.
func attachProbe() error {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_DGRAM, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	prog, err := bpf.Assemble([]bpf.Instruction{bpf.RetConstant{Val: 0xffffffff}})
	if err != nil {
		return err
	}
	filter := make([]unix.SockFilter, len(prog))
	for i, ins := range prog {
		filter[i] = unix.SockFilter{Code: ins.Op, Jt: ins.Jt, Jf: ins.Jf, K: ins.K}
	}
	return unix.SetsockoptSockFprog(fds[0], unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]})
}

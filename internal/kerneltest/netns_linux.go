//go:build linux

package kerneltest

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"runtime"

	"golang.org/x/sys/unix"
)

// OnPinnedThread runs f on a goroutine locked to an OS thread that is
// bound to one CPU, passing that CPU's number. The thread is never
// unlocked: it ends with the goroutine, taking any namespace f entered
// with it.
func OnPinnedThread(f func(cpu uint32) error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		var set unix.CPUSet
		if err := unix.SchedGetaffinity(0, &set); err != nil {
			done <- fmt.Errorf("get affinity: %w", err)
			return
		}
		cpu := 0
		for !set.IsSet(cpu) {
			cpu++
		}
		set.Zero()
		set.Set(cpu)
		if err := unix.SchedSetaffinity(0, &set); err != nil {
			done <- fmt.Errorf("set affinity: %w", err)
			return
		}
		done <- f(uint32(cpu))
	}()
	return <-done
}

// EnterBareLoopback moves the calling, locked thread into a new network
// namespace whose lo is up with no address (IPv4 flushed, IPv6 off), so
// the stack answers none of the frames a test sends, and returns lo's
// interface index. It needs root and ip(8).
func EnterBareLoopback() (ifindex int, err error) {
	if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
		return 0, fmt.Errorf("unshare network namespace: %w", err)
	}
	// /proc/sys/net follows the namespace of the thread that opens it.
	if err := os.WriteFile("/proc/sys/net/ipv6/conf/lo/disable_ipv6", []byte("1"), 0); err != nil {
		return 0, fmt.Errorf("disable IPv6 on lo: %w", err)
	}
	ctl, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return 0, fmt.Errorf("socket: %w", err)
	}
	defer unix.Close(ctl)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return 0, err
	}
	if err := unix.IoctlIfreq(ctl, unix.SIOCGIFFLAGS, ifr); err != nil {
		return 0, fmt.Errorf("get lo flags: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(ctl, unix.SIOCSIFFLAGS, ifr); err != nil {
		return 0, fmt.Errorf("bring lo up: %w", err)
	}
	if err := unix.IoctlIfreq(ctl, unix.SIOCGIFINDEX, ifr); err != nil {
		return 0, fmt.Errorf("get lo index: %w", err)
	}
	// Bringing lo up adds 127.0.0.1, which would answer pings and SYNs;
	// the child process inherits this thread's namespace.
	if out, err := exec.Command("ip", "-4", "addr", "flush", "dev", "lo").CombinedOutput(); err != nil {
		return 0, fmt.Errorf("ip addr flush dev lo: %w: %s", err, out)
	}
	return int(ifr.Uint32()), nil
}

// Htons is v in network byte order, as sockaddr_ll's protocol wants it.
func Htons(v uint16) uint16 {
	return binary.NativeEndian.Uint16(binary.BigEndian.AppendUint16(nil, v))
}

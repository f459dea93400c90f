package filterlang_test

import (
	"errors"
	"testing"
	"unsafe"

	"github.com/gopacket/gopacket/layers"
	"golang.org/x/sys/unix"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang"
	"github.com/gotcpdump/gotcpdump/internal/kerneltest"
)

// attach loads p as a socket filter on s with SO_ATTACH_FILTER.
func attach(s int, p cbpf.Program) error {
	fprog := unix.SockFprog{
		Len:    uint16(len(p)),
		Filter: (*unix.SockFilter)(unsafe.Pointer(unsafe.SliceData(p))),
	}
	return unix.SetsockoptSockFprog(s, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &fprog)
}

// TestKernelAcceptsLivePrograms compiles every corpus expression for the
// live Linux target on the link types of live captures, optimised and
// not, and checks that the kernel loads every program Compile returns
// (SO_ATTACH_FILTER on an AF_UNIX socket, which needs no privilege).
func TestKernelAcceptsLivePrograms(t *testing.T) {
	kerneltest.Require(t)
	s, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM, 0)
	if err != nil {
		t.Skipf("no AF_UNIX socket: %v", err)
	}
	defer unix.Close(s)
	entries, err := readCorpus()
	if err != nil {
		t.Fatal(err)
	}
	loaded, refused := 0, 0
	for _, lt := range []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypeLinuxSLL, 276 /* LINUX_SLL2 */} {
		for _, e := range entries {
			for _, noOpt := range []bool{false, true} {
				p, err := filterlang.Compile(e.Expr, filterlang.Options{LinkType: lt, Target: filterlang.LinuxLive, NoOptimize: noOpt})
				var ce *filterlang.Error
				if errors.As(err, &ce) {
					refused++
					continue
				}
				if err != nil {
					t.Fatalf("%v %q: %v", lt, e.Expr, err)
				}
				if err := attach(s, p); err != nil {
					t.Errorf("link type %d, %q (optimised %v): the kernel refuses the program: %v\n%v", lt, e.Expr, !noOpt, err, p)
				}
				loaded++
			}
		}
	}
	if loaded == 0 {
		t.Fatal("no program compiled")
	}
	t.Logf("the kernel loaded all %d live programs; %d compilations were refused by Compile", loaded, refused)
}

//go:build linux

package translate_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/ebpf/kernel"
	"github.com/gotcpdump/gotcpdump/internal/kerneltest"
	"github.com/gotcpdump/gotcpdump/internal/randprog"
	"github.com/gotcpdump/gotcpdump/translate"
)

// TestSocketAttach attaches each Linux program twice to packet sockets on
// the loopback device of a private network namespace: as classic BPF
// (SO_ATTACH_FILTER, the kernel's own translation) and as this package's
// socket filter (SO_ATTACH_BPF). Every Ethernet frame of the project's
// captures is sent on lo; both sockets must receive the same copies, the
// same number of bytes each. Unlike a test run, this exercises real
// packet metadata: VLAN tags stripped on receive, both directions, loads
// relative to the link and network headers.
func TestSocketAttach(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: a network namespace and packet sockets")
	}
	kerneltest.Require(t)
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs ip(8) to clear lo's addresses")
	}
	project := readFrames(t, projectPcaps)
	var progs []namedProgram
	for _, set := range programSets(t) {
		if set.name == "corpus-linux" {
			progs = append(progs, set.programs...)
		}
	}
	for i := range randomPrograms {
		rng := rand.New(rand.NewPCG(uint64(i), 8))
		// Everything but SKF_AD_RANDOM, whose two draws differ.
		progs = append(progs, namedProgram{"random " + strconv.Itoa(i), randprog.Generate(rng, randprog.Options{
			Semantics:   cbpf.Linux,
			Ancillaries: []cbpf.Ancillary{cbpf.AncProtocol, cbpf.AncPacketType, cbpf.AncIfIndex, cbpf.AncMark, cbpf.AncQueue, cbpf.AncRXHash, cbpf.AncCPU, cbpf.AncALUXorX, cbpf.AncVLANTag, cbpf.AncVLANTagPresent, cbpf.AncVLANTPID},
			PacketLen:   []int{42, 60, 64, 100, 590}[rng.IntN(5)],
			MaxLen:      []int{8, 32, 64}[rng.IntN(3)],
		})})
	}
	err := kerneltest.OnPinnedThread(func(uint32) error {
		lo, err := enterLoopback()
		if err != nil {
			return err
		}
		defer lo.close()
		compared := 0
		for _, p := range progs {
			insns, err := translate.Program(p.prog, translate.Options{Target: translate.SocketFilter, Semantics: cbpf.Linux})
			if errors.Is(err, translate.ErrUnsupported) {
				continue
			}
			if err != nil {
				return fmt.Errorf("%q: %w", p.id, err)
			}
			prog, err := kernel.Load(kernel.SocketFilter, insns)
			if err != nil {
				return fmt.Errorf("%q: %w", p.id, err)
			}
			err = lo.attach(p.prog, prog)
			prog.Close()
			if err != nil {
				return fmt.Errorf("%q: %w", p.id, err)
			}
			for _, f := range project.frames {
				classic, ebpf, err := lo.exchange(f.data)
				if err != nil {
					return fmt.Errorf("%q, %s packet %d: %w", p.id, f.capture, f.n, err)
				}
				if classic != ebpf {
					t.Errorf("%q, %s packet %d: classic filter received %s, eBPF filter %s\n%v", p.id, f.capture, f.n, classic, ebpf, p.prog)
					break
				}
			}
			compared++
		}
		t.Logf("%d programs compared over %d frames", compared, len(project.frames))
		// Without a filter the socket takes everything again.
		if err := kernel.DetachSocket(lo.ebpf); err != nil {
			return err
		}
		if _, ebpf, err := lo.exchange(project.frames[0].data); err != nil || ebpf == "-/-" {
			return fmt.Errorf("after detaching, the socket received %s (%v)", ebpf, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// loopback is lo in a private network namespace with no addresses, so
// nothing answers the frames sent, and four packet sockets: send, mirror
// (no filter), classic and ebpf.
type loopback struct {
	ifindex                     int
	send, mirror, classic, ebpf int
	buf                         []byte
}

// enterLoopback moves the calling, locked thread into a new network
// namespace and opens the sockets.
func enterLoopback() (*loopback, error) {
	ifindex, err := kerneltest.EnterBareLoopback()
	if err != nil {
		return nil, err
	}
	lo := &loopback{ifindex: ifindex, buf: make([]byte, 1<<17)}
	for _, fd := range []*int{&lo.send, &lo.mirror, &lo.classic, &lo.ebpf} {
		if *fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0); err != nil {
			return nil, fmt.Errorf("packet socket: %w", err)
		}
	}
	if err := unix.SetsockoptTimeval(lo.mirror, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &unix.Timeval{Usec: 200000}); err != nil {
		return nil, fmt.Errorf("set receive timeout: %w", err)
	}
	for _, fd := range []int{lo.mirror, lo.classic, lo.ebpf} {
		if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: kerneltest.Htons(unix.ETH_P_ALL), Ifindex: lo.ifindex}); err != nil {
			return nil, fmt.Errorf("bind packet socket: %w", err)
		}
	}
	return lo, nil
}

func (lo *loopback) close() {
	for _, fd := range []int{lo.send, lo.mirror, lo.classic, lo.ebpf} {
		unix.Close(fd)
	}
}

// attach sets the two filters and drops what the sockets queued before.
func (lo *loopback) attach(p cbpf.Program, prog *kernel.Program) error {
	fprog := unix.SockFprog{Len: uint16(len(p)), Filter: (*unix.SockFilter)(unsafe.Pointer(&p[0]))}
	if err := unix.SetsockoptSockFprog(lo.classic, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &fprog); err != nil {
		return fmt.Errorf("attach classic filter: %w", err)
	}
	if err := prog.AttachSocket(lo.ebpf); err != nil {
		return err
	}
	for _, fd := range []int{lo.mirror, lo.classic, lo.ebpf} {
		for {
			if _, _, err := unix.Recvfrom(fd, lo.buf, unix.MSG_DONTWAIT); err != nil {
				break
			}
		}
	}
	return nil
}

// exchange sends a frame and returns what each filtered socket received
// of its outgoing and incoming copies: "OUT/IN" with byte counts, "-"
// for nothing.
func (lo *loopback) exchange(f []byte) (classic, ebpf string, err error) {
	to := &unix.SockaddrLinklayer{Ifindex: lo.ifindex, Halen: 6}
	if err := unix.Sendto(lo.send, f, 0, to); err != nil {
		return "", "", fmt.Errorf("send: %w", err)
	}
	// Both copies reach every socket in one pass, so once the mirror has
	// the incoming copy the filtered sockets have been offered both.
	for copies := 0; copies < 2; {
		n, _, err := unix.Recvfrom(lo.mirror, lo.buf, 0)
		if errors.Is(err, unix.EAGAIN) {
			break // lo dropped the incoming copy
		}
		if err != nil {
			return "", "", fmt.Errorf("receive on mirror: %w", err)
		}
		if bytes.Equal(lo.buf[:n], f) || n < len(f) {
			copies++
		}
	}
	return lo.received(lo.classic), lo.received(lo.ebpf), nil
}

// received drains a filtered socket.
func (lo *loopback) received(fd int) string {
	out, in := "-", "-"
	for {
		n, from, err := unix.Recvfrom(fd, lo.buf, unix.MSG_DONTWAIT)
		if err != nil {
			return out + "/" + in
		}
		if from.(*unix.SockaddrLinklayer).Pkttype == unix.PACKET_OUTGOING {
			out = strconv.Itoa(n)
		} else {
			in = strconv.Itoa(n)
		}
	}
}

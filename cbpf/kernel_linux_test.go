package cbpf_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/internal/kerneltest"
)

// attachFilter is SO_ATTACH_FILTER; the kernel's sock_filter has the
// layout of bpf.RawInstruction.
func attachFilter(fd int, p cbpf.Program) error {
	prog := unix.SockFprog{Len: uint16(len(p))}
	if len(p) > 0 {
		prog.Filter = (*unix.SockFilter)(unsafe.Pointer(&p[0]))
	}
	return unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &prog)
}

// kernelAccepts reports whether the kernel loads p as a socket filter.
func kernelAccepts(p cbpf.Program) (bool, error) {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return false, fmt.Errorf("socket: %w", err)
	}
	defer unix.Close(fd)
	err = attachFilter(fd, p)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOMEM) && len(p) > cbpf.MaxInstructions:
		return false, nil
	}
	return false, fmt.Errorf("attach filter: %w", err)
}

// writeLinuxPrograms (re)writes the kernel tests' random programs.
func writeLinuxPrograms(t *testing.T) {
	t.Helper()
	if err := writePrograms(linuxPrograms, linuxHeader, linuxCorpus()); err != nil {
		t.Fatal(err)
	}
}

func updateKernelLoad(t *testing.T) {
	kerneltest.Require(t)
	writeLinuxPrograms(t)
	programs, err := readAllPrograms()
	if err != nil {
		t.Fatal(err)
	}
	var lines []kernelLine
	for _, p := range loadCorpus(programs) {
		ok, err := kernelAccepts(p.Prog)
		if err != nil {
			t.Fatalf("program %q: %v", p.ID, err)
		}
		lines = append(lines, kernelLine{p.ID, fingerprint(p.Prog), loadVerdict(ok)})
	}
	comment := "Whether the kernel's SO_ATTACH_FILTER accepts each program (ID, fingerprint, verdict),\nrecorded on Linux " + kernelRelease() + ". Regenerate with " + kernelRegenerate
	if err := writeKernelAnswers(kernelLoadAnswers, comment, nil, lines); err != nil {
		t.Fatal(err)
	}
}

// checkLiveLoad asks the running kernel again.
func checkLiveLoad(t *testing.T, programs map[string]cbpf.Program, lines []kernelLine) {
	t.Helper()
	kerneltest.Require(t)
	for _, l := range lines {
		ok, err := kernelAccepts(programs[l.id])
		if err != nil {
			t.Fatalf("program %q: %v", l.id, err)
		}
		if got := loadVerdict(ok); got != l.answers {
			t.Errorf("program %q: this kernel (%s) says %s, the recorded answer is %s", l.id, kernelRelease(), got, l.answers)
		}
	}
}

func kernelRelease() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return "unknown"
	}
	return unix.ByteSliceToString(u.Release[:])
}

// unixVerdicts sends each payload over an AF_UNIX datagram socketpair
// whose receiving end has p attached, returning what arrived.
func unixVerdicts(p cbpf.Program, payloads [][]byte) ([]string, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("socketpair: %w", err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	if err := attachFilter(fds[1], p); err != nil {
		return nil, fmt.Errorf("attach filter: %w", err)
	}
	buf := make([]byte, 1<<16)
	var got []string
	for _, pl := range payloads {
		if err := unix.Sendto(fds[0], pl, 0, nil); err != nil {
			return nil, fmt.Errorf("send: %w", err)
		}
		// AF_UNIX delivers (or drops) inside sendmsg, so the datagram is
		// already queued when Sendto returns.
		n, _, err := unix.Recvfrom(fds[1], buf, unix.MSG_DONTWAIT)
		switch {
		case errors.Is(err, unix.EAGAIN):
			got = append(got, "-")
		case err != nil:
			return nil, fmt.Errorf("receive: %w", err)
		default:
			got = append(got, strconv.Itoa(n))
		}
	}
	return got, nil
}

// unixPrograms are the "unix N" programs, in order.
func unixPrograms(programs map[string]cbpf.Program) []oracleProgram {
	var progs []oracleProgram
	for id, p := range programs {
		if strings.HasPrefix(id, "unix ") {
			progs = append(progs, oracleProgram{ID: id, Prog: p})
		}
	}
	sortPrograms(progs)
	return progs
}

func updateKernelUnix(t *testing.T) {
	kerneltest.Require(t)
	writeLinuxPrograms(t)
	programs, err := readAllPrograms()
	if err != nil {
		t.Fatal(err)
	}
	payloads := unixPayloads()
	var lines []kernelLine
	var cpu uint32
	err = kerneltest.OnPinnedThread(func(c uint32) error {
		cpu = c
		for _, p := range unixPrograms(programs) {
			got, err := unixVerdicts(p.Prog, payloads)
			if err != nil {
				return fmt.Errorf("program %q: %w", p.ID, err)
			}
			lines = append(lines, kernelLine{p.ID, fingerprint(p.Prog), strings.Join(got, " ")})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	comment := "Bytes an AF_UNIX datagram socket received for each payload (\"-\" dropped) with each\nprogram attached, recorded on Linux " + kernelRelease() + " running the sender on the given cpu.\nRegenerate with " + kernelRegenerate
	header := append([]string{fmt.Sprintf("cpu %d", cpu)}, encodePayloads(payloads)...)
	if err := writeKernelAnswers(kernelUnixAnswers, comment, header, lines); err != nil {
		t.Fatal(err)
	}
}

// checkLiveUnix compares the VM with the running kernel directly.
func checkLiveUnix(t *testing.T, programs map[string]cbpf.Program, a *kernelAnswers) {
	kerneltest.Require(t)
	t.Helper()
	payloads, err := decodePayloads(a.header["payload"])
	if err != nil {
		t.Fatal(err)
	}
	err = kerneltest.OnPinnedThread(func(cpu uint32) error {
		for _, p := range unixPrograms(programs) {
			got, err := unixVerdicts(p.Prog, payloads)
			if err != nil {
				return fmt.Errorf("program %q: %w", p.ID, err)
			}
			vm, err := cbpf.NewVM(p.Prog, cbpf.Linux)
			if err != nil {
				return fmt.Errorf("program %q: %w", p.ID, err)
			}
			for i, pl := range payloads {
				ret := vm.RunMetadata(pl, len(pl), unixMetadata(cpu))
				if want := unixAnswer(ret, len(pl)); got[i] != want {
					t.Errorf("program %q, payload %d (%x): this kernel delivers %s, VM returns %d\n%v", p.ID, i, pl, got[i], ret, p.Prog)
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// loopback is a private network namespace whose lo carries no addresses,
// so the stack answers none of the frames sent, with three packet sockets
// on lo: send, a mirror without filter, and the filtered socket.
type loopback struct {
	ifindex              uint32
	send, mirror, filter int
	buf                  []byte
}

// enterLoopback moves the calling (locked) thread into a new network
// namespace and prepares lo.
func enterLoopback() (*loopback, error) {
	ifindex, err := kerneltest.EnterBareLoopback()
	if err != nil {
		return nil, err
	}
	lo := &loopback{ifindex: uint32(ifindex), buf: make([]byte, 1<<17)}
	if lo.send, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0); err != nil {
		return nil, fmt.Errorf("packet socket: %w", err)
	}
	if err := unix.SetsockoptInt(lo.send, unix.SOL_SOCKET, unix.SO_MARK, senderMark); err != nil {
		return nil, fmt.Errorf("set mark: %w", err)
	}
	for _, fd := range []*int{&lo.mirror, &lo.filter} {
		// Protocol 0 until bound: nothing is queued before the filter.
		if *fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0); err != nil {
			return nil, fmt.Errorf("packet socket: %w", err)
		}
		if err := unix.SetsockoptInt(*fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 1<<22); err != nil {
			return nil, fmt.Errorf("set receive buffer: %w", err)
		}
	}
	if err := unix.SetsockoptTimeval(lo.mirror, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &unix.Timeval{Usec: 200000}); err != nil {
		return nil, fmt.Errorf("set receive timeout: %w", err)
	}
	// Accept nothing until a program is attached.
	if err := attachFilter(lo.filter, cbpf.Program{{Op: 0x06}}); err != nil {
		return nil, fmt.Errorf("attach filter: %w", err)
	}
	for _, fd := range []int{lo.mirror, lo.filter} {
		if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: kerneltest.Htons(unix.ETH_P_ALL), Ifindex: int(lo.ifindex)}); err != nil {
			return nil, fmt.Errorf("bind packet socket: %w", err)
		}
	}
	return lo, nil
}

// exchange sends one frame and returns what the filtered socket got of
// its outgoing and incoming copies, checking on the mirror that the
// kernel saw the frame as newLoopbackFrame predicts.
func (lo *loopback) exchange(f loopbackFrame) (string, error) {
	to := &unix.SockaddrLinklayer{Protocol: kerneltest.Htons(f.outMeta.Protocol), Ifindex: int(lo.ifindex), Halen: 6}
	if err := unix.Sendto(lo.send, f.out, 0, to); err != nil {
		return "", fmt.Errorf("send: %w", err)
	}
	// Both copies reach every tap in one pass, so once the mirror has a
	// copy the filtered socket has been offered it too.
	sawOut, sawIn := false, false
	for !sawOut || (!sawIn && f.inDelivered) {
		n, from, err := unix.Recvfrom(lo.mirror, lo.buf, 0)
		if errors.Is(err, unix.EAGAIN) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("receive on mirror: %w", err)
		}
		pkttype := from.(*unix.SockaddrLinklayer).Pkttype
		got := lo.buf[:n]
		switch {
		case pkttype == packetOutgoing && !sawOut && bytes.Equal(got, f.out):
			sawOut = true
		case pkttype == f.inMeta.PacketType && !sawIn && bytes.Equal(got, f.in):
			sawIn = true
		default:
			return "", fmt.Errorf("mirror got an unexpected frame (type %d): %x", pkttype, got)
		}
	}
	if !sawOut || sawIn != f.inDelivered {
		return "", fmt.Errorf("mirror saw outgoing %v, incoming %v; expected incoming %v", sawOut, sawIn, f.inDelivered)
	}
	out, in := "-", "-"
	if !sawIn {
		in = "x"
	}
	for {
		n, from, err := unix.Recvfrom(lo.filter, lo.buf, unix.MSG_DONTWAIT)
		if errors.Is(err, unix.EAGAIN) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("receive: %w", err)
		}
		slot := &in
		if from.(*unix.SockaddrLinklayer).Pkttype == packetOutgoing {
			slot = &out
		}
		if *slot != "-" {
			return "", fmt.Errorf("filtered socket got two copies of a frame")
		}
		*slot = strconv.Itoa(n)
	}
	return out + "/" + in, nil
}

// packetPrograms are the programs of the packet socket test: libpcap's
// Ethernet programs and the "packet N" random ones.
func packetPrograms(programs map[string]cbpf.Program) []oracleProgram {
	var progs []oracleProgram
	for id, p := range programs {
		if strings.HasPrefix(id, "EN10MB ") || strings.HasPrefix(id, "packet ") {
			progs = append(progs, oracleProgram{ID: id, Prog: p})
		}
	}
	sortPrograms(progs)
	return progs
}

func updateKernelPacket(t *testing.T) {
	kerneltest.Require(t)
	if os.Geteuid() != 0 {
		t.Skip("recording the packet socket answers needs root (a network namespace and AF_PACKET)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("recording the packet socket answers needs ip(8) to clear lo's addresses")
	}
	writeLinuxPrograms(t)
	programs, err := readAllPrograms()
	if err != nil {
		t.Fatal(err)
	}
	caps, err := findCaptures()
	if err != nil {
		t.Fatal(err)
	}
	type ethCapture struct {
		captureFile
		*captureData
		frames map[int]loopbackFrame
		lines  []kernelLine
	}
	var eth []*ethCapture
	for _, cf := range caps {
		c, err := readCapture(cf.Path)
		if err != nil || !slices.ContainsFunc(c.Packets, func(p capturedPacket) bool { return p.LinkType == linkTypeEthernet }) {
			continue // only Ethernet frames can be sent on lo
		}
		eth = append(eth, &ethCapture{captureFile: cf, captureData: c})
	}
	if len(eth) == 0 {
		t.Skipf("no Ethernet captures in %s or %s", sharedPcapsDir, projectPcapsDir)
	}
	var ifindex, cpu uint32
	err = kerneltest.OnPinnedThread(func(c uint32) error {
		cpu = c
		lo, err := enterLoopback()
		if err != nil {
			return err
		}
		ifindex = lo.ifindex
		for _, ec := range eth {
			ec.frames = loopbackFrames(ec.captureData, ifindex, cpu)
		}
		for _, p := range packetPrograms(programs) {
			fp := fingerprint(p.Prog)
			if err := attachFilter(lo.filter, p.Prog); err != nil {
				if !errors.Is(err, unix.EINVAL) {
					return fmt.Errorf("program %q: attach filter: %w", p.ID, err)
				}
				for _, ec := range eth {
					ec.lines = append(ec.lines, kernelLine{p.ID, fp, "reject"})
				}
				continue
			}
			for _, ec := range eth {
				var answers []string
				for n := 1; n <= len(ec.Packets); n++ {
					f, ok := ec.frames[n]
					if !ok {
						continue
					}
					ans, err := lo.exchange(f)
					if err != nil {
						return fmt.Errorf("%s packet %d, program %q: %w", ec.Key, n, p.ID, err)
					}
					if ans != droppedBoth {
						answers = append(answers, fmt.Sprintf("%d:%s", n, ans))
					}
				}
				ec.lines = append(ec.lines, kernelLine{p.ID, fp, strings.Join(answers, " ")})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, ec := range eth {
		g := goldenCapture{key: ec.Key, linkType: ec.LinkType, sha256: ec.SHA256, packets: len(ec.Packets)}
		comment := fmt.Sprintf(`What a packet socket on lo received of each frame of the capture sent on lo, with
each program attached (ID, fingerprint, then PACKET:OUT/IN for the outgoing and
incoming copy: bytes received, "-" dropped, "x" not offered; frames with both
copies dropped are left out), recorded on Linux %s with filters running on the
given cpu. Regenerate with %s`, kernelRelease(), kernelRegenerate)
		header := []string{strings.TrimSpace(g.header()), fmt.Sprintf("ifindex %d", ifindex), fmt.Sprintf("cpu %d", cpu)}
		path := filepath.Join(kernelPacketDir, filepath.FromSlash(ec.Key)+".txt.gz")
		if err := writeKernelAnswers(path, comment, strings.Split(strings.Join(header, "\n"), "\n"), ec.lines); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKernelUnixNoDevice checks a datagram on an AF_UNIX socket, which has
// no device: the kernel's "ld [ifindex]" and "ld [hatype]" then end the
// program returning A (convert_bpf_extensions emits an exit when skb->dev
// is NULL), and so does the VM with Metadata.NoDevice.
func TestKernelUnixNoDevice(t *testing.T) {
	kerneltest.Require(t)
	payload := make([]byte, 200)
	for _, a := range []cbpf.Ancillary{cbpf.AncIfIndex, cbpf.AncHAType} {
		for _, regA := range []uint32{0, 100} {
			p := cbpf.Program{
				{Op: 0x00, K: regA},                           // ld #regA
				{Op: 0x20, K: cbpf.AncillaryBase + uint32(a)}, // ld [ancillary]
				{Op: 0x06, K: 1},                              // ret #1
			}
			want := unixAnswer(regA, len(payload)) // the program ends with A
			t.Run(fmt.Sprintf("ancillary %d, A=%d", a, regA), func(t *testing.T) {
				got, err := unixVerdicts(p, [][]byte{payload})
				if err != nil {
					t.Fatal(err)
				}
				if got[0] != want {
					t.Fatalf("kernel delivers %s, want %s", got[0], want)
				}
				vm, err := cbpf.NewVM(p, cbpf.Linux)
				if err != nil {
					t.Fatal(err)
				}
				if ret := vm.RunMetadata(payload, len(payload), unixMetadata(0)); unixAnswer(ret, len(payload)) != want {
					t.Errorf("the VM returns %d, the kernel delivers %s", ret, want)
				}
			})
		}
	}
}

package afpacket_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gotcpdump/gotcpdump/internal/kerneltest"
)

// testNet is a pair of network namespaces joined by a veth pair: the
// capture side "a" holds va (10.77.0.1, fd77::1), the peer "b" holds vb
// (10.77.0.2, fd77::2). Everything the tests send stays inside them.
type testNet struct {
	a, b       string // namespace names
	macA, macB net.HardwareAddr
	ipA, ipB   net.IP
	ip6A, ip6B net.IP
	ifaceA     string
	ifaceB     string
	indexA     int
}

var netCount atomic.Int32

// newTestNet builds the namespaces, skipping the test without root or
// without the ip command, and removes them at cleanup.
func newTestNet(t testing.TB) *testNet {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("live capture tests need root (CAP_NET_ADMIN to build namespaces, CAP_NET_RAW to capture)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("live capture tests need the ip command (iproute2)")
	}
	kerneltest.Require(t) // every handle attaches a filter
	id := fmt.Sprintf("afp%d-%d", os.Getpid(), netCount.Add(1))
	n := &testNet{a: id + "a", b: id + "b", ifaceA: "va", ifaceB: "vb",
		ipA: net.IPv4(10, 77, 0, 1).To4(), ipB: net.IPv4(10, 77, 0, 2).To4(),
		ip6A: net.ParseIP("fd77::1"), ip6B: net.ParseIP("fd77::2")}
	t.Cleanup(func() {
		exec.Command("ip", "netns", "del", n.a).Run()
		exec.Command("ip", "netns", "del", n.b).Run()
	})
	for _, args := range [][]string{
		{"netns", "add", n.a},
		{"netns", "add", n.b},
		{"link", "add", "va", "netns", n.a, "type", "veth", "peer", "name", "vb", "netns", n.b},
		{"-n", n.a, "addr", "add", "10.77.0.1/24", "dev", "va"},
		{"-n", n.b, "addr", "add", "10.77.0.2/24", "dev", "vb"},
		{"-n", n.a, "addr", "add", "fd77::1/64", "dev", "va", "nodad"},
		{"-n", n.b, "addr", "add", "fd77::2/64", "dev", "vb", "nodad"},
		{"-n", n.a, "link", "set", "lo", "up"},
		{"-n", n.a, "link", "set", "va", "up"},
		{"-n", n.b, "link", "set", "vb", "up"},
	} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	inNS(t, n.a, func() error {
		ifi, err := net.InterfaceByName("va")
		if err != nil {
			return err
		}
		n.macA, n.indexA = ifi.HardwareAddr, ifi.Index
		return nil
	})
	inNS(t, n.b, func() error {
		ifi, err := net.InterfaceByName("vb")
		n.macB = ifi.HardwareAddr
		return err
	})
	// The kernel reports a link running only once its link watch has
	// seen the carrier, which may take a second.
	for _, side := range []struct{ ns, iface string }{{n.a, "va"}, {n.b, "vb"}} {
		deadline := time.Now().Add(5 * time.Second)
		for running := false; !running; {
			inNS(t, side.ns, func() error {
				ifi, err := net.InterfaceByName(side.iface)
				running = err == nil && ifi.Flags&net.FlagRunning != 0
				return err
			})
			if !running && time.Now().After(deadline) {
				t.Fatalf("%s did not start running", side.iface)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// Let the first packets of a new link (IPv6 router solicitations and
	// the like) go by.
	time.Sleep(300 * time.Millisecond)
	return n
}

// inNS runs f on a thread that has entered the named namespace; sockets
// f opens belong to that namespace for good. The thread is discarded
// afterwards.
func inNS(t testing.TB, ns string, f func() error) {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
		fd, err := unix.Open("/var/run/netns/"+ns, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- err
			return
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("setns %s: %w", ns, err)
			return
		}
		errc <- f()
	}()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// injector sends raw frames out of vb, in namespace b.
type injector struct{ fd int }

func (n *testNet) injector(t testing.TB) *injector {
	t.Helper()
	inj := &injector{}
	inNS(t, n.b, func() error {
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		ifi, err := net.InterfaceByName("vb")
		if err != nil {
			return err
		}
		inj.fd = fd
		return unix.Bind(fd, &unix.SockaddrLinklayer{Ifindex: ifi.Index})
	})
	t.Cleanup(func() { unix.Close(inj.fd) })
	return inj
}

func (inj *injector) send(frame []byte) error {
	_, err := unix.Write(inj.fd, frame)
	return err
}

// tcpdump is a tcpdump process capturing in a namespace.
type tcpdump struct {
	cmd  *exec.Cmd
	file string
	errb *bytes.Buffer
}

// startTcpdump runs tcpdump -i iface -w FILE expr in namespace ns and
// returns once it is listening; it skips the test when tcpdump is absent.
func startTcpdump(t testing.TB, ns string, args ...string) *tcpdump {
	t.Helper()
	if _, err := exec.LookPath("tcpdump"); err != nil {
		t.Skip("comparison with tcpdump needs tcpdump")
	}
	file := t.TempDir() + "/tcpdump.pcap"
	cmdArgs := append([]string{"netns", "exec", ns, "tcpdump", "--immediate-mode", "-U", "--time-stamp-precision=nano", "-w", file}, args...)
	cmd := exec.Command("ip", cmdArgs...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	td := &tcpdump{cmd: cmd, file: file, errb: new(bytes.Buffer)}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(stderr)
	listening := make(chan bool, 1)
	go func() {
		ok := false
		for sc.Scan() {
			td.errb.WriteString(sc.Text() + "\n")
			if !ok && strings.Contains(sc.Text(), "listening on") {
				ok = true
				listening <- true
			}
		}
		if !ok {
			listening <- false
		}
	}()
	select {
	case ok := <-listening:
		if !ok {
			t.Fatalf("tcpdump %s did not start: %s", strings.Join(args, " "), td.errb)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("tcpdump %s did not start in 10s", strings.Join(args, " "))
	}
	return td
}

// stop ends tcpdump as ^C does and waits for it to write its file.
func (td *tcpdump) stop(t testing.TB) {
	t.Helper()
	td.cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- td.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("tcpdump did not stop")
	}
}

// readAll reads packets until none arrives for idle.
func readAll(ctx context.Context, idle time.Duration, read func(context.Context) ([]byte, time.Time, int, error)) ([]captured, error) {
	var out []captured
	for {
		rctx, cancel := context.WithTimeout(ctx, idle)
		data, ts, wire, err := read(rctx)
		cancel()
		if err != nil {
			if rctx.Err() != nil && ctx.Err() == nil {
				return out, nil
			}
			return out, err
		}
		out = append(out, captured{Data: append([]byte(nil), data...), TS: ts, Length: wire})
	}
}

// captured is one packet as a test compares it.
type captured struct {
	Data   []byte
	TS     time.Time
	Length int
}

package afpacket_test

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/gopacket/gopacket"

	"github.com/gotcpdump/gotcpdump/capture/afpacket"
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/internal/kerneltest"
)

// openIn opens a handle in namespace ns, returning the error.
func openIn(t *testing.T, ns, iface string, cfg afpacket.Config) (*afpacket.Handle, error) {
	t.Helper()
	var h *afpacket.Handle
	var err error
	inNS(t, ns, func() error {
		h, err = afpacket.Open(iface, cfg)
		return nil
	})
	if h != nil {
		t.Cleanup(func() { h.Close() })
	}
	return h, err
}

// readResult is what a read that was blocked returned.
type readResult struct {
	err error
}

// blockedRead starts reading until a read fails.
func blockedRead(h *afpacket.Handle, ctx context.Context) <-chan readResult {
	c := make(chan readResult, 1)
	go func() {
		for {
			if _, _, err := h.ZeroCopyReadPacketDataContext(ctx); err != nil {
				c <- readResult{err}
				return
			}
		}
	}()
	return c
}

func waitRead(t *testing.T, c <-chan readResult) error {
	t.Helper()
	select {
	case r := <-c:
		return r.err
	case <-time.After(10 * time.Second):
		t.Fatal("read did not return")
	}
	return nil
}

// TestErrors checks each bad condition yields its typed error promptly.
func TestErrors(t *testing.T) {
	n := newTestNet(t)
	ip := func(t *testing.T, args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %v: %v\n%s", args, err, out)
		}
	}
	rejectNothing := afpacket.Config{Filter: cbpf.Program{{Op: cbpf.ClassRET | cbpf.RetK, K: 0}}}

	t.Run("missing interface", func(t *testing.T) {
		_, err := openIn(t, n.a, "nosuch0", afpacket.Config{})
		if !errors.Is(err, afpacket.ErrNoSuchInterface) {
			t.Errorf("got %v, want ErrNoSuchInterface", err)
		}
		if _, err := afpacket.LinkTypes("nosuch0"); !errors.Is(err, afpacket.ErrNoSuchInterface) {
			t.Errorf("LinkTypes: got %v, want ErrNoSuchInterface", err)
		}
	})
	t.Run("link type not offered", func(t *testing.T) {
		_, err := openIn(t, n.a, "va", afpacket.Config{LinkType: 105})
		if !errors.Is(err, afpacket.ErrLinkType) {
			t.Errorf("got %v, want ErrLinkType", err)
		}
	})
	t.Run("interface down at open", func(t *testing.T) {
		ip(t, "-n", n.b, "link", "add", "down0", "type", "veth", "peer", "name", "down1")
		_, err := openIn(t, n.b, "down0", afpacket.Config{})
		var se *os.SyscallError
		if !errors.Is(err, afpacket.ErrInterfaceDown) || !errors.As(err, &se) {
			t.Errorf("got %v, want ErrInterfaceDown and an *os.SyscallError", err)
		}
	})
	t.Run("kernel refuses the program", func(t *testing.T) {
		h, err := openIn(t, n.a, "va", afpacket.Config{})
		if err != nil {
			t.Fatal(err)
		}
		// A jump past the end: the kernel's checker refuses it.
		bad := cbpf.Program{{Op: cbpf.ClassJMP, K: 5}, {Op: cbpf.ClassRET | cbpf.RetK, K: 1}}
		if err := h.SetFilter(bad); !errors.Is(err, afpacket.ErrFilterRejected) {
			t.Errorf("got %v, want ErrFilterRejected", err)
		}
	})
	t.Run("context cancelled", func(t *testing.T) {
		for _, cfg := range []afpacket.Config{rejectNothing, {Immediate: true, Filter: rejectNothing.Filter}} {
			h, err := openIn(t, n.a, "va", cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			c := blockedRead(h, ctx)
			time.Sleep(50 * time.Millisecond)
			cancel()
			if err := waitRead(t, c); !errors.Is(err, context.Canceled) {
				t.Errorf("immediate=%v: got %v, want context.Canceled", cfg.Immediate, err)
			}
		}
	})
	t.Run("close ends a read", func(t *testing.T) {
		for _, cfg := range []afpacket.Config{rejectNothing, {Immediate: true, Filter: rejectNothing.Filter}} {
			h, err := openIn(t, n.a, "va", cfg)
			if err != nil {
				t.Fatal(err)
			}
			c := blockedRead(h, context.Background())
			time.Sleep(50 * time.Millisecond)
			if err := h.Close(); err != nil {
				t.Fatal(err)
			}
			if err := waitRead(t, c); err != io.EOF {
				t.Errorf("immediate=%v: got %v, want io.EOF", cfg.Immediate, err)
			}
			if _, _, err := h.ReadPacketData(); err != io.EOF {
				t.Errorf("read after Close: got %v, want io.EOF", err)
			}
			// gopacket's packet source stops at io.EOF.
			for range gopacket.NewPacketSource(h, h.LinkType()).Packets() {
				t.Error("packet after Close")
			}
		}
	})
	t.Run("interface goes down, then disappears", func(t *testing.T) {
		ip(t, "-n", n.b, "link", "add", "gone0", "type", "veth", "peer", "name", "gone1")
		ip(t, "-n", n.b, "link", "set", "gone1", "up")
		ip(t, "-n", n.b, "link", "set", "gone0", "up")
		for _, cfg := range []afpacket.Config{{}, {Immediate: true}} {
			h, err := openIn(t, n.b, "gone0", cfg)
			if err != nil {
				t.Fatal(err)
			}
			c := blockedRead(h, context.Background())
			time.Sleep(50 * time.Millisecond)
			ip(t, "-n", n.b, "link", "set", "gone0", "down")
			if err := waitRead(t, c); !errors.Is(err, afpacket.ErrInterfaceDown) {
				t.Errorf("immediate=%v: went down: got %v, want ErrInterfaceDown", cfg.Immediate, err)
			}
			ip(t, "-n", n.b, "link", "set", "gone0", "up")
		}
		h, err := openIn(t, n.b, "gone0", afpacket.Config{})
		if err != nil {
			t.Fatal(err)
		}
		c := blockedRead(h, context.Background())
		time.Sleep(50 * time.Millisecond)
		ip(t, "-n", n.b, "link", "del", "gone0")
		err = waitRead(t, c)
		if errors.Is(err, afpacket.ErrInterfaceDown) {
			// Deleting takes the interface down first; the next
			// read finds it gone.
			err = waitRead(t, blockedRead(h, context.Background()))
		}
		if !errors.Is(err, afpacket.ErrNoSuchInterface) {
			t.Errorf("deleted: got %v, want ErrNoSuchInterface", err)
		}
	})
}

// TestNoPermission re-runs the test binary without CAP_NET_RAW and
// expects Open to fail with ErrPermission.
func TestNoPermission(t *testing.T) {
	if os.Getenv("AFPACKET_TEST_NOCAP") == "1" {
		_, err := afpacket.Open("lo", afpacket.Config{})
		if !errors.Is(err, afpacket.ErrPermission) || !errors.Is(err, os.ErrPermission) {
			t.Fatalf("got %v, want ErrPermission", err)
		}
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to drop CAP_NET_RAW with setpriv")
	}
	kerneltest.Require(t)
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("needs setpriv (util-linux) to drop CAP_NET_RAW")
	}
	cmd := exec.Command(setpriv, "--inh-caps=-net_raw", "--bounding-set=-net_raw", "--", os.Args[0], "-test.run=^TestNoPermission$", "-test.v")
	cmd.Env = append(os.Environ(), "AFPACKET_TEST_NOCAP=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("without CAP_NET_RAW: %v\n%s", err, out)
	}
}

// Package kerneltest holds what the tests that run programs in the Linux
// kernel share: a probe that lets them skip, instead of hanging for ever,
// on a machine whose kernel no longer answers, a thread pinned to one CPU
// (so SKF_AD_CPU is known), and a private network namespace whose lo
// answers nothing.
//
// A kernel's BPF loader can deadlock (seen on Linux 6.18 after a storm of
// program loads and frees: every task that JITs a program then sleeps
// uninterruptibly). A test that loads a program there can never be
// stopped, and neither can the test binary. So before the first kernel
// test, [Responsive] attaches a one-instruction classic filter to a Unix
// socket in a child process (the test binary itself, which this package's
// init turns into the probe) and waits a few seconds for it; a child stuck
// in the kernel is abandoned, with no pipe left open to it.
package kerneltest

import (
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// probeEnv, set in the child's environment, makes init run the probe and
// exit.
const probeEnv = "GOTCPDUMP_KERNEL_PROBE"

// timeout is how long the kernel may take to load the probe's program.
const timeout = 20 * time.Second

func init() {
	if os.Getenv(probeEnv) == "1" {
		if err := attachProbe(); err != nil {
			os.Exit(2)
		}
		os.Exit(0)
	}
}

var (
	once   sync.Once
	result error
)

// Responsive returns nil when the kernel loaded a classic BPF program
// within the timeout, or why not. The probe runs once per process.
func Responsive() error {
	once.Do(func() { result = probe() })
	return result
}

// Require skips t when the kernel does not load BPF programs.
func Require(t testing.TB) {
	t.Helper()
	if err := Responsive(); err != nil {
		t.Skipf("skipping: %v", err)
	}
}

func probe() error {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), probeEnv+"=1")
	// No pipes: go test waits for its pipes to close, and a stuck child
	// would hold them open for ever.
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	if err := cmd.Start(); err != nil {
		return &Error{Msg: "cannot start the kernel probe: " + err.Error()}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return &Error{Msg: "the kernel refused a one-instruction classic BPF program (" + err.Error() + ")"}
		}
		return nil
	case <-time.After(timeout):
		return &Error{Msg: "the kernel did not load a one-instruction classic BPF program in " + timeout.String() +
			": its BPF loader is stuck (see the hung tasks in dmesg); a reboot clears it"}
	}
}

// Error says why kernel tests cannot run.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

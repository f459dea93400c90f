package kernel

import (
	"errors"
	"fmt"
	"strings"
)

// Type is the kind of program to load.
type Type int

// The program types.
const (
	// SocketFilter is BPF_PROG_TYPE_SOCKET_FILTER, for SO_ATTACH_BPF.
	SocketFilter Type = iota + 1
	// XDP is BPF_PROG_TYPE_XDP.
	XDP
	// SchedCLS is BPF_PROG_TYPE_SCHED_CLS, a tc classifier.
	SchedCLS
)

func (t Type) String() string {
	switch t {
	case SocketFilter:
		return "socket filter"
	case XDP:
		return "XDP"
	case SchedCLS:
		return "SchedCLS"
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// Sentinel errors, matched with errors.Is.
var (
	// ErrPermission reports missing privileges: loading needs CAP_BPF
	// (or root), and XDP and tc programs CAP_NET_ADMIN.
	ErrPermission = errors.New("missing privileges for eBPF (CAP_BPF, CAP_NET_ADMIN)")
	// ErrRejected is matched by every *LoadError.
	ErrRejected = errors.New("program rejected by the kernel")
	// ErrNotSupported reports a system without the Linux eBPF interface.
	ErrNotSupported = errors.New("eBPF programs not supported on this system")
)

// LoadError is a program the kernel refused, with the verifier's log.
type LoadError struct {
	Type Type
	Log  []string // the verifier's output, line by line; may be empty
	Err  error    // the underlying error, a *ebpf.VerifierError where the verifier spoke
}

func (e *LoadError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "load %v program: %v", e.Type, e.Err)
	// The end of the log says why; the start is the walk that led there.
	const tail = 20
	log := e.Log
	if len(log) > tail {
		fmt.Fprintf(&b, "\n\t(%d lines of verifier log before)", len(log)-tail)
		log = log[len(log)-tail:]
	}
	for _, l := range log {
		fmt.Fprintf(&b, "\n\t%s", l)
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *LoadError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrRejected) true.
func (e *LoadError) Is(target error) bool { return target == ErrRejected }

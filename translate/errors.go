package translate

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrOptions reports Options that cannot be used together.
	ErrOptions = errors.New("invalid options")
	// ErrUnsupported reports an instruction the target cannot express,
	// such as an ancillary load of a value its context does not carry.
	ErrUnsupported = errors.New("not supported by the target")
	// ErrBackwardJump reports a backward jump (libpcap's protochain loop)
	// for a target whose verifier needs a bound on every loop.
	ErrBackwardJump = errors.New("backward jump")
	// ErrTooLarge reports a translation whose jumps exceed the 16-bit
	// offsets of eBPF.
	ErrTooLarge = errors.New("program too large")
)

// Error reports the classic instruction a target cannot translate.
type Error struct {
	Target      Target
	Index       int                // index of the instruction, as in tcpdump -d; -1 for the whole program
	Instruction bpf.RawInstruction // the instruction itself
	Detail      string             // what about it, e.g. "ancillary load hatype"
	Err         error              // ErrUnsupported, ErrBackwardJump or ErrTooLarge
}

func (e *Error) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("translate for %v: %s: %v", e.Target, e.Detail, e.Err)
	}
	text := cbpf.Program{e.Instruction}.Format(cbpf.Text)
	text = strings.Join(strings.Fields(text[strings.IndexByte(text, ')')+1:]), " ")
	return fmt.Sprintf("translate for %v: instruction %d (%s): %s: %v", e.Target, e.Index, text, e.Detail, e.Err)
}

// Unwrap returns the sentinel error.
func (e *Error) Unwrap() error { return e.Err }

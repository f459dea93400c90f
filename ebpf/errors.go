package ebpf

import (
	"errors"
	"fmt"
)

// Reasons a program is rejected at load. A *CheckError wraps one of them.
var (
	ErrEmptyProgram        = errors.New("empty program")
	ErrTooManyInstructions = errors.New("too many instructions")
	ErrInvalidOpcode       = errors.New("invalid opcode")
	ErrInvalidRegister     = errors.New("invalid register")
	ErrReservedField       = errors.New("reserved field is not zero")
	ErrInvalidImmediate    = errors.New("invalid immediate")
	ErrJumpOutOfRange      = errors.New("jump out of range")
	ErrJumpIntoLoadImm64   = errors.New("jump into the middle of a 64-bit immediate load")
	ErrUnreachable         = errors.New("unreachable instruction")
	ErrFallThrough         = errors.New("last instruction of a function is not exit or ja")
	ErrUnknownHelper       = errors.New("unknown helper")
	ErrUnresolvedReference = errors.New("unresolved reference")
)

// Reasons a run fails. A *RunError wraps one of them.
var (
	ErrMemoryAccess     = errors.New("invalid memory access")
	ErrBudgetExhausted  = errors.New("instruction budget exhausted")
	ErrCallDepth        = errors.New("call depth exceeded")
	ErrMisaligned       = errors.New("misaligned atomic access")
	ErrHelper           = errors.New("helper failed")
	ErrInvalidMapHandle = errors.New("not a map")
	// ErrLeakedReservation: the program exited with a ring buffer
	// reservation neither submitted nor discarded (the kernel verifier
	// rejects such programs at load).
	ErrLeakedReservation = errors.New("ring buffer reservation not released")
)

// CheckError reports why the checker rejected a program. Index counts raw
// 8-byte instruction slots, as the kernel verifier and
// asm.Instructions.Format number them (a 64-bit immediate load takes two).
type CheckError struct {
	Index int   // raw instruction index, or -1 for the whole program
	Err   error // one of the Err* load-time sentinels
	Msg   string
}

func (e *CheckError) Error() string {
	var s string
	if e.Index >= 0 {
		s = fmt.Sprintf("instruction %d: %v", e.Index, e.Err)
	} else {
		s = e.Err.Error()
	}
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	return s
}

// Unwrap returns the sentinel that classifies the error.
func (e *CheckError) Unwrap() error { return e.Err }

func checkErr(index int, err error, format string, args ...any) *CheckError {
	return &CheckError{Index: index, Err: err, Msg: fmt.Sprintf(format, args...)}
}

// RunError reports why a run stopped. Index is the raw index of the
// instruction that failed; Addr is the faulting address for memory errors.
type RunError struct {
	Index int
	Addr  uint64
	Err   error // one of the Err* run-time sentinels, or a helper's error
}

func (e *RunError) Error() string {
	if errors.Is(e.Err, ErrMemoryAccess) || errors.Is(e.Err, ErrMisaligned) {
		return fmt.Sprintf("instruction %d: %v at %#x", e.Index, e.Err, e.Addr)
	}
	return fmt.Sprintf("instruction %d: %v", e.Index, e.Err)
}

// Unwrap returns the cause.
func (e *RunError) Unwrap() error { return e.Err }

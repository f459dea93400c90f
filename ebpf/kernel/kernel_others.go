//go:build !linux

package kernel

import (
	"fmt"
	"runtime"

	"github.com/cilium/ebpf/asm"
)

// Program is a loaded eBPF program. Not supported on this system.
type Program struct{}

func notSupported() error { return fmt.Errorf("%w (GOOS %s)", ErrNotSupported, runtime.GOOS) }

// Load loads a program into the kernel. Not supported on this system.
func Load(Type, asm.Instructions) (*Program, error) { return nil, notSupported() }

// Type returns the program's type.
func (p *Program) Type() Type { return 0 }

// Close unloads the program.
func (p *Program) Close() error { return notSupported() }

// Run runs the program on a packet. Not supported on this system.
func (p *Program) Run([]byte) (uint32, error) { return 0, notSupported() }

// AttachSocket attaches a socket filter to a socket. Not supported on this
// system.
func (p *Program) AttachSocket(int) error { return notSupported() }

// DetachSocket removes the filter from a socket. Not supported on this
// system.
func DetachSocket(int) error { return notSupported() }

//go:build !linux

package afpacket

import (
	"context"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// Handle is a live capture; on this system Open always fails.
type Handle struct{}

// Open returns ErrNotSupported: live capture needs Linux.
func Open(name string, cfg Config) (*Handle, error) { return nil, ErrNotSupported }

// Interfaces returns ErrNotSupported.
func Interfaces() ([]Interface, error) { return nil, ErrNotSupported }

// LinkTypes returns ErrNotSupported.
func LinkTypes(name string) ([]layers.LinkType, error) { return nil, ErrNotSupported }

// LinkType returns 0.
func (h *Handle) LinkType() layers.LinkType { return 0 }

// SnapLen returns 0.
func (h *Handle) SnapLen() int { return 0 }

// ReadPacketData returns ErrNotSupported.
func (h *Handle) ReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	return nil, gopacket.CaptureInfo{}, ErrNotSupported
}

// ZeroCopyReadPacketData returns ErrNotSupported.
func (h *Handle) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	return nil, gopacket.CaptureInfo{}, ErrNotSupported
}

// ZeroCopyReadPacketDataContext returns ErrNotSupported.
func (h *Handle) ZeroCopyReadPacketDataContext(ctx context.Context) ([]byte, gopacket.CaptureInfo, error) {
	return nil, gopacket.CaptureInfo{}, ErrNotSupported
}

// SetFilter returns ErrNotSupported.
func (h *Handle) SetFilter(p cbpf.Program) error { return ErrNotSupported }

// SetEBPF returns ErrNotSupported.
func (h *Handle) SetEBPF(prog interface{ FD() int }) error { return ErrNotSupported }

// Stats returns ErrNotSupported.
func (h *Handle) Stats() (Stats, error) { return Stats{}, ErrNotSupported }

// Close does nothing.
func (h *Handle) Close() error { return nil }

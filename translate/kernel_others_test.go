//go:build !linux

package translate_test

import (
	"testing"

	"github.com/cilium/ebpf/asm"

	"github.com/gotcpdump/gotcpdump/translate"
)

// liveKernel needs Linux: elsewhere only the recorded answers are checked.
func liveKernel(t *testing.T, _ *programSet, _, _ *frameSet, _ string) error {
	if *update {
		t.Fatal("-update runs programs in the Linux kernel")
	}
	return nil
}

// loadable needs Linux.
func loadable(translate.Target, asm.Instructions) error { return nil }

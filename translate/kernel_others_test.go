//go:build !linux

package translate_test

import "testing"

// liveKernel needs Linux: elsewhere only the recorded answers are checked.
func liveKernel(t *testing.T, _ *programSet, _, _ *frameSet, _ string) error {
	if *update {
		t.Fatal("-update runs programs in the Linux kernel")
	}
	return nil
}

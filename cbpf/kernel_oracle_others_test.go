//go:build !linux

package cbpf_test

import (
	"testing"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// Recording the kernel's answers needs Linux; elsewhere the kernel tests
// check the VM against the recorded answers only.

func updateKernelLoad(t *testing.T)   { t.Skip("recording the kernel's answers needs Linux") }
func updateKernelUnix(t *testing.T)   { t.Skip("recording the kernel's answers needs Linux") }
func updateKernelPacket(t *testing.T) { t.Skip("recording the kernel's answers needs Linux") }

func checkLiveLoad(*testing.T, map[string]cbpf.Program, []kernelLine)   {}
func checkLiveUnix(*testing.T, map[string]cbpf.Program, *kernelAnswers) {}

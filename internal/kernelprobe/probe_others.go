//go:build !linux

package kernelprobe

import (
	"fmt"
	"runtime"
)

func attachProbe() error { return fmt.Errorf("no BPF loader on %s", runtime.GOOS) }

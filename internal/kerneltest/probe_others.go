//go:build !linux

package kerneltest

import (
	"fmt"
	"runtime"
)

func attachProbe() error { return fmt.Errorf("no BPF loader on %s", runtime.GOOS) }

package main

import (
	"errors"
	"fmt"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/ebpf"
	"github.com/gotcpdump/gotcpdump/ebpf/kernel"
	"github.com/gotcpdump/gotcpdump/translate"
)

// The --engine values: what runs the filter over each packet.
const (
	engineCBPF   = "cbpf"   // the classic VM (the default)
	engineEBPF   = "ebpf"   // the program translated to eBPF, in the in-process runtime
	engineKernel = "kernel" // translated for tc and run by the kernel (BPF_PROG_TEST_RUN)
)

// filter decides which packets of a capture pass: run returns the filter
// program's value, 0 to drop the packet.
type filter interface {
	run(data []byte, wireLen int) (uint32, error)
	Close() error
}

// newFilter prepares prog (libpcap's offline semantics) for engine.
func newFilter(engine string, prog cbpf.Program) (filter, error) {
	switch engine {
	case engineCBPF:
		vm, err := cbpf.NewVM(prog, cbpf.Libpcap)
		if err != nil {
			return nil, err
		}
		return cbpfFilter{vm}, nil
	case engineEBPF:
		insns, err := translate.Program(prog, translate.Options{Target: translate.InProcess, Semantics: cbpf.Libpcap})
		if err != nil {
			return nil, fmt.Errorf("translate the filter to eBPF: %w", err)
		}
		vm, err := ebpf.NewVM(insns, nil)
		if err != nil {
			return nil, fmt.Errorf("load the filter into the eBPF runtime: %w", err)
		}
		return ebpfFilter{vm}, nil
	case engineKernel:
		return newKernelFilter(prog)
	}
	return nil, fmt.Errorf("unknown engine %q (cbpf, ebpf or kernel)", engine)
}

type cbpfFilter struct{ vm *cbpf.VM }

func (f cbpfFilter) run(data []byte, wireLen int) (uint32, error) {
	return f.vm.Run(data, wireLen), nil
}
func (cbpfFilter) Close() error { return nil }

type ebpfFilter struct{ vm *ebpf.VM }

func (f ebpfFilter) run(data []byte, wireLen int) (uint32, error) {
	r, err := f.vm.RunPacket(data, uint32(wireLen))
	return uint32(r), err
}
func (ebpfFilter) Close() error { return nil }

// kernelFilter runs the filter in the kernel as a tc classifier returning
// the classic value. The kernel sees only the captured bytes, as the
// packet's whole length, and at least an Ethernet header's worth.
type kernelFilter struct {
	prog     *kernel.Program
	readsLen bool // the program loads the packet's length on the wire
}

func newKernelFilter(prog cbpf.Program) (filter, error) {
	insns, err := translate.Program(prog, translate.Options{Target: translate.SchedCLS, Semantics: cbpf.Libpcap, Raw: true})
	if errors.Is(err, translate.ErrBackwardJump) {
		return nil, fmt.Errorf("the kernel engine cannot run this filter: %w (protochain's loop; use --engine cbpf or ebpf)", err)
	}
	if err != nil {
		return nil, fmt.Errorf("translate the filter for the kernel: %w", err)
	}
	p, err := kernel.Load(kernel.SchedCLS, insns)
	if err != nil {
		return nil, fmt.Errorf("load the filter into the kernel: %w", err)
	}
	f := &kernelFilter{prog: p}
	for _, ins := range prog {
		if ins.Op == cbpf.ClassLD|cbpf.SizeW|cbpf.ModeLEN || ins.Op == cbpf.ClassLDX|cbpf.SizeW|cbpf.ModeLEN {
			f.readsLen = true
		}
	}
	return f, nil
}

func (f *kernelFilter) run(data []byte, wireLen int) (uint32, error) {
	if f.readsLen && wireLen != len(data) {
		return 0, fmt.Errorf("the kernel engine sees %d captured bytes as the whole packet of %d: this filter reads the length on the wire (use --engine cbpf or ebpf)", len(data), wireLen)
	}
	return f.prog.Run(data)
}

func (f *kernelFilter) Close() error { return f.prog.Close() }

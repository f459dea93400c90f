package ebpf

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf/asm"
)

// Kernel errno values helpers return, negated, to programs.
const (
	errnoENOENT = 2
	errnoE2BIG  = 7
	errnoEAGAIN = 11
	errnoEFAULT = 14
	errnoEEXIST = 17
	errnoEINVAL = 22
)

func negErrno(e int64) uint64 { return uint64(-e) }

// builtinHelpers are the helpers every VM has, by their Linux numbers.
var builtinHelpers = map[asm.BuiltinFunc]Helper{
	asm.FnMapLookupElem:     helperMapLookup,
	asm.FnMapUpdateElem:     helperMapUpdate,
	asm.FnMapDeleteElem:     helperMapDelete,
	asm.FnKtimeGetNs:        func(vm *VM, _ *[5]uint64) (uint64, error) { return vm.clock(), nil },
	asm.FnTracePrintk:       helperTracePrintk,
	asm.FnGetPrandomU32:     func(vm *VM, _ *[5]uint64) (uint64, error) { return uint64(vm.rand.Uint32()), nil },
	asm.FnGetSmpProcessorId: func(vm *VM, _ *[5]uint64) (uint64, error) { return uint64(vm.cpu), nil },
	asm.FnSkbLoadBytes:      helperSkbLoadBytes,
	asm.FnRingbufOutput:     helperRingbufOutput,
	asm.FnRingbufReserve:    helperRingbufReserve,
	asm.FnRingbufSubmit:     func(vm *VM, a *[5]uint64) (uint64, error) { return 0, vm.release(a[0], true) },
	asm.FnRingbufDiscard:    func(vm *VM, a *[5]uint64) (uint64, error) { return 0, vm.release(a[0], false) },
}

// helperTable indexes the built-in helpers and extra by helper id.
func helperTable(extra map[asm.BuiltinFunc]Helper) []Helper {
	var table []Helper
	add := func(id asm.BuiltinFunc, h Helper) {
		for int(id) >= len(table) {
			table = append(table, nil)
		}
		table[id] = h
	}
	for id, h := range builtinHelpers {
		add(id, h)
	}
	for id, h := range extra {
		add(id, h)
	}
	return table
}

func (vm *VM) callHelper(id int64) error {
	if id < 0 || id >= int64(len(vm.prog.helpers)) || vm.prog.helpers[id] == nil {
		return fmt.Errorf("%v: %w", asm.BuiltinFunc(id), ErrUnknownHelper)
	}
	r0, err := vm.prog.helpers[id](vm, (*[5]uint64)(vm.regs[1:6]))
	if err != nil {
		return fmt.Errorf("%v: %w", asm.BuiltinFunc(id), err)
	}
	vm.regs[0] = r0
	return nil
}

// mapArgs returns the map of handle and its key, read from VM memory.
func (vm *VM) mapArgs(handle, keyAddr uint64) (int, *Map, []byte, error) {
	i, err := vm.mapIndex(handle)
	if err != nil {
		return 0, nil, nil, err
	}
	m := vm.prog.maps[i]
	if m.ring != nil {
		return 0, nil, nil, fmt.Errorf("%v: %w", m, ErrNotSupported)
	}
	key, err := vm.Memory(keyAddr, uint64(m.keySize))
	return i, m, key, err
}

func helperMapLookup(vm *VM, a *[5]uint64) (uint64, error) {
	i, m, key, err := vm.mapArgs(a[0], a[1])
	if err != nil {
		return 0, err
	}
	off, ok := m.slotOf(key, vm.cpu)
	if !ok {
		return 0, nil
	}
	return regionAddr(firstMapRegion+i, off), nil
}

func helperMapUpdate(vm *VM, a *[5]uint64) (uint64, error) {
	_, m, key, err := vm.mapArgs(a[0], a[1])
	if err != nil {
		return 0, err
	}
	value, err := vm.Memory(a[2], uint64(m.valueSize))
	if err != nil {
		return 0, err
	}
	return mapErrno(m.update(key, value, a[3], vm.cpu)), nil
}

func helperMapDelete(vm *VM, a *[5]uint64) (uint64, error) {
	_, m, key, err := vm.mapArgs(a[0], a[1])
	if err != nil {
		return 0, err
	}
	return mapErrno(m.delete(key)), nil
}

// mapErrno is what the kernel returns to a program for a map error.
func mapErrno(err error) uint64 {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, ErrKeyNotExist):
		return negErrno(errnoENOENT)
	case errors.Is(err, ErrKeyExist):
		return negErrno(errnoEEXIST)
	case errors.Is(err, ErrMapFull), errors.Is(err, ErrBadKey):
		return negErrno(errnoE2BIG)
	default:
		return negErrno(errnoEINVAL)
	}
}

// helperSkbLoadBytes copies len bytes of the packet at offset into the
// buffer at to: bpf_skb_load_bytes(skb, offset, to, len).
func helperSkbLoadBytes(vm *VM, a *[5]uint64) (uint64, error) {
	off, n := uint64(uint32(a[1])), uint64(uint32(a[3]))
	to, err := vm.Memory(a[2], n)
	if err != nil {
		return 0, err
	}
	p := vm.regions[packetRegion].mem
	if n == 0 || off > 0xffff || off+n > uint64(len(p)) {
		clear(to)
		return negErrno(errnoEFAULT), nil
	}
	copy(to, p[off:off+n])
	return 0, nil
}

func (vm *VM) ringArg(handle uint64) (int, error) {
	i, err := vm.mapIndex(handle)
	if err != nil {
		return 0, err
	}
	if vm.prog.maps[i].ring == nil {
		return 0, fmt.Errorf("%v is not a ring buffer: %w", vm.prog.maps[i], ErrNotSupported)
	}
	return i, nil
}

// helperRingbufOutput: bpf_ringbuf_output(ringbuf, data, size, flags).
func helperRingbufOutput(vm *VM, a *[5]uint64) (uint64, error) {
	i, err := vm.ringArg(a[0])
	if err != nil {
		return 0, err
	}
	data, err := vm.Memory(a[1], a[2])
	if err != nil {
		return 0, err
	}
	m := vm.prog.maps[i]
	if !m.take(a[2]) {
		return negErrno(errnoEAGAIN), nil
	}
	m.give(data, true)
	return 0, nil
}

// helperRingbufReserve: bpf_ringbuf_reserve(ringbuf, size, flags).
func helperRingbufReserve(vm *VM, a *[5]uint64) (uint64, error) {
	i, err := vm.ringArg(a[0])
	if err != nil {
		return 0, err
	}
	if a[2] != 0 {
		return 0, nil
	}
	return vm.reserve(i, a[1]), nil
}

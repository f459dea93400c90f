package ebpf

import (
	"sync/atomic"
	"unsafe"
)

// atomic runs an atomic read-modify-write. Memory shared between VMs (map
// values) is updated with compare-and-swap, so that clones counting into
// one map lose no updates. The address must be aligned to the access
// size, as the kernel requires. It returns the faulting address with an
// error.
func (vm *VM) atomic(s *slot) (uint64, error) {
	regs := &vm.regs
	a := regs[s.dst&(numRegs-1)] + uint64(s.off)
	size := uint64(4)
	if s.op == opAtomicDW {
		size = 8
	}
	if a&(size-1) != 0 {
		return a, ErrMisaligned
	}
	b := at(vm.regions, a, size)
	if b == nil {
		return a, ErrMemoryAccess
	}
	op := atomicOp(s.aux &^ atomicFetch)
	src := &regs[s.src&(numRegs-1)]
	var old uint64
	p := unsafe.Pointer(&b[0])
	switch {
	case uintptr(p)&uintptr(size-1) != 0:
		// Only caller-provided packet memory can be misaligned in the
		// host; no other VM sees it, so a plain update is enough.
		old = loadLE(b)
		storeLE(b, atomicResult(op, old, *src, regs[0], size))
	case size == 8:
		p64 := (*uint64)(p)
		for {
			old = atomic.LoadUint64(p64)
			if atomic.CompareAndSwapUint64(p64, old, atomicResult(op, old, *src, regs[0], size)) {
				break
			}
		}
	default:
		p32 := (*uint32)(p)
		for {
			old = uint64(atomic.LoadUint32(p32))
			if atomic.CompareAndSwapUint32(p32, uint32(old), uint32(atomicResult(op, old, *src, regs[0], size))) {
				break
			}
		}
	}
	switch {
	case op == atomicCmpXchg:
		regs[0] = old
	case s.aux&atomicFetch != 0:
		*src = old
	}
	return 0, nil
}

// atomicResult is the value an atomic operation leaves in memory that
// held old; cmpxchg compares with r0 (its low 32 bits for a word).
func atomicResult(op atomicOp, old, src, r0, size uint64) uint64 {
	switch op {
	case atomicAdd:
		return old + src
	case atomicOr:
		return old | src
	case atomicAnd:
		return old & src
	case atomicXor:
		return old ^ src
	case atomicXchg:
		return src
	default: // atomicCmpXchg
		if size == 4 {
			r0 = uint64(uint32(r0))
		}
		if old == r0 {
			return src
		}
		return old
	}
}

func loadLE(b []byte) uint64 {
	if len(b) == 8 {
		return le.Uint64(b)
	}
	return uint64(le.Uint32(b))
}

func storeLE(b []byte, v uint64) {
	if len(b) == 8 {
		le.PutUint64(b, v)
	} else {
		le.PutUint32(b, uint32(v))
	}
}

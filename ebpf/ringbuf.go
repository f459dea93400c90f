package ebpf

import (
	"fmt"
)

// ring is the shared state of a ring buffer map: the records submitted and
// not yet read, and the space that they and open reservations take. As in
// the kernel, each record costs an 8-byte header plus its data rounded up
// to 8 bytes, and a reservation or output fails when the buffer is full.
type ring struct {
	capacity uint32
	used     uint32   // bytes taken by queued records and open reservations
	records  [][]byte // submitted, oldest first
}

const ringHeader = 8

func ringCost(n uint64) uint32 { return uint32(ringHeader + (n+7)&^7) }

// take claims room for a record of n bytes.
func (m *Map) take(n uint64) bool {
	if n > uint64(m.ring.capacity) {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	cost := ringCost(n)
	if m.ring.used+cost > m.ring.capacity {
		return false
	}
	m.ring.used += cost
	return true
}

// give returns the room of a discarded reservation, or queues a record in
// room already taken.
func (m *Map) give(record []byte, submit bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if submit {
		m.ring.records = append(m.ring.records, append([]byte(nil), record...))
		return
	}
	m.ring.used -= ringCost(uint64(len(record)))
}

// ReadRecord removes and returns the oldest record of a ring buffer, or
// false when there is none.
func (m *Map) ReadRecord() ([]byte, bool) {
	if m.ring == nil {
		return nil, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.ring.records) == 0 {
		return nil, false
	}
	rec := m.ring.records[0]
	m.ring.records = m.ring.records[1:]
	m.ring.used -= ringCost(uint64(len(rec)))
	return rec, true
}

// reservations are one VM's open ring buffer reservations. Reserved bytes
// live in a VM-private region per ring buffer map and are copied into the
// ring on submit, so a reservation never wraps around the ring's end.
type reservations struct {
	open []reservation
	next []uint32 // per map: first free byte of its scratch region
}

type reservation struct {
	mapIndex int
	addr     uint64
	size     uint32
}

func (vm *VM) reserve(mapIndex int, size uint64) uint64 {
	m := vm.prog.maps[mapIndex]
	scratch := &vm.regions[firstMapRegion+mapIndex]
	next := vm.reserved.next[mapIndex]
	if uint64(next)+size > uint64(len(scratch.mem)) || !m.take(size) {
		return 0
	}
	addr := regionAddr(firstMapRegion+mapIndex, next)
	vm.reserved.next[mapIndex] = next + uint32((size+7)&^7)
	vm.reserved.open = append(vm.reserved.open, reservation{mapIndex, addr, uint32(size)})
	clear(scratch.mem[next : uint64(next)+size])
	return addr
}

func (vm *VM) release(addr uint64, submit bool) error {
	for i, r := range vm.reserved.open {
		if r.addr != addr {
			continue
		}
		m := vm.prog.maps[r.mapIndex]
		m.give(at(vm.regions, addr, uint64(r.size)), submit)
		vm.reserved.open = append(vm.reserved.open[:i], vm.reserved.open[i+1:]...)
		if len(vm.reserved.open) == 0 {
			clear(vm.reserved.next)
		}
		return nil
	}
	return fmt.Errorf("release %#x: not a ring buffer reservation: %w", addr, ErrHelper)
}

// dropReservations releases what a failed or leaking run left open.
func (vm *VM) dropReservations() int {
	n := len(vm.reserved.open)
	for len(vm.reserved.open) > 0 {
		_ = vm.release(vm.reserved.open[0].addr, false)
	}
	return n
}

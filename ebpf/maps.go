package ebpf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"sync"
	"sync/atomic"

	cebpf "github.com/cilium/ebpf"
)

// Errors of map operations. Programs see them as the kernel's negative
// errno values; Go callers get them wrapped.
var (
	ErrKeyNotExist    = cebpf.ErrKeyNotExist
	ErrKeyExist       = cebpf.ErrKeyExist
	ErrMapFull        = errors.New("map is full")
	ErrBadKey         = errors.New("key has the wrong size or is out of range")
	ErrBadValue       = errors.New("value has the wrong size")
	ErrUnsupportedMap = errors.New("unsupported map")
	ErrNotSupported   = errors.New("operation not supported by this map type")
)

// Update flags, as in the kernel.
const (
	UpdateAny     = 0 // BPF_ANY: create or replace
	UpdateNoExist = 1 // BPF_NOEXIST: create only
	UpdateExist   = 2 // BPF_EXIST: replace only
)

// mapIDs gives every Map a distinct number to stand for a file descriptor
// in instructions (asm.Instruction.AssociateMap needs an FD). The numbers
// start far above the descriptors a process really has open.
var mapIDs atomic.Int64

func init() { mapIDs.Store(1 << 24) }

// Map is an in-process eBPF map: an array, a hash, a per-CPU array or a
// ring buffer, laid out as the kernel lays them out. Programs reach it
// through the map helpers; Go code through its methods. A Map may be
// shared by several VMs (see VM.Clone); its methods are safe for
// concurrent use, but, as in the kernel, a program's plain loads and
// stores of a value race with other programs changing it (use atomic
// instructions for counters).
type Map struct {
	name       string
	typ        cebpf.MapType
	keySize    uint32
	valueSize  uint32
	maxEntries uint32
	stride     uint32 // valueSize rounded up to 8, as the kernel stores values
	cpus       int    // per-CPU maps: number of copies of each value
	id         int

	values []byte // every value slot, addressed by programs

	mu sync.Mutex
	// Hash maps.
	index map[string]uint32 // key → slot
	keys  [][]byte          // slot → key, nil when free
	free  []uint32
	// Ring buffers.
	ring *ring
}

// NewMap creates a map from a cilium/ebpf MapSpec. Supported types:
// Array, Hash, PerCPUArray (one value per CPU of this machine) and RingBuf
// (MaxEntries is the buffer size in bytes). Contents, if any, are stored.
func NewMap(spec *cebpf.MapSpec) (*Map, error) {
	m := &Map{
		name: spec.Name, typ: spec.Type, keySize: spec.KeySize, valueSize: spec.ValueSize,
		maxEntries: spec.MaxEntries, stride: (spec.ValueSize + 7) &^ 7, cpus: 1,
		id: int(mapIDs.Add(1)),
	}
	if spec.MaxEntries == 0 {
		return nil, fmt.Errorf("create map %q: zero max entries: %w", spec.Name, ErrUnsupportedMap)
	}
	switch spec.Type {
	case cebpf.Array, cebpf.PerCPUArray:
		if spec.KeySize != 4 || spec.ValueSize == 0 {
			return nil, fmt.Errorf("create map %q: array needs 4-byte keys and values: %w", spec.Name, ErrUnsupportedMap)
		}
		if spec.Type == cebpf.PerCPUArray {
			m.cpus = runtime.NumCPU()
		}
	case cebpf.Hash:
		if spec.KeySize == 0 || spec.ValueSize == 0 {
			return nil, fmt.Errorf("create map %q: hash needs keys and values: %w", spec.Name, ErrUnsupportedMap)
		}
		m.index = make(map[string]uint32)
		m.keys = make([][]byte, spec.MaxEntries)
		m.free = make([]uint32, spec.MaxEntries)
		for i := range m.free {
			m.free[i] = spec.MaxEntries - 1 - uint32(i)
		}
	case cebpf.RingBuf:
		if spec.KeySize != 0 || spec.ValueSize != 0 || spec.MaxEntries&(spec.MaxEntries-1) != 0 {
			return nil, fmt.Errorf("create map %q: ring buffer size must be a power of two: %w", spec.Name, ErrUnsupportedMap)
		}
		m.ring = &ring{capacity: spec.MaxEntries}
		return m, nil
	default:
		return nil, fmt.Errorf("create map %q: type %v: %w", spec.Name, spec.Type, ErrUnsupportedMap)
	}
	size := uint64(m.cpus) * uint64(m.maxEntries) * uint64(m.stride)
	if size > 1<<32 {
		return nil, fmt.Errorf("create map %q: %d bytes of values: %w", spec.Name, size, ErrUnsupportedMap)
	}
	m.values = make([]byte, size)
	for _, kv := range spec.Contents {
		key, err := marshalLE(kv.Key)
		if err != nil {
			return nil, fmt.Errorf("create map %q: key: %w", spec.Name, err)
		}
		value, err := marshalLE(kv.Value)
		if err != nil {
			return nil, fmt.Errorf("create map %q: value: %w", spec.Name, err)
		}
		if err := m.Update(key, value, UpdateAny); err != nil {
			return nil, fmt.Errorf("create map %q: %w", spec.Name, err)
		}
	}
	return m, nil
}

func marshalLE(v any) ([]byte, error) {
	if b, ok := v.([]byte); ok {
		return b, nil
	}
	return binary.Append(nil, binary.LittleEndian, v)
}

// Name returns the map's name.
func (m *Map) Name() string { return m.name }

// Type returns the map's type.
func (m *Map) Type() cebpf.MapType { return m.typ }

// KeySize returns the size of keys in bytes.
func (m *Map) KeySize() uint32 { return m.keySize }

// ValueSize returns the size of values in bytes.
func (m *Map) ValueSize() uint32 { return m.valueSize }

// MaxEntries returns the capacity (for a ring buffer, in bytes).
func (m *Map) MaxEntries() uint32 { return m.maxEntries }

// FD returns a number that stands for the map in instructions, so that
// asm.Instructions.AssociateMap can refer to it. It is not a file
// descriptor.
func (m *Map) FD() int { return m.id }

func (m *Map) String() string { return fmt.Sprintf("%v(%s)", m.typ, m.name) }

// slotOf returns the value slot of key for this CPU, or false.
func (m *Map) slotOf(key []byte, cpu int) (uint32, bool) {
	switch m.typ {
	case cebpf.Array, cebpf.PerCPUArray:
		i := binary.LittleEndian.Uint32(key)
		if i >= m.maxEntries {
			return 0, false
		}
		return (uint32(cpu)*m.maxEntries + i) * m.stride, true
	case cebpf.Hash:
		m.mu.Lock()
		i, ok := m.index[string(key)]
		m.mu.Unlock()
		return i * m.stride, ok
	}
	return 0, false
}

// update stores value under key; for per-CPU maps only this CPU's copy.
func (m *Map) update(key, value []byte, flags uint64, cpu int) error {
	if flags > UpdateExist {
		return fmt.Errorf("flags %d: %w", flags, ErrNotSupported)
	}
	switch m.typ {
	case cebpf.Array, cebpf.PerCPUArray:
		if flags == UpdateNoExist {
			return ErrKeyExist
		}
		off, ok := m.slotOf(key, cpu)
		if !ok {
			return ErrBadKey
		}
		copy(m.values[off:off+m.valueSize], value)
		return nil
	case cebpf.Hash:
		m.mu.Lock()
		defer m.mu.Unlock()
		i, ok := m.index[string(key)]
		switch {
		case ok && flags == UpdateNoExist:
			return ErrKeyExist
		case !ok && flags == UpdateExist:
			return ErrKeyNotExist
		case !ok:
			if len(m.free) == 0 {
				return ErrMapFull
			}
			i = m.free[len(m.free)-1]
			m.free = m.free[:len(m.free)-1]
			m.keys[i] = append([]byte(nil), key...)
			m.index[string(key)] = i
		}
		off := i * m.stride
		copy(m.values[off:off+m.valueSize], value)
		return nil
	}
	return ErrNotSupported
}

func (m *Map) checkKey(key []byte) error {
	if m.typ == cebpf.RingBuf {
		return ErrNotSupported
	}
	if uint32(len(key)) != m.keySize {
		return fmt.Errorf("%d bytes: %w", len(key), ErrBadKey)
	}
	return nil
}

// Lookup returns a copy of the value stored under key. For a per-CPU map
// it is every CPU's value one after the other, each padded to a multiple
// of 8 bytes, as the bpf(2) system call returns them.
func (m *Map) Lookup(key []byte) ([]byte, error) {
	if err := m.checkKey(key); err != nil {
		return nil, fmt.Errorf("lookup in %v: %w", m, err)
	}
	if m.typ == cebpf.PerCPUArray {
		out := make([]byte, 0, m.cpus*int(m.stride))
		for cpu := range m.cpus {
			off, ok := m.slotOf(key, cpu)
			if !ok {
				return nil, fmt.Errorf("lookup in %v: %w", m, ErrKeyNotExist)
			}
			out = append(out, m.values[off:off+m.stride]...)
		}
		return out, nil
	}
	off, ok := m.slotOf(key, 0)
	if !ok {
		return nil, fmt.Errorf("lookup in %v: %w", m, ErrKeyNotExist)
	}
	return append([]byte(nil), m.values[off:off+m.valueSize]...), nil
}

// Update stores value under key with one of the Update* flags. For a
// per-CPU map, value holds every CPU's value as Lookup returns them.
func (m *Map) Update(key, value []byte, flags uint64) error {
	if err := m.checkKey(key); err != nil {
		return fmt.Errorf("update %v: %w", m, err)
	}
	want := int(m.valueSize)
	if m.typ == cebpf.PerCPUArray {
		want = m.cpus * int(m.stride)
	}
	if len(value) != want {
		return fmt.Errorf("update %v: %d bytes, want %d: %w", m, len(value), want, ErrBadValue)
	}
	if m.typ != cebpf.PerCPUArray {
		if err := m.update(key, value, flags, 0); err != nil {
			return fmt.Errorf("update %v: %w", m, err)
		}
		return nil
	}
	for cpu := range m.cpus {
		if err := m.update(key, value[cpu*int(m.stride):], flags, cpu); err != nil {
			return fmt.Errorf("update %v: %w", m, err)
		}
	}
	return nil
}

// Delete removes key from a hash map. Array entries cannot be deleted.
func (m *Map) Delete(key []byte) error {
	if err := m.checkKey(key); err != nil {
		return fmt.Errorf("delete from %v: %w", m, err)
	}
	if err := m.delete(key); err != nil {
		return fmt.Errorf("delete from %v: %w", m, err)
	}
	return nil
}

func (m *Map) delete(key []byte) error {
	if m.typ != cebpf.Hash {
		return ErrNotSupported
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	i, ok := m.index[string(key)]
	if !ok {
		return ErrKeyNotExist
	}
	delete(m.index, string(key))
	m.keys[i] = nil
	clear(m.values[i*m.stride : (i+1)*m.stride])
	m.free = append(m.free, i)
	return nil
}

// All yields every key and a copy of its value (as Lookup returns it): an
// array's indexes in order, a hash map's keys in slot order. A ring buffer
// yields nothing; read it with ReadRecord.
func (m *Map) All() iter.Seq2[[]byte, []byte] {
	return func(yield func([]byte, []byte) bool) {
		var keys [][]byte
		switch m.typ {
		case cebpf.Array, cebpf.PerCPUArray:
			for i := range m.maxEntries {
				keys = append(keys, binary.LittleEndian.AppendUint32(nil, i))
			}
		case cebpf.Hash:
			m.mu.Lock()
			for _, k := range m.keys {
				if k != nil {
					keys = append(keys, k)
				}
			}
			m.mu.Unlock()
		}
		for _, k := range keys {
			v, err := m.Lookup(k)
			if err != nil { // deleted meanwhile
				continue
			}
			if !yield(k, v) {
				return
			}
		}
	}
}

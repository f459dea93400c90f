package ebpf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"testing"

	cebpf "github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/google/go-cmp/cmp"
)

func mustMap(t *testing.T, spec *cebpf.MapSpec) *Map {
	t.Helper()
	m, err := NewMap(spec)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func u32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func u64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

// counter counts runs under a key of map "m": look the key up, insert 1
// if absent, else add 1 atomically. The first instruction, which stores
// the key, is replaced for each key.
const counter = `
	stw [%r10-4], KEY
	lddw %r1, map:m
	mov %r2, %r10
	add %r2, -4
	call 1
	jeq %r0, 0, insert
	mov %r1, 1
	lock add [%r0], %r1
	mov %r0, 0
	exit
insert:
	stdw [%r10-16], 1
	lddw %r1, map:m
	mov %r2, %r10
	add %r2, -4
	mov %r3, %r10
	add %r3, -16
	mov %r4, 0
	call 2
	exit
`

func TestMapHelpers(t *testing.T) {
	for _, typ := range []cebpf.MapType{cebpf.Hash, cebpf.Array} {
		t.Run(typ.String(), func(t *testing.T) {
			m := mustMap(t, &cebpf.MapSpec{Name: "m", Type: typ, KeySize: 4, ValueSize: 8, MaxEntries: 4})
			// The first instruction stores the key.
			for _, key := range []uint32{1, 2, 1, 1, 3} {
				src := strings.Replace(counter, "KEY", strconv.Itoa(int(key)), 1)
				vm := mustVM(t, src, &Options{Maps: map[string]*Map{"m": m}})
				r0, err := vm.Run(nil)
				if err != nil || r0 != 0 {
					t.Fatalf("key %d: r0 = %#x, %v", key, r0, err)
				}
			}
			got := map[uint32]uint64{}
			for k, v := range m.All() {
				if n := binary.LittleEndian.Uint64(v); n != 0 {
					got[binary.LittleEndian.Uint32(k)] = n
				}
			}
			if diff := cmp.Diff(map[uint32]uint64{1: 3, 2: 1, 3: 1}, got); diff != "" {
				t.Fatalf("counts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHashMapSemantics(t *testing.T) {
	m := mustMap(t, &cebpf.MapSpec{Name: "h", Type: cebpf.Hash, KeySize: 4, ValueSize: 4, MaxEntries: 2})
	steps := []struct {
		name string
		err  error
		do   func() error
	}{
		{"insert", nil, func() error { return m.Update(u32(1), u32(10), UpdateNoExist) }},
		{"insert existing", ErrKeyExist, func() error { return m.Update(u32(1), u32(11), UpdateNoExist) }},
		{"replace missing", ErrKeyNotExist, func() error { return m.Update(u32(2), u32(20), UpdateExist) }},
		{"insert second", nil, func() error { return m.Update(u32(2), u32(20), UpdateAny) }},
		{"full", ErrMapFull, func() error { return m.Update(u32(3), u32(30), UpdateAny) }},
		{"delete", nil, func() error { return m.Delete(u32(1)) }},
		{"delete again", ErrKeyNotExist, func() error { return m.Delete(u32(1)) }},
		{"insert after delete", nil, func() error { return m.Update(u32(3), u32(30), UpdateAny) }},
		{"bad key size", ErrBadKey, func() error { return m.Update([]byte{1}, u32(1), UpdateAny) }},
		{"bad value size", ErrBadValue, func() error { return m.Update(u32(4), []byte{1}, UpdateAny) }},
	}
	for _, s := range steps {
		if err := s.do(); !errors.Is(err, s.err) || (s.err == nil) != (err == nil) {
			t.Fatalf("%s: %v, want %v", s.name, err, s.err)
		}
	}
	if _, err := m.Lookup(u32(1)); !errors.Is(err, ErrKeyNotExist) {
		t.Fatalf("lookup deleted: %v", err)
	}
	v, err := m.Lookup(u32(3))
	if err != nil || !bytes.Equal(v, u32(30)) {
		t.Fatalf("lookup 3 = %x, %v", v, err)
	}
}

func TestMapHelperErrors(t *testing.T) {
	arr := mustMap(t, &cebpf.MapSpec{Name: "a", Type: cebpf.Array, KeySize: 4, ValueSize: 8, MaxEntries: 2})
	opts := &Options{Maps: map[string]*Map{"a": arr}}
	tests := []struct {
		name string
		src  string
		want uint64
	}{
		{"lookup out of range is NULL", "stw [%r10-4], 2\nlddw %r1, map:a\nmov %r2, %r10\nadd %r2, -4\ncall 1\nexit", 0},
		{"update out of range", "stw [%r10-4], 2\nstdw [%r10-16], 0\nlddw %r1, map:a\nmov %r2, %r10\nadd %r2, -4\nmov %r3, %r10\nadd %r3, -16\nmov %r4, 0\ncall 2\nexit", negErrno(errnoE2BIG)},
		{"delete from array", "stw [%r10-4], 0\nlddw %r1, map:a\nmov %r2, %r10\nadd %r2, -4\ncall 3\nexit", negErrno(errnoEINVAL)},
		{"direct value access", "lddw %r1, mapvalue:a+8\nstdw [%r1], 42\nmov %r0, 0\nexit", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mustVM(t, tt.src, opts).Run(nil)
			if err != nil || got != tt.want {
				t.Fatalf("r0 = %#x, %v, want %#x", got, err, tt.want)
			}
		})
	}
	if v, _ := arr.Lookup(u32(1)); !bytes.Equal(v, u64(42)) {
		t.Fatalf("value 1 = %x after direct store", v)
	}
	_, err := mustVM(t, "mov %r1, 5\nmov %r2, %r10\ncall 1\nexit", opts).Run(nil)
	if !errors.Is(err, ErrInvalidMapHandle) {
		t.Fatalf("lookup with a non-map: %v", err)
	}
}

func TestPerCPUArray(t *testing.T) {
	m := mustMap(t, &cebpf.MapSpec{Name: "p", Type: cebpf.PerCPUArray, KeySize: 4, ValueSize: 4, MaxEntries: 1})
	cpus := m.cpus
	vm, err := NewVM(mustAssemble(t, `
		stw [%r10-4], 0
		lddw %r1, map:p
		mov %r2, %r10
		add %r2, -4
		call 1
		jeq %r0, 0, out
		mov %r6, %r0
		call 8
		add %r0, 1
		stxw [%r6], %r0
	out:
		mov %r0, 0
		exit
	`), &Options{Maps: map[string]*Map{"p": m}})
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	for cpu := range cpus {
		clone, err := vm.Clone(cpu)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := clone.Run(nil); err != nil {
			t.Fatal(err)
		}
		want = append(want, u64(uint64(cpu+1))...)
	}
	got, err := m.Lookup(u32(0))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("per-CPU values (-want +got):\n%s", diff)
	}
	if _, err := vm.Clone(cpus); err == nil {
		t.Fatal("a clone on a CPU the map does not have was accepted")
	}
}

func TestRingBuffer(t *testing.T) {
	rb := mustMap(t, &cebpf.MapSpec{Name: "rb", Type: cebpf.RingBuf, MaxEntries: 64})
	opts := &Options{Maps: map[string]*Map{"rb": rb}}
	reserveSubmit := `
		lddw %r1, map:rb
		mov %r2, 12
		mov %r3, 0
		call 131
		jeq %r0, 0, full
		stw [%r0], 0x11223344
		stw [%r0+8], 0x55
		mov %r1, %r0
		mov %r2, 0
		call 132
		mov %r0, 1
		exit
	full:
		exit
	`
	vm := mustVM(t, reserveSubmit, opts)
	// Each 12-byte record takes 8 + 16 bytes: two fit in 64, not three.
	for i, want := range []uint64{1, 1, 0} {
		if got, err := vm.Run(nil); err != nil || got != want {
			t.Fatalf("run %d: r0 = %d, %v, want %d", i, got, err, want)
		}
	}
	rec, ok := rb.ReadRecord()
	if want := []byte{0x44, 0x33, 0x22, 0x11, 0, 0, 0, 0, 0x55, 0, 0, 0}; !ok || !bytes.Equal(rec, want) {
		t.Fatalf("record %x, %v, want %x", rec, ok, want)
	}
	if got, _ := vm.Run(nil); got != 1 {
		t.Fatal("reading a record did not free its room")
	}

	// 48 bytes are taken; a 16-byte record needs 24 more.
	output := mustVM(t, "stdw [%r10-16], 0x7\nstdw [%r10-8], 0\nlddw %r1, map:rb\nmov %r2, %r10\nadd %r2, -16\nmov %r3, 16\nmov %r4, 0\ncall 130\nexit", opts)
	if got, err := output.Run(nil); err != nil || got != negErrno(errnoEAGAIN) {
		t.Fatalf("output into a full ring: r0 = %#x, %v", got, err)
	}
	for range 2 {
		rb.ReadRecord()
	}
	if got, err := output.Run(nil); err != nil || got != 0 {
		t.Fatalf("output: r0 = %#x, %v", got, err)
	}
	if rec, ok := rb.ReadRecord(); !ok || !bytes.Equal(rec, append(u64(7), u64(0)...)) {
		t.Fatalf("output record %x, %v", rec, ok)
	}

	discard := mustVM(t, "lddw %r1, map:rb\nmov %r2, 8\nmov %r3, 0\ncall 131\njeq %r0, 0, +3\nmov %r1, %r0\nmov %r2, 0\ncall 133\nmov %r0, 0\nexit", opts)
	for range 5 { // discarding frees the room each time
		if _, err := discard.Run(nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := rb.ReadRecord(); ok {
		t.Fatal("a discarded record was delivered")
	}

	leak := mustVM(t, "lddw %r1, map:rb\nmov %r2, 8\nmov %r3, 0\ncall 131\nmov %r0, 0\nexit", opts)
	if _, err := leak.Run(nil); !errors.Is(err, ErrLeakedReservation) {
		t.Fatalf("leaked reservation: %v", err)
	}
	if got, _ := vm.Run(nil); got != 1 {
		t.Fatal("a leaked reservation kept its room")
	}
}

func TestTracePrintk(t *testing.T) {
	var out bytes.Buffer
	// "%d %d %d %d": the kernel takes three arguments at most.
	tooMany := mustVM(t, `
		lddw %r1, 0x6425206425206425
		stxdw [%r10-16], %r1
		lddw %r1, 0x00642520
		stxdw [%r10-8], %r1
		mov %r1, %r10
		add %r1, -16
		mov %r2, 12
		call 6
		exit
	`, &Options{TraceOutput: &out})
	got, err := tooMany.Run(nil)
	if err != nil || got != negErrno(errnoEINVAL) || out.Len() != 0 {
		t.Fatalf("r0 = %#x, %v, output %q: want -EINVAL and nothing", got, err, out.String())
	}

	// "%d %x %s\n" with -5, 255 and "hello".
	vm := mustVM(t, `
		lddw %r1, 0x7325207825206425
		stxdw [%r10-24], %r1
		lddw %r1, 0x000a
		stxdw [%r10-16], %r1
		lddw %r1, 0x006f6c6c6568
		stxdw [%r10-8], %r1
		mov %r1, %r10
		add %r1, -24
		mov %r2, 10
		mov %r3, -5
		mov %r4, 255
		mov %r5, %r10
		add %r5, -8
		call 6
		exit
	`, &Options{TraceOutput: &out})
	got, err = vm.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("-5 ff hello\n", out.String()); diff != "" || got != uint64(out.Len()) {
		t.Fatalf("r0 = %d, output (-want +got):\n%s", got, diff)
	}
}

func TestOtherHelpers(t *testing.T) {
	clock := func() uint64 { return 12345 }
	tests := []struct {
		name string
		src  string
		opts *Options
		want uint64
	}{
		{"ktime_get_ns", "call 5\nexit", &Options{Clock: clock}, 12345},
		{"get_smp_processor_id", "call 8\nexit", &Options{CPU: 0}, 0},
		{"skb_load_bytes", "mov %r2, 12\nmov %r3, %r10\nadd %r3, -8\nmov %r4, 2\ncall 26\nldxh %r0, [%r10-8]\nexit", nil, 0x0008},
		{"skb_load_bytes out of range", "mov %r2, 60\nmov %r3, %r10\nadd %r3, -8\nmov %r4, 2\ncall 26\nexit", nil, negErrno(errnoEFAULT)},
		{"custom helper", "mov %r1, 20\nmov %r2, 22\ncall 1000\nexit", &Options{Helpers: map[asm.BuiltinFunc]Helper{
			1000: func(_ *VM, a *[5]uint64) (uint64, error) { return a[0] + a[1], nil },
		}}, 42},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mustVM(t, tt.src, tt.opts).RunSKB(ipv4TCP, &SKBMeta{})
			if err != nil || got != tt.want {
				t.Fatalf("r0 = %#x, %v, want %#x", got, err, tt.want)
			}
		})
	}
	// get_prandom_u32 is deterministic for a seed and differs between seeds.
	draw := func(seed uint64) uint64 {
		got, err := mustVM(t, "call 7\nmov %r6, %r0\ncall 7\nlsh %r0, 32\nor %r0, %r6\nexit", &Options{Seed: seed}).Run(nil)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if first, again, other := draw(1), draw(1), draw(2); first != again || first == other {
		t.Fatal("get_prandom_u32 is not a function of the seed")
	}
}

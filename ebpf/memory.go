package ebpf

// The virtual address space.
//
//	63                   32 31                     0
//	+----------------------+------------------------+
//	|      region id       |  base + offset in it   |
//	+----------------------+------------------------+
//
// Region 0 is the packet: its base is packetBase, so that packet pointers
// fit in 32 bits (the kernel's context structures hold data and data_end in
// __u32 fields) while 0 and small integers stay unmapped. Every other region
// has base 0. Map handles (the value of a lddw of a map) live above every
// region, so loads and stores through them fault.
const (
	packetRegion   = 0
	stackRegion    = 1
	contextRegion  = 2
	firstMapRegion = 3

	packetBase = 0x10000

	mapHandleBase = 0xffff_0000
)

// Stack geometry, as in the kernel: each bpf-to-bpf call frame has its own
// 512 bytes, and calls nest at most 8 deep.
const (
	StackSize = 512
	MaxFrames = 8
)

// region is a span of addressable memory.
type region struct {
	mem  []byte
	base uint32
}

func regionAddr(id int, offset uint32) uint64 { return uint64(id)<<32 | uint64(offset) }

func mapHandle(index int) uint64 { return uint64(mapHandleBase+index) << 32 }

// at returns the n bytes at addr, or nil if any of them is outside every
// region.
func at(regions []region, addr, n uint64) []byte {
	id := addr >> 32
	if id >= uint64(len(regions)) {
		return nil
	}
	r := &regions[id]
	o := uint64(uint32(addr) - r.base)
	if o+n > uint64(len(r.mem)) {
		return nil
	}
	return r.mem[o : o+n : o+n]
}

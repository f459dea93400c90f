package randprog

import (
	"math/rand/v2"

	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// allCells is the scratch-memory mask with every cell written.
const allCells = 1<<cbpf.ScratchWords - 1

// maxCondSkip is the largest jt or jf a conditional jump can encode.
const maxCondSkip = 255

// Generate returns a random program that is valid under o.Semantics; see
// the package documentation for what it contains.
func Generate(rng *rand.Rand, o Options) cbpf.Program {
	o = o.normalized()
	n := o.MinLen + rng.IntN(o.MaxLen-o.MinLen+1)
	g := &generator{rng: rng, o: o, n: n, jumpIn: make([]uint16, n)}
	for i := range g.jumpIn {
		g.jumpIn[i] = allCells
	}
	families := g.families()
	for g.room() > 0 {
		g.enter()
		if g.rng.IntN(24) == 0 {
			g.emit(g.ret())
			continue
		}
		families[g.rng.IntN(len(families))]()
	}
	g.enter()
	g.emit(g.ret())
	return g.prog
}

// generator builds one program front to back.
type generator struct {
	rng  *rand.Rand
	o    Options
	n    int // final length
	prog cbpf.Program
	// written is the set of scratch cells written on every path to the
	// next instruction. It is carried across returns and jumps too, which
	// under-approximates the kernel's analysis and so never admits a read
	// the kernel would reject.
	written uint16
	// jumpIn[i] is the intersection of written over the jumps to i.
	jumpIn []uint16
}

// families lists the instruction-family generators o.Kinds enables.
func (g *generator) families() []func() {
	var fs []func()
	add := func(k Kind, f func()) {
		if g.o.Kinds&k != 0 {
			fs = append(fs, f)
		}
	}
	add(Loads, g.load)
	add(Loads, g.load) // loads set up what the rest computes on: twice the weight
	add(Scratch, g.scratch)
	add(ALU, g.alu)
	add(ALU, g.alu)
	add(Jumps, g.jump)
	add(Jumps, g.jump)
	add(Moves, g.move)
	add(Ancillary, g.ancillary)
	add(HeaderLoads, g.headerLoad)
	if len(fs) == 0 {
		// Only returns are enabled: a program of returns is still valid.
		fs = append(fs, func() { g.emit(g.ret()) })
	}
	return fs
}

// room is how many instructions may still be emitted before the final
// return.
func (g *generator) room() int { return g.n - 1 - len(g.prog) }

// enter merges the scratch cells written on the jumps into the next
// instruction.
func (g *generator) enter() { g.written &= g.jumpIn[len(g.prog)] }

func (g *generator) emit(ins bpf.Instruction) { g.emitRaw(must(ins)) }

func (g *generator) emitRaw(raw bpf.RawInstruction) { g.prog = append(g.prog, raw) }

// chance reports true with probability 1/n.
func (g *generator) chance(n int) bool { return g.rng.IntN(n) == 0 }

// pick returns one of xs at random.
func pick[T any](rng *rand.Rand, xs ...T) T { return xs[rng.IntN(len(xs))] }

// ret is a return of A or of a constant biased to values the callers of a
// filter treat specially (0 drops, small values truncate, large ones keep
// everything).
func (g *generator) ret() bpf.Instruction {
	if g.chance(3) {
		return bpf.RetA{}
	}
	return bpf.RetConstant{Val: g.constant()}
}

// constant is a 32-bit value biased to arithmetic and length boundaries.
func (g *generator) constant() uint32 {
	p := uint32(g.o.PacketLen)
	switch g.rng.IntN(10) {
	case 0, 1:
		return pick[uint32](g.rng, 0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff)
	case 2:
		return p + uint32(g.rng.IntN(9)) - 4
	case 3:
		return uint32(g.rng.IntN(17))
	case 4:
		return 1 << g.rng.IntN(32)
	case 5:
		return pick[uint32](g.rng, 0xff, 0xffff, 0x0800, 0x86dd, 0x8100, 0x1fff, 262144, 65535, 65536)
	case 6:
		return -uint32(g.rng.IntN(17))
	default:
		return g.rng.Uint32()
	}
}

// offset is a packet offset for a load of size bytes, biased to the last
// bytes of a typical packet and to every alignment near the start.
func (g *generator) offset(size int) uint32 {
	p := g.o.PacketLen
	switch g.rng.IntN(8) {
	case 0, 1, 2:
		return uint32(max(p-size+g.rng.IntN(7)-3, 0))
	case 3, 4:
		return uint32(g.rng.IntN(24))
	case 5:
		return uint32(g.rng.IntN(p + 8))
	case 6:
		return uint32(g.rng.IntN(1600))
	default:
		if g.o.Semantics == cbpf.Linux {
			// Linux reads offsets from LinkBase up as special areas;
			// below them a negative offset simply fails.
			return pick[uint32](g.rng, 0x7fffffff, 0x80000000, 0xffdfffff, 65535, 65536)
		}
		return pick[uint32](g.rng, 0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff, 65535, 65536)
	}
}

// indexValue is a value for X ahead of an indirect load: small, near the
// packet end, or large enough that X+k wraps.
func (g *generator) indexValue() uint32 {
	switch g.rng.IntN(4) {
	case 0:
		return uint32(g.rng.IntN(24))
	case 1:
		return uint32(max(g.o.PacketLen-g.rng.IntN(8), 0))
	case 2:
		return -uint32(1 + g.rng.IntN(8))
	default:
		return g.constant()
	}
}

func (g *generator) size() int { return pick(g.rng, 1, 2, 4) }

func (g *generator) register() bpf.Register { return pick(g.rng, bpf.RegA, bpf.RegX) }

// load emits one packet, length or immediate load.
func (g *generator) load() {
	switch g.rng.IntN(9) {
	case 0:
		g.emit(bpf.LoadConstant{Dst: g.register(), Val: g.constant()})
	case 1, 2:
		size := g.size()
		g.emit(bpf.LoadAbsolute{Off: g.offset(size), Size: size})
	case 3, 4:
		if g.room() >= 2 && !g.chance(3) {
			g.emit(bpf.LoadConstant{Dst: bpf.RegX, Val: g.indexValue()})
			g.enter()
		}
		size := g.size()
		g.emit(bpf.LoadIndirect{Off: g.offset(size), Size: size})
	case 5:
		g.emit(bpf.LoadExtension{Num: bpf.ExtLen})
	case 6:
		g.emitRaw(ldxLen)
	default:
		g.emit(bpf.LoadMemShift{Off: g.offset(1)})
	}
}

// ldxLen is "ldx len" (BPF_LDX|BPF_W|BPF_LEN), which x/net/bpf cannot
// assemble.
var ldxLen = bpf.RawInstruction{Op: 0x81}

// scratch emits a store, or a load of a cell written on every path here.
func (g *generator) scratch() {
	var cells []uint32
	for c := range uint32(cbpf.ScratchWords) {
		if g.written&(1<<c) != 0 {
			cells = append(cells, c)
		}
	}
	if len(cells) > 0 && g.chance(2) {
		g.emit(bpf.LoadScratch{Dst: g.register(), N: int(pick(g.rng, cells...))})
		return
	}
	n := g.rng.IntN(cbpf.ScratchWords)
	g.emit(bpf.StoreScratch{Src: g.register(), N: n})
	g.written |= 1 << n
}

var aluOps = []bpf.ALUOp{
	bpf.ALUOpAdd, bpf.ALUOpSub, bpf.ALUOpMul, bpf.ALUOpDiv, bpf.ALUOpMod,
	bpf.ALUOpOr, bpf.ALUOpAnd, bpf.ALUOpXor, bpf.ALUOpShiftLeft, bpf.ALUOpShiftRight,
}

// alu emits an arithmetic instruction or neg.
func (g *generator) alu() {
	if g.chance(12) {
		g.emit(bpf.NegateA{})
		return
	}
	op := pick(g.rng, aluOps...)
	if g.chance(2) {
		if (op == bpf.ALUOpDiv || op == bpf.ALUOpMod) && g.room() >= 2 && g.chance(3) {
			g.emit(bpf.LoadConstant{Dst: bpf.RegX, Val: 0})
			g.enter()
		}
		g.emit(bpf.ALUOpX{Op: op})
		return
	}
	var k uint32
	switch op {
	case bpf.ALUOpDiv, bpf.ALUOpMod:
		for k == 0 {
			k = g.constant()
		}
	case bpf.ALUOpShiftLeft, bpf.ALUOpShiftRight:
		k = g.shift()
	default:
		k = g.constant()
	}
	g.emit(bpf.ALUOpConstant{Op: op, Val: k})
}

// shift is a constant shift amount. Linux rejects 32 and more at load;
// libpcap runs them with the amount masked to five bits.
func (g *generator) shift() uint32 {
	if g.o.Semantics == cbpf.Linux {
		return pick[uint32](g.rng, 0, 1, 31, uint32(g.rng.IntN(32)))
	}
	return pick[uint32](g.rng, 0, 1, 31, 32, 33, uint32(g.rng.IntN(64)), 0xffffffff)
}

var jumpTests = []bpf.JumpTest{bpf.JumpEqual, bpf.JumpGreaterThan, bpf.JumpGreaterOrEqual, bpf.JumpBitsSet}

// jump emits ja or a conditional jump with forward targets, favouring the
// next instruction and the final return.
func (g *generator) jump() {
	here := len(g.prog)
	if g.chance(5) {
		skip := g.skip(g.n - 2 - here)
		g.emit(bpf.Jump{Skip: uint32(skip)})
		g.jumpIn[here+1+skip] &= g.written
		return
	}
	limit := min(g.n-2-here, maxCondSkip)
	jt, jf := g.skip(limit), g.skip(limit)
	cond := pick(g.rng, jumpTests...)
	if g.chance(3) {
		g.emit(bpf.JumpIfX{Cond: cond, SkipTrue: uint8(jt), SkipFalse: uint8(jf)})
	} else {
		g.emit(bpf.JumpIf{Cond: cond, Val: g.constant(), SkipTrue: uint8(jt), SkipFalse: uint8(jf)})
	}
	g.jumpIn[here+1+jt] &= g.written
	g.jumpIn[here+1+jf] &= g.written
}

// skip is a jump distance in [0, limit]: 0, limit (the final return when
// the limit is not capped) or anything between.
func (g *generator) skip(limit int) int {
	switch g.rng.IntN(3) {
	case 0:
		return 0
	case 1:
		return limit
	default:
		return g.rng.IntN(limit + 1)
	}
}

func (g *generator) move() {
	if g.chance(2) {
		g.emit(bpf.TAX{})
	} else {
		g.emit(bpf.TXA{})
	}
}

// ancillary emits a load of a Linux ancillary value; the kernel ignores
// the load size for these, so every size appears.
func (g *generator) ancillary() {
	a := pick(g.rng, g.o.Ancillaries...)
	if (a == cbpf.AncNetlinkAttr || a == cbpf.AncNetlinkNested) && g.room() >= 2 && g.chance(2) {
		// A is the offset of the attributes, X the type looked for.
		g.emit(bpf.LoadConstant{Dst: bpf.RegX, Val: uint32(g.rng.IntN(8))})
		g.enter()
	}
	g.emit(bpf.LoadAbsolute{Off: cbpf.AncillaryBase + uint32(a), Size: pick(g.rng, 4, 4, 2, 1)})
}

// headerLoad emits a load relative to the network or link header, either
// absolute or through X; or an indirect load whose X+k is a small negative
// number, which Linux fails like any load outside the packet.
func (g *generator) headerLoad() {
	size := g.size()
	base := pick(g.rng, cbpf.NetworkBase, cbpf.LinkBase)
	// The network area ends where the ancillary one starts.
	k := g.offset(size) % (cbpf.AncillaryBase - cbpf.NetworkBase)
	switch {
	case g.room() < 2 || g.chance(3):
		g.emit(bpf.LoadAbsolute{Off: base + k, Size: size})
	case g.chance(2):
		split := uint32(g.rng.IntN(int(k) + 1))
		g.emit(bpf.LoadConstant{Dst: bpf.RegX, Val: base + k - split})
		g.enter()
		g.emit(bpf.LoadIndirect{Off: split, Size: size})
	default:
		below := uint32(1 + g.rng.IntN(16))
		g.emit(bpf.LoadConstant{Dst: bpf.RegX, Val: -below - k})
		g.enter()
		g.emit(bpf.LoadIndirect{Off: k, Size: size})
	}
}

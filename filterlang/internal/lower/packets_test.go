package lower

import (
	"math/rand/v2"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// FieldPackets lets the tests of the package's external test package
// generate packets to compare programs on.
var FieldPackets = fieldPackets

// fieldPackets returns n packets, the same on every call, to compare
// programs by their verdicts: their bytes come from the constants of the
// programs, and the fields the programs load at constant offsets mostly
// hold a constant that a jump after the load compares them with, so that
// the programs' tests pass as well as fail. whole makes every packet long
// enough to hold every such field.
func fieldPackets(progs []cbpf.Program, n int, whole bool) [][]byte {
	// The fields the programs load at constant offsets, each with the
	// constants the jumps after its load compare it with.
	type field struct{ off, size uint32 }
	tested := map[field][]uint32{}
	var fields []field
	values := []uint32{0, 1, 0x45, 0xff}
	for _, prog := range progs {
		var cur *field
		for _, ins := range prog {
			const classMask, modeMask, sizeMask = 0x07, 0xe0, 0x18
			switch {
			case ins.Op&classMask == cbpf.ClassLD && ins.Op&modeMask == cbpf.ModeABS:
				f := field{ins.K, map[uint16]uint32{0x00: 4, 0x08: 2, 0x10: 1}[ins.Op&sizeMask]}
				if _, ok := tested[f]; !ok {
					fields = append(fields, f)
					tested[f] = nil
				}
				cur = &f
			case ins.Op&classMask == cbpf.ClassLD:
				cur = nil
			case ins.Op&classMask == cbpf.ClassJMP && ins.Op&cbpf.SrcX == 0 && cur != nil:
				tested[*cur] = append(tested[*cur], ins.K)
			}
			values = append(values, ins.K)
		}
	}
	minLen := 0
	if whole {
		for _, f := range fields {
			minLen = max(minLen, int(f.off+f.size))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pkts := make([][]byte, n)
	for i := range pkts {
		pkt := make([]byte, minLen+rng.IntN(256))
		for j := range pkt {
			pkt[j] = byte(values[rng.IntN(len(values))] >> (8 * rng.IntN(4)))
		}
		// Fields overlap ("ld [18]" and "ldb [20]"): or'ing a value into
		// the bytes of another lets both tests pass.
		written := make([]bool, len(pkt))
		for _, f := range fields {
			if f.off+f.size <= uint32(len(pkt)) && len(tested[f]) > 0 && rng.IntN(4) != 0 {
				v := tested[f][rng.IntN(len(tested[f]))]
				for k := f.off; k < f.off+f.size; k++ {
					b := byte(v >> (8 * (f.off + f.size - 1 - k)))
					if written[k] {
						b |= pkt[k]
					}
					pkt[k], written[k] = b, true
				}
			}
		}
		pkts[i] = pkt
	}
	return pkts
}

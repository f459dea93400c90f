// Package opt is the filter compiler's optimiser: libpcap 1.10.3's
// optimiser (optimize.c), pass for pass, so that an optimised program is
// libpcap's instruction for instruction.
//
// [Optimize] copies the block graph [ir.Build] made, numbers the blocks
// as libpcap does (depth first from the root, true edge first) and runs
// two loops of passes, each until a pass changes nothing. A pass first
// analyses the graph as it stands:
//
//   - levels: each block's longest path to a leaf, so that walking the
//     levels down visits every block after its predecessors;
//   - dominators of each block and of each edge;
//   - use-def: which of A, X and the 16 scratch cells each block reads
//     from its predecessors and which its successors read from it.
//
// It then value-numbers every block's statements (equal computations get
// equal numbers; a block's entry values are those its predecessors agree
// on), which finds constants and redundant loads. In the first loop the
// statements are left alone and the pass moves edges: jump threading (an
// edge skips a block whose test a dominating edge already decided, or
// whose two edges meet) and the "or"/"and" pull-ups that bring tests of the
// same value together. In the second loop the pass rewrites statements
// instead: constant folding (with 32-bit wrap-around, so that an offset
// like x+0xfffffffe folds into a valid one, as in libpcap), loads of known
// values removed or made immediate, peephole rewrites, dead stores
// removed, and jumps decided by a known A. After both loops identical
// blocks are merged and a root whose two edges meet is skipped.
//
// The analyses describe the graph at the start of a pass; edges the pass
// moves are not re-analysed until the next one. That is libpcap's
// behaviour, kept because the result depends on it. libpcap also computes
// a transitive closure of the graph that nothing reads; it is left out.
//
// A program whose root ends up returning 0 is [ErrRejectsAll]; constant
// folding that meets a division or modulus by zero or a shift by more
// than 31 fails with libpcap's message. Optimize refuses jumps among a
// block's statements ([ErrUnsupported]): ir.Split first turns the forward
// ones into blocks, ending in [ir.Uncond] where code just goes on, which
// the optimiser treats as learning nothing and reading nothing. libpcap
// does not optimise such programs (geneve, vxlan, 802.11 header lengths)
// except the live vlan test, which it gets wrong; for the former the
// compiler calls [OptimizeKeepingLoads], whose programs keep the verdicts
// of the unoptimised ones on packets cut short.
//
// Removed statements stay in place as nops while optimising and are
// dropped from the graph Optimize returns, which [ir.Emit] lays out as it
// does an unoptimised graph. Blocks whose two edges lead to the same
// block are emitted as conditional jumps with equal offsets, as libpcap
// does.
package opt

// Package ir is the filter compiler's intermediate form, between lowering
// and emission.
//
// Lowering turns a filter into a [Cond]: a tree of [Test]s (straight-line
// statements that load a value into A, then one conditional jump) joined
// by [And], [Or] and [Not]. [Build] turns the tree into a graph of
// [Block]s, each ending in one test whose true and false edges lead to
// other blocks or to one of the two returns (accept with the snapshot
// length, reject with 0): the control-flow translation of a boolean
// expression, where "x and y" tests y only on x's true edge. The graph is
// acyclic and every block is reachable from the entry.
//
// [Emit] lays the blocks out so that every edge goes forward and writes
// the program, inserting "ja" trampolines where a conditional jump's
// target is more than 255 instructions away.
//
// The optimiser works on the graph between Build and Emit.
package ir

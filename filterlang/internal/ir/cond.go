package ir

import "golang.org/x/net/bpf"

// Cond is a condition on a packet: a [Test], [And], [Or], [Not] or [Const].
type Cond interface{ isCond() }

// Test runs Stmts (loads, stores and ALU operations) and then the
// conditional jump Jump (jeq, jgt, jge or jset, on K or X); Jump's Jt and
// Jf are ignored. The test holds when the jump is taken.
//
// A few generators need control flow inside a test, as libpcap's do:
// protochain's loop over IPv6 extension headers, geneve's and the live
// vlan's offset computations. Their Stmts may contain jumps whose offsets
// are relative and stay within the statements (protochain's "ja" goes
// backwards), so they are emitted unchanged wherever the block lands.
// [Split] turns the forward ones into blocks of their own for the
// optimiser.
type Test struct {
	Stmts []bpf.RawInstruction
	Jump  bpf.RawInstruction
}

// And holds when X and Y hold; Y is evaluated only when X holds.
type And struct{ X, Y Cond }

// Or holds when X or Y holds; Y is evaluated only when X does not hold.
type Or struct{ X, Y Cond }

// Not holds when X does not.
type Not struct{ X Cond }

// Const is a condition that always or never holds, without looking at the
// packet.
type Const bool

func (*Test) isCond() {}
func (*And) isCond()  {}
func (*Or) isCond()   {}
func (*Not) isCond()  {}
func (Const) isCond() {}

package lower

import (
	"errors"
	"testing"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// fuzzDLTs are link types whose offsets the generators treat differently.
var fuzzDLTs = []int{dltEN10MB, dltRaw, dltLinuxSLL, dltNull, dltPPP, dltIEEE80211Radio, dltPrismHeader}

// variablePrefix reports whether a link type's header comes after a
// radio header of variable length.
func variablePrefix(dlt int) bool { return dlt == dltIEEE80211Radio || dlt == dltPrismHeader }

// fuzzSizes includes sizes accessors reject.
var fuzzSizes = []uint32{1, 2, 4, 3, 0}

var fuzzArithOps = []int{OpAdd, OpSub, OpMul, OpDiv, OpMod, OpAnd, OpOr, OpXor, OpLsh, OpRsh}

var fuzzRelations = []int{RelEQ, RelGT, RelGE}

// lowerOps runs ops as a little stack machine over the arithmetic and
// encapsulation generators, the way a parser would drive them, and
// returns the condition built, or nil when the ops build none.
func lowerOps(c *Compiler, ops []byte) ir.Cond {
	var vals []*Arth
	var cond ir.Cond
	next := func(i *int) byte {
		*i++
		if *i < len(ops) {
			return ops[*i]
		}
		return 0
	}
	conj := func(b ir.Cond) {
		if cond == nil {
			cond = b
		} else {
			cond = and(cond, b)
		}
	}
	for i := 0; i < len(ops); i++ {
		arg := uint32(next(&i))
		switch ops[i-1] % 12 {
		case 0:
			vals = append(vals, c.Loadi(arg*arg*arg))
		case 1:
			vals = append(vals, c.Loadlen())
		case 2:
			if len(vals) > 0 {
				p := loadProtos[int(arg)%len(loadProtos)].proto
				vals[len(vals)-1] = c.Load(p, vals[len(vals)-1], fuzzSizes[arg%uint32(len(fuzzSizes))])
			}
		case 3:
			if len(vals) > 0 {
				vals[len(vals)-1] = c.Neg(vals[len(vals)-1])
			}
		case 4:
			if n := len(vals); n >= 2 {
				vals = append(vals[:n-2], c.Arith(fuzzArithOps[int(arg)%len(fuzzArithOps)], vals[n-2], vals[n-1]))
			}
		case 5:
			if n := len(vals); n >= 2 {
				conj(c.Relation(fuzzRelations[arg%3], vals[n-2], vals[n-1], arg&4 != 0))
				vals = vals[:n-2]
			}
		case 6:
			conj(c.Vlan(arg*37, arg&1 != 0))
		case 7:
			conj(c.Mpls(arg*9000, arg&1 != 0))
		case 8:
			conj(c.Pppoes(arg*300, arg&1 != 0))
		case 9:
			if arg&1 != 0 {
				conj(c.Geneve(arg<<16, arg&2 != 0))
			} else {
				conj(c.Vxlan(arg<<16, arg&2 != 0))
			}
		case 10:
			conj(c.Less(arg))
		case 11:
			conj(c.Byteop("=<>&|"[arg%5], arg, arg))
		}
	}
	return cond
}

// FuzzLowerArith drives the generators with arbitrary sequences of calls:
// they may fail only with a compile error, and what they build must be a
// program both libpcap and the Linux kernel would load (no jump out of
// range, no scratch register read before it is written).
func FuzzLowerArith(f *testing.F) {
	f.Add(byte(0), false, []byte{0, 3, 0, 4, 2, 1, 0, 2, 5, 0})
	f.Add(byte(0), true, []byte{6, 3, 0, 1, 2, 10, 0, 7, 5, 1})
	f.Add(byte(5), false, []byte{9, 3, 1, 0, 2, 6, 0, 9, 5, 2})
	f.Add(byte(1), false, []byte{7, 1, 0, 0, 0, 3, 4, 3, 5, 4})
	f.Fuzz(func(t *testing.T, dlt byte, live bool, ops []byte) {
		if len(ops) > 200 {
			return
		}
		cfg := Config{DLT: fuzzDLTs[int(dlt)%len(fuzzDLTs)], SnapLen: 65535, Netmask: NetmaskUnknown, Live: live}
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		var cond ir.Cond
		err = c.Run(func() {
			if b := lowerOps(c, ops); b != nil {
				cond = c.Finish(b)
			}
		})
		var ce *Error
		if err != nil && !errors.As(err, &ce) {
			t.Fatalf("error of type %T: %v", err, err)
		}
		if cond == nil {
			return
		}
		prog := ir.Emit(ir.Build(cond, 65535, 0))
		rules := []cbpf.Semantics{cbpf.Libpcap}
		if !variablePrefix(cfg.DLT) && !live {
			// libpcap initialises the offset registers at the start of
			// the program with the registers of the last link layer:
			// after a tunnel behind a radio header, or a pppoes after a
			// live vlan, they are not the ones the earlier tests use,
			// which then read registers nothing wrote, and the kernel
			// refuses the program. The listings keep that.
			rules = append(rules, cbpf.Linux)
		}
		for _, s := range rules {
			if err := prog.Validate(s); err != nil {
				t.Fatalf("%v:\n%s", err, prog.Format(cbpf.Text))
			}
		}
	})
}

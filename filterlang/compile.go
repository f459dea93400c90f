package filterlang

import (
	"errors"
	"fmt"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/lower"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/opt"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/syntax"
	"github.com/gotcpdump/gotcpdump/internal/linktype"
)

// DefaultSnapLen is the snapshot length a program accepts packets with
// when Options.SnapLen is 0: tcpdump's default.
const DefaultSnapLen = 262144

// Compile compiles expr for the link type and target of opts. The program
// it returns passes cbpf.Program.Validate for the target's semantics
// (libpcap's offline, Linux's live).
func Compile(expr string, opts Options) (cbpf.Program, error) {
	fail := func(pos int, msg string) error { return &Error{Expr: expr, Pos: pos, Msg: msg} }
	tree, err := syntax.Parse(expr)
	if err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			return nil, fail(se.Pos, se.Msg)
		}
		return nil, fail(-1, err.Error())
	}
	dlt, ok := linktype.DLT(opts.LinkType)
	if !ok {
		// libpcap takes a link type it has no entry for to be a DLT value
		// already; lowering rejects those it cannot compile for.
		dlt = int(opts.LinkType)
	}
	snap := opts.SnapLen
	if snap == 0 {
		snap = DefaultSnapLen
	}
	c, err := lower.New(lower.Config{
		DLT:     dlt,
		SnapLen: snap,
		Netmask: opts.Netmask,
		Live:    opts.Target == LinuxLive,
		File:    opts.CaptureFile,
		Swapped: opts.SwappedFile,
		Names:   opts.names,
	})
	if err != nil {
		return nil, fail(-1, err.Error())
	}
	var cond ir.Cond = ir.Const(true)
	if tree != nil {
		err = c.Run(func() { cond = c.Finish(lowering{c}.expr(tree)) })
		if err != nil {
			var le *lower.Error
			if errors.As(err, &le) {
				return nil, fail(le.Pos, le.Msg)
			}
			return nil, fail(-1, err.Error())
		}
	}
	entry := ir.Build(cond, snap, 0)
	if !opts.NoOptimize {
		if entry, err = optimise(cond, snap, c.Optimizable()); err != nil {
			return nil, fail(-1, err.Error())
		}
	}
	prog := ir.Emit(entry)
	sem := cbpf.Libpcap
	if opts.Target == LinuxLive {
		sem = cbpf.Linux
	}
	if err := prog.Validate(sem); err != nil {
		return nil, fail(-1, fmt.Sprintf("the program cannot run as a %v filter: %v", sem, err))
	}
	return prog, nil
}

// optimise returns the optimised graph of cond. libpcap does not optimise
// programs with jumps inside a block's statements (protochain, geneve,
// vxlan, 802.11 header lengths; libpcapOptimizes false), except a live
// vlan's, which its optimiser then gets wrong. ir.Split turns the forward
// ones into blocks, so that all of those but protochain's loop are
// optimised, correctly. Where libpcap would not optimise, it reports none
// of the optimiser's errors either: the program is then the unoptimised
// one, or "ret #0" when the optimiser proves that no packet matches.
func optimise(cond ir.Cond, snap uint32, libpcapOptimizes bool) (*ir.Block, error) {
	entry := ir.Build(cond, snap, 0)
	if !ir.Split(entry) {
		return ir.Build(cond, snap, 0), nil // protochain's loop jumps backwards
	}
	optimize := opt.Optimize
	if !libpcapOptimizes {
		optimize = opt.OptimizeKeepingLoads // its verdicts on cut packets are libpcap's
	}
	optimised, err := optimize(entry)
	switch {
	case err == nil:
		return optimised, nil
	case errors.Is(err, opt.ErrUnsupported):
		return ir.Build(cond, snap, 0), nil
	case libpcapOptimizes:
		return nil, err
	case errors.Is(err, opt.ErrRejectsAll):
		return ir.Build(ir.Const(false), snap, 0), nil
	}
	return ir.Build(cond, snap, 0), nil
}

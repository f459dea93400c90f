package translate

import (
	"fmt"
	"strconv"

	"github.com/cilium/ebpf/asm"
	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// Program translates the classic program p into eBPF for opts.Target,
// preserving the meaning p has under opts.Semantics. p must pass
// p.Validate(opts.Semantics). Errors are a *Error naming the instruction
// the target cannot express, a *cbpf.ValidationError, or ErrOptions.
func Program(p cbpf.Program, opts Options) (asm.Instructions, error) {
	if err := opts.check(); err != nil {
		return nil, fmt.Errorf("translate: %w", err)
	}
	if err := p.Validate(opts.Semantics); err != nil {
		return nil, fmt.Errorf("translate: %w", err)
	}
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	g := &gen{p: p, o: opts, r: registerMap(opts.Target), v: opts.verdicts(), alias: map[string]string{}}
	pl := g.analyse()
	if pl.backward >= 0 && opts.Target != InProcess {
		return nil, &Error{Target: opts.Target, Index: pl.backward, Instruction: p[pl.backward],
			Detail: "the verifier needs loops it can bound", Err: ErrBackwardJump}
	}
	for _, b := range pl.blocks {
		for i := b.start; i <= b.end; i++ {
			if err := g.checkInstruction(i); err != nil {
				return nil, err
			}
		}
	}
	g.prologue(pl)
	for n, b := range pl.blocks {
		next := -1
		if n+1 < len(pl.blocks) {
			next = pl.blocks[n+1].start
		}
		g.block(b, next)
	}
	g.tails()
	return g.finish()
}

// gen is the state of one translation.
type gen struct {
	p cbpf.Program
	o Options
	r registers
	v *Verdicts // nil: return the cBPF result

	out     asm.Instructions
	sym     string            // symbol for the next instruction emitted
	alias   map[string]string // symbols that landed on an instruction already named
	fails   bool              // some instruction jumps to the fail tail
	nlabels int
}

func (g *gen) label(name string) string { return g.o.Prefix + "." + name }

func (g *gen) blockLabel(i int) string { return g.label("L" + strconv.Itoa(i)) }

// fresh returns a new internal label.
func (g *gen) fresh(name string) string {
	g.nlabels++
	return g.label(name + strconv.Itoa(g.nlabels))
}

// failLabel is where a failed load or a division by zero goes: the
// program returns 0 (or the reject verdict).
func (g *gen) failLabel() string {
	g.fails = true
	return g.label("fail")
}

// mark names the next instruction emitted.
func (g *gen) mark(sym string) {
	if g.sym != "" {
		g.alias[sym] = g.sym
		return
	}
	g.sym = sym
}

func (g *gen) emit(insns ...asm.Instruction) {
	for _, ins := range insns {
		if g.sym != "" {
			ins = ins.WithSymbol(g.sym)
			g.sym = ""
		}
		g.out = append(g.out, ins)
	}
}

// exit ends the program (or the spliced Function) with r0.
func (g *gen) exit() {
	if g.o.ExitLabel != "" {
		g.emit(asm.Ja.Label(g.o.ExitLabel))
		return
	}
	g.emit(asm.Return())
}

// prologue sets up the registers and zeroes what may be read unwritten.
func (g *gen) prologue(pl *plan) {
	g.mark(g.o.Prefix)
	r := g.r
	packet := false
	for _, b := range pl.blocks {
		for i := b.start; i <= b.end && !packet; i++ {
			ins := g.p[i]
			kind, _ := g.absolute(ins.Op, ins.K)
			packet = isAbsolute(ins.Op) && kind == absPacket ||
				opClass(ins.Op) == cbpf.ClassLD && opMode(ins.Op) == cbpf.ModeIND
		}
	}
	switch g.o.Target {
	case SocketFilter:
		g.emit(asm.Mov.Reg(r.ctx, asm.R1))
	case XDP:
		g.emit(asm.Mov.Reg(r.ctx, asm.R1))
		if packet {
			g.emit(asm.LoadMem(r.data, r.ctx, xdpData, asm.Word), asm.LoadMem(r.end, r.ctx, xdpDataEnd, asm.Word))
		}
	case SchedCLS:
		g.emit(asm.Mov.Reg(r.ctx, asm.R1))
		if packet {
			g.linearise()
			g.emit(asm.LoadMem(r.data, r.ctx, skbData, asm.Word), asm.LoadMem(r.end, r.ctx, skbDataEnd, asm.Word))
		}
	case InProcess:
		if pl.backward >= 0 {
			g.emit(asm.Mov.Imm(r.count, loopBudget))
		}
	}
	for _, c := range cellList(pl.zero) {
		switch c {
		case cellA:
			g.emit(asm.Mov.Imm32(r.a, 0))
		case cellX:
			g.emit(asm.Mov.Imm32(r.x, 0))
		default:
			g.emit(asm.StoreImm(asm.RFP, int16(scratchOffset+4*c), 0, asm.Word))
		}
	}
}

// linearise pulls a non-linear skb's data into its head, so that direct
// access sees the whole packet as classic BPF's loads do.
func (g *gen) linearise() {
	linear, pull := g.fresh("linear"), g.fresh("pull")
	g.emit(
		asm.LoadMem(asm.R2, g.r.ctx, skbLen, asm.Word),
		asm.LoadMem(asm.R1, g.r.ctx, skbData, asm.Word),
		asm.LoadMem(asm.R3, g.r.ctx, skbDataEnd, asm.Word),
		asm.JGT.Imm(asm.R2, maxPacketOff, pull),
		asm.Add.Reg(asm.R1, asm.R2),
		asm.JLE.Reg(asm.R1, asm.R3, linear),
	)
	g.mark(pull)
	g.emit(asm.Mov.Reg(asm.R1, g.r.ctx), asm.Mov.Imm(asm.R2, 0), asm.FnSkbPullData.Call())
	g.mark(linear)
}

// block emits one basic block; next is the start of the block emitted
// after it, or -1.
func (g *gen) block(b *block, next int) {
	g.mark(g.blockLabel(b.start))
	if b.need > b.checked {
		// One check for every constant-offset read of the block: if
		// any of them is out of bounds the block fails, whichever
		// comes first.
		g.emit(
			asm.Mov.Reg(g.r.tmp, g.r.data),
			asm.Add.Imm(g.r.tmp, int32(b.need)),
			asm.JGT.Reg(g.r.tmp, g.r.end, g.failLabel()),
		)
	}
	for i := b.start; i <= b.end; i++ {
		if g.alwaysFails(i) {
			g.emit(asm.Ja.Label(g.failLabel()))
			return
		}
		g.instruction(i, next)
	}
	if last := g.p[b.end].Op; opClass(last) != cbpf.ClassJMP && opClass(last) != cbpf.ClassRET {
		g.goTo(b.succ[0], next)
	}
}

// goTo continues at instruction t.
func (g *gen) goTo(t, next int) {
	if t != next {
		g.emit(asm.Ja.Label(g.blockLabel(t)))
	}
}

// instruction emits instruction i; next is as for block.
func (g *gen) instruction(i, next int) {
	ins := g.p[i]
	r := g.r
	switch opClass(ins.Op) {
	case cbpf.ClassLD:
		switch opMode(ins.Op) {
		case cbpf.ModeIMM:
			g.emit(asm.Mov.Imm32(r.a, int32(ins.K)))
		case cbpf.ModeMEM:
			g.emit(asm.LoadMem(r.a, asm.RFP, scratchSlot(ins.K), asm.Word))
		case cbpf.ModeLEN:
			g.loadLength(r.a)
		case cbpf.ModeABS:
			g.loadAbsolute(i)
		case cbpf.ModeIND:
			g.loadIndirect(i)
		}
	case cbpf.ClassLDX:
		switch opMode(ins.Op) {
		case cbpf.ModeIMM:
			g.emit(asm.Mov.Imm32(r.x, int32(ins.K)))
		case cbpf.ModeMEM:
			g.emit(asm.LoadMem(r.x, asm.RFP, scratchSlot(ins.K), asm.Word))
		case cbpf.ModeLEN:
			g.loadLength(r.x)
		case cbpf.ModeMSH:
			g.loadMSH(i)
		}
	case cbpf.ClassST:
		g.emit(asm.StoreMem(asm.RFP, scratchSlot(ins.K), r.a, asm.Word))
	case cbpf.ClassSTX:
		g.emit(asm.StoreMem(asm.RFP, scratchSlot(ins.K), r.x, asm.Word))
	case cbpf.ClassALU:
		g.alu(ins.Op, ins.K)
	case cbpf.ClassJMP:
		g.jump(i, next)
	case cbpf.ClassRET:
		g.ret(ins)
	case cbpf.ClassMISC:
		if ins.Op == cbpf.ClassMISC|cbpf.MiscTAX {
			g.emit(asm.Mov.Reg(r.x, r.a))
		} else {
			g.emit(asm.Mov.Reg(r.a, r.x))
		}
	}
}

func scratchSlot(k uint32) int16 { return int16(scratchOffset + 4*int(k)) }

// alu emits an ALU instruction as the 32-bit eBPF operation with the same
// encoding, which also zero-extends A.
func (g *gen) alu(op uint16, k uint32) {
	a, x := g.r.a, g.r.x
	aop := asm.ALUOp(op & 0xf0)
	if op&cbpf.SrcX == 0 {
		switch aop {
		case asm.Neg:
			g.emit(asm.Neg.Imm32(a, 0))
		case asm.Add, asm.Sub, asm.Or, asm.Xor, asm.LSh, asm.RSh:
			if aop == asm.LSh || aop == asm.RSh {
				// libpcap built for amd64 and arm64 uses the low five
				// bits; Linux refuses 32 and above at load time.
				k &= 31
			}
			if k != 0 {
				g.emit(aop.Imm32(a, int32(k)))
			}
		default:
			g.emit(aop.Imm32(a, int32(k)))
		}
		return
	}
	switch aop {
	case asm.Div, asm.Mod:
		// Division by zero ends the program with 0.
		g.emit(asm.JEq.Imm(x, 0, g.failLabel()))
	case asm.LSh, asm.RSh:
		if g.o.Semantics == cbpf.Libpcap {
			// libpcap checks the range: 32 or more gives 0. eBPF
			// masks the count like Linux does.
			g.emit(skip(asm.JLT.Imm(x, 32, ""), 1), asm.Mov.Imm32(a, 0))
		}
	}
	g.emit(aop.Reg32(a, x))
}

// skip sets a jump to go over the next n instructions.
func skip(jump asm.Instruction, n int16) asm.Instruction {
	jump = jump.WithReference("")
	jump.Offset = n
	return jump
}

// jump emits the jump at the end of a block: a 32-bit compare of A with
// k or X (JMP32, so the constant is not sign-extended), the true edge
// taken, the false edge jumped to unless it is the next block.
func (g *gen) jump(i, next int) {
	ins := g.p[i]
	if ins.Op == cbpf.ClassJMP|cbpf.JumpA {
		t := g.resolve(g.jaTarget(i))
		if t <= i {
			// InProcess only: spend the loop budget.
			g.emit(asm.Add.Imm(g.r.count, -1), asm.JEq.Imm(g.r.count, 0, g.failLabel()))
		}
		g.goTo(t, next)
		return
	}
	jt, jf := g.resolve(i+1+int(ins.Jt)), g.resolve(i+1+int(ins.Jf))
	if jt == jf {
		g.goTo(jt, next)
		return
	}
	op := asm.JumpOp(ins.Op & 0xf0)
	if jt == next && op != asm.JSet {
		op, jt, jf = inverse[op], jf, jt
	}
	if ins.Op&cbpf.SrcX != 0 {
		g.emit(op.Reg32(g.r.a, g.r.x, g.blockLabel(jt)))
	} else {
		g.emit(op.Imm32(g.r.a, int32(ins.K), g.blockLabel(jt)))
	}
	g.goTo(jf, next)
}

// inverse maps a comparison to its negation.
var inverse = map[asm.JumpOp]asm.JumpOp{
	asm.JEq: asm.JNE,
	asm.JGT: asm.JLE,
	asm.JGE: asm.JLT,
}

// ret emits a return: the cBPF value, or the verdict it stands for.
func (g *gen) ret(ins bpf.RawInstruction) {
	switch {
	case ins.Op == cbpf.ClassRET|cbpf.RetA && g.v == nil:
	case ins.Op == cbpf.ClassRET|cbpf.RetA:
		g.emit(asm.JEq.Imm32(g.r.a, 0, g.failLabel()), asm.Mov.Imm32(asm.R0, g.v.Accept))
	case g.v == nil:
		g.emit(asm.Mov.Imm32(asm.R0, int32(ins.K)))
	case ins.K != 0:
		g.emit(asm.Mov.Imm32(asm.R0, g.v.Accept))
	default:
		g.emit(asm.Mov.Imm32(asm.R0, g.v.Reject))
	}
	g.exit()
}

// tails emits the shared fail tail when something jumps to it.
func (g *gen) tails() {
	if !g.fails {
		return
	}
	g.mark(g.label("fail"))
	reject := int32(0)
	if g.v != nil {
		reject = g.v.Reject
	}
	g.emit(asm.Mov.Imm32(asm.R0, reject))
	g.exit()
}

// finish resolves label aliases, drops symbols nothing refers to and
// checks that every jump fits eBPF's 16-bit offsets.
func (g *gen) finish() (asm.Instructions, error) {
	resolve := func(s string) string {
		for {
			t, ok := g.alias[s]
			if !ok {
				return s
			}
			s = t
		}
	}
	used := map[string]bool{g.o.Prefix: true}
	for i, ins := range g.out {
		if ref := ins.Reference(); ref != "" {
			ref = resolve(ref)
			g.out[i] = ins.WithReference(ref)
			used[ref] = true
		}
	}
	offsets := map[string]int{}
	for i, ins := range g.out {
		if s := ins.Symbol(); s != "" {
			if !used[s] {
				g.out[i] = ins.WithSymbol("")
				continue
			}
			offsets[s] = i
		}
	}
	for i, ins := range g.out {
		to, ok := offsets[ins.Reference()]
		if ok && ins.OpCode.Class().IsJump() && (to-i-1 > 1<<15-1 || to-i-1 < -1<<15) {
			return nil, &Error{Target: g.o.Target, Index: -1, Detail: fmt.Sprintf("a jump over %d instructions", to-i-1), Err: ErrTooLarge}
		}
	}
	return g.out, nil
}

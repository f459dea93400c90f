package cbpf

// target is where a step continues: its successor, or, when the successor
// is "ret #k", the constant result itself, saving a call at the end of
// nearly every run.
type target struct {
	next  step
	ret   uint32
	isRet bool
}

// targetAt is the target for continuing at instruction i of p.
func targetAt(p Program, steps []step, i int) target {
	if p[i].Op == ClassRET|RetK {
		return target{ret: p[i].K, isRet: true}
	}
	return target{next: steps[i]}
}

func (t target) run(pkt []byte, wl, a, x uint32, f *frame) uint32 {
	if t.isRet {
		return t.ret
	}
	return t.next(pkt, wl, a, x, f)
}

// jumpX is a conditional jump comparing A with X.
func jumpX(op uint16, jt, jf target) step {
	return func(pkt []byte, wl, a, x uint32, f *frame) uint32 {
		if jump(op, a, x) {
			return jt.run(pkt, wl, a, x, f)
		}
		return jf.run(pkt, wl, a, x, f)
	}
}

package printer

import "time"

// stamp is a time stamp at the printer's precision: frac counts
// microseconds, or nanoseconds with Options.Nano.
type stamp struct {
	sec  int64
	frac int64
}

func (s stamp) isSet() bool { return s.sec != 0 || s.frac != 0 }

func (s stamp) before(t stamp) bool {
	return s.sec < t.sec || (s.sec == t.sec && s.frac < t.frac)
}

func (p *Printer) fracUnits() int64 {
	if p.opts.Nano {
		return 1e9
	}
	return 1e6
}

// sub returns a-b for a >= b, borrowing from the seconds.
func (p *Printer) sub(a, b stamp) stamp {
	d := stamp{a.sec - b.sec, a.frac - b.frac}
	if d.frac < 0 {
		d.sec--
		d.frac += p.fracUnits()
	}
	return d
}

// timestamp prints the time stamp that starts each line, like tcpdump's
// ts_print.
func (p *Printer) timestamp(t time.Time) {
	now := stamp{sec: t.Unix(), frac: int64(t.Nanosecond())}
	if !p.opts.Nano {
		now.frac /= 1000
	}
	switch p.opts.Timestamp {
	case TimestampNone:
		return
	case TimestampUnix:
		if p.badTime(now.sec) {
			break
		}
		p.uint(uint64(now.sec))
		p.fraction(now.frac)
	case TimestampDelta, TimestampSinceFirst:
		if !p.tsRef.isSet() {
			p.tsRef = now
		}
		if now.before(p.tsRef) {
			p.byte('-')
			p.clock(p.sub(p.tsRef, now), time.UTC, false)
		} else {
			p.byte(' ')
			p.clock(p.sub(now, p.tsRef), time.UTC, false)
		}
		if p.opts.Timestamp == TimestampDelta {
			p.tsRef = now
		}
	case TimestampDate:
		p.clock(now, p.loc, true)
	default:
		p.clock(now, p.loc, false)
	}
	p.byte(' ')
}

// badTime prints tcpdump's complaint for times it cannot convert: those
// that do not fit in 31 bits.
func (p *Printer) badTime(sec int64) bool {
	if uint32(sec)&0x80000000 != 0 || sec < 0 || sec > 0xffffffff {
		p.str("[Error converting time]")
		return true
	}
	return false
}

// clock prints "[2006-01-02 ]15:04:05.frac" for s in loc.
func (p *Printer) clock(s stamp, loc *time.Location, withDate bool) {
	if p.badTime(s.sec) {
		return
	}
	t := time.Unix(s.sec, 0).In(loc)
	if withDate {
		y, m, d := t.Date()
		p.pad(uint64(y), 4)
		p.byte('-')
		p.pad(uint64(m), 2)
		p.byte('-')
		p.pad(uint64(d), 2)
		p.byte(' ')
	}
	h, m, sec := t.Clock()
	p.pad(uint64(h), 2)
	p.byte(':')
	p.pad(uint64(m), 2)
	p.byte(':')
	p.pad(uint64(sec), 2)
	p.fraction(s.frac)
}

func (p *Printer) fraction(frac int64) {
	p.byte('.')
	if p.opts.Nano {
		p.pad(uint64(frac), 9)
	} else {
		p.pad(uint64(frac), 6)
	}
}

package capture

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"time"
)

// TSResolution is a timestamp resolution in pcapng's if_tsresol encoding:
// with the top bit clear, units of 10^-n seconds; with it set, units of
// 2^-n seconds, where n is the low seven bits.
type TSResolution uint8

// Common resolutions.
const (
	Microseconds TSResolution = 6
	Nanoseconds  TSResolution = 9
)

// errResolution reports a resolution too fine for 64-bit tick counts.
var errResolution = errors.New("timestamp resolution too fine")

// TicksPerSecond returns the number of timestamp units in a second, or an
// error when it does not fit in 64 bits (more than 10^19 or 2^63), which
// libpcap refuses too.
func (r TSResolution) TicksPerSecond() (uint64, error) {
	n := uint64(r & 0x7f)
	if r&0x80 != 0 {
		if n > 63 {
			return 0, fmt.Errorf("2^-%d: %w", n, errResolution)
		}
		return 1 << n, nil
	}
	if n > 19 {
		return 0, fmt.Errorf("10^-%d: %w", n, errResolution)
	}
	tps := uint64(1)
	for range n {
		tps *= 10
	}
	return tps, nil
}

// String returns the resolution as a unit, such as "10^-9 s" or "2^-20 s".
func (r TSResolution) String() string { return r.exponent() + " s" }

// exponent returns the resolution as a power, "10^-9" or "2^-20".
func (r TSResolution) exponent() string {
	if r&0x80 != 0 {
		return fmt.Sprintf("2^-%d", r&0x7f)
	}
	return fmt.Sprintf("10^-%d", r)
}

// finerThanMicroseconds reports whether a resolution of tps ticks per second
// cannot be shown in microseconds without losing digits.
func finerThanMicroseconds(tps uint64) bool { return tps > 1e6 }

// clock converts an interface's pcapng timestamps to times.
type clock struct {
	ticksPerSecond uint64
	nsPerTick      uint64 // 0 unless a tick is a whole number of nanoseconds
	offset         int64  // if_tsoffset, seconds
}

// newClock returns the clock for a valid resolution and offset.
func newClock(res TSResolution, offset int64) clock {
	tps, _ := res.TicksPerSecond()
	c := clock{ticksPerSecond: tps, offset: offset}
	if 1e9%tps == 0 {
		c.nsPerTick = 1e9 / tps
	}
	return c
}

// time converts a tick count. The fraction is truncated to the nanosecond
// (exactly, where libpcap's 64-bit product would overflow); the seconds wrap
// in 64 bits as in libpcap.
func (c *clock) time(ticks uint64) time.Time {
	sec := ticks/c.ticksPerSecond + uint64(c.offset)
	frac := ticks % c.ticksPerSecond
	var ns uint64
	if c.nsPerTick != 0 {
		ns = frac * c.nsPerTick
	} else {
		// frac < tps, so frac*1e9/tps < 1e9: the quotient fits.
		hi, lo := bits.Mul64(frac, 1e9)
		ns, _ = bits.Div64(hi, lo, c.ticksPerSecond)
	}
	return time.Unix(int64(sec), int64(ns)).UTC()
}

// timeToTicks converts t to a pcapng tick count at tps ticks per second,
// with offset seconds subtracted. The fraction is truncated, except that a
// tick which reads back as the same nanosecond is preferred to an earlier
// one, so that times read from a file are written back unchanged.
func timeToTicks(t time.Time, tps uint64, offset int64) (uint64, error) {
	sec := t.Unix()
	if (offset > 0 && sec < math.MinInt64+offset) || (offset < 0 && sec > math.MaxInt64+offset) {
		return 0, fmt.Errorf("%v with offset %d s: %w", t, offset, ErrTimeRange)
	}
	sec -= offset
	if sec < 0 {
		return 0, fmt.Errorf("%v before the interface's epoch: %w", t, ErrTimeRange)
	}
	hi, whole := bits.Mul64(uint64(sec), tps)
	if hi != 0 {
		return 0, fmt.Errorf("%v at %d ticks per second: %w", t, tps, ErrTimeRange)
	}
	ns := uint64(t.Nanosecond())
	fhi, flo := bits.Mul64(ns, tps)
	frac, rem := bits.Div64(fhi, flo, 1e9)
	if rem != 0 {
		// frac+1 <= tps, so the product fits in 128 bits.
		nhi, nlo := bits.Mul64(frac+1, 1e9)
		if back, _ := bits.Div64(nhi, nlo, tps); back == ns {
			frac++
		}
	}
	ticks, carry := bits.Add64(whole, frac, 0)
	if carry != 0 {
		return 0, fmt.Errorf("%v at %d ticks per second: %w", t, tps, ErrTimeRange)
	}
	return ticks, nil
}

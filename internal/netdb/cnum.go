package netdb

import "math"

// The C library reads numbers in these files and strings with strtoul,
// strtol (through scanf), inet_network and inet_aton. Their corner cases
// (signs, overflow, truncation to int) decide what libpcap resolves, so
// they are reproduced here for the C locale and 64-bit longs.

// isSpace is C's isspace in the C locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// digitValue returns the value of c as a digit in bases up to 16, or 16
// when it is none.
func digitValue(c byte) uint64 {
	switch {
	case '0' <= c && c <= '9':
		return uint64(c - '0')
	case 'a' <= c && c <= 'f':
		return uint64(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return uint64(c-'A') + 10
	}
	return 16
}

// cNumber is what strtoul and strtol see in a string: the sign, the
// magnitude (saturated at math.MaxUint64) and where the digits end.
type cNumber struct {
	negative bool
	value    uint64
	overflow bool
	rest     string // what follows the digits
}

// scanC reads an optionally signed number after leading spaces, as
// strtoul and strtol do. Base 16 takes an optional "0x"; base 0 is hex
// after "0x", octal after "0", else decimal. ok is false when there is no
// digit.
func scanC(s string, base uint64) (n cNumber, ok bool) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		n.negative = s[i] == '-'
		i++
	}
	hexPrefix := i+2 < len(s) && s[i] == '0' && s[i+1]|0x20 == 'x' && digitValue(s[i+2]) < 16
	switch {
	case (base == 0 || base == 16) && hexPrefix:
		base, i = 16, i+2
	case base == 0 && i < len(s) && s[i] == '0':
		base = 8
	case base == 0:
		base = 10
	}
	start := i
	for ; i < len(s); i++ {
		d := digitValue(s[i])
		if d >= base {
			break
		}
		if n.value > (math.MaxUint64-d)/base {
			n.overflow = true
			continue
		}
		n.value = n.value*base + d
	}
	if i == start {
		return cNumber{}, false
	}
	if n.overflow {
		n.value = math.MaxUint64
	}
	n.rest = s[i:]
	return n, true
}

// strtoul is C's strtoul: a negative number wraps, overflow saturates.
func strtoul(s string, base uint64) (v uint64, rest string, ok bool) {
	n, ok := scanC(s, base)
	if !ok {
		return 0, s, false
	}
	v = n.value
	if n.negative && !n.overflow {
		v = -v
	}
	return v, n.rest, true
}

// strtou32 is how glibc's files backend reads a number: strtoul, with
// values above 32 bits (negative ones included, which wrap) rejecting the
// line.
func strtou32(s string, base uint64) (v uint32, rest string, ok bool) {
	u, rest, ok := strtoul(s, base)
	if !ok || u > math.MaxUint32 {
		return 0, s, false
	}
	return uint32(u), rest, true
}

// scanfInt is scanf's "%d": strtol's value, saturated to 64 bits and then
// truncated to a 32-bit int.
func scanfInt(s string) (v int32, rest string, ok bool) {
	n, ok := scanC(s, 10)
	if !ok {
		return 0, s, false
	}
	var l int64
	switch {
	case n.negative && n.value >= 1<<63:
		l = math.MinInt64
	case n.negative:
		l = -int64(n.value)
	case n.value > math.MaxInt64:
		l = math.MaxInt64
	default:
		l = int64(n.value)
	}
	return int32(l), n.rest, true
}

// inetNetwork is glibc's inet_network: up to four dot-separated parts in
// decimal, octal (leading 0) or hex (leading 0x), each at most 255, packed
// into the low bytes; 0xffffffff when malformed. Digits accumulate in 32
// bits, wrapping, as in C.
func inetNetwork(s string) uint32 {
	const none = math.MaxUint32
	var parts []uint32
	for {
		var val, base uint32 = 0, 10
		digit := false
		if len(s) > 0 && s[0] == '0' {
			digit, base, s = true, 8, s[1:]
		}
		if len(s) > 0 && s[0]|0x20 == 'x' {
			digit, base, s = false, 16, s[1:]
		}
		for len(s) > 0 {
			d := uint32(digitValue(s[0]))
			if d >= 10 && base != 16 || d >= 16 {
				break
			}
			if base == 8 && d >= 8 {
				return none
			}
			val = val*base + d
			s, digit = s[1:], true
		}
		if !digit || len(parts) >= 4 || val > 0xff {
			return none
		}
		if len(s) > 0 && s[0] == '.' {
			parts, s = append(parts, val), s[1:]
			continue
		}
		for len(s) > 0 && isSpace(s[0]) {
			s = s[1:]
		}
		if s != "" {
			return none
		}
		parts = append(parts, val)
		break
	}
	var v uint32
	for _, p := range parts {
		v = v<<8 | p
	}
	return v
}

// inetAtonExact is glibc's __inet_aton_exact, the numeric IPv4 forms
// getaddrinfo accepts: "a.b.c.d", "a.b.c" (c 16 bits), "a.b" (b 24 bits)
// and "a" (32 bits), each part decimal, octal or hex, nothing after.
func inetAtonExact(s string) (uint32, bool) {
	var v uint32
	for shift := 24; ; shift -= 8 {
		if s == "" || s[0] < '0' || s[0] > '9' {
			return 0, false
		}
		part, rest, _ := strtoul(s, 0)
		s = rest
		if s == "" {
			// The last part fills the bytes that are left.
			if part > math.MaxUint32>>(24-shift) {
				return 0, false
			}
			return v | uint32(part), true
		}
		if s[0] != '.' || shift == 0 || part > 0xff {
			return 0, false
		}
		v |= uint32(part) << shift
		s = s[1:]
	}
}

package netdb

import "strings"

// eachLine calls f with every line of a netdb file that glibc's files
// backend would parse: cut at NUL, at '#' and at the end of the line, with
// leading spaces removed, and not empty.
func eachLine(data []byte, f func(line string)) {
	for line := range strings.Lines(string(data)) {
		line, _, _ = strings.Cut(line, "\x00")
		line, _, _ = strings.Cut(line, "#")
		line = strings.TrimRight(strings.TrimLeft(line, " \t\n\v\f\r"), "\n")
		if line != "" {
			f(line)
		}
	}
}

// lineCursor reads the fields of a line as glibc's STRING_FIELD and
// INT_FIELD macros do.
type lineCursor struct{ s string }

// word returns the text up to the next character for which isEnd is
// true, and moves past that character (and, if swallow, the run of them).
func (c *lineCursor) word(isEnd func(byte) bool, swallow bool) string {
	i := 0
	for i < len(c.s) && !isEnd(c.s[i]) {
		i++
	}
	w := c.s[:i]
	c.s = c.s[i:]
	c.skipTerminator(isEnd, swallow)
	return w
}

func (c *lineCursor) skipTerminator(isEnd func(byte) bool, swallow bool) {
	if c.s == "" {
		return
	}
	c.s = c.s[1:]
	for swallow && c.s != "" && isEnd(c.s[0]) {
		c.s = c.s[1:]
	}
}

// number reads a number with strtou32 in the given base; ok is false when
// there is none or when it is followed by something other than the end of
// the line or a terminator.
func (c *lineCursor) number(isEnd func(byte) bool, swallow bool, base uint64) (v uint32, ok bool) {
	v, rest, ok := strtou32(c.s, base)
	if !ok || rest != "" && !isEnd(rest[0]) {
		return 0, false
	}
	c.s = rest
	c.skipTerminator(isEnd, swallow)
	return v, true
}

// aliases returns the space-separated words left on the line.
func (c *lineCursor) aliases() []string {
	return strings.FieldsFunc(c.s, func(r rune) bool { return r < 0x80 && isSpace(byte(r)) })
}

func isSlash(c byte) bool { return c == '/' }
func isColon(c byte) bool { return c == ':' }

// equalFoldASCII reports whether a and b are equal ignoring the case of
// ASCII letters, like strcasecmp in the C locale.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

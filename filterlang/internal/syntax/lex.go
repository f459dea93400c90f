package syntax

import (
	"fmt"
	"net/netip"
	"strings"
)

// The scanner reproduces libpcap's flex scanner: at each position every
// rule is tried, the longest match wins, and a tie goes to the rule that
// comes first in scanner.l. The rules, in that order, are ranked below.
const (
	rankKeyword  = iota // keywords, "&&", "||"
	rankPunct           // one- and two-character operators
	rankAID             // $ARCnet
	rankMAC             // Ethernet address
	rankNum             // number
	rankHID             // dotted IPv4
	rankHID6            // IPv6
	rankBadMAC          // colon-separated bytes that are no address: an error
	rankNamedNum        // tcp-syn, icmp-echo, ...
	rankID              // name
	rankEscID           // \name
	rankAny             // any other character: an error
)

// lex splits expr into tokens, ending with tokEOF. It never fails: a
// token the scanner rejects carries its message in token.err, reported
// when the parser reaches it, as libpcap reports scanner errors only for
// tokens its parser asked for.
func lex(expr string) []token {
	var toks []token
	for i := 0; ; {
		for i < len(expr) && isSpace(expr[i]) {
			i++
		}
		if i == len(expr) {
			return append(toks, token{kind: tokEOF, pos: i})
		}
		t := scanOne(expr, i)
		toks = append(toks, t.token)
		i += t.size
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// match is one rule's longest match at a position.
type match struct {
	n    int // length, 0 for none
	rank int
}

// scanned is a token and the number of bytes it used.
type scanned struct {
	token
	size int
}

func scanOne(s string, i int) scanned {
	rest := s[i:]
	best := match{n: 1, rank: rankAny}
	try := func(n, rank int) {
		if n > best.n || (n == best.n && n > 0 && rank < best.rank) {
			best = match{n, rank}
		}
	}
	try(longestIn(rest, func(w string) bool { _, ok := keywords[w]; return ok }), rankKeyword)
	try(punctLen(rest), rankPunct)
	try(aidLen(rest), rankAID)
	try(macLen(rest), rankMAC)
	try(numLen(rest), rankNum)
	try(hidLen(rest), rankHID)
	try(v6Len(rest), rankHID6)
	try(badMACLen(rest), rankBadMAC)
	try(longestIn(rest, func(w string) bool { _, ok := namedNumbers[w]; return ok }), rankNamedNum)
	try(idLen(rest), rankID)
	try(escIDLen(rest), rankEscID)

	text := rest[:best.n]
	t := token{pos: i, text: text}
	switch best.rank {
	case rankKeyword:
		kw := keywords[text]
		t.kind, t.sub = kw.kind, kw.sub
	case rankPunct:
		t.kind = punct[text]
	case rankAID:
		t.kind, t.text = tokAID, text[1:]
	case rankMAC:
		t.kind = tokEID
	case rankNum:
		t.kind = tokNum
		t.num, t.err = parseNumber(text)
	case rankHID:
		t.kind = tokHID
	case rankHID6:
		t.kind = tokHID6
		if a, err := netip.ParseAddr(text); err != nil || !a.Is6() {
			t.err = "invalid IPv6 address " + text
		}
	case rankBadMAC:
		t.kind, t.err = tokEID, "invalid Ethernet address "+text
	case rankNamedNum:
		t.kind, t.num = tokNum, namedNumbers[text]
	case rankID:
		t.kind = tokID
	case rankEscID:
		t.kind, t.text, t.escaped = tokID, text[1:], true
	default:
		t.kind, t.err = tokError, "syntax error"
	}
	return scanned{t, best.n}
}

var punct = map[string]tokKind{
	"+": tokPlus, "-": tokMinus, "*": tokStar, "/": tokSlash, "%": tokPercent,
	":": tokColon, "[": tokLBracket, "]": tokRBracket, "!": tokNot,
	"<": tokLT, ">": tokGT, "(": tokLParen, ")": tokRParen, "&": tokAmp,
	"|": tokPipe, "^": tokCaret, "=": tokEq,
	">=": tokGE, "<=": tokLE, "!=": tokNE, "==": tokEq, "<<": tokLsh, ">>": tokRsh,
}

func punctLen(s string) int {
	if len(s) >= 2 {
		if _, ok := punct[s[:2]]; ok {
			return 2
		}
	}
	if _, ok := punct[s[:1]]; ok {
		return 1
	}
	return 0
}

// longestIn returns the length of the longest prefix of s that is in a
// word list; words are made of name characters or are "&&" and "||".
func longestIn(s string, in func(string) bool) int {
	const longestWord = 32 // icmp6-ineighbordiscoverysolicit has 31 bytes
	n := 0
	for n < len(s) && n < longestWord && (isNameChar(s[n]) || s[n] == '&' || s[n] == '|') {
		n++
	}
	for ; n > 0; n-- {
		if in(s[:n]) {
			return n
		}
	}
	return 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
func isNameChar(c byte) bool { return isAlnum(c) || c == '-' || c == '_' || c == '.' }

// hexRun returns the number of hex digits at the start of s, up to max.
func hexRun(s string, max int) int {
	n := 0
	for n < len(s) && n < max && isHex(s[n]) {
		n++
	}
	return n
}

// aidLen matches "$" and one or two hex digits.
func aidLen(s string) int {
	if s[0] != '$' {
		return 0
	}
	if n := hexRun(s[1:], 2); n > 0 {
		return 1 + n
	}
	return 0
}

// macLen matches libpcap's MAC: six one-or-two-digit hex bytes separated
// by ':', '-' or '.', three four-digit groups separated by '.', or twelve
// hex digits.
func macLen(s string) int {
	best := 0
	for _, sep := range []byte{':', '-', '.'} {
		j := 0
		for g := 0; g < 6; g++ {
			n := hexRun(s[j:], 2)
			if n == 0 {
				j = -1
				break
			}
			j += n
			if g < 5 {
				if j >= len(s) || s[j] != sep {
					j = -1
					break
				}
				j++
			}
		}
		best = max(best, j)
	}
	if len(s) >= 14 && hexRun(s, 4) == 4 && s[4] == '.' && hexRun(s[5:], 4) == 4 &&
		s[9] == '.' && hexRun(s[10:], 4) == 4 {
		best = max(best, 14)
	}
	if hexRun(s, 12) == 12 {
		best = max(best, 12)
	}
	return best
}

// numEnds returns the ends of the matches of N, decimal digits or 0x and
// hex digits, at the start of s (0 for none).
func numEnds(s string) (dec, hex int) {
	for dec < len(s) && isDigit(s[dec]) {
		dec++
	}
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		if n := hexRun(s[2:], len(s)); n > 0 {
			hex = 2 + n
		}
	}
	return dec, hex
}

func numLen(s string) int {
	dec, hex := numEnds(s)
	return max(dec, hex)
}

// hidLen matches two to four N separated by dots.
func hidLen(s string) int {
	return dottedLen(s, 1, 2, 4)
}

// dottedLen returns the longest match at s of between min and max N
// separated by dots, having matched done already; 0 for none.
func dottedLen(s string, done, least, most int) int {
	best := 0
	dec, hex := numEnds(s)
	for _, end := range []int{dec, hex} {
		if end == 0 {
			continue
		}
		if done >= least {
			best = max(best, end)
		}
		if done < most && end < len(s) && s[end] == '.' {
			if n := dottedLen(s[end+1:], done+1, least, most); n > 0 {
				best = max(best, end+1+n)
			}
		}
	}
	return best
}

// v6Len matches libpcap's IPv6 patterns: eight groups, or fewer with one
// "::", the last two groups possibly written as a dotted IPv4 address.
func v6Len(s string) int {
	// A match ends after a colon, after one to four hex digits following
	// a colon, or after a dotted IPv4 address following a colon; an
	// address has at most eight colons within its first 40 bytes, which
	// bounds the work on long inputs.
	var colonsAt [9]int
	colons := colonsAt[:0]
	for j := 0; j < len(s) && j < 41 && len(colons) < 9; j++ {
		if s[j] == ':' {
			colons = append(colons, j)
		} else if !isHex(s[j]) {
			break
		}
	}
	best := 0
	for _, c := range colons {
		ends := [3]int{c + 1, c + 1 + hexRun(s[c+1:], 4), 0}
		if n := dottedLen(s[c+1:], 1, 4, 4); n > 0 {
			ends[2] = c + 1 + n
		}
		for _, e := range ends {
			if e > best && isV6(s[:e]) {
				best = e
			}
		}
	}
	return best
}

func isV6(t string) bool {
	left, right, compressed := strings.Cut(t, "::")
	if !compressed {
		return v6Groups(t, 8, 6, true) >= 0
	}
	if strings.Contains(right, "::") {
		return false
	}
	l := v6Groups(left, 7, -1, false)
	if l < 0 {
		return false
	}
	if r := v6Groups(right, 7-l, 5-l, false); r >= 0 {
		return true
	}
	return false
}

// v6Groups checks that t is colon-separated hex groups of one to four
// digits, at most maxW of them, or at most maxWv4 followed by a dotted
// IPv4 address; exact requires exactly that many. It returns the number
// of hex groups, or -1.
func v6Groups(t string, maxW, maxWv4 int, exact bool) int {
	if t == "" {
		if exact {
			return -1
		}
		return 0
	}
	// The groups are t's colon-separated parts; the last may instead be a
	// dotted IPv4 address.
	n := strings.Count(t, ":") + 1
	cut := strings.LastIndexByte(t, ':')
	if last := t[cut+1:]; strings.Contains(last, ".") {
		w := n - 1
		if dottedLen(last, 1, 4, 4) != len(last) || w > maxWv4 || (exact && w != maxWv4) || maxWv4 < 0 {
			return -1
		}
		if w > 0 && !allHexGroups(t[:cut]) {
			return -1
		}
		return w
	}
	if n > maxW || (exact && n != maxW) || !allHexGroups(t) {
		return -1
	}
	return n
}

// allHexGroups reports whether every colon-separated part of t is one to
// four hex digits.
func allHexGroups(t string) bool {
	for {
		p, rest, more := strings.Cut(t, ":")
		if len(p) == 0 || len(p) > 4 || hexRun(p, 4) != len(p) {
			return false
		}
		if !more {
			return true
		}
		t = rest
	}
}

// badMACLen matches colon-separated one-or-two-digit hex groups that end
// with a colon, which libpcap's scanner takes for a bad Ethernet address.
func badMACLen(s string) int {
	groups, end := 0, 0
	for j := 0; ; groups++ {
		n := hexRun(s[j:], 2)
		if n == 0 || j+n >= len(s) || s[j+n] != ':' {
			break
		}
		j += n
		for j < len(s) && s[j] == ':' {
			j++
		}
		end = j
	}
	if groups < 2 {
		return 0
	}
	return end
}

// idLen matches a name: an alphanumeric, then name characters, not ending
// with '-' or '_'.
func idLen(s string) int {
	if !isAlnum(s[0]) {
		return 0
	}
	n := 1
	for n < len(s) && isNameChar(s[n]) {
		n++
	}
	for n > 1 && (s[n-1] == '-' || s[n-1] == '_') {
		n--
	}
	return n
}

// escIDLen matches a backslash and the characters up to a blank, '!',
// '(' or ')'.
func escIDLen(s string) int {
	if s[0] != '\\' {
		return 0
	}
	n := 1
	for n < len(s) && !strings.ContainsRune(" !()\n\t\x00", rune(s[n])) {
		n++
	}
	if n == 1 {
		return 0
	}
	return n
}

// parseNumber converts a number token as libpcap's stoulen: 0x hex,
// leading-0 octal, else decimal, all limited to 32 bits.
func parseNumber(text string) (uint32, string) {
	var n uint64
	base, digits, name := uint64(10), text, "decimal"
	switch {
	case len(text) > 1 && (text[1] == 'x' || text[1] == 'X'):
		base, digits, name = 16, text[2:], "hexadecimal"
	case text[0] == '0':
		base, digits, name = 8, text[1:], "octal"
	}
	for i := 0; i < len(digits); i++ {
		d := hexValue(digits[i])
		if d >= base {
			return 0, fmt.Sprintf("number %s contains non-octal digit", text)
		}
		n = n*base + d
		if n > 0xffffffff {
			return 0, fmt.Sprintf("%s number %s overflows 32 bits", name, text)
		}
	}
	return uint32(n), ""
}

func hexValue(c byte) uint64 {
	switch {
	case isDigit(c):
		return uint64(c - '0')
	case 'a' <= c && c <= 'f':
		return uint64(c-'a') + 10
	default:
		return uint64(c-'A') + 10
	}
}

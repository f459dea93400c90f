package syntax

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ignorePositions compares trees without their offsets and the Inherited
// flag, which a reprinted expression does not keep.
var ignorePositions = cmp.FilterPath(func(p cmp.Path) bool {
	f := p.Last().String()
	return strings.HasSuffix(f, "Pos") || f == ".Inherited"
}, cmp.Ignore())

// FuzzParse checks that Parse never panics, fails only with *Error at an
// offset within the expression, and that a tree's String parses back to
// the same tree.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"tcp or udp and port 53", "host a or b", "not host a and b",
		"src net 10 and not 11", "ip[0] & 1 + 2 = 3", "- ip[0] % 3 = 1",
		"host a or ((1) or b)", "(host x or host y) and 80", "tcp or not 5",
		"ether host aa:bb:cc:dd:ee:ff", "ip6 net fe80::/10", `ether proto \ip`,
		"wlan type mgt subtype beacon", "vpi (1 or 2)", "llc rnr",
		"tcp[tcpflags] & tcp-syn != 0", "vlan 10 and mpls", "08",
		"host ::ffff:1.2.3.4", "link host $1f", "byte 1 & 2",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		x, err := Parse(expr)
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("Parse(%q) error %T %v, want *Error", expr, err, err)
			}
			if perr.Pos < 0 || perr.Pos > len(expr) {
				t.Fatalf("Parse(%q) error offset %d outside the expression", expr, perr.Pos)
			}
			return
		}
		if x == nil {
			if strings.Trim(expr, " \t\r\n") != "" {
				t.Fatalf("Parse(%q) = nil tree", expr)
			}
			return
		}
		s := x.String()
		y, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q, which does not parse: %v", expr, s, err)
		}
		if diff := cmp.Diff(x, y, ignorePositions); diff != "" {
			t.Fatalf("Parse(%q).String() = %q parses to another tree (-first +second):\n%s", expr, s, diff)
		}
	})
}

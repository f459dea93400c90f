package syntax

import "fmt"

// Error is a parse error: libpcap's message and the byte offset of the
// token it is about.
type Error struct {
	Pos int    // byte offset of the offending token; the expression's length at its end
	Msg string // e.g. "syntax error", "decimal number 4294967296 overflows 32 bits"
}

func (e *Error) Error() string { return fmt.Sprintf("%s at offset %d", e.Msg, e.Pos) }

// MsgSyntax is the message of a token the grammar does not allow where it
// stands, as bison reports it.
const MsgSyntax = "syntax error"

// maxDepth bounds the nesting of parentheses, "not" and accessors, so
// that hostile input cannot exhaust the stack.
const maxDepth = 1000

// MsgTooDeep is the message for an expression nested beyond maxDepth.
const MsgTooDeep = "expression nested too deeply"

// bailout carries an *Error from deep in the parser to Parse.
type bailout struct{ err *Error }

package netdb

import (
	"errors"
	"fmt"
)

// ErrNotFound is what every failed lookup matches with errors.Is.
var ErrNotFound = errors.New("name not found")

// NotFoundError is a name that did not resolve.
type NotFoundError struct {
	Kind string // what was looked up: "port", "port range", "protocol", "network", "ether host", "host"
	Name string
	Err  error // the resolver's error, for hosts; nil otherwise
}

func (e *NotFoundError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("unknown %s %q: %v", e.Kind, e.Name, e.Err)
	}
	return fmt.Sprintf("unknown %s %q", e.Kind, e.Name)
}

// Is reports whether target is ErrNotFound.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// Unwrap returns the resolver's error.
func (e *NotFoundError) Unwrap() error { return e.Err }

package afpacket

// permissionError is ErrPermission that also matches os.ErrPermission.
type permissionError struct{ err error }

func (e permissionError) Error() string { return ErrPermission.Error() + ": " + e.err.Error() }
func (e permissionError) Unwrap() []error {
	return []error{ErrPermission, e.err}
}

package afpacket

import (
	"errors"
	"fmt"
	"runtime"
)

// Sentinel errors. The errors this package returns wrap one of these (and,
// at socket boundaries, an *os.SyscallError naming the call), so callers
// test them with errors.Is.
var (
	// ErrNoSuchInterface: the interface does not exist, or it disappeared
	// while a capture was running.
	ErrNoSuchInterface = errors.New("no such interface")
	// ErrInterfaceDown: the interface is not up, or went down while a
	// capture was running. A Handle stays usable: reading again waits
	// for packets, which flow once the interface is up again.
	ErrInterfaceDown = errors.New("interface is not up")
	// ErrPermission: the process may not open packet sockets; capture
	// needs CAP_NET_RAW. It also matches os.ErrPermission.
	ErrPermission = errors.New("capture needs CAP_NET_RAW")
	// ErrFilterRejected: the kernel refused to load a filter program.
	ErrFilterRejected = errors.New("kernel rejected the filter")
	// ErrLinkType: the link type asked for is not one the interface
	// offers (see LinkTypes).
	ErrLinkType = errors.New("link type not offered by the interface")
	// ErrNotSupported: live capture is not available on this system.
	ErrNotSupported = fmt.Errorf("live capture not supported on %s", runtime.GOOS)
)

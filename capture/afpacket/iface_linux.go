package afpacket

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/gopacket/gopacket/layers"
	"golang.org/x/sys/unix"
)

// anyDescription is libpcap's description of the any device.
const anyDescription = "Pseudo-device that captures on all interfaces"

// Interfaces lists the interfaces of the current network namespace that
// Open can capture on, the any device included, in the order and with
// the flags pcap_findalldevs gives them (tcpdump -D; see
// WriteInterfaces). libpcap also lists capture sources that are not
// network interfaces (nflog, nfqueue, D-Bus, Bluetooth, USB); those are
// not listed here.
func Interfaces() ([]Interface, error) {
	ifis, err := net.Interfaces()
	if err != nil {
		return nil, fmt.Errorf("list interfaces: %w", err)
	}
	sock, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("list interfaces: %w", os.NewSyscallError("socket", err))
	}
	defer unix.Close(sock)
	list := make([]Interface, 0, len(ifis)+1)
	for _, ifi := range ifis {
		ifc := Interface{Name: ifi.Name, Index: ifi.Index}
		if ifi.Flags&net.FlagUp != 0 {
			ifc.Flags |= FlagUp
		}
		if ifi.Flags&net.FlagRunning != 0 {
			ifc.Flags |= FlagRunning
		}
		if ifi.Flags&net.FlagLoopback != 0 {
			ifc.Flags |= FlagLoopback
		}
		if err := linkStatus(sock, &ifc); err != nil {
			return nil, fmt.Errorf("list interfaces: %w", err)
		}
		list = append(list, ifc)
	}
	list = append(list, Interface{
		Name:        AnyInterface,
		Description: anyDescription,
		Flags:       FlagUp | FlagRunning,
		Connection:  ConnectionNotApplicable,
	})
	// libpcap inserts each interface after the last one with a figure of
	// merit no worse than its own: a stable sort.
	slices.SortStableFunc(list, func(a, b Interface) int {
		return cmp.Compare(meritOrder(a), meritOrder(b))
	})
	return list, nil
}

// linkStatus sets the wireless flag and the connection status of ifc as
// libpcap's get_if_flags does: loopback devices have no connection
// status; Wi-Fi is recognised by sysfs; the carrier comes from ethtool.
func linkStatus(sock int, ifc *Interface) error {
	if ifc.Flags&FlagLoopback != 0 {
		ifc.Connection = ConnectionNotApplicable
		return nil
	}
	if isWireless(ifc.Name) {
		ifc.Flags |= FlagWireless
	} else if arphrd, err := hardwareType(ifc.Name); err == nil {
		switch arphrd {
		case arphrdLoopback:
			return nil
		case arphrdIRDA, arphrdIEEE80211, arphrdPrism, arphrdRadiotap, arphrdIEEE802154, arphrdIEEE802154Mn, arphrd6LoWPAN:
			ifc.Flags |= FlagWireless
		}
	}
	up, err := ethtoolLink(sock, ifc.Name)
	switch {
	case errors.Is(err, unix.EOPNOTSUPP), errors.Is(err, unix.EINVAL):
		ifc.Connection = ConnectionNotApplicable
	case errors.Is(err, unix.ENODEV):
		// Gone while listing: Open will say so.
	case err != nil:
		return fmt.Errorf("get link status of %s: %w", ifc.Name, err)
	case up:
		ifc.Connection = Connected
	default:
		ifc.Connection = Disconnected
	}
	return nil
}

// sysfsNumber reads a number sysfs gives for a network device.
func sysfsNumber(name, attr string) (int64, error) {
	b, err := os.ReadFile("/sys/class/net/" + name + "/" + attr)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
}

// ethtoolLink asks the driver whether the link is up (ETHTOOL_GLINK).
func ethtoolLink(sock int, name string) (bool, error) {
	value := struct{ cmd, data uint32 }{cmd: unix.ETHTOOL_GLINK}
	var ifr struct {
		name [unix.IFNAMSIZ]byte
		data unsafe.Pointer
		_    [16]byte
	}
	copy(ifr.name[:], name)
	ifr.data = unsafe.Pointer(&value)
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(sock), unix.SIOCETHTOOL, uintptr(unsafe.Pointer(&ifr)))
	if errno != 0 {
		return false, os.NewSyscallError("ioctl SIOCETHTOOL", errno)
	}
	return value.data != 0, nil
}

// meritOrder is libpcap's figure of merit (get_figure_of_merit): lower
// sorts first. Running, up, connected, non-loopback interfaces come
// first, then the any device, then loopback and the rest.
func meritOrder(ifc Interface) uint32 {
	var n uint32
	if ifc.Flags&FlagRunning == 0 {
		n |= 0x80000000
	}
	if ifc.Flags&FlagUp == 0 {
		n |= 0x40000000
	}
	if ifc.Flags&FlagWireless == 0 && ifc.Connection == Disconnected {
		n |= 0x20000000
	}
	if ifc.Flags&FlagLoopback != 0 {
		n |= 0x10000000
	}
	if ifc.Name == AnyInterface {
		n |= 0x08000000
	}
	return n
}

// LinkTypes returns the link types libpcap offers for capturing on the
// interface (tcpdump -L), its default first; Config.LinkType chooses
// among them.
func LinkTypes(name string) ([]layers.LinkType, error) {
	if name == AnyInterface {
		return slices.Clone(cookedLinkTypes), nil
	}
	arphrd, err := hardwareType(name)
	if err != nil {
		return nil, fmt.Errorf("list link types of %s: %w", name, err)
	}
	types, _ := linkTypesFor(name, arphrd)
	return types, nil
}

// hardwareType returns the device's ARPHRD_* type (SIOCGIFHWADDR), or an
// error matching ErrNoSuchInterface.
func hardwareType(name string) (int, error) {
	sock, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return 0, os.NewSyscallError("socket", err)
	}
	defer unix.Close(sock)
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrNoSuchInterface, err)
	}
	if err := unix.IoctlIfreq(sock, unix.SIOCGIFHWADDR, ifr); err != nil {
		if errors.Is(err, unix.ENODEV) {
			return 0, fmt.Errorf("%w: %w", ErrNoSuchInterface, os.NewSyscallError("ioctl SIOCGIFHWADDR", err))
		}
		return 0, os.NewSyscallError("ioctl SIOCGIFHWADDR", err)
	}
	return int(ifr.Uint16()), nil
}

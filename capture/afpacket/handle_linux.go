package afpacket

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/mdlayher/socket"
	"golang.org/x/sys/unix"

	"github.com/gotcpdump/gotcpdump/capture"
)

// Handle is a live capture on one interface or on all of them. Reads are
// safe from one goroutine at a time; Close, Stats and the filter setters
// may be called from any goroutine, Close to end a blocked read.
type Handle struct {
	conn   *socket.Conn
	cfg    Config
	name   string
	index  int // interface index, 0 for any
	framer framer

	// readMu guards the ring or receiver, the filter and the packet
	// being delivered; a read holds it only while it takes packets, not
	// while it waits for them.
	readMu sync.Mutex
	ring   *ring
	recv   *receiver
	filter filter
	pkt    packet
	closed atomic.Bool
	down   atomic.Bool // the interface went down

	captured atomic.Uint64
	statsMu  sync.Mutex
	stats    Stats
	ifDrops  uint64 // the interface's drop counters when last read
}

var (
	_ capture.Source                    = (*Handle)(nil)
	_ gopacket.PacketDataSource         = (*Handle)(nil)
	_ gopacket.ZeroCopyPacketDataSource = (*Handle)(nil)
)

// Open starts a capture on the interface name (AnyInterface for all of
// them) with cfg. The socket carries a reject-all filter from before it
// is bound until cfg.Filter (or no filter) replaces it, so no packet
// the filter rejects is ever delivered.
func Open(name string, cfg Config) (*Handle, error) {
	h, err := open(name, cfg)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	return h, nil
}

func open(name string, cfg Config) (*Handle, error) {
	h := &Handle{cfg: cfg, name: name, filter: filter{kind: rejectAll}}
	types, cooked := slices.Clone(cookedLinkTypes), true
	if name != AnyInterface {
		ifi, err := net.InterfaceByName(name)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNoSuchInterface, err)
		}
		h.index = ifi.Index
		arphrd, err := hardwareType(name)
		if err != nil {
			return nil, err
		}
		types, cooked = linkTypesFor(name, arphrd)
		if cfg.Cooked && !cooked {
			types, cooked = slices.Clone(cookedLinkTypes), true
		}
	}
	lt, err := chooseLinkType(cfg.LinkType, types, cooked)
	if err != nil {
		return nil, err
	}
	h.framer = framer{
		linkType:  lt,
		cooked:    cooked,
		snapLen:   cfg.snapLen(),
		direction: cfg.Direction,
		loIndex:   -1,
		vlanOff:   vlanOffset(lt),
	}
	if lo, err := net.InterfaceByName("lo"); err == nil {
		h.framer.loIndex = int32(lo.Index)
	}
	if cooked && h.framer.snapLen < sll2HeaderLen+1 {
		h.framer.snapLen = sll2HeaderLen + 1
	}

	typ := unix.SOCK_RAW
	if cooked {
		typ = unix.SOCK_DGRAM
	}
	// Protocol 0: the socket sees no packet until bind(2) names one.
	h.conn, err = socket.Socket(unix.AF_PACKET, typ, 0, "afpacket", nil)
	if err != nil {
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
			return nil, permissionError{err}
		}
		return nil, err
	}
	if err := h.setUp(); err != nil {
		h.conn.Close()
		if h.ring != nil {
			h.ring.close()
		}
		return nil, err
	}
	return h, nil
}

// chooseLinkType returns want if the interface offers it, else the
// default: LINUX_SLL2 for cooked captures, the interface's own type
// otherwise.
func chooseLinkType(want layers.LinkType, types []layers.LinkType, cooked bool) (layers.LinkType, error) {
	if want == 0 {
		if cooked && slices.Contains(types, layers.LinkTypeLinuxSLL2) {
			return layers.LinkTypeLinuxSLL2, nil
		}
		return types[0], nil
	}
	if !slices.Contains(types, want) {
		return 0, fmt.Errorf("%w: %v", ErrLinkType, want)
	}
	return want, nil
}

// setUp configures the socket, binds it and installs the first filter.
func (h *Handle) setUp() error {
	if err := h.attach(filter{kind: rejectAll}); err != nil {
		return err
	}
	if err := h.conn.SetsockoptInt(unix.SOL_PACKET, unix.PACKET_AUXDATA, 1); err != nil {
		return fmt.Errorf("enable auxiliary data: %w", err)
	}
	bufferSize := h.cfg.BufferSize
	if bufferSize <= 0 {
		bufferSize = DefaultBufferSize
	}
	if h.cfg.Immediate {
		if err := h.conn.SetsockoptInt(unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
			return fmt.Errorf("enable nanosecond timestamps: %w", err)
		}
		if err := h.conn.SetsockoptInt(unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, bufferSize); err != nil {
			if err := h.conn.SetReadBuffer(bufferSize); err != nil {
				return fmt.Errorf("set buffer size: %w", err)
			}
		}
		h.recv = newReceiver(h.framer.snapLen)
	} else {
		reserve := vlanTagLen
		if h.framer.cooked {
			reserve += sll2HeaderLen - sllHeaderLen
		}
		timeout := h.cfg.BlockTimeout
		if timeout <= 0 {
			timeout = DefaultBlockTimeout
		}
		r, err := newRing(h.conn, bufferSize, reserve, timeout)
		if err != nil {
			return err
		}
		h.ring = r
	}
	if h.index != 0 && !h.cfg.NoPromiscuous {
		mreq := unix.PacketMreq{Ifindex: int32(h.index), Type: unix.PACKET_MR_PROMISC}
		if err := h.conn.SetsockoptPacketMreq(unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, &mreq); err != nil {
			return fmt.Errorf("enter promiscuous mode: %w", err)
		}
		h.ifDrops = interfaceDrops(h.name)
	}
	if err := h.bind(); err != nil {
		return err
	}
	if fo := h.cfg.Fanout; fo != nil {
		arg := int(fo.ID) | int(fo.Mode)<<16
		if fo.Defrag {
			arg |= unix.PACKET_FANOUT_FLAG_DEFRAG << 16
		}
		if fo.Rollover {
			arg |= unix.PACKET_FANOUT_FLAG_ROLLOVER << 16
		}
		if err := h.conn.SetsockoptInt(unix.SOL_PACKET, unix.PACKET_FANOUT, arg); err != nil {
			return fmt.Errorf("join fanout group %d: %w", fo.ID, err)
		}
	}
	return h.SetFilter(h.cfg.Filter)
}

// bind starts the flow of packets (to the reject-all filter for now).
func (h *Handle) bind() error {
	sa := &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: h.index}
	if err := h.conn.Bind(sa); err != nil {
		switch {
		case errors.Is(err, unix.ENETDOWN):
			return fmt.Errorf("%w: %w", ErrInterfaceDown, err)
		case errors.Is(err, unix.ENODEV):
			return fmt.Errorf("%w: %w", ErrNoSuchInterface, err)
		}
		return err
	}
	// bind(2) succeeds on a down interface but leaves ENETDOWN pending.
	soErr, err := h.conn.GetsockoptInt(unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return err
	}
	if soErr != 0 {
		return h.socketError(os.NewSyscallError("bind", unix.Errno(soErr)))
	}
	return nil
}

// socketError classifies an error the socket reports: the interface went
// down, or disappeared.
func (h *Handle) socketError(err error) error {
	switch {
	case errors.Is(err, unix.ENODEV) || errors.Is(err, unix.ENETDOWN) && h.gone():
		return fmt.Errorf("interface disappeared: %w: %w", ErrNoSuchInterface, err)
	case errors.Is(err, unix.ENETDOWN):
		h.down.Store(true)
		return fmt.Errorf("%w: %w", ErrInterfaceDown, err)
	}
	return err
}

// LinkType is the link-layer header type of the frames the handle
// delivers: what filters must be compiled for and files written with.
func (h *Handle) LinkType() layers.LinkType { return h.framer.linkType }

// SnapLen is the snapshot length of the capture, for a file header.
func (h *Handle) SnapLen() int { return h.framer.snapLen }

// ReadPacketData returns a copy of the next packet, waiting for one as
// long as it takes. After Close it returns io.EOF.
func (h *Handle) ReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	data, ci, err := h.ZeroCopyReadPacketDataContext(context.Background())
	if err != nil {
		return nil, ci, err
	}
	return append([]byte(nil), data...), ci, nil
}

// ZeroCopyReadPacketData is ReadPacketData without the copy: data is
// valid until the next read or Close.
func (h *Handle) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	return h.ZeroCopyReadPacketDataContext(context.Background())
}

// ZeroCopyReadPacketDataContext is ZeroCopyReadPacketData that also
// returns, wrapped in an *os.SyscallError, ctx's error once ctx is done.
func (h *Handle) ZeroCopyReadPacketDataContext(ctx context.Context) ([]byte, gopacket.CaptureInfo, error) {
	var (
		data []byte
		ci   gopacket.CaptureInfo
	)
	for {
		// An interface that went down sends no more wake-ups, not even
		// when it is deleted: look at it now and then.
		rctx, cancel := ctx, context.CancelFunc(func() {})
		if h.down.Load() {
			rctx, cancel = context.WithTimeout(ctx, downPoll)
		}
		err := h.conn.ReadFunc(rctx, "read packet", func(fd int) error {
			var err error
			data, ci, err = h.take(fd)
			return err
		})
		cancel()
		switch {
		case err == nil:
			h.down.Store(false)
			h.captured.Add(1)
			return data, ci, nil
		case h.closed.Load():
			return nil, ci, io.EOF
		case ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
			continue // time to look at the interface again
		}
		return nil, ci, h.socketError(err)
	}
}

// downPoll is how often a read looks at an interface that went down.
const downPoll = 100 * time.Millisecond

// take returns the next deliverable packet, or unix.EAGAIN when there is
// none yet: ReadFunc then waits for the socket to become readable.
func (h *Handle) take(fd int) ([]byte, gopacket.CaptureInfo, error) {
	h.readMu.Lock()
	defer h.readMu.Unlock()
	if h.closed.Load() {
		return nil, gopacket.CaptureInfo{}, os.ErrClosed
	}
	for {
		if h.ring != nil {
			if !h.ring.nextPacket(&h.pkt) {
				return nil, gopacket.CaptureInfo{}, h.pendingError()
			}
		} else if err := h.recv.receive(fd, &h.pkt); err != nil {
			return nil, gopacket.CaptureInfo{}, err
		}
		data, ci, ok, err := h.framer.frame(&h.pkt, h.filter.vm)
		if err != nil || ok {
			return data, ci, err
		}
	}
}

// pendingError returns the error the socket has pending (the interface
// went down), ENODEV when the interface that went down is gone, or
// unix.EAGAIN.
func (h *Handle) pendingError() error {
	soErr, err := h.conn.GetsockoptInt(unix.SOL_SOCKET, unix.SO_ERROR)
	switch {
	case err != nil:
		return err
	case soErr != 0:
		return unix.Errno(soErr)
	case h.down.Load() && h.gone():
		return unix.ENODEV
	}
	return unix.EAGAIN
}

// gone reports whether the interface the socket is bound to no longer
// exists: the kernel then forgets its index.
func (h *Handle) gone() bool {
	sa, err := h.conn.Getsockname()
	ll, ok := sa.(*unix.SockaddrLinklayer)

	return err == nil && ok && h.index != 0 && ll.Ifindex == -1
}

// Close ends the capture; a blocked read returns io.EOF. Stats keeps
// returning the counts as they were at Close.
func (h *Handle) Close() error {
	if h.closed.Swap(true) {
		return nil
	}
	h.Stats()
	// Closing waits for a read in progress to let go of the socket.
	err := h.conn.Close()
	h.readMu.Lock()
	defer h.readMu.Unlock()
	if h.ring != nil {
		if uerr := h.ring.close(); err == nil {
			err = uerr
		}
	}
	return err
}

// Stats returns the capture's counters, accumulated as libpcap
// accumulates them (PACKET_STATISTICS resets the kernel's counts at
// every read).
func (h *Handle) Stats() (Stats, error) {
	h.statsMu.Lock()
	defer h.statsMu.Unlock()
	h.stats.Captured = h.captured.Load()
	if h.index != 0 && !h.cfg.NoPromiscuous {
		now := interfaceDrops(h.name)
		h.stats.InterfaceDropped += now - h.ifDrops
		h.ifDrops = now
	}
	st, err := h.conn.GetsockoptTpacketStats(unix.SOL_PACKET, unix.PACKET_STATISTICS)
	if err != nil {
		if h.closed.Load() {
			return h.stats, nil
		}
		return h.stats, fmt.Errorf("read statistics: %w", err)
	}
	h.stats.Received += uint64(st.Packets)
	h.stats.Dropped += uint64(st.Drops)
	return h.stats, nil
}

// interfaceDrops is libpcap's linux_if_drops: the packets the driver
// missed or lost to FIFO overruns.
func interfaceDrops(name string) uint64 {
	var n uint64
	for _, stat := range []string{"rx_missed_errors", "rx_fifo_errors"} {
		if v, err := sysfsNumber(name, "statistics/"+stat); err == nil {
			n += uint64(v)
		}
	}
	return n
}

func htons(v uint16) uint16 { return ntohs(v) }

// snapLen returns the snapshot length c asks for.
func (c *Config) snapLen() int {
	if c.SnapLen <= 0 {
		return DefaultSnapLen
	}
	return c.SnapLen
}

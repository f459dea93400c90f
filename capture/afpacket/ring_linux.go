package afpacket

import (
	"fmt"
	"os"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/mdlayher/socket"
	"golang.org/x/sys/unix"
)

// TPACKET_V3 layout: a ring of blocks, each a block descriptor followed
// by variable-length packets. The kernel fills a block, then hands it to
// user space by setting TP_STATUS_USER in its status; user space hands it
// back by setting TP_STATUS_KERNEL.
const (
	blockSize         = 1 << 18 // libpcap's block (and largest frame): 256 KiB
	blockStatusOffset = 8       // tpacket_block_desc.hdr.bh1.block_status
	blockNumPkts      = 12      // ...bh1.num_pkts
	blockFirstPacket  = 16      // ...bh1.offset_to_first_pkt
	// sockaddrOffset is where struct sockaddr_ll follows a packet's
	// tpacket3_hdr: TPACKET_ALIGN(sizeof(struct tpacket3_hdr)).
	sockaddrOffset = 48
)

// ring is a memory-mapped TPACKET_V3 receive ring. Only the goroutine
// holding the handle's read lock uses it.
type ring struct {
	mem    []byte
	blocks int

	cur  int // block being read, or the next to read
	open bool
	// next is the offset in mem of the next packet of the current block,
	// left the number of packets after it.
	next, left int

	// skipBlock and skipPackets discard the first packets of one block:
	// those the kernel stored under the previous filter (see discard).
	skipBlock   int
	skipPackets int
}

// newRing sets the socket up for TPACKET_V3 and maps a ring of at least
// bufferSize bytes, as libpcap's create_ring does.
func newRing(c *socket.Conn, bufferSize int, reserve int, timeout time.Duration) (*ring, error) {
	if err := c.SetsockoptInt(unix.SOL_PACKET, unix.PACKET_VERSION, unix.TPACKET_V3); err != nil {
		return nil, fmt.Errorf("set TPACKET_V3: %w", err)
	}
	if err := c.SetsockoptInt(unix.SOL_PACKET, unix.PACKET_RESERVE, reserve); err != nil {
		return nil, fmt.Errorf("reserve header room: %w", err)
	}
	blocks := max(1, (bufferSize+blockSize-1)/blockSize)
	req := unix.TpacketReq3{
		Block_size:     blockSize,
		Block_nr:       uint32(blocks),
		Frame_size:     blockSize,
		Frame_nr:       uint32(blocks),
		Retire_blk_tov: uint32(max(1, timeout.Milliseconds())),
	}
	raw := unsafe.Slice((*byte)(unsafe.Pointer(&req)), unsafe.Sizeof(req))
	if err := c.SetsockoptBytes(unix.SOL_PACKET, unix.PACKET_RX_RING, raw); err != nil {
		return nil, fmt.Errorf("create receive ring of %d blocks: %w", blocks, err)
	}
	rc, err := c.SyscallConn()
	if err != nil {
		return nil, err
	}
	var mem []byte
	var merr error
	if err := rc.Control(func(fd uintptr) {
		mem, merr = unix.Mmap(int(fd), 0, blocks*blockSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	}); err != nil {
		return nil, err
	}
	if merr != nil {
		return nil, fmt.Errorf("map receive ring: %w", os.NewSyscallError("mmap", merr))
	}
	return &ring{mem: mem, blocks: blocks, skipBlock: -1}, nil
}

// close unmaps the ring.
func (r *ring) close() error {
	return unix.Munmap(r.mem)
}

// status returns a pointer to the status word of block b.
func (r *ring) status(b int) *uint32 {
	return (*uint32)(unsafe.Pointer(&r.mem[b*blockSize+blockStatusOffset]))
}

// nextPacket fills p with the next packet of the ring and reports
// whether there was one. The packet's bytes stay valid until the next
// call, which returns an emptied block to the kernel.
func (r *ring) nextPacket(p *packet) bool {
	for !r.open || r.left == 0 {
		if r.open {
			r.release()
		}
		if atomic.LoadUint32(r.status(r.cur))&unix.TP_STATUS_USER == 0 {
			return false
		}
		base := r.cur * blockSize
		r.open = true
		r.next = base + int(r.u32(base+blockFirstPacket))
		r.left = int(r.u32(base + blockNumPkts))
		if r.cur == r.skipBlock {
			for ; r.skipPackets > 0 && r.left > 0; r.skipPackets-- {
				r.next = r.advance(r.next)
			}
			r.skipBlock = -1
		}
	}
	off := r.next
	hdr := (*unix.Tpacket3Hdr)(unsafe.Pointer(&r.mem[off]))
	sa := (*unix.RawSockaddrLinklayer)(unsafe.Pointer(&r.mem[off+sockaddrOffset]))
	p.buf = r.mem[off : off+int(hdr.Mac)+int(hdr.Snaplen)]
	p.start = int(hdr.Mac)
	p.caplen = int(hdr.Snaplen)
	p.wireLen = int(hdr.Len)
	p.ts = time.Unix(int64(hdr.Sec), int64(hdr.Nsec))
	p.setSockaddr(sa)
	p.setVLAN(hdr.Status, uint16(hdr.Hv1.Vlan_tci), hdr.Hv1.Vlan_tpid)
	p.rxhash = hdr.Hv1.Rxhash
	p.netOffset = int(hdr.Net) - int(hdr.Mac)
	// The headers a frame gets are written in front of the data, over
	// the gap after sockaddr_ll; they must not reach into it.
	p.buf = p.buf[sockaddrOffset+unix.SizeofSockaddrLinklayer:]
	p.start -= sockaddrOffset + unix.SizeofSockaddrLinklayer
	r.next = r.advance(off)
	return true
}

// advance returns the offset of the packet after the one at off and
// counts it read.
func (r *ring) advance(off int) int {
	r.left--
	return off + int(r.u32(off))
}

// release hands the current block back to the kernel. Its packet count
// is cleared first so that a stale count is never taken for packets
// stored under a previous filter (see discard).
func (r *ring) release() {
	base := r.cur * blockSize
	atomic.StoreUint32((*uint32)(unsafe.Pointer(&r.mem[base+blockNumPkts])), 0)
	atomic.StoreUint32(r.status(r.cur), unix.TP_STATUS_KERNEL)
	r.open = false
	r.cur = (r.cur + 1) % r.blocks
}

// discard drops every packet the kernel has stored: the blocks handed
// over, and the packets already in the block it is filling, which are
// skipped when that block is handed over. The caller makes sure no
// packet is being stored (a reject-all filter, then an RCU grace period).
func (r *ring) discard() {
	if r.open {
		r.release()
	}
	for range r.blocks {
		if atomic.LoadUint32(r.status(r.cur))&unix.TP_STATUS_USER == 0 {
			break
		}
		r.release()
	}
	r.skipBlock = r.cur
	r.skipPackets = int(atomic.LoadUint32((*uint32)(unsafe.Pointer(&r.mem[r.cur*blockSize+blockNumPkts]))))
}

// u32 reads a native-order 32-bit word of the ring.
func (r *ring) u32(off int) uint32 {
	return *(*uint32)(unsafe.Pointer(&r.mem[off]))
}

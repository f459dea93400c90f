package afpacket

import (
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// receiver reads packets one recvmsg(2) at a time, for immediate mode:
// every packet wakes the reader, with its timestamp (SO_TIMESTAMPNS) and
// stripped VLAN tag (PACKET_AUXDATA) in control messages.
type receiver struct {
	buf  []byte
	oob  []byte
	from unix.RawSockaddrLinklayer
	iov  unix.Iovec
	msg  unix.Msghdr
}

// controlSpace holds the two control messages a packet comes with.
var controlSpace = unix.CmsgSpace(sizeofAuxdata) + unix.CmsgSpace(sizeofTimespec)

const (
	sizeofAuxdata  = int(unsafe.Sizeof(unix.TpacketAuxdata{}))
	sizeofTimespec = int(unsafe.Sizeof(unix.Timespec{}))
)

func newReceiver(snapLen int) *receiver {
	r := &receiver{buf: make([]byte, headroom+snapLen), oob: make([]byte, controlSpace)}
	r.iov.Base = &r.buf[headroom]
	r.iov.SetLen(snapLen)
	r.msg.Name = (*byte)(unsafe.Pointer(&r.from))
	r.msg.Iov = &r.iov
	r.msg.Iovlen = 1
	r.msg.Control = &r.oob[0]
	return r
}

// receive reads one packet without waiting; it returns unix.EAGAIN when
// there is none.
func (r *receiver) receive(fd int, p *packet) error {
	r.msg.Namelen = unix.SizeofSockaddrLinklayer
	r.msg.SetControllen(len(r.oob))
	n, _, errno := unix.Syscall(unix.SYS_RECVMSG, uintptr(fd), uintptr(unsafe.Pointer(&r.msg)), unix.MSG_DONTWAIT|unix.MSG_TRUNC)
	if errno != 0 {
		return errno
	}
	p.buf = r.buf
	p.start = headroom
	p.caplen = min(int(n), len(r.buf)-headroom)
	p.wireLen = int(n)
	p.ts = time.Time{}
	p.vlanValid, p.rxhash, p.netOffset = false, 0, 0
	p.setSockaddr(&r.from)
	r.parseControl(p, r.oob[:r.msg.Controllen])
	return nil
}

// parseControl reads the auxiliary data and the timestamp from the
// control messages, without allocating.
func (r *receiver) parseControl(p *packet, b []byte) {
	for len(b) >= unix.SizeofCmsghdr {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&b[0]))
		if uint64(h.Len) < unix.SizeofCmsghdr || uint64(h.Len) > uint64(len(b)) {
			return
		}
		data := b[unix.CmsgLen(0):h.Len]
		switch {
		case h.Level == unix.SOL_PACKET && h.Type == unix.PACKET_AUXDATA && len(data) >= sizeofAuxdata:
			aux := (*unix.TpacketAuxdata)(unsafe.Pointer(&data[0]))
			p.wireLen = int(aux.Len)
			p.netOffset = int(aux.Net) - int(aux.Mac)
			p.setVLAN(aux.Status, aux.Vlan_tci, aux.Vlan_tpid)
		case h.Level == unix.SOL_SOCKET && h.Type == unix.SCM_TIMESTAMPNS && len(data) >= sizeofTimespec:
			p.ts = time.Unix((*unix.Timespec)(unsafe.Pointer(&data[0])).Unix())
		}
		b = b[min(len(b), unix.CmsgSpace(int(h.Len)-unix.CmsgLen(0))):]
	}
}

// Package kernel loads eBPF programs into the Linux kernel, runs them on
// packets with BPF_PROG_TEST_RUN and attaches socket filters, wrapping
// github.com/cilium/ebpf for the three program types gotcpdump produces
// (see package translate): socket filters, XDP and SchedCLS (tc).
//
// # Errors
//
// [Load] returns a [*LoadError] when the kernel refuses a program; it
// carries the verifier's log and matches [ErrRejected] with errors.Is.
// Missing privileges (CAP_BPF, and CAP_NET_ADMIN for XDP and tc) match
// [ErrPermission]. On other systems every function returns an error
// matching [ErrNotSupported].
//
// # What a test run sees
//
// BPF_PROG_TEST_RUN builds a packet from the bytes given, runs the Ethernet
// receive path on it (eth_type_trans, on the namespace's loopback device)
// and then the program. The three types see the packet differently:
//
//   - SchedCLS and XDP programs see the frame from its Ethernet header,
//     as they do when attached.
//   - A socket filter sees the data after the Ethernet header, which
//     eth_type_trans has pulled, whereas on an AF_PACKET socket it sees the
//     whole frame. [Program.Run] therefore puts a copy of the frame's
//     first 14 bytes (zero-padded) in front of it: the filter then sees
//     the frame itself from offset 0, and skb->protocol and pkt_type are
//     what that header gives. The network header (SKF_NET_OFF) is the
//     start of the frame and the link header (SKF_LL_OFF) the copy.
//
// In every case the device is the loopback device (ifindex 1), the mark
// and hash are 0, no VLAN tag was stripped, and "len" is the length of the
// bytes the program sees. The program runs on the calling thread's CPU.
package kernel

// Package cbpf is classic BPF as a library: a program type, the load-time
// rules of the Linux kernel and of libpcap, tcpdump's -d/-dd/-ddd formats in
// both directions, and a fast in-process virtual machine.
//
// # Programs
//
// A [Program] is a slice of [golang.org/x/net/bpf.RawInstruction], which has
// the memory layout of the kernel's struct sock_filter and of libpcap's
// struct bpf_insn, so a Program can be handed to SO_ATTACH_FILTER or written
// out as tcpdump -dd text without conversion. [Assemble] builds one from
// x/net/bpf instruction values.
//
// # Two semantics
//
// The same program can mean slightly different things offline and in the
// kernel, so everything that interprets a program takes an explicit
// [Semantics]:
//
//   - [Libpcap]: what tcpdump -r does with libpcap's bpf_filter. A load past
//     the captured length ends the program returning 0; division or modulo
//     by a zero X returns 0; "len" is the length on the wire; a shift by X of
//     32 or more gives 0, a shift by a constant uses its low five bits (as
//     libpcap built for amd64 or arm64 does); unsigned jump offsets wrap, so
//     "ja" may jump backwards (libpcap's protochain loop).
//   - [Linux]: what a socket filter does (net/core/filter.c). Ancillary loads
//     at [AncillaryBase]+SKF_AD_* read per-packet [Metadata]; negative
//     offsets address the network ([NetworkBase]) and link ([LinkBase])
//     headers; a shift by X uses its low five bits; indirect offsets wrap as
//     int32; constant shifts of 32 or more, reads of scratch memory that was
//     not written on every path, and backward jumps are rejected at load.
//
// [Program.Validate] applies the load-time rules of either side and reports
// the first offending instruction and the rule it breaks as a
// [*ValidationError].
//
// # Formats
//
// [Program.Format] writes a program the way tcpdump -d, -dd and -ddd do,
// byte for byte; [Parse] reads any of the three back.
//
// # The VM
//
// [NewVM] validates a program once and pre-decodes it into a chain of
// specialised steps; [VM.Run] then filters packets without allocating. A VM
// is safe for concurrent use.
package cbpf

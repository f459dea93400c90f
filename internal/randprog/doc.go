// Package randprog generates random classic BPF programs for differential
// tests: run the same program in two machines (the cbpf VM and libpcap's
// bpf_filter, the VM and the Linux kernel, cBPF and its eBPF translation)
// and compare the answers packet by packet.
//
// [Generate] returns programs that the chosen [cbpf.Semantics] accepts at
// load time and whose result depends only on the packet and its metadata:
//
//   - jumps go forward only and stay inside the program, so every program
//     terminates, and the last instruction is a return;
//   - scratch memory is read only where every path to the read has written
//     the cell first (the kernel rejects anything else, and libpcap would
//     read uninitialised stack memory);
//   - constant divisors are never zero; for Linux, constant shifts are below
//     32 and absolute loads in the ancillary area name a known value.
//
// Within those rules the generator looks for trouble. Constants are biased
// to 0, 1, 0x7fffffff, 0x80000000, 0xffffffff and to lengths and offsets
// around [Options.PacketLen]; loads of every size at every alignment sit
// near the end of the packet, where a one-byte mistake in a bounds check
// shows; shifts are 0, 31, 32 or 33; divisions and modulos by X often see
// X = 0; jumps favour the next instruction and the final return; "ld len",
// "ldx len", "ldx msh" and "neg" are all in the mix. For [cbpf.Linux] it
// also emits ancillary loads (of every size, as the kernel allows), loads
// relative to SKF_NET_OFF and SKF_LL_OFF, and indirect loads whose X+k is
// negative.
//
// [Corrupt] turns a valid program into one that breaks a single load-time
// rule, for comparing load-time validation with the kernel's.
//
// The generator is deterministic for a given *rand.Rand state, so a failing
// case is reproduced by its seed.
package randprog

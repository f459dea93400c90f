// Package ebpf runs eBPF programs in process: a checker in the spirit of
// the kernel verifier, an interpreter for the whole instruction set, the
// common helpers and maps, the kernel's program contexts, an assembler for
// the bpf_conformance syntax and a loader for clang-built ELF objects.
//
// Programs are cilium/ebpf asm.Instructions, built with its DSL, decoded
// from bytes, assembled from text with [Assemble] (and printed back with
// [Disassemble]) or loaded from a clang-built ELF object with
// [LoadCollection]. The package knows nothing of classic BPF.
//
// # Model
//
// [NewVM] checks a program once and pre-decodes it into a compact form;
// a program without loops and bpf-to-bpf calls (a typical filter) is also
// compiled into a chain of closures, one per instruction or fused pair,
// that call each other directly. The VM then runs it any number of times
// without allocating:
//
//   - [VM.Run]: the conformance suite's convention, r1 = address of a
//     memory buffer, r2 = its length.
//   - [VM.RunPacket]: a packet function, r1 = first byte of the packet,
//     r2 = one past its last captured byte, r3 = its length on the wire.
//   - [VM.RunSKB]: a socket filter or TC classifier; r1 points at an
//     emulated struct __sk_buff (kernel layout) built from the packet and
//     an [SKBMeta], with data and data_end for direct packet access.
//   - [VM.RunXDP]: an XDP program; r1 points at a struct xdp_md.
//
// Every run returns r0. Legacy LD_ABS and LD_IND read the current packet
// (or, for Run, the memory buffer), big-endian; a load outside it ends the
// program returning 0, as in the kernel.
//
// # Memory
//
// Pointers are plain 64-bit addresses in a virtual address space: the high
// 32 bits name a region (the packet, the stack, the context, each map's
// values), the low 32 bits an offset in it. The packet lives below 2^32 so
// that the kernel's 32-bit data and data_end context fields hold it, and
// address 0 is never mapped. Every load and store is bounds-checked
// against its region; a bad access stops the run with a [*RunError] that
// names the instruction and the address. The machine is little-endian.
//
// Each bpf-to-bpf call frame has its own 512-byte stack (r10 is the frame
// pointer and read-only); calls nest at most 8 deep. A function reaches
// its own frame and, through pointers they pass, its callers' frames, not
// the unused space below. The bytes a function can reach below r10 are
// zeroed when it is entered, so no run sees another's data.
//
// # Checking
//
// NewVM rejects, with a [*CheckError] naming the raw instruction index
// (a lddw counts two, as in the kernel and asm.Instructions.Format):
// empty and oversized programs, invalid opcodes and reserved fields that
// are not zero, registers above r10 and writes to r10, jumps out of their
// function or into the middle of a lddw, functions whose last instruction
// is not exit or ja, unreachable instructions, unknown helpers and map
// references that do not resolve. Unlike the kernel it does not track
// types or values: it accepts loops, division by a constant zero and
// shifts by out-of-range constants (the count is masked, as RFC 9669
// says), and it relies on run-time checks instead: bounds on every memory
// access, an instruction budget per run ([Options].Budget) that ends loops
// with [ErrBudgetExhausted], and the call depth limit.
//
// Arithmetic follows the kernel: 32-bit operations zero-extend their
// result, shift counts are masked to the operand width, division by zero
// gives 0 and modulo by zero leaves the dividend (for 32-bit forms, its
// low 32 bits), signed division truncates toward zero.
//
// # Helpers and maps
//
// The built-in helpers, by their Linux numbers: map_lookup_elem,
// map_update_elem, map_delete_elem, ktime_get_ns, trace_printk (to
// [Options].TraceOutput), get_prandom_u32, get_smp_processor_id,
// skb_load_bytes and ringbuf_output/reserve/submit/discard. [Options].Helpers
// adds others. A [Map] is an array, hash, per-CPU array or ring buffer
// created with [NewMap] from a cilium/ebpf MapSpec; programs refer to
// maps by asm reference name ([Options].Maps) or by an associated *Map.
// After a run, Go code reads maps with [Map.Lookup], [Map.All] and
// [Map.ReadRecord].
//
// A VM is not safe for concurrent use; [VM.Clone] makes another that runs
// the same program on the same maps, for one goroutine per core. Map
// operations are safe for concurrent use and atomic instructions on map
// values are atomic across VMs; plain loads and stores race, as in the
// kernel.
package ebpf

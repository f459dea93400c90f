//go:build linux

package translate_test

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cilium/ebpf/asm"
	"golang.org/x/sys/unix"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/ebpf/kernel"
	"github.com/gotcpdump/gotcpdump/internal/kerneltest"
	"github.com/gotcpdump/gotcpdump/translate"
)

// kernelTypes is the program type each target is loaded as; Function and
// InProcess run inside an XDP harness.
var kernelTypes = map[translate.Target]kernel.Type{
	translate.SocketFilter: kernel.SocketFilter,
	translate.XDP:          kernel.XDP,
	translate.SchedCLS:     kernel.SchedCLS,
	translate.Function:     kernel.XDP,
	translate.InProcess:    kernel.XDP,
}

// harness wraps a Function or InProcess translation in an XDP program that
// passes the frame as the convention asks (r1 start, r2 end, r3 length)
// and returns r0: Function is called as a subprogram, InProcess inlined.
func harness(t translate.Target, insns asm.Instructions) asm.Instructions {
	h := asm.Instructions{
		asm.Mov.Reg(asm.R6, asm.R1).WithSymbol("harness"),
		asm.FnXdpGetBuffLen.Call(),
		asm.Mov.Reg(asm.R3, asm.R0),
		asm.LoadMem(asm.R1, asm.R6, 0, asm.Word),
		asm.LoadMem(asm.R2, asm.R6, 4, asm.Word),
	}
	switch t {
	case translate.Function:
		h = append(h, asm.Call.Label(translate.DefaultPrefix), asm.Return())
	case translate.InProcess:
	default:
		return insns
	}
	return append(h, insns...)
}

// runInKernel runs p translated for t over the frames in the kernel.
func runInKernel(t *testing.T, p cbpf.Program, sem cbpf.Semantics, tg translate.Target, sets ...*frameSet) (goldenLine, error) {
	l := goldenLine{target: tg.String(), fingerprint: "-"}
	insns, unsupported, err := translateFor(p, sem, tg)
	if err != nil {
		return l, err
	}
	if unsupported {
		l.outcome = outUnsupported
		return l, nil
	}
	if l.fingerprint, err = fingerprint(insns); err != nil {
		return l, err
	}
	if skipReason(t, p, sem, tg, allFrames(sets...)) != "" {
		l.outcome = outSkipped
		return l, nil
	}
	prog, err := kernel.Load(kernelTypes[tg], harness(tg, insns))
	if errors.Is(err, kernel.ErrRejected) {
		l.outcome = outRejected
		return l, fmt.Errorf("%w\n%v\n%v", err, p, insns)
	}
	if err != nil {
		return l, err
	}
	defer prog.Close()
	var digests []string
	for _, fs := range sets {
		if fs == nil {
			digests = append(digests, "-")
			continue
		}
		rs := make([]uint32, len(fs.frames))
		for i, f := range fs.frames {
			if rs[i], err = prog.Run(f.data); err != nil {
				return l, fmt.Errorf("%s packet %d: %w", f.capture, f.n, err)
			}
		}
		digests = append(digests, answerDigest(rs))
	}
	l.outcome = fmt.Sprintf("P=%s S=%s", digests[0], digests[1])
	return l, nil
}

// liveKernel asks the running kernel for the answers of every program of
// set on every target: with -update it records them at path, otherwise
// it checks them against the recorded ones. It does nothing unless root.
// kernelStride limits how many programs a plain root run loads into the
// kernel: each load JITs a program, and tens of thousands in a row add
// minutes to the run for little more assurance than a sample gives.
var kernelStride = flag.Int("kernel.stride", 8, "without -update, rerun every Nth program of each set in the kernel (1 reruns them all)")

func liveKernel(t *testing.T, set *programSet, project, shared *frameSet, path string) error {
	if os.Geteuid() != 0 {
		if *update {
			t.Fatal("-update runs programs in the kernel, which needs root")
		}
		t.Log("not root: comparing the VM with the kernel's recorded answers only")
		return nil
	}
	if err := kerneltest.Responsive(); err != nil {
		t.Logf("comparing the VM with the kernel's recorded answers only: %v", err)
		return nil
	}
	stride := *kernelStride
	if *update || stride < 1 {
		stride = 1
	}
	var lines []goldenLine
	var recorded []int // the index in the golden of each of lines
	var cpu uint32
	err := kerneltest.OnPinnedThread(func(c uint32) error {
		cpu = c
		for i, p := range set.programs {
			if i%stride != 0 {
				continue
			}
			for j, tg := range targets {
				l, err := runInKernel(t, p.prog, set.semantics, tg, project, shared)
				l.id = p.id
				if err != nil {
					t.Errorf("%q for %v: %v", p.id, tg, err)
				}
				lines = append(lines, l)
				recorded = append(recorded, i*len(targets)+j)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if *update {
		sharedID := "-"
		if shared != nil {
			sharedID = shared.id
		}
		comment := fmt.Sprintf(`What the Linux kernel (%s) returned running each program of the set %q
translated for each target (ID, target, fingerprint of the eBPF code, then
"unsupported", "skipped", "rejected" or digests of the answers over the
Ethernet frames of %s (P) and %s (S)), on the given cpu.
Regenerate with %s`, kernelRelease(), set.name, projectPcaps, sharedPcaps, regenerate)
		header := []string{"project " + project.id, "shared " + sharedID, fmt.Sprintf("cpu %d", cpu)}
		return writeGolden(path, comment, header, lines)
	}
	g, err := readGolden(path)
	if err != nil {
		return fmt.Errorf("%w; regenerate with %s", err, regenerate)
	}
	if len(g.lines) != len(set.programs)*len(targets) {
		return fmt.Errorf("%d recorded lines for %d programs; regenerate with %s", len(g.lines), len(set.programs), regenerate)
	}
	t.Logf("reran %d of %d programs in the kernel (-kernel.stride=%d)", len(lines)/len(targets), len(set.programs), stride)
	for i, l := range lines {
		want := g.lines[recorded[i]]
		if g.header["cpu"] != fmt.Sprint(cpu) || g.header["shared"] == "-" && shared != nil {
			// The answers depend on the CPU and on the frames run.
			l.outcome, want.outcome = strings.SplitN(l.outcome, " ", 2)[0], strings.SplitN(want.outcome, " ", 2)[0]
		}
		if l != want {
			t.Errorf("this kernel: %v\nrecorded:    %v", l, want)
		}
	}
	return nil
}

func kernelRelease() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return "unknown"
	}
	return unix.ByteSliceToString(u.Release[:])
}

// TestVerdicts runs XDP and SchedCLS programs with their default and
// custom verdicts in the kernel: accept exactly when the classic result
// is not 0, including when a load fails.
func TestVerdicts(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to load XDP and tc programs")
	}
	kerneltest.Require(t)
	frame := make([]byte, 60)
	frame[12], frame[13] = 0x08, 0x00
	programs := []struct {
		name string
		text string
	}{
		{"ret #1", "1\n6 0 0 1\n"},
		{"ret #0", "1\n6 0 0 0\n"},
		{"ret a of ldb [12]", "2\n48 0 0 12\n22 0 0 0\n"}, // A = 8
		{"ret a of ldb [13]", "2\n48 0 0 13\n22 0 0 0\n"}, // A = 0
		{"load past the end", "2\n48 0 0 100\n6 0 0 1\n"}, // fails
		{"x/0", "3\n0 0 0 7\n60 0 0 0\n6 0 0 1\n"},        // div by X = 0
		{"ip", "4\n40 0 0 12\n21 0 1 2048\n6 0 0 1\n6 0 0 0\n"},
	}
	custom := &translate.Verdicts{Accept: 7, Reject: 9}
	for _, pr := range programs {
		p := mustParse(t, pr.text)
		vm, err := cbpf.NewVM(p, cbpf.Libpcap)
		if err != nil {
			t.Fatal(err)
		}
		accept := vm.Run(frame, len(frame)) != 0
		for _, tc := range []struct {
			target   translate.Target
			verdicts *translate.Verdicts
		}{
			{translate.XDP, nil}, {translate.SchedCLS, nil}, {translate.XDP, custom}, {translate.SchedCLS, custom},
		} {
			t.Run(fmt.Sprintf("%s/%v/%v", pr.name, tc.target, tc.verdicts), func(t *testing.T) {
				insns, err := translate.Program(p, translate.Options{Target: tc.target, Verdicts: tc.verdicts})
				if err != nil {
					t.Fatal(err)
				}
				prog, err := kernel.Load(kernelTypes[tc.target], insns)
				if err != nil {
					t.Fatal(err)
				}
				defer prog.Close()
				got, err := prog.Run(frame)
				if err != nil {
					t.Fatal(err)
				}
				v := tc.verdicts
				if v == nil {
					v = map[translate.Target]*translate.Verdicts{translate.XDP: &translate.XDPVerdicts, translate.SchedCLS: &translate.SchedCLSVerdicts}[tc.target]
				}
				want := v.Reject
				if accept {
					want = v.Accept
				}
				if int32(got) != want {
					t.Errorf("returned %d, want %d (classic result %v)", got, want, accept)
				}
			})
		}
	}
}

// loadable loads a translation for target t (Function and InProcess in
// the XDP harness, InProcess only without loops or far loads) and
// unloads it.
func loadable(t translate.Target, insns asm.Instructions) error {
	if t == translate.InProcess {
		return nil // its limits exceed the verifier's; TestKernel loads a limited variant
	}
	prog, err := kernel.Load(kernelTypes[t], harness(t, insns))
	if err != nil {
		return err
	}
	return prog.Close()
}

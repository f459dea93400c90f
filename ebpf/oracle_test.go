package ebpf

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	cebpf "github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"

	"github.com/gotcpdump/gotcpdump/ebpf/conformance"
	"github.com/gotcpdump/gotcpdump/internal/kerneltest"
)

var update = flag.Bool("update", false, "regenerate golden files from their oracles (the kernel needs root)")

// kernelGolden records what the kernel computes for each program: name,
// program (raw instructions, hex), memory (hex) and r0 (hex), or
// "rejected" when its verifier refuses the program. Regenerate, as root on
// Linux, with
//
//	go test ./ebpf -run TestKernelOracle -update
const kernelGolden = "testdata/kernel_oracle.tsv"

type oracleCase struct {
	name    string
	program []byte
	mem     []byte
	result  string // hex r0, or "rejected"
}

// TestKernelOracle runs programs in the VM and compares r0 with what the
// kernel's BPF_PROG_TEST_RUN computed for the same instructions: the
// conformance suite's programs and random ones. Both run the programs as
// XDP programs wrapped in the suite's harness (harness below), so the
// comparison is of the very same instructions.
func TestKernelOracle(t *testing.T) {
	if *update {
		writeKernelGolden(t)
	}
	cases := readKernelGolden(t)
	var kernel *cebpf.Map
	if kernelAvailable() {
		kernel = newKernelResultMap(t)
	}
	compared := 0
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, err := unmarshalProgram(c.program)
			if err != nil {
				t.Fatal(err)
			}
			// Loading hundreds of programs strains the kernel's JIT
			// allocator; a sample shows the golden file is current, and
			// -update checks every program.
			if kernel != nil && !*update && i%kernelSample == 0 {
				got, err := runInKernel(kernel, body, c.mem)
				if diff := resultString(got, err); diff != c.result {
					t.Errorf("kernel now gives %s, golden file says %s", diff, c.result)
				}
			}
			if c.result == "rejected" {
				return
			}
			got, err := runHarness(body, c.mem)
			if err != nil {
				t.Fatalf("VM: %v (kernel: %s)", err, c.result)
			}
			if s := strconv.FormatUint(got, 16); s != c.result {
				t.Fatalf("VM r0 = %s, kernel r0 = %s", s, c.result)
			}
			compared++
		})
	}
	t.Logf("%d programs agree with the kernel's recorded results (%d cases, the rest rejected by its verifier)", compared, len(cases))
	if kernel == nil {
		t.Log("not root on Linux: checked the VM against the golden file only")
	}
}

// kernelAvailable reports whether the tests can load programs into the
// kernel: root on Linux, with a kernel that answers.
func kernelAvailable() bool {
	return runtime.GOOS == "linux" && os.Geteuid() == 0 && kerneltest.Responsive() == nil
}

// kernelSample is how sparsely a plain test run rechecks the golden
// results in the kernel.
const kernelSample = 16

// newKernelResultMap creates the kernel array map programs store r0 in.
func newKernelResultMap(t *testing.T) *cebpf.Map {
	m, err := cebpf.NewMap(&cebpf.MapSpec{Type: cebpf.Array, KeySize: 4, ValueSize: 8, MaxEntries: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func resultString(r0 uint64, err error) string {
	if err != nil {
		return "rejected"
	}
	return strconv.FormatUint(r0, 16)
}

// harness wraps a program written for the suite's convention (r1 =
// memory, r2 = its length) as an XDP program whose 64-bit r0 ends up in
// the first value of an array map, exactly as the suite's libbpf plugin
// does: a call of the body as a function, a store of r0 through a direct
// map value load, then the suite's XDP prologue, which checks that the
// memory is there and loads its bounds, before the body.
func harness(body asm.Instructions, memLen int, result asm.FDer) asm.Instructions {
	insns := asm.Instructions{
		{OpCode: asm.OpCode(asm.JumpClass).SetJumpOp(asm.Call), Src: asm.PseudoCall, Constant: 4},
		asm.LoadMapValue(asm.R1, 0, 0),
		asm.StoreMem(asm.R1, 0, asm.R0, asm.DWord),
		asm.Return(),
		// The body function.
		asm.Mov.Imm(asm.R0, -1),
		asm.Mov.Reg(asm.R6, asm.R1),
		asm.LoadMem(asm.R1, asm.R6, 0, asm.Word),
		asm.LoadMem(asm.R2, asm.R6, 4, asm.Word),
		asm.Mov.Reg(asm.R3, asm.R1),
		asm.Add.Imm(asm.R3, int32(memLen)),
		{OpCode: asm.JLE.Op(asm.RegSource), Dst: asm.R3, Src: asm.R2, Offset: 1},
		asm.Return(),
		asm.Mov.Imm(asm.R2, int32(memLen)),
	}
	if err := insns[1].AssociateMap(result); err != nil {
		panic(err)
	}
	return append(insns, body...)
}

// paddedToEthernet pads memory to an Ethernet header, the least the kernel runs
// an XDP program on.
func paddedToEthernet(mem []byte) []byte {
	data := append([]byte(nil), mem...)
	for len(data) < 14 {
		data = append(data, 0)
	}
	return data
}

func runHarness(body asm.Instructions, mem []byte) (uint64, error) {
	m, err := NewMap(&cebpf.MapSpec{Type: cebpf.Array, KeySize: 4, ValueSize: 8, MaxEntries: 1})
	if err != nil {
		return 0, err
	}
	vm, err := NewVM(harness(body, len(mem), m), nil)
	if err != nil {
		return 0, err
	}
	if _, err := vm.RunXDP(paddedToEthernet(mem), &XDPMeta{}); err != nil {
		return 0, err
	}
	v, err := m.Lookup([]byte{0, 0, 0, 0})
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(v), nil
}

func runInKernel(m *cebpf.Map, body asm.Instructions, mem []byte) (uint64, error) {
	if err := m.Put(uint32(0), uint64(0)); err != nil {
		return 0, err
	}
	prog, err := cebpf.NewProgram(&cebpf.ProgramSpec{
		Type: cebpf.XDP, License: "MIT", Instructions: harness(body, len(mem), m),
	})
	if err != nil {
		return 0, err
	}
	defer prog.Close()
	if _, err := prog.Run(&cebpf.RunOptions{Data: paddedToEthernet(mem)}); err != nil {
		return 0, fmt.Errorf("run: %w", err)
	}
	var r0 uint64
	err = m.Lookup(uint32(0), &r0)
	return r0, err
}

func unmarshalProgram(raw []byte) (asm.Instructions, error) {
	return asm.AppendInstructions(nil, bytes.NewReader(raw), binary.LittleEndian, "linux")
}

func marshalProgram(t testing.TB, insns asm.Instructions) []byte {
	var buf bytes.Buffer
	if err := insns.Marshal(&buf, binary.LittleEndian); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readKernelGolden(t *testing.T) []oracleCase {
	f, err := os.Open(kernelGolden)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []oracleCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 4 {
			t.Fatalf("%s: bad line %q", kernelGolden, sc.Text())
		}
		prog, err1 := hex.DecodeString(fields[1])
		mem, err2 := hex.DecodeString(fields[2])
		if err := errors.Join(err1, err2); err != nil {
			t.Fatalf("%s: %v", kernelGolden, err)
		}
		cases = append(cases, oracleCase{fields[0], prog, mem, fields[3]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// writeKernelGolden runs every oracle program in the kernel and records
// the results.
func writeKernelGolden(t *testing.T) {
	if !kernelAvailable() {
		t.Skip("-update needs root on Linux to run programs in the kernel")
	}
	var cases []oracleCase
	files, _ := filepath.Glob(filepath.Join(conformanceDir, "*.data"))
	if len(files) == 0 {
		t.Fatalf("-update needs the conformance suite in %s", conformanceDir)
	}
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		c, err := conformance.Parse(string(text))
		if err != nil {
			t.Fatal(err)
		}
		insns, err := Assemble(c.Asm)
		if err != nil {
			t.Fatal(err)
		}
		name := "conformance/" + strings.TrimSuffix(filepath.Base(file), ".data")
		cases = append(cases, oracleCase{name: name, program: marshalProgram(t, insns), mem: c.Memory})
	}
	rng := rand.New(rand.NewPCG(2026, 11))
	for i := range 400 {
		cases = append(cases, oracleCase{
			name:    fmt.Sprintf("random/%03d", i),
			program: marshalProgram(t, randomProgram(rng)),
		})
	}
	kernel := newKernelResultMap(t)
	var out bytes.Buffer
	out.WriteString("# name\tprogram\tmemory\tr0 from the kernel's BPF_PROG_TEST_RUN; regenerate: go test ./ebpf -run TestKernelOracle -update (as root)\n")
	for _, c := range cases {
		body, err := unmarshalProgram(c.program)
		if err != nil {
			t.Fatal(err)
		}
		r0, err := runInKernel(kernel, body, c.mem)
		fmt.Fprintf(&out, "%s\t%x\t%x\t%s\n", c.name, c.program, c.mem, resultString(r0, err))
	}
	if err := os.WriteFile(kernelGolden, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

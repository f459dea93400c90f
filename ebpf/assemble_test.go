package ebpf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/cilium/ebpf/asm"
	"github.com/google/go-cmp/cmp"

	"github.com/gotcpdump/gotcpdump/ebpf/conformance"
)

func TestAssembleErrors(t *testing.T) {
	tests := []struct {
		src       string
		line, col int
	}{
		{"mov %r0, 1\nfoo %r1", 2, 1},
		{"mov %r11, 1", 1, 5},
		{"mov %r0", 1, 1},
		{"  add32 %r0, 0x100000000", 1, 14},
		{"add %r0, 2147483648", 1, 10},
		{"ldxw %r0, [%r1+0x10000]", 1, 15},
		{"ldxw %r0, [%r1+2", 1, 11},
		{"ldxw %r0, %r1", 1, 11},
		{"ja nowhere", 1, 4},
		{"l:\nl:\nexit", 2, 1},
		{"jeq %r0, 1, +40000", 1, 13},
		{"lock nand [%r1], %r2", 1, 6},
		{"call maybe 1", 1, 6},
		{"ldxsdw %r0, [%r1]", 1, 1},
		{"be8 %r0", 1, 1},
		{"lddw %r0, 0x1ffffffffffffffff", 1, 11},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := Assemble(tt.src)
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("error %v, want a *SyntaxError", err)
			}
			if se.Line != tt.line || se.Column != tt.col {
				t.Fatalf("error %v at %d:%d, want %d:%d", err, se.Line, se.Column, tt.line, tt.col)
			}
		})
	}
}

func TestAssemble(t *testing.T) {
	tests := []struct {
		src  string
		want asm.Instruction
	}{
		{"add %r1, -1", asm.Add.Imm(asm.R1, -1)},
		{"add32 %r1, 0xffffffff", asm.Add.Imm32(asm.R1, -1)},
		{"sdiv %r1, %r2", asm.SDiv.Reg(asm.R1, asm.R2)},
		{"movsx1632 %r1, %r2", asm.MovSX16.Reg32(asm.R1, asm.R2)},
		{"be16 %r3", asm.HostTo(asm.BE, asm.R3, asm.Half)},
		{"bswap64 %r3", asm.BSwap(asm.R3, asm.DWord)},
		{"ldxh %r0, [%r1+2]", asm.LoadMem(asm.R0, asm.R1, 2, asm.Half)},
		{"ldxsb %r0, [%r1-2]", asm.LoadMemSX(asm.R0, asm.R1, -2, asm.Byte)},
		{"stxdw [%r10-8], %r1", asm.StoreMem(asm.R10, -8, asm.R1, asm.DWord)},
		{"stb [ %r10 - 1 ], 7", asm.StoreImm(asm.R10, -1, 7, asm.Byte)},
		{"jeq %r1, 0x11, +3", asm.Instruction{OpCode: asm.JEq.Op(asm.ImmSource), Dst: asm.R1, Constant: 0x11, Offset: 3}},
		{"jsgt32 %r1, %r2, -1", asm.Instruction{OpCode: asm.OpCode(asm.Jump32Class).SetJumpOp(asm.JSGT).SetSource(asm.RegSource), Dst: asm.R1, Src: asm.R2, Offset: -1}},
		{"call 1", asm.FnMapLookupElem.Call()},
		{"ldabsh 12", asm.LoadAbs(12, asm.Half)},
		{"ldindb %r7, 14", asm.LoadInd(asm.R0, asm.R7, 14, asm.Byte)},
		{"lddw %r0, -1", asm.LoadImm(asm.R0, -1, asm.DWord)},
		{"lddw %r0, 18446744073709551615", asm.LoadImm(asm.R0, -1, asm.DWord)},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got, err := Assemble(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(marshalProgram(t, asm.Instructions{tt.want}), marshalProgram(t, got)); diff != "" {
				t.Fatalf("encoding (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAtomicsMarshal checks that assembled atomics keep their operation
// through cilium/ebpf's Marshal and Unmarshal.
func TestAtomicsMarshal(t *testing.T) {
	src := "lock xor32 [%r1], %r2\nlock fetch or [%r1+8], %r2\nlock cmpxchg [%r1], %r3\nlock xchg32 [%r1], %r3\nexit"
	insns := mustAssemble(t, src)
	var buf bytes.Buffer
	if err := insns.Marshal(&buf, binary.LittleEndian); err != nil {
		t.Fatal(err)
	}
	back, err := unmarshalProgram(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	text, err := Disassemble(back)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("lock xor32 [%r1], %r2\nlock fetch or [%r1+8], %r2\nlock cmpxchg [%r1], %r3\nlock xchg32 [%r1], %r3\nexit\n", text); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

// TestDisassembleRoundTrip disassembles and reassembles every
// conformance program and random ones, and compares the encodings.
func TestDisassembleRoundTrip(t *testing.T) {
	var programs []asm.Instructions
	files, _ := filepath.Glob(filepath.Join(conformanceDir, "*.data"))
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		c, err := conformance.Parse(string(text))
		if err != nil {
			t.Fatal(err)
		}
		programs = append(programs, mustAssemble(t, c.Asm))
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for range 200 {
		programs = append(programs, randomProgram(rng))
	}
	programs = append(programs, mustAssemble(t, tcpPort80), mustAssemble(t, tcpPort80Direct))
	for i, insns := range programs {
		text, err := Disassemble(insns)
		if err != nil {
			t.Fatalf("program %d: %v", i, err)
		}
		again, err := Assemble(text)
		if err != nil {
			t.Fatalf("program %d: %v\n%s", i, err, text)
		}
		if !bytes.Equal(marshalProgram(t, insns), marshalProgram(t, again)) {
			t.Fatalf("program %d does not round-trip:\n%v\n%s", i, insns, text)
		}
	}
}

func FuzzAssemble(f *testing.F) {
	f.Add(tcpPort80)
	f.Add(tcpPort80Direct)
	f.Add("lock fetch add [%r10-8], %r1\ncall local f\nexit\nf:\nlddw %r1, map:m\nexit")
	f.Add("jeq %r1, 0x11, +3\nldxh %r0, [%r1+2]\nbe16 %r0\nja32 -1")
	f.Fuzz(func(t *testing.T, src string) {
		insns, err := Assemble(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *SyntaxError", err)
			}
			return
		}
		text, err := Disassemble(insns)
		if err != nil {
			return // e.g. a kfunc call with a label target
		}
		again, err := Assemble(text)
		if err != nil {
			t.Fatalf("reassembling %q: %v", text, err)
		}
		text2, err := Disassemble(again)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(text, text2); diff != "" {
			t.Fatalf("round trip of %q (-first +second):\n%s", src, diff)
		}
	})
}

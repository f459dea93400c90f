package conformance

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	text := `# Copyright
-- asm
mov %r0, 1 # a comment
exit
-- mem
00 01
0203
-- raw
0x00000001000000b7
0x0000000000000095
-- result
0x1
-- no register offset
call instruction
`
	got, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	want := Test{Asm: "mov %r0, 1\nexit\n", Raw: []uint64{0xb7 | 1<<32, 0x95}, Memory: []byte{0, 1, 2, 3}, Result: 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	for name, text := range map[string]string{
		"no program":  "-- result\n0x1\n",
		"bad memory":  "-- asm\nexit\n-- mem\n0g\n",
		"odd memory":  "-- asm\nexit\n-- mem\n012\n",
		"bad result":  "-- asm\nexit\n-- result\nzz\n",
		"bad raw":     "-- raw\n0xq\n",
		"huge result": "-- asm\nexit\n-- result\n0x10000000000000000\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse(text); !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v, want ErrFormat", err)
			}
		})
	}
}

func TestHexRoundTrip(t *testing.T) {
	b := []byte{0, 0x7f, 0xff, 0x10}
	got, err := DecodeHex(EncodeHex(b))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(b, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if EncodeHex(b) != "00  7f  ff  10  " {
		t.Fatalf("EncodeHex = %q", EncodeHex(b))
	}
}

func FuzzParse(f *testing.F) {
	f.Add("-- asm\nexit\n-- mem\n00 01\n-- result\n0x1\n")
	f.Add("-- raw\n0x95\n-- error\nboom\n")
	f.Fuzz(func(t *testing.T, text string) {
		_, _ = Parse(text)
	})
}

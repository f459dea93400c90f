package cbpf_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gotcpdump/gotcpdump/cbpf"
	"golang.org/x/net/bpf"
)

// udpListing is tcpdump -y EN10MB -d 'udp[8:2] = 0x1234', the program the
// spellings in TestParseSpellings must read as.
const udpListing = `(000) ldh      [12]
(001) jeq      #0x800           jt 2	jf 10
(002) ldb      [23]
(003) jeq      #0x11            jt 4	jf 10
(004) ldh      [20]
(005) jset     #0x1fff          jt 10	jf 6
(006) ldxb     4*([14]&0xf)
(007) ldh      [x + 22]
(008) jeq      #0x1234          jt 9	jf 10
(009) ret      #262144
(010) ret      #0
`

func TestParseSpellings(t *testing.T) {
	want, err := cbpf.ParseFormat(udpListing, cbpf.Text)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		text string
		f    cbpf.Format
	}{
		{"tcpdump -d", udpListing, cbpf.Text},
		{"no instruction numbers", `ldh [12]
jeq #0x800 jt 2 jf 10
ldb [23]
jeq #0x11 jt 4 jf 10
ldh [20]
jset #0x1fff jt 10 jf 6
ldxb 4*([14]&0xf)
ldh [x + 22]
jeq #0x1234 jt 9 jf 10
ret #262144
ret #0`, cbpf.Text},
		{"comments, blank lines, CRLF, spaces", "# udp[8:2] = 0x1234\r\n\r\n  (000)   ldh [12]\r\n// IPv4?\r\n" +
			"(001) jeq #0x800 jt 2\tjf 10\r\n(002) ldb [ 23 ]\r\n(003) jeq #0x11   jt 4  jf 10\r\n(004) ldh [20]\r\n" +
			"(005) jset #0x1fff jt 10 jf 6\r\n(006) ldxb 4 * ( [14] & 0xf )\r\n(007) ldh [ x + 22 ]\r\n" +
			"(008) jeq #0x1234 jt 9 jf 10\r\n(009) ret #262144\r\n(010) ret #0\r\n", cbpf.Text},
		{"decimal and hex numbers swapped", `ldh [0xc]
jeq #2048 jt 2 jf 10
ldb [0x17]
jeq #17 jt 4 jf 10
ldh [0x14]
jset #8191 jt 10 jf 6
ldx 4*([0xe]&0xf)
ldh [x + 0x16]
jeq #4660 jt 9 jf 10
ret #0x40000
ret #0x0`, cbpf.Text},
		{"tcpdump -dd", `{ 0x28, 0, 0, 0x0000000c },
{ 0x15, 0, 8, 0x00000800 },
{ 0x30, 0, 0, 0x00000017 },
{ 0x15, 0, 6, 0x00000011 },
{ 0x28, 0, 0, 0x00000014 },
{ 0x45, 4, 0, 0x00001fff },
{ 0xb1, 0, 0, 0x0000000e },
{ 0x48, 0, 0, 0x00000016 },
{ 0x15, 0, 1, 0x00001234 },
{ 0x6, 0, 0, 0x00040000 },
{ 0x6, 0, 0, 0x00000000 },
`, cbpf.CArray},
		{"-dd decimal, no trailing commas", `{40,0,0,12}
{ 21, 0, 8, 2048 }
{ 48, 0, 0, 23 }
{ 21, 0, 6, 17 }
{ 0X28, 0, 0, 20 }
{ 69, 4, 0, 8191 }
{ 177, 0, 0, 14 }
{ 72, 0, 0, 22 }
{ 21, 0, 1, 0x1234 }
{ 6, 0, 0, 262144 }
{ 6, 0, 0, 0 }`, cbpf.CArray},
		{"tcpdump -ddd", "11\n40 0 0 12\n21 0 8 2048\n48 0 0 23\n21 0 6 17\n40 0 0 20\n69 4 0 8191\n177 0 0 14\n" +
			"72 0 0 22\n21 0 1 4660\n6 0 0 262144\n6 0 0 0\n", cbpf.Decimal},
		{"-ddd with commas", "11,40 0 0 12,21 0 8 2048,48 0 0 23,21 0 6 17,40 0 0 20,69 4 0 8191,177 0 0 14," +
			"72 0 0 22,21 0 1 4660,6 0 0 262144,6 0 0 0,", cbpf.Decimal},
		{"-ddd with commas and lines", "# bytecode\n11,\n40 0 0 12,21 0 8 2048\n48 0 0 23,21 0 6 17,40 0 0 20\n" +
			"69 4 0 8191\t, 177 0 0 14\n72 0 0 22\n21 0 1 4660,6 0 0 262144,6 0 0 0", cbpf.Decimal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			auto, err := cbpf.Parse(tc.text)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(want, auto); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
			only, err := cbpf.ParseFormat(tc.text, tc.f)
			if err != nil {
				t.Fatalf("ParseFormat(%v): %v", tc.f, err)
			}
			if diff := cmp.Diff(want, only); diff != "" {
				t.Errorf("ParseFormat(%v) (-want +got):\n%s", tc.f, diff)
			}
		})
	}
}

// TestParseAliases checks the spellings Parse accepts besides bpf_image's
// against the listings bpf_image prints.
func TestParseAliases(t *testing.T) {
	for _, tc := range []struct{ alias, canonical string }{
		{"jmp 5", "(000) ja       5"},
		{"ja 0x5", "(000) ja       5"},
		{"ja -1", "(000) ja       -1"},
		{"ld #len", "(000) ld       #pktlen"},
		{"ldx 4*([14]&0xf)", "(000) ldxb     4*([14]&0xf)"},
		{"ld [0xfffff000]", "(000) ld       [proto]"},
		{"ldb [4294963204]", "(000) ldb      [type]"},
		{"ld [-4095]", "(000) ld       [-4095]"},
		{"ret #4294967295", "(000) ret      #-1"},
		{"ret", "(000) ret      "},
		{"unimp 14", "(000) unimp    0xe"},
		{"jset #1 jt 1 jf 1", "(000) jset     #0x1             jt 1\tjf 1"},
		{"unimp 0x55 jt 1 jf 2", "(000) unimp    0x55             jt 1\tjf 2"},
	} {
		t.Run(tc.alias, func(t *testing.T) {
			got, err := cbpf.ParseFormat(tc.alias, cbpf.Text)
			if err != nil {
				t.Fatalf("ParseFormat(%q): %v", tc.alias, err)
			}
			if diff := cmp.Diff(tc.canonical+"\n", got.Format(cbpf.Text)); diff != "" {
				t.Errorf("reformatted (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	long := func(f cbpf.Format, n int) string {
		return cbpf.Program(make([]bpf.RawInstruction, n)).Format(f)
	}
	for _, tc := range []struct {
		name   string
		text   string
		f      cbpf.Format
		line   int
		target error // nil: only a *ParseError is expected
	}{
		{"empty text", "", cbpf.Text, 0, cbpf.ErrEmptyProgram},
		{"only comments", "# nothing\n\n// here\n", cbpf.Text, 0, cbpf.ErrEmptyProgram},
		{"empty -dd", "\n", cbpf.CArray, 0, cbpf.ErrEmptyProgram},
		{"empty -ddd", "", cbpf.Decimal, 0, cbpf.ErrEmptyProgram},
		{"-ddd count 0", "0\n", cbpf.Decimal, 1, cbpf.ErrEmptyProgram},
		{"unknown mnemonic", "ldh [12]\n# x\nldw [0]\nret #0\n", cbpf.Text, 3, cbpf.ErrUnknownMnemonic},
		{"upper case mnemonic", "LDH [12]", cbpf.Text, 1, cbpf.ErrUnknownMnemonic},
		{"bad operand", "ldh #12", cbpf.Text, 1, nil},
		{"operand for tax", "tax x", cbpf.Text, 1, nil},
		{"missing operand", "ldh", cbpf.Text, 1, nil},
		{"ancillary name unknown", "ld [nothing]", cbpf.Text, 1, nil},
		{"ancillary name on ldx", "ldxb 4*([proto]&0xf)", cbpf.Text, 1, nil},
		{"number too big", "ld #0x100000000", cbpf.Text, 1, nil},
		{"negative too big", "ret #-2147483649", cbpf.Text, 1, nil},
		{"plus sign", "ret #+1", cbpf.Text, 1, nil},
		{"instruction number out of sequence", "(000) ret #0\n(002) ret #0", cbpf.Text, 2, nil},
		{"unclosed instruction number", "(000 ret #0", cbpf.Text, 1, nil},
		{"only an instruction number", "(000)", cbpf.Text, 1, nil},
		{"missing jt jf", "jeq #1\nret #0", cbpf.Text, 1, nil},
		{"jt jf on ld", "ld #1 jt 1 jf 1", cbpf.Text, 1, nil},
		{"jt jf on ja", "ja 1 jt 1 jf 1", cbpf.Text, 1, nil},
		{"jt backwards", "ret #0\njeq #1 jt 1 jf 2", cbpf.Text, 2, nil},
		{"jf too far", "jeq #1 jt 1 jf 257", cbpf.Text, 1, nil},
		{"jt jf swapped", "jeq #1 jf 1 jt 2", cbpf.Text, 1, nil},
		{"trailing garbage after jf", "jeq #1 jt 1 jf 2 x", cbpf.Text, 1, nil},
		{"unimp of a known opcode", "unimp 0x28", cbpf.Text, 1, nil},
		{"unimp too wide", "unimp 0x10000", cbpf.Text, 1, nil},
		{"-dd not braced", "0x28, 0, 0, 12", cbpf.CArray, 1, nil},
		{"-dd three fields", "{ 0x28, 0, 0 },", cbpf.CArray, 1, nil},
		{"-dd octal", "{ 0x28, 0, 0, 012 },", cbpf.CArray, 1, nil},
		{"-dd jt too big", "{ 0x15, 256, 0, 0 },", cbpf.CArray, 1, nil},
		{"-dd negative", "{ 0x6, 0, 0, -1 },", cbpf.CArray, 1, nil},
		{"-dd code too big", "{ 0x10000, 0, 0, 0 },", cbpf.CArray, 1, nil},
		{"-dd second line", "{ 0x6, 0, 0, 0 },\n{ 0x6, 0, 0, 0 }},", cbpf.CArray, 2, nil},
		{"-ddd count too small", "1\n6 0 0 0\n6 0 0 0\n", cbpf.Decimal, 3, cbpf.ErrCountMismatch},
		{"-ddd count too large", "3\n6 0 0 0\n6 0 0 0\n", cbpf.Decimal, 1, cbpf.ErrCountMismatch},
		{"-ddd count not a number", "x\n6 0 0 0\n", cbpf.Decimal, 1, nil},
		{"-ddd hex", "1\n0x6 0 0 0\n", cbpf.Decimal, 2, nil},
		{"-ddd three numbers", "1\n6 0 0\n", cbpf.Decimal, 2, nil},
		{"-ddd k too big", "1\n6 0 0 4294967296\n", cbpf.Decimal, 2, nil},
		{"-ddd empty record", "2,6 0 0 0,,6 0 0 0", cbpf.Decimal, 1, nil},
		{"-ddd count above the maximum", "4097\n", cbpf.Decimal, 1, cbpf.ErrProgramTooLong},
		{"-d too long", long(cbpf.Text, cbpf.MaxInstructions+1), cbpf.Text, cbpf.MaxInstructions + 1, cbpf.ErrProgramTooLong},
		{"-dd too long", long(cbpf.CArray, cbpf.MaxInstructions+1), cbpf.CArray, cbpf.MaxInstructions + 1, cbpf.ErrProgramTooLong},
		{"unknown format", "ret #0", cbpf.Format(9), 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := cbpf.ParseFormat(tc.text, tc.f)
			if err == nil {
				t.Fatalf("ParseFormat(%q, %v) = %v, want an error", tc.text, tc.f, p)
			}
			if tc.target != nil && !errors.Is(err, tc.target) {
				t.Errorf("error %q is not %q", err, tc.target)
			}
			if tc.f == cbpf.Format(9) {
				return
			}
			var pe *cbpf.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %q (%T) is not a *ParseError", err, err)
			}
			if pe.Line != tc.line {
				t.Errorf("error %q names line %d, want %d", err, pe.Line, tc.line)
			}
		})
	}
}

func TestParseMaxInstructions(t *testing.T) {
	p := cbpf.Program(make([]bpf.RawInstruction, cbpf.MaxInstructions))
	p[len(p)-1].Op = 0x06
	for _, f := range formats {
		got, err := cbpf.Parse(p.Format(f))
		if err != nil {
			t.Fatalf("Parse(%v listing of %d instructions): %v", f, len(p), err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("%v (-want +got):\n%s", f, diff)
		}
	}
}

func TestParseErrorMessage(t *testing.T) {
	_, err := cbpf.Parse("ldh [12]\njeq #0x800 jt 2 jf 3\nldw [0]\nret #0\n")
	if diff := cmp.Diff(`line 3: unknown mnemonic "ldw"`, fmt.Sprint(err)); diff != "" {
		t.Errorf("message (-want +got):\n%s", diff)
	}
}

// FuzzParse checks that Parse never panics, that what it reads it reads
// back from every format, and that it only fails with a *ParseError.
func FuzzParse(f *testing.F) {
	f.Add(udpListing)
	f.Add("7,40 0 0 12,21 0 3 2048,177 0 0 14,72 0 0 16,21 1 0 80,6 0 0 0,6 0 0 262144,")
	f.Add("{ 0x28, 0, 0, 0x0000000c },\n{ 0x6, 0, 0, 0x00040000 },\n")
	f.Add("ld [vlan_tci]\nja -3\nunimp 0x55 jt 3 jf 4\nret\n")
	for _, path := range []string{expressionListing, programListing} {
		for i, l := range readListings(f, path) {
			if i%16 == 0 {
				for _, format := range formats {
					f.Add(l.text[format])
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		p, err := cbpf.Parse(text)
		if err != nil {
			var pe *cbpf.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %q (%T) is not a *ParseError", err, err)
			}
			return
		}
		if len(p) == 0 || len(p) > cbpf.MaxInstructions {
			t.Fatalf("read %d instructions", len(p))
		}
		for _, format := range []cbpf.Format{cbpf.CArray, cbpf.Decimal} {
			again, err := cbpf.ParseFormat(p.Format(format), format)
			if err != nil {
				t.Fatalf("read back %v: %v", format, err)
			}
			if diff := cmp.Diff(p, again); diff != "" {
				t.Fatalf("read back %v (-want +got):\n%s", format, diff)
			}
		}
		// Text drops fields, so its fixed point is the program read from it.
		listed := p.Format(cbpf.Text)
		fromText, err := cbpf.ParseFormat(listed, cbpf.Text)
		if err != nil {
			t.Fatalf("read back Text: %v\n%s", err, listed)
		}
		if diff := cmp.Diff(listed, fromText.Format(cbpf.Text)); diff != "" {
			t.Fatalf("Text listing of the read-back program (-want +got):\n%s", diff)
		}
		// A Text listing shows all of the program read from it.
		if _, err := cbpf.ParseFormat(text, cbpf.Text); err == nil {
			if diff := cmp.Diff(p, fromText); diff != "" {
				t.Fatalf("read back from Text (-want +got):\n%s", diff)
			}
		}
	})
}

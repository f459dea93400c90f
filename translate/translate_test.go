package translate_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/translate"
)

func mustParse(t testing.TB, text string) cbpf.Program {
	t.Helper()
	p, err := cbpf.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestErrors checks what the translator refuses and how it says so.
func TestErrors(t *testing.T) {
	const (
		hatype   = "2\n32 0 0 4294963228\n6 0 0 1\n"         // ld [hatype]; ret #1
		vlanTag  = "2\n32 0 0 4294963244\n6 0 0 1\n"         // ld [vlan_tci]; ret #1
		netLoad  = "2\n48 0 0 4293918729\n6 0 0 1\n"         // ldb [SKF_NET_OFF+9]; ret #1
		loop     = "3\n0 0 0 1\n5 0 0 4294967294\n6 0 0 0\n" // ld #1; ja -2 (wraps); ret #0
		ipFilter = "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n"
	)
	tests := []struct {
		name  string
		prog  string
		opts  translate.Options
		want  error
		index int // instruction the *translate.Error names, or -2 for none
	}{
		{"hatype on a socket", hatype, translate.Options{Target: translate.SocketFilter, Semantics: cbpf.Linux}, translate.ErrUnsupported, 0},
		{"vlan tag on XDP", vlanTag, translate.Options{Target: translate.XDP, Semantics: cbpf.Linux}, translate.ErrUnsupported, 0},
		{"vlan tag on tc", vlanTag, translate.Options{Target: translate.SchedCLS, Semantics: cbpf.Linux}, nil, -2},
		{"network header on a function", netLoad, translate.Options{Target: translate.Function, Semantics: cbpf.Linux}, translate.ErrUnsupported, 0},
		{"network header on tc", netLoad, translate.Options{Target: translate.SchedCLS, Semantics: cbpf.Linux}, nil, -2},
		{"loop on XDP", loop, translate.Options{Target: translate.XDP}, translate.ErrBackwardJump, 1},
		{"loop on a function", loop, translate.Options{Target: translate.Function}, translate.ErrBackwardJump, 1},
		{"loop in process", loop, translate.Options{Target: translate.InProcess}, nil, -2},
		{"loop under Linux rules", loop, translate.Options{Target: translate.InProcess, Semantics: cbpf.Linux}, cbpf.ErrInvalid, -2},
		{"no target", ipFilter, translate.Options{}, translate.ErrOptions, -2},
		{"verdicts on a socket", ipFilter, translate.Options{Target: translate.SocketFilter, Verdicts: &translate.XDPVerdicts}, translate.ErrOptions, -2},
		{"verdicts and raw", ipFilter, translate.Options{Target: translate.XDP, Raw: true, Verdicts: &translate.XDPVerdicts}, translate.ErrOptions, -2},
		{"exit label on XDP", ipFilter, translate.Options{Target: translate.XDP, ExitLabel: "out"}, translate.ErrOptions, -2},
		{"limit above the verifier's", ipFilter, translate.Options{Target: translate.XDP, PacketLimit: 1 << 20}, translate.ErrOptions, -2},
		{"unknown semantics", ipFilter, translate.Options{Target: translate.XDP, Semantics: 7}, translate.ErrOptions, -2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, tt.prog)
			_, err := translate.Program(p, tt.opts)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			var te *translate.Error
			if got := errors.As(err, &te); got != (tt.index >= 0) {
				t.Fatalf("errors.As(%v, *Error) = %v", err, got)
			}
			if te == nil {
				return
			}
			if diff := cmp.Diff(struct {
				Index       int
				Instruction bpf.RawInstruction
				Target      translate.Target
			}{tt.index, p[tt.index], tt.opts.Target}, struct {
				Index       int
				Instruction bpf.RawInstruction
				Target      translate.Target
			}{te.Index, te.Instruction, te.Target}); diff != "" {
				t.Errorf("error fields (-want +got):\n%s\n%v", diff, err)
			}
		})
	}
}

// TestLoopBudget checks that InProcess spends a budget on every backward
// jump and initialises it once.
func TestLoopBudget(t *testing.T) {
	p := mustParse(t, "3\n0 0 0 1\n5 0 0 4294967294\n6 0 0 0\n")
	insns, err := translate.Program(p, translate.Options{Target: translate.InProcess})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ins := range insns {
		got = append(got, strings.TrimSpace(fmt.Sprint(ins)))
	}
	want := []string{
		"MovImm dst: r6 imm: 4194304",
		"MovImm32 dst: r0 imm: 1",
		"AddImm dst: r6 imm: -1",
		"JEqImm dst: r6 off: -1 imm: 0 <cbpf.fail>",
		"Ja off: -1 <cbpf.L0>",
		"MovImm32 dst: r0 imm: 0",
		"Exit",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

package randprog_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/internal/randprog"
)

const programsPerCase = 3000

var cases = []struct {
	name string
	opts randprog.Options
}{
	{"libpcap", randprog.Options{Semantics: cbpf.Libpcap}},
	{"linux", randprog.Options{Semantics: cbpf.Linux}},
	{"linux-long", randprog.Options{Semantics: cbpf.Linux, MinLen: 200, MaxLen: 400}},
	{"libpcap-scratch-jumps", randprog.Options{Semantics: cbpf.Libpcap, Kinds: randprog.Scratch | randprog.Jumps}},
	{"linux-ancillary", randprog.Options{Semantics: cbpf.Linux, Kinds: randprog.Ancillary, Ancillaries: []cbpf.Ancillary{cbpf.AncMark}}},
	{"single", randprog.Options{Semantics: cbpf.Linux, MinLen: 1, MaxLen: 1}},
}

// TestGenerateValid checks the promise other packages rely on: every
// generated program passes the load-time rules of its semantics, jumps only
// forward and has the requested length.
func TestGenerateValid(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for seed := range uint64(programsPerCase) {
				p := randprog.Generate(rand.New(rand.NewPCG(seed, 0)), c.opts)
				if err := p.Validate(c.opts.Semantics); err != nil {
					t.Fatalf("seed %d: %v\n%v", seed, err, p)
				}
				if err := p.Validate(cbpf.Linux); c.opts.Semantics == cbpf.Linux && err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				lo, hi := c.opts.MinLen, c.opts.MaxLen
				if lo == 0 {
					lo, hi = 2, 32
				}
				if len(p) < lo || len(p) > hi {
					t.Fatalf("seed %d: %d instructions, want %d..%d", seed, len(p), lo, hi)
				}
			}
		})
	}
}

// TestGenerateCoverage checks that the bias reaches the boundary cases the
// generator exists for, so a refactoring cannot quietly lose them.
func TestGenerateCoverage(t *testing.T) {
	want := map[string]bool{
		"ldx len": true, "neg": true, "ldx msh": true, "ld len": true,
		"lsh #32": true, "rsh #33": true, "div x": true, "ret to last": true,
		"ld [net]": true, "ld [ll]": true, "ld anc": true, "ldb anc": true, "st": true, "ld M": true,
	}
	got := map[string]bool{}
	for _, sem := range []cbpf.Semantics{cbpf.Libpcap, cbpf.Linux} {
		for seed := range uint64(2000) {
			p := randprog.Generate(rand.New(rand.NewPCG(seed, 1)), randprog.Options{Semantics: sem})
			for i, ins := range p {
				for name, ok := range classify(i, len(p), ins.Op, ins.Jt, ins.Jf, ins.K) {
					if ok {
						got[name] = true
					}
				}
			}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("instruction forms seen (-want +got):\n%s", diff)
	}
}

func classify(i, n int, op uint16, jt, jf uint8, k uint32) map[string]bool {
	return map[string]bool{
		"ldx len":     op == 0x81,
		"neg":         op == 0x84,
		"ldx msh":     op == 0xb1,
		"ld len":      op == 0x80,
		"lsh #32":     op == 0x64 && k == 32,
		"rsh #33":     op == 0x74 && k == 33,
		"div x":       op == 0x3c,
		"ret to last": op&7 == 5 && op != 5 && (i+1+int(jt) == n-1 || i+1+int(jf) == n-1),
		"ld [net]":    op&0xe7 == 0x20 && k >= cbpf.NetworkBase && k < cbpf.AncillaryBase,
		"ld [ll]":     op&0xe7 == 0x20 && k >= cbpf.LinkBase && k < cbpf.NetworkBase,
		"ld anc":      op == 0x20 && k >= cbpf.AncillaryBase,
		"ldb anc":     op == 0x30 && k >= cbpf.AncillaryBase,
		"st":          op == 0x02,
		"ld M":        op == 0x60,
	}
}

// TestGenerateDeterministic checks that a seed reproduces its program.
func TestGenerateDeterministic(t *testing.T) {
	opts := randprog.Options{Semantics: cbpf.Linux}
	a := randprog.Generate(rand.New(rand.NewPCG(7, 7)), opts)
	b := randprog.Generate(rand.New(rand.NewPCG(7, 7)), opts)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different programs (-first +second):\n%s", diff)
	}
}

// TestCorrupt checks that each corruption breaks the rule it names and no
// other before it.
func TestCorrupt(t *testing.T) {
	for _, sem := range []cbpf.Semantics{cbpf.Libpcap, cbpf.Linux} {
		t.Run(sem.String(), func(t *testing.T) {
			seen := map[cbpf.Rule]bool{}
			for seed := range uint64(programsPerCase) {
				rng := rand.New(rand.NewPCG(seed, 2))
				p := randprog.Generate(rng, randprog.Options{Semantics: sem, MinLen: 1})
				q, rule := randprog.Corrupt(rng, p, sem)
				seen[rule] = true
				var verr *cbpf.ValidationError
				if err := q.Validate(sem); !errors.As(err, &verr) || verr.Rule != rule {
					t.Fatalf("seed %d: corrupted for %q, Validate says %v\nbefore:\n%v\nafter:\n%v", seed, rule, err, p, q)
				}
			}
			if want := 6 + 3*int(sem); len(seen) != want {
				t.Errorf("corrupted %d rules, want %d: %v", len(seen), want, seen)
			}
		})
	}
}

func ExampleGenerate() {
	rng := rand.New(rand.NewPCG(1, 2))
	p := randprog.Generate(rng, randprog.Options{Semantics: cbpf.Linux, MaxLen: 6})
	fmt.Println(p.Validate(cbpf.Linux) == nil, p[len(p)-1].Op&7 == 6)
	// Output: true true
}

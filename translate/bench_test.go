package translate_test

import (
	"testing"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/translate"
)

// BenchmarkTranslate translates the filter corpus compiled for capture
// files, per target; ns/op is per program.
func BenchmarkTranslate(b *testing.B) {
	var progs []cbpf.Program
	for _, set := range programSets(b) {
		if set.name == "corpus-libpcap" {
			for _, p := range set.programs {
				if !hasBackwardJump(p.prog) {
					progs = append(progs, p.prog)
				}
			}
		}
	}
	for _, tg := range targets {
		b.Run(tg.String(), func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := translate.Program(progs[i%len(progs)], translate.Options{Target: tg}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

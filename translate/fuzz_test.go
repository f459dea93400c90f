package translate_test

import (
	"encoding/binary"
	"errors"
	"flag"
	"os"
	"runtime"
	"testing"

	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/translate"
)

var fuzzKernel = flag.Bool("fuzz-kernel", false, "FuzzTranslate also loads every translation into the kernel (Linux, root)")

// FuzzTranslate decodes bytes as classic instructions (8 bytes each, the
// sock_filter layout) and translates every program that passes either
// semantics' load-time rules for every target: the translator must not
// panic, must answer with its documented errors only, and what it
// produces must encode. With -fuzz-kernel, on Linux as root, the kernel
// must also load every translation for the kernel's own targets (each
// load JIT-compiles, so this fuzzes far slower).
func FuzzTranslate(f *testing.F) {
	f.Add([]byte{0x28, 0, 0, 0, 12, 0, 0, 0, 0x15, 0, 0, 1, 0, 8, 0, 0, 0x06, 0, 0, 0, 1, 0, 0, 0, 0x06, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0xb1, 0, 0, 0, 14, 0, 0, 0, 0x48, 0, 0, 0, 16, 0, 0, 0, 0x16, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0x20, 0, 0, 0, 0x2c, 0xf0, 0xff, 0xff, 0x16, 0, 0, 0, 0, 0, 0, 0})
	load := *fuzzKernel && os.Geteuid() == 0 && runtime.GOOS == "linux"
	f.Fuzz(func(t *testing.T, data []byte) {
		var p cbpf.Program
		for len(data) >= 8 && len(p) < 256 {
			p = append(p, bpf.RawInstruction{
				Op: binary.LittleEndian.Uint16(data), Jt: data[2], Jf: data[3], K: binary.LittleEndian.Uint32(data[4:]),
			})
			data = data[8:]
		}
		for _, sem := range []cbpf.Semantics{cbpf.Libpcap, cbpf.Linux} {
			if p.Validate(sem) != nil {
				continue
			}
			for _, tg := range targets {
				insns, err := translate.Program(p, translate.Options{Target: tg, Semantics: sem})
				if errors.Is(err, translate.ErrUnsupported) || errors.Is(err, translate.ErrBackwardJump) || errors.Is(err, translate.ErrTooLarge) {
					continue
				}
				if err != nil {
					t.Fatalf("%v, %v: %v\n%v", sem, tg, err, p)
				}
				if _, err := fingerprint(insns); err != nil {
					t.Fatalf("%v, %v: encode: %v\n%v", sem, tg, err, p)
				}
				if load {
					if err := loadable(tg, insns); err != nil {
						t.Fatalf("%v, %v: %v\n%v", sem, tg, err, p)
					}
				}
			}
		}
	})
}

package lower_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang"
	"github.com/gotcpdump/gotcpdump/internal/linktype"
)

// compiledListing compiles expr from its text with opts and returns the
// result as the golden files write it: the -ddd listing, or "error:
// MESSAGE" for a compile error, which it also returns.
func compiledListing(t *testing.T, expr string, opts filterlang.Options) (string, error) {
	t.Helper()
	prog, err := filterlang.Compile(expr, opts)
	var ce *filterlang.Error
	switch {
	case errors.As(err, &ce):
		return "error: " + ce.Msg + "\n", err
	case err != nil:
		t.Fatalf("error of type %T: %v", err, err)
	}
	return prog.Format(cbpf.Decimal), nil
}

// listingOptions reads the head of a listing key, "DLT" or "DLT live",
// into the options libpcap compiled it with (unoptimised, netmask
// unknown).
func listingOptions(t *testing.T, head string) filterlang.Options {
	t.Helper()
	dltName, live := strings.CutSuffix(head, " live")
	lt, ok := linktype.Parse(dltName)
	if !ok {
		t.Fatalf("unknown link type %q", dltName)
	}
	opts := filterlang.Options{LinkType: lt, Netmask: filterlang.NetmaskUnknown, NoOptimize: true}
	if live {
		opts.Target = filterlang.LinuxLive
	}
	return opts
}

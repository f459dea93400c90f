package lower

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gotcpdump/gotcpdump/cbpf"
)

// masterChange is a golden case where this compiler follows a fix of
// libpcap master, so that its program differs from the libpcap 1.10.3 one
// the golden file keeps. Master's programs for these are checked against
// master's own apply tests (TestMasterApply) and, where master's accept
// tests have one, its listing (TestMasterListings).
type masterChange struct {
	why string
	// differs reports the packets on which the two programs may give
	// different results; nil when master only rewrote the program.
	differs func(pkt []byte) bool
}

// byteIn reports whether a packet has at off one of values.
func byteIn(off int, values ...byte) func(pkt []byte) bool {
	return func(pkt []byte) bool { return off < len(pkt) && slices.Contains(values, pkt[off]) }
}

// byteNotIn reports whether a packet has at off none of values.
func byteNotIn(off int, values ...byte) func(pkt []byte) bool {
	return func(pkt []byte) bool { return off < len(pkt) && !slices.Contains(values, pkt[off]) }
}

// bytesDiffer reports whether a packet holds different bytes at a and b,
// or holds one of them only.
func bytesDiffer(a, b int) func(pkt []byte) bool {
	return func(pkt []byte) bool {
		holdsA, holdsB := a < len(pkt), b < len(pkt)
		return holdsA != holdsB || holdsA && pkt[a] != pkt[b]
	}
}

// masterChanges are the golden cases of masterChange, by golden key.
var masterChanges = func() map[string]masterChange {
	const (
		arcnetRFC1051 = "libpcap master (c79b3cbc) matches ARCnet's RFC 1201 system codes only; 1.10.3 also took RFC 1051's 240 (IP) and 241 (ARP), then read the payload at RFC 1201's offsets"
		slipDirection = "libpcap master (127435bf) compares SLIP's direction byte with 0 or 1; 1.10.3 took \"outbound\" as any byte but 0, through a longer program"
		chdlcISIS     = "libpcap master (9fe209c9) reads the IS-IS PDU type after Cisco HDLC's padding byte, at 5 into the payload; 1.10.3 read it at 4"
	)
	out := map[string]masterChange{
		"SLIP: inbound":       {slipDirection, nil},
		"SLIP file: inbound":  {slipDirection, nil},
		"SLIP: outbound":      {slipDirection, byteNotIn(0, 0, 1)},
		"SLIP file: outbound": {slipDirection, byteNotIn(0, 0, 1)},
		"C_HDLC: l2":          {chdlcISIS, bytesDiffer(4+4, 4+5)},
	}
	// The system code is at 2 in BSD's ARCnet header and at 4 in Linux's.
	for dlt, off := range map[string]int{"ARCNET": 2, "ARCNET_LINUX": 4} {
		for _, key := range []string{
			dlt + ": ip", dlt + ": arp", dlt + ": ip multicast", dlt + " netmask 0xffffff00: ip broadcast",
		} {
			out[key] = masterChange{arcnetRFC1051, byteIn(off, 240, 241)}
		}
	}
	for _, expr := range []string{"host 10.1.2.3", "tcp dst portrange 1-1023", "ip protochain 6"} {
		out["ARCNET: "+expr] = masterChange{arcnetRFC1051, byteIn(2, 240, 241)}
	}
	return out
}()

// CheckGolden lets the tests that compile the goldens' expressions from
// text compare their programs as the package's own tests do.
var CheckGolden = checkGolden

// checkGolden compares our program (or error), got, with libpcap
// 1.10.3's in the golden file, want: they must be the same, except for
// the cases of masterChanges, whose programs must differ from 1.10.3's
// and give the same results on every packet but those the change is
// about.
func checkGolden(t *testing.T, key, want, got string) {
	t.Helper()
	mc, ok := masterChanges[key]
	if !ok {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("program differs from libpcap's (-libpcap +ours):\n%s", diff)
		}
		return
	}
	if want == got {
		t.Fatalf("program is libpcap 1.10.3's, but is recorded as following master: %s", mc.why)
	}
	wantProg, err := cbpf.Parse(want)
	if err != nil {
		t.Fatalf("libpcap 1.10.3's program: %v", err)
	}
	gotProg, err := cbpf.Parse(got)
	if err != nil {
		t.Fatalf("our program: %v", err)
	}
	wvm, err := cbpf.NewVM(wantProg, cbpf.Libpcap)
	if err != nil {
		t.Fatalf("libpcap 1.10.3's program: %v", err)
	}
	gvm, err := cbpf.NewVM(gotProg, cbpf.Libpcap)
	if err != nil {
		t.Fatalf("our program: %v", err)
	}
	changed := 0
	for i, pkt := range fieldPackets([]cbpf.Program{wantProg, gotProg}, 20000, false) {
		w, g := wvm.Run(pkt, len(pkt)), gvm.Run(pkt, len(pkt))
		switch {
		case w == g:
		case mc.differs != nil && mc.differs(pkt):
			changed++
		default:
			t.Fatalf("packet %d (% x): libpcap 1.10.3 %d, ours %d, on a packet the master change (%s) is not about\nours:\n%s",
				i, pkt, w, g, mc.why, gotProg.Format(cbpf.Text))
		}
	}
	if mc.differs != nil && changed == 0 {
		t.Fatalf("no packet shows the master change (%s): the comparison says little", mc.why)
	}
}

// TestMasterChangesInGoldens requires every case of masterChanges to be
// in a golden file, so that none is recorded in vain.
func TestMasterChangesInGoldens(t *testing.T) {
	keys := map[string]bool{}
	names, err := filepath.Glob(filepath.Join("testdata", "link", "*.golden"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no link golden files: %v", err)
	}
	for _, name := range names {
		golden, err := readListings(name)
		if err != nil {
			t.Fatal(err)
		}
		for k := range golden {
			keys[k] = true
		}
	}
	listings, err := readListings(filepath.Join("testdata", "network.listings"))
	if err != nil {
		t.Fatal(err)
	}
	for k := range listings {
		keys[k] = true
	}
	for key := range masterChanges {
		if !keys[key] {
			t.Errorf("%q is in masterChanges but in no golden file", key)
		}
	}
}

package capture

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// craftedCase is a hand-built capture whose reading is checked against
// tcpdump: the goldens in testdata/crafted hold what tcpdump reads (see
// TestTcpdump for the format; regenerate with -update).
type craftedCase struct {
	name string
	file []byte
	// errOffset is the offset the FormatError must name, or -1.
	errOffset int64
	// ownMessage, when set, is our error message where libpcap's wording
	// is less accurate or specific to its API.
	ownMessage string
	// differs, when set, says why tcpdump's reading is not ours: the
	// golden then shows tcpdump's result, and want holds ours.
	differs string
	want    []packet
}

func craftedCases() []craftedCase {
	p64, p100 := payload(64, 1), payload(100, 2)
	hdrLE := pcapHeader(le, 0xa1b2c3d4, 2, 4, 65535, 1)
	rec1 := pcapRecord(le, 1700000000, 123456, 64, 64, p64)
	idbNano := idb(le, 1, 65535, option(le, 2, []byte("eth0")), option(le, 9, []byte{9}), endOfOpt(le))
	epb1 := epb(le, 0, 1700000000_123456789, 64, 64, p64)
	shbLE := shb(le, 1, 0)
	return []craftedCase{
		// pcap, well formed.
		{name: "pcap-le-us", file: cat(hdrLE, rec1, pcapRecord(le, 1700000001, 999999, 100, 1500, p100)), errOffset: -1},
		{name: "pcap-be-ns", file: cat(pcapHeader(be, 0xa1b23c4d, 2, 4, 65535, 1), pcapRecord(be, 1700000000, 123456789, 64, 64, p64)), errOffset: -1},
		{name: "pcap-le-ns", file: cat(pcapHeader(le, 0xa1b23c4d, 2, 4, 65535, 1), pcapRecord(le, 1, 999999999, 64, 64, p64)), errOffset: -1},
		{name: "pcap-caplen-over-snaplen", file: cat(pcapHeader(le, 0xa1b2c3d4, 2, 4, 40, 1), pcapRecord(le, 5, 6, 100, 100, p100), rec1), errOffset: -1},
		{name: "pcap-caplen-over-len", file: cat(hdrLE, pcapRecord(le, 5, 6, 100, 40, p100)), errOffset: -1},
		{name: "pcap-snaplen-zero", file: cat(pcapHeader(le, 0xa1b2c3d4, 2, 4, 0, 1), rec1), errOffset: -1},
		{name: "pcap-snaplen-huge", file: cat(pcapHeader(le, 0xa1b2c3d4, 2, 4, 0x80000000, 1), rec1), errOffset: -1},
		{name: "pcap-linktype-flags", file: cat(pcapHeader(le, 0xa1b2c3d4, 2, 4, 65535, 0x30000069), rec1), errOffset: -1},
		{name: "pcap-version-2.2-swapped-lengths", file: cat(pcapHeader(le, 0xa1b2c3d4, 2, 2, 65535, 1), pcapRecord(le, 5, 6, 1500, 100, p100)), errOffset: -1},
		{name: "pcap-version-2.3-maybe-swapped", file: cat(pcapHeader(le, 0xa1b2c3d4, 2, 3, 65535, 1), pcapRecord(le, 5, 6, 1500, 100, p100), pcapRecord(le, 7, 8, 64, 64, p64)), errOffset: -1},
		{name: "pcap-version-543.0", file: cat(pcapHeader(be, 0xa1b2c3d4, 543, 0, 65535, 1), pcapRecord(be, 5, 6, 1500, 100, p100)), errOffset: -1},
		{name: "pcap-kuznetzov-ethernet", file: cat(pcapHeader(le, 0xa1b2cd34, 2, 4, 50, 1), pcapRecord(le, 5, 6, 64, 64, cat(make([]byte, 8), p64))), errOffset: -1},
		{name: "pcap-dbus-large", file: cat(pcapHeader(le, 0xa1b2c3d4, 2, 4, 0, 231), pcapRecord(le, 5, 6, 300000, 300000, payload(300000, 3))), errOffset: -1},
		{name: "pcap-empty-after-header", file: hdrLE, errOffset: -1},
		// pcap, damaged.
		{name: "pcap-empty-file", file: nil, errOffset: 0},
		{name: "pcap-short-magic", file: []byte{0xd4, 0xc3}, errOffset: 0},
		{name: "pcap-short-header", file: hdrLE[:20], errOffset: 0, ownMessage: "truncated dump file; tried to read 24 file header bytes, only got 20"},
		{name: "pcap-unknown-magic", file: []byte("not a capture file at all"), errOffset: 0},
		{name: "pcap-version-3.0", file: cat(pcapHeader(le, 0xa1b2c3d4, 3, 0, 65535, 1), rec1), errOffset: 0},
		{name: "pcap-version-1.0", file: cat(pcapHeader(le, 0xa1b2c3d4, 1, 0, 65535, 1), rec1), errOffset: 0},
		{name: "pcap-truncated-record-header", file: cat(hdrLE, rec1, []byte{1, 2, 3}), errOffset: 24 + 80},
		{name: "pcap-truncated-data", file: cat(hdrLE, rec1, pcapRecord(le, 5, 6, 16, 16, []byte{1, 2, 3})), errOffset: 24 + 80},
		{name: "pcap-truncated-over-snaplen-early", file: cat(pcapHeader(le, 0xa1b2c3d4, 2, 4, 40, 1), pcapRecord(le, 5, 6, 100, 100, p100[:30])), errOffset: 24},
		{name: "pcap-truncated-over-snaplen-late", file: cat(pcapHeader(le, 0xa1b2c3d4, 2, 4, 40, 1), pcapRecord(le, 5, 6, 100, 100, p100[:70])), errOffset: 24},
		{name: "pcap-caplen-over-snaplen-and-max", file: cat(hdrLE, rec1, pcapRecord(le, 5, 6, 300000, 300000, p100)), errOffset: 24 + 80},
		{name: "pcap-caplen-over-max", file: cat(pcapHeader(le, 0xa1b2c3d4, 2, 4, 1000000, 1), pcapRecord(le, 5, 6, 300000, 300000, p100)), errOffset: 24},
		{name: "pcap-caplen-4g", file: cat(hdrLE, pcapRecord(le, 5, 6, 0xffffffff, 0xffffffff, p100)), errOffset: 24},
		// Pseudo-headers in the writer's byte order.
		{name: "pcap-be-nflog", file: cat(pcapHeader(be, 0xa1b2c3d4, 2, 4, 65535, 239), pcapRecord(be, 5, 6, 20, 20,
			cat([]byte{2, 0, 0, 0}, u16(be, 8), u16(be, 1), []byte{1, 2, 3, 4}, u16(be, 5), u16(be, 9), []byte{9, 0, 0, 0}))), errOffset: -1},
		{name: "pcap-be-sll-can", file: cat(pcapHeader(be, 0xa1b2c3d4, 2, 4, 65535, 113), pcapRecord(be, 5, 6, 24, 24,
			cat(make([]byte, 14), u16(be, 0x000c), u32(be, 0x12345678), []byte{8, 0, 0, 0}))), errOffset: -1},
		{name: "pcap-be-sll2-canfd", file: cat(pcapHeader(be, 0xa1b2c3d4, 2, 4, 65535, 276), pcapRecord(be, 5, 6, 28, 28,
			cat(u16(be, 0x000d), make([]byte, 18), u32(be, 0x12345678), []byte{8, 0, 0, 0}))), errOffset: -1},
		{name: "pcap-be-pflog", file: cat(pcapHeader(be, 0xa1b2c3d4, 2, 4, 65535, 117), pcapRecord(be, 5, 6, 64, 64,
			cat([]byte{60}, payload(43, 4), u32(be, 1000), u32(be, 2000), u32(be, 3000), u32(be, 4000), make([]byte, 4)))), errOffset: -1},
		{name: "pcap-be-usb-mmapped-iso", file: cat(pcapHeader(be, 0xa1b2c3d4, 2, 4, 65535, 220), pcapRecord(be, 5, 6, 96, 96,
			cat(u64(be, 0x0102030405060708), []byte{'C', 0, 0x81, 1}, u16(be, 3), []byte{0, 0}, u64(be, 1700000000), u32(be, 5), u32(be, 0),
				u32(be, 16), u32(be, 16), u32(be, 7), u32(be, 1), u32(be, 8), u32(be, 9), u32(be, 10), u32(be, 1),
				u32(be, 0), u32(be, 0), u32(be, 16), u32(be, 0), payload(16, 5)))), errOffset: -1},
		{name: "pcap-be-usb-linux", file: cat(pcapHeader(be, 0xa1b2c3d4, 2, 4, 65535, 189), pcapRecord(be, 5, 6, 48, 48,
			cat(u64(be, 0x0102030405060708), []byte{'S', 2, 0x01, 1}, u16(be, 3), []byte{0, 0}, u64(be, 1700000000), u32(be, 5), u32(be, 0),
				u32(be, 16), u32(be, 0), payload(8, 6)))), errOffset: -1},
		{name: "pcap-usb-mmapped-length-fix", file: cat(pcapHeader(le, 0xa1b2c3d4, 2, 4, 65535, 220), pcapRecord(le, 5, 6, 80, 180,
			cat(u64(le, 1), []byte{'C', 0, 0x81, 1}, u16(le, 3), []byte{0, 0}, u64(le, 1700000000), u32(le, 5), u32(le, 0),
				u32(le, 100), u32(le, 10), u32(le, 0), u32(le, 1), u32(le, 0), u32(le, 0), u32(le, 0), u32(le, 1),
				u32(le, 0), u32(le, 0), u32(le, 10), u32(le, 0)))), errOffset: -1},
		// pcapng, well formed.
		{name: "pcapng-le-ns", file: cat(shbLE, idbNano, epb1, epb(le, 0, 1700000001_000000001, 100, 1500, p100)), errOffset: -1},
		{name: "pcapng-be-us", file: cat(shb(be, 1, 0), idb(be, 1, 65535), epb(be, 0, 1700000000_123456, 64, 64, p64)), errOffset: -1},
		{name: "pcapng-version-1.2", file: cat(shb(le, 1, 2), idbNano, epb1), errOffset: -1},
		{name: "pcapng-tsresol-binary", file: cat(shbLE, idb(le, 1, 65535, option(le, 9, []byte{0x80 | 20})),
			epb(le, 0, 1700000000<<20|1<<19, 64, 64, p64), epb(le, 0, 1700000000<<20|12345, 64, 64, p64)), errOffset: -1},
		{name: "pcapng-tsresol-millis-and-offset", file: cat(shbLE, idb(le, 1, 65535, option(le, 9, []byte{3}), option(le, 14, u64(le, 1000000000))),
			epb(le, 0, 1234567, 64, 64, p64)), errOffset: -1},
		{name: "pcapng-tsresol-picos", file: cat(shbLE, idb(le, 1, 65535, option(le, 9, []byte{12})), epb(le, 0, 1000000_123456789012, 64, 64, p64)), errOffset: -1},
		{name: "pcapng-spb-pb-unknown-blocks", file: cat(shbLE, block(le, 0x0bad, payload(10, 7)), idb(le, 1, 80),
			spb(le, 100, p100[:80]), block(le, 5, payload(20, 8)), pb(le, 0, 1700000000_000001, 64, 64, p64)), errOffset: -1},
		{name: "pcapng-two-sections", file: cat(shbLE, idbNano, epb1, shbLE, idb(le, 1, 65535), idb(le, 1, 65535), epb(le, 1, 1700000002_000003, 64, 64, p64)), errOffset: -1},
		{name: "pcapng-idb-snaplen-zero", file: cat(shbLE, idb(le, 1, 0), epb(le, 0, 5, 64, 64, p64)), errOffset: -1},
		{name: "pcapng-empty-after-idb", file: cat(shbLE, idbNano), errOffset: -1},
		{name: "pcapng-caplen-over-len", file: cat(shbLE, idbNano, epb(le, 0, 5, 64, 10, p64)), errOffset: -1},
		// pcapng, damaged.
		{name: "pcapng-no-idb", file: cat(shbLE), errOffset: int64(len(shbLE))},
		{name: "pcapng-packet-before-idb", file: cat(shbLE, epb1, idbNano), errOffset: int64(len(shbLE))},
		{name: "pcapng-short-shb", file: shbLE[:6], errOffset: 0, ownMessage: "truncated dump file; tried to read 12 file header bytes, only got 6"},
		{name: "pcapng-bad-shb-length", file: cat(u32(le, 0x0a0d0d0a), u32(le, 12), u32(le, 0x1a2b3c4d), u32(le, 12)), errOffset: 0},
		{name: "pcapng-shb-version-2", file: cat(shb(le, 2, 0), idbNano, epb1), errOffset: 0},
		{name: "pcapng-interface-unknown", file: cat(shbLE, idbNano, epb1, epb(le, 1, 5, 64, 64, p64)), errOffset: int64(len(shbLE) + len(idbNano) + len(epb1))},
		{name: "pcapng-second-section-no-idb", file: cat(shbLE, idbNano, epb1, shbLE, epb1), errOffset: int64(len(shbLE)*2 + len(idbNano) + len(epb1))},
		{name: "pcapng-trailer-mismatch", file: cat(shbLE, idbNano, epb1[:len(epb1)-4], u32(le, 8)), errOffset: int64(len(shbLE) + len(idbNano))},
		{name: "pcapng-length-not-multiple-of-4", file: cat(shbLE, idbNano, u32(le, 6), u32(le, 30), make([]byte, 22)), errOffset: int64(len(shbLE) + len(idbNano))},
		{name: "pcapng-length-too-small", file: cat(shbLE, idbNano, u32(le, 6), u32(le, 8), make([]byte, 22)), errOffset: int64(len(shbLE) + len(idbNano))},
		{name: "pcapng-truncated-block-header", file: cat(shbLE, idbNano, epb1, epb1[:5]), errOffset: int64(len(shbLE) + len(idbNano) + len(epb1))},
		{name: "pcapng-truncated-block", file: cat(shbLE, idbNano, epb1, epb1[:50]), errOffset: int64(len(shbLE) + len(idbNano) + len(epb1))},
		{name: "pcapng-block-too-large", file: cat(shbLE, idbNano, u32(le, 6), u32(le, 20<<20), make([]byte, 100)), errOffset: int64(len(shbLE) + len(idbNano))},
		{name: "pcapng-caplen-over-snaplen", file: cat(shbLE, idb(le, 1, 40), epb(le, 0, 5, 64, 64, p64)), errOffset: int64(len(shbLE) + 20)},
		{name: "pcapng-caplen-over-block", file: cat(shbLE, idbNano, epb(le, 0, 5, 200, 200, p64)), errOffset: int64(len(shbLE) + len(idbNano))},
		{name: "pcapng-epb-too-short", file: cat(shbLE, idbNano, block(le, 6, make([]byte, 12))), errOffset: int64(len(shbLE) + len(idbNano))},
		{name: "pcapng-tsresol-too-fine", file: cat(shbLE, idb(le, 1, 65535, option(le, 9, []byte{20})), epb1), errOffset: int64(len(shbLE))},
		{name: "pcapng-tsresol-bad-length", file: cat(shbLE, idb(le, 1, 65535, option(le, 9, []byte{9, 9})), epb1), errOffset: int64(len(shbLE))},
		{name: "pcapng-tsresol-twice", file: cat(shbLE, idb(le, 1, 65535, option(le, 9, []byte{9}), option(le, 9, []byte{9})), epb1), errOffset: int64(len(shbLE))},
		{name: "pcapng-tsoffset-bad-length", file: cat(shbLE, idb(le, 1, 65535, option(le, 14, []byte{1, 2, 3, 4})), epb1), errOffset: int64(len(shbLE))},
		{name: "pcapng-endofopt-bad-length", file: cat(shbLE, idb(le, 1, 65535, option(le, 0, []byte{1, 2, 3, 4})), epb1), errOffset: int64(len(shbLE))},
		{name: "pcapng-option-overruns", file: cat(shbLE, block(le, 1, u16(le, 1), u16(le, 0), u32(le, 65535), u16(le, 2), u16(le, 40), []byte("eth0"))), errOffset: int64(len(shbLE))},
		// Beyond libpcap 1.10.
		{name: "pcapng-mixed-link-types", file: cat(shbLE, idbNano, idb(le, 113, 65535), epb1, epb(le, 1, 1700000003_000004, 16, 16, p64[:16])), errOffset: -1,
			differs: "libpcap 1.10 refuses interfaces of different link types",
			want:    []packet{{1700000000, 123456789, 64, 64, p64}, {1700000003, 4000, 16, 16, p64[:16]}}},
		{name: "pcapng-sections-in-both-byte-orders", file: cat(shbLE, idbNano, epb1, shb(be, 1, 0), idb(be, 1, 65535), epb(be, 0, 1700000005_000006, 64, 64, p64)), errOffset: -1,
			differs: "libpcap 1.10 refuses sections of different byte orders",
			want:    []packet{{1700000000, 123456789, 64, 64, p64}, {1700000005, 6000, 64, 64, p64}}},
	}
}

// TestCrafted checks reading of hand-built captures, well formed and
// damaged, against what tcpdump reads from them.
func TestCrafted(t *testing.T) {
	tcpdump, _ := exec.LookPath("tcpdump")
	if *update && tcpdump == "" {
		t.Fatal("-update needs tcpdump")
	}
	for _, tc := range craftedCases() {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "in")
			if err := os.WriteFile(file, tc.file, 0o644); err != nil {
				t.Fatal(err)
			}
			want := string(tcpdumpGolden(t, tcpdump, file, filepath.Join("testdata", "crafted", tc.name+".golden")))

			micro := readAndWrite(t, tc.file, false)
			nano := readAndWrite(t, tc.file, true)
			readErr := nano.err
			got := digest(micro.out, nano.out, nano.pkts, libpcapMessage(readErr))
			switch {
			case tc.differs != "":
				// Only the packets: tcpdump stops where we go on.
				got = digestPackets(got)
				want = digestPackets(digest(nil, nil, tc.want, ""))
			case tc.ownMessage != "":
				if msg := libpcapMessage(readErr); msg != tc.ownMessage {
					t.Errorf("error %q, want %q", msg, tc.ownMessage)
				}
				got, want = errorLine.ReplaceAllString(got, "error"), errorLine.ReplaceAllString(want, "error")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("-want +ours:\n%s", diff)
			}
			checkFormatError(t, nano, tc.errOffset)
		})
	}
}

var (
	errorLine  = regexp.MustCompile(`(?m)^error .*$`)
	packetLine = regexp.MustCompile(`(?m)^packet .*\n`)
)

func digestPackets(d string) string {
	var s string
	for _, m := range packetLine.FindAllString(d, -1) {
		s += m
	}
	return s
}

// checkFormatError checks that a read ended with a FormatError naming the
// packet after the delivered ones (0 if the file header is at fault) and
// the offset, or without error when offset is -1.
func checkFormatError(t *testing.T, res readResult, offset int64) {
	t.Helper()
	err := res.err
	if offset < 0 {
		if err != nil {
			t.Errorf("unexpected error %v", err)
		}
		return
	}
	var ferr *FormatError
	if !errors.As(err, &ferr) {
		t.Fatalf("error %v is not a *FormatError", err)
	}
	wantPacket := len(res.pkts) + 1
	if res.atOpen {
		wantPacket = 0
	}
	if ferr.Packet != wantPacket || ferr.Offset != offset {
		t.Errorf("error names packet %d at offset %d, want packet %d at offset %d", ferr.Packet, ferr.Offset, wantPacket, offset)
	}
	var trunc *TruncatedError
	if errors.As(err, &trunc) != errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("TruncatedError and io.ErrUnexpectedEOF disagree for %v", err)
	}
}

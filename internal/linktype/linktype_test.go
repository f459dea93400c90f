package linktype

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

func TestName(t *testing.T) {
	for _, c := range []struct {
		lt          layers.LinkType
		name, descr string
	}{
		{1, "EN10MB", "Ethernet"},
		{101, "RAW", "Raw IP"},
		{12, "RAW", "Raw IP"},
		{113, "LINUX_SLL", "Linux cooked v1"},
		{276, "LINUX_SLL2", "Linux cooked v2"},
		{0, "NULL", "BSD loopback"},
	} {
		name, descr, ok := Name(c.lt)
		if !ok || name != c.name || descr != c.descr {
			t.Errorf("Name(%d) = %q, %q, %v; want %q, %q", c.lt, name, descr, ok, c.name, c.descr)
		}
	}
	if _, _, ok := Name(65000); ok {
		t.Error("Name(65000) is known")
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		name string
		lt   layers.LinkType
		ok   bool
	}{
		{"EN10MB", 1, true}, {"en10mb", 1, true}, {"RAW", 101, true}, {"ppp_bsdos", 103, true},
		{"LINUX_SLL2", 276, true}, {"DLT_EN10MB", 0, false}, {"ethernet", 0, false}, {"", 0, false},
	} {
		lt, ok := Parse(c.name)
		if ok != c.ok || lt != c.lt {
			t.Errorf("Parse(%q) = %d, %v; want %d, %v", c.name, lt, ok, c.lt, c.ok)
		}
	}
}

// TestTableMatchesLibpcap rebuilds the table with the installed libpcap
// and compares it with testdata/libpcap.tsv (which table.go is generated
// from: go generate ./internal/linktype).
func TestTableMatchesLibpcap(t *testing.T) {
	if _, err := os.Stat("/usr/include/pcap/pcap.h"); err != nil {
		t.Skip("libpcap headers not installed (apt-get install libpcap-dev); checking the committed table only")
	}
	bin := filepath.Join(t.TempDir(), "linktypes")
	if out, err := exec.Command("cc", "-O2", "-o", bin, "testdata/linktypes.c", "-lpcap").CombinedOutput(); err != nil {
		t.Skipf("cannot build the libpcap oracle: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/libpcap.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != string(want) {
		t.Fatal("libpcap's link types differ from testdata/libpcap.tsv: run go generate ./internal/linktype")
	}
	sc := bufio.NewScanner(strings.NewReader(string(want)))
	n := 0
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		v, _ := strconv.Atoi(f[0])
		name, descr, ok := Name(layers.LinkType(v))
		if !ok || name != f[2] || descr != f[3] {
			t.Errorf("Name(%d) = %q %q, libpcap says %q %q", v, name, descr, f[2], f[3])
		}
		n++
	}
	if n != len(table) {
		t.Errorf("table has %d entries, libpcap %d", len(table), n)
	}
}

func TestDLT(t *testing.T) {
	for _, c := range []struct {
		lt  layers.LinkType
		dlt int
		ok  bool
	}{{1, 1, true}, {101, 12, true}, {12, 12, true}, {228, 228, true}, {103, 16, true}, {65000, 0, false}} {
		dlt, ok := DLT(c.lt)
		if dlt != c.dlt || ok != c.ok {
			t.Errorf("DLT(%d) = %d, %v; want %d, %v", c.lt, dlt, ok, c.dlt, c.ok)
		}
	}
}

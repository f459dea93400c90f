package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseOptions(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want options
	}{
		{"defaults", nil, options{snapLen: maxSnapLen, engine: engineCBPF}},
		{"clusters and attached values", []string{"-nnvXX", "-c10", "-rfile.pcap", "-tttt"},
			options{snapLen: maxSnapLen, engine: engineCBPF, numeric: 2, verbose: 1, hexXASCII: 2, count: 10, readFile: "file.pcap", tstamp: 4}},
		{"separate values and expression", []string{"-r", "in.pcap", "-w", "out.pcap", "tcp", "port", "80"},
			options{snapLen: maxSnapLen, engine: engineCBPF, readFile: "in.pcap", writeFile: "out.pcap", expression: []string{"tcp", "port", "80"}}},
		{"options after the expression", []string{"tcp", "-n", "-c", "3"},
			options{snapLen: maxSnapLen, engine: engineCBPF, numeric: 1, count: 3, expression: []string{"tcp"}}},
		{"double dash ends options", []string{"-n", "--", "-c", "x"},
			options{snapLen: maxSnapLen, engine: engineCBPF, numeric: 1, expression: []string{"-c", "x"}}},
		{"long options", []string{"--count", "--nano", "--program=p.txt", "--print", "--version", "--help"},
			options{snapLen: maxSnapLen, engine: engineCBPF, countOnly: true, nano: true, programFile: "p.txt", printToo: true, version: true, help: true}},
		{"long option value apart", []string{"--program", "p.txt", "--time-stamp-precision", "nano"},
			options{snapLen: maxSnapLen, engine: engineCBPF, programFile: "p.txt", nano: true}},
		{"micro after nano", []string{"--nano", "--micro"}, options{snapLen: maxSnapLen, engine: engineCBPF}},
		{"dump levels", []string{"-ddd", "-O", "-y", "RAW", "-s", "0"},
			options{snapLen: maxSnapLen, engine: engineCBPF, dump: 3, noOptimize: true, linkType: "RAW"}},
		{"snaplen", []string{"-s", "96", "-F", "f.txt", "-elqUA"},
			options{snapLen: 96, engine: engineCBPF, filterFile: "f.txt", linkHeader: true, lineBuf: true, quick: true, packetBuf: true, ascii: 1}},
		{"lone dash is an expression word", []string{"-"}, options{snapLen: maxSnapLen, engine: engineCBPF, expression: []string{"-"}}},
		{"interface lists", []string{"-D", "-L", "-i", "lo", "--list-interfaces"},
			options{snapLen: maxSnapLen, engine: engineCBPF, listIfaces: true, listDLTs: true, iface: "lo"}},
		{"engine and eBPF listing", []string{"--engine=ebpf", "-d", "--ebpf", "tcp"},
			options{snapLen: maxSnapLen, engine: engineEBPF, dump: 1, dumpEBPF: true, expression: []string{"tcp"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseOptions(c.args)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&c.want, got, cmp.AllowUnexported(options{})); diff != "" {
				t.Errorf("-want +got:\n%s", diff)
			}
		})
	}
}

func TestParseOptionsErrors(t *testing.T) {
	for _, c := range []struct {
		args  []string
		msg   string
		usage bool // a usageError: tcpdump also prints the usage text
		live  bool // refused as a live-capture option
	}{
		{[]string{"-k"}, "invalid option -- 'k'", true, false},
		{[]string{"--bogus"}, "unrecognized option '--bogus'", true, false},
		{[]string{"-c"}, "option requires an argument -- 'c'", true, false},
		{[]string{"--program"}, "option '--program' requires an argument", true, false},
		{[]string{"--count=3"}, "option '--count' doesn't allow an argument", true, false},
		{[]string{"-c", "0"}, "invalid packet count 0", false, false},
		{[]string{"-c", "x"}, "invalid packet count x", false, false},
		{[]string{"-s", "abc"}, "invalid snaplen abc (must be >= 0 and <= 262144)", false, false},
		{[]string{"-s", "262145"}, "invalid snaplen 262145 (must be >= 0 and <= 262144)", false, false},
		{[]string{"--time-stamp-precision=pico"}, "unsupported time stamp precision pico", false, false},
		{[]string{"-p"}, "-p: " + errLiveCapture.Error(), false, true},
		{[]string{"--immediate-mode"}, "--immediate-mode: " + errLiveCapture.Error(), false, true},
		{[]string{"-S"}, "option -S is not supported in this version", false, false},
	} {
		t.Run(c.msg, func(t *testing.T) {
			_, err := parseOptions(c.args)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != c.msg {
				t.Errorf("error %q, want %q", err, c.msg)
			}
			var ue *usageError
			if errors.As(err, &ue) != c.usage {
				t.Errorf("usage error: %v, want %v", !c.usage, c.usage)
			}
			if errors.Is(err, errLiveCapture) != c.live {
				t.Errorf("live-capture error: %v, want %v", !c.live, c.live)
			}
		})
	}
}

// FuzzParseOptions checks that no command line makes the parser panic and
// that whatever it accepts is a consistent set of options.
func FuzzParseOptions(f *testing.F) {
	for _, s := range []string{"-nnvXX -c10 -rfile.pcap", "--count --nano --program=p", "-r - tcp port 80 -- -x", "-s 0 -ddd -y RAW", "--bogus", "-c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		o, err := parseOptions(strings.Fields(line))
		if err != nil {
			return
		}
		if o.snapLen <= 0 || o.snapLen > maxSnapLen || o.count < 0 {
			t.Fatalf("%q: snaplen %d, count %d", line, o.snapLen, o.count)
		}
	})
}

// Command gotcpdump reads, filters, prints and writes packet captures like
// tcpdump, with the same flags and output.
//
// It reads pcap and pcapng files (-r, "-" for standard input), filters
// them with a classic BPF program run by the cbpf package's VM with
// libpcap's semantics, and prints each packet that passes one per line as
// tcpdump does, or writes it to a pcap file (-w) byte for byte as read.
// Programs come from a file in any of tcpdump's -d, -dd or -ddd formats
// (--program FILE) and can be printed in those formats (-d, -dd, -ddd).
//
// Run "gotcpdump -h" for the options.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
)

// version is the release this source is; a module build reports its own.
const version = "0.1.0"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the whole command: it parses args, does the work and returns the
// exit status, reading standard input from stdin and printing to stdout and
// stderr.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseOptions(args)
	if err != nil {
		fmt.Fprintf(stderr, "gotcpdump: %v\n", err)
		var ue *usageError
		if errors.As(err, &ue) {
			usage(stderr)
		}
		return 1
	}
	if o.help {
		usage(stdout)
		return 0
	}
	if o.version {
		printVersion(stdout)
		return 0
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	err = execute(o, stdin, out, stderr)
	if ferr := out.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("write standard output: %w", ferr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "gotcpdump: %s\n", describe(err))
		return 1
	}
	return 0
}

// execute does what the options ask: print the filter program or replay a
// capture file.
func execute(o *options, stdin io.Reader, stdout *bufio.Writer, stderr io.Writer) error {
	switch {
	case o.listIfaces:
		return listInterfaces(stdout)
	case o.listDLTs:
		return listLinkTypes(o.iface, stderr)
	case o.iface != "":
		return fmt.Errorf("-i: %w", errLiveCapture)
	case o.dump > 0:
		return dumpProgram(o, stdin, stdout, stderr)
	}
	if o.readFile == "" {
		return errors.New("no capture file to read: use -r FILE (live capture is not available in this version)")
	}
	return replay(o, stdin, stdout, stderr)
}

func printVersion(w io.Writer) {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = strings.TrimPrefix(bi.Main.Version, "v")
	}
	fmt.Fprintf(w, "gotcpdump version %s\n", v)
	fmt.Fprintf(w, "%s %s/%s, pure Go, no libpcap\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func usage(w io.Writer) {
	printVersion(w)
	fmt.Fprint(w, `Usage: gotcpdump [-AdDehlLnOqtUvxX] [ -c count ] [--count] [ -F file ]
		[ --engine cbpf|ebpf|kernel ] [ --ebpf ] [ -i interface ] [ --print ]
		[ --program file ] [ -r file ] [ -s snaplen ]
		[ --version ] [ -w file ] [ -y datalinktype ]
		[ --time-stamp-precision precision ] [ --micro ] [ --nano ]
		[ expression ]
`)
}

// describe spells an error with file errors written the way tcpdump
// writes them: "PATH: No such file or directory".
func describe(err error) string {
	var pe *fs.PathError
	var errno syscall.Errno
	if errors.As(err, &pe) && errors.As(pe.Err, &errno) {
		msg := errno.Error()
		return strings.Replace(err.Error(), pe.Error(), pe.Path+": "+strings.ToUpper(msg[:1])+msg[1:], 1)
	}
	return err.Error()
}

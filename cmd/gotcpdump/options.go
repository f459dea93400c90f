package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// maxSnapLen is tcpdump's largest (and default) snapshot length.
const maxSnapLen = 262144

// options holds the command line, parsed the way tcpdump's getopt_long
// parses it.
type options struct {
	readFile    string // -r
	writeFile   string // -w
	filterFile  string // -F
	programFile string // --program
	linkType    string // -y
	count       int    // -c; 0 is unlimited
	snapLen     int    // -s
	countOnly   bool   // --count
	dump        int    // -d, -dd, -ddd
	noOptimize  bool   // -O
	numeric     int    // -n
	tstamp      int    // -t count
	nano        bool   // --nano or --time-stamp-precision=nano
	hexX        int    // -x count
	hexXASCII   int    // -X count
	ascii       int    // -A count
	linkHeader  bool   // -e
	quick       bool   // -q
	verbose     int    // -v
	lineBuf     bool   // -l
	packetBuf   bool   // -U
	printToo    bool   // --print
	engine      string // --engine: cbpf, ebpf or kernel
	iface       string // -i, --interface
	listIfaces  bool   // -D, --list-interfaces
	listDLTs    bool   // -L
	dumpEBPF    bool   // --ebpf: -d prints the eBPF translation
	version     bool   // --version
	help        bool   // -h, --help
	expression  []string
}

// usageError is a command-line error: tcpdump prints the message and the
// usage text and exits with status 1.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// The options tcpdump knows. Those for live capture are refused with a
// clear message (reading and writing files never needs them), as are the
// few printing options not implemented here.
var (
	// shortFlags and shortWithArg are the single-letter options.
	shortFlags   = "AbdDefhHIKlLnNOpqStuUvxX#"
	shortWithArg = "BcCEFGijJmMQrsTVwWyzZ"
	// longFlags and longWithArg are the long options.
	longFlags = map[string]bool{
		"count": true, "nano": true, "micro": true, "version": true, "help": true, "print": true,
		"immediate-mode": true, "list-interfaces": true, "list-time-stamp-types": true,
		"monitor-mode": true, "number": true, "ebpf": true,
	}
	longWithArg = map[string]bool{
		"program": true, "engine": true, "time-stamp-precision": true, "interface": true, "time-stamp-type": true,
		"buffer-size": true, "direction": true, "relinquish-privileges": true,
	}
	// liveOnly are the options that only make sense when capturing live.
	liveOnly = map[string]bool{
		"p": true, "Q": true, "B": true, "C": true, "G": true,
		"W": true, "Z": true, "I": true, "j": true, "J": true, "z": true, "immediate-mode": true,
		"list-time-stamp-types": true, "time-stamp-type": true,
		"buffer-size": true, "direction": true, "monitor-mode": true, "relinquish-privileges": true,
	}
)

// parseOptions parses args (without the program name). Like GNU getopt it
// takes options anywhere on the line until "--"; everything else is the
// filter expression.
func parseOptions(args []string) (*options, error) {
	o := &options{snapLen: maxSnapLen, engine: engineCBPF}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			o.expression = append(o.expression, args[i+1:]...)
			break
		}
		if strings.HasPrefix(arg, "--") {
			name, value, hasValue := strings.Cut(arg[2:], "=")
			takesArg := longWithArg[name]
			if !takesArg && !longFlags[name] {
				return nil, &usageError{fmt.Sprintf("unrecognized option '--%s'", name)}
			}
			if takesArg && !hasValue {
				if i+1 >= len(args) {
					return nil, &usageError{fmt.Sprintf("option '--%s' requires an argument", name)}
				}
				i++
				value = args[i]
			} else if !takesArg && hasValue {
				return nil, &usageError{fmt.Sprintf("option '--%s' doesn't allow an argument", name)}
			}
			if err := o.set(name, value); err != nil {
				return nil, err
			}
			continue
		}
		if len(arg) < 2 || arg[0] != '-' {
			o.expression = append(o.expression, arg)
			continue
		}
		// A cluster of short options: -nnvX, -c10, -r file.
		for j := 1; j < len(arg); j++ {
			name := arg[j : j+1]
			takesArg := strings.Contains(shortWithArg, name)
			if !takesArg && !strings.Contains(shortFlags, name) {
				return nil, &usageError{fmt.Sprintf("invalid option -- '%s'", name)}
			}
			if !takesArg {
				if err := o.set(name, ""); err != nil {
					return nil, err
				}
				continue
			}
			value := arg[j+1:]
			if value == "" {
				if i+1 >= len(args) {
					return nil, &usageError{fmt.Sprintf("option requires an argument -- '%s'", name)}
				}
				i++
				value = args[i]
			}
			if err := o.set(name, value); err != nil {
				return nil, err
			}
			break
		}
	}
	return o, nil
}

// errLiveCapture is returned for options that only make sense live.
var errLiveCapture = errors.New("live capture is not available in this version: read a capture file with -r")

// set applies one option.
func (o *options) set(name, value string) error {
	if liveOnly[name] {
		return fmt.Errorf("%s: %w", optionName(name), errLiveCapture)
	}
	switch name {
	case "r":
		o.readFile = value
	case "w":
		o.writeFile = value
	case "F":
		o.filterFile = value
	case "program":
		o.programFile = value
	case "y":
		o.linkType = value
	case "c":
		n, err := strconv.Atoi(value)
		if err != nil || n <= 0 {
			return fmt.Errorf("invalid packet count %s", value)
		}
		o.count = n
	case "s":
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 || n > maxSnapLen {
			return fmt.Errorf("invalid snaplen %s (must be >= 0 and <= %d)", value, maxSnapLen)
		}
		if n == 0 {
			n = maxSnapLen
		}
		o.snapLen = n
	case "count":
		o.countOnly = true
	case "d":
		o.dump++
	case "O":
		o.noOptimize = true
	case "n":
		o.numeric++
	case "t":
		o.tstamp++
	case "nano":
		o.nano = true
	case "micro":
		o.nano = false
	case "time-stamp-precision":
		switch value {
		case "nano":
			o.nano = true
		case "micro":
			o.nano = false
		default:
			return fmt.Errorf("unsupported time stamp precision %s", value)
		}
	case "x":
		o.hexX++
	case "X":
		o.hexXASCII++
	case "A":
		o.ascii++
	case "e":
		o.linkHeader = true
	case "q":
		o.quick = true
	case "v":
		o.verbose++
	case "l":
		o.lineBuf = true
	case "U":
		o.packetBuf = true
	case "print":
		o.printToo = true
	case "i", "interface":
		o.iface = value
	case "D", "list-interfaces":
		o.listIfaces = true
	case "L":
		o.listDLTs = true
	case "engine":
		switch value {
		case engineCBPF, engineEBPF, engineKernel:
			o.engine = value
		default:
			return fmt.Errorf("unknown engine %s (cbpf, ebpf or kernel)", value)
		}
	case "ebpf":
		o.dumpEBPF = true
	case "version":
		o.version = true
	case "h", "help":
		o.help = true
	default:
		return fmt.Errorf("option %s is not supported in this version", optionName(name))
	}
	return nil
}

// optionName spells an option as it is typed: -x or --long.
func optionName(name string) string {
	if len(name) > 1 {
		return "--" + name
	}
	return "-" + name
}

package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/gopacket/gopacket/layers"

	"github.com/gotcpdump/gotcpdump/capture"
	"github.com/gotcpdump/gotcpdump/cmd/gotcpdump/internal/printer"
	"github.com/gotcpdump/gotcpdump/internal/linktype"
)

// inputFile is the -r capture and the file it reads, if any.
type inputFile struct {
	*capture.Reader
	file *os.File // nil for standard input
}

func (in *inputFile) Close() error {
	if in.file == nil {
		return nil
	}
	return in.file.Close()
}

// openCapture opens the -r file ("-" is stdin) and reports it on stderr as
// tcpdump does. Errors name the file as tcpdump's do.
func openCapture(path string, stdin io.Reader, stderr io.Writer) (*inputFile, error) {
	in := &inputFile{}
	src := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		in.file, src = f, f
	}
	r, err := capture.NewReader(src)
	if err != nil {
		in.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	in.Reader = r
	fmt.Fprintf(stderr, "reading from file %s, link-type %s, snapshot length %d\n", path, linkTypeText(r.LinkType()), r.SnapLen())
	return in, nil
}

// linkTypeText is how tcpdump names a link type: "EN10MB (Ethernet)", or
// the number when libpcap has no name for it.
func linkTypeText(lt layers.LinkType) string {
	if name, descr, ok := linktype.Name(lt); ok {
		return fmt.Sprintf("%s (%s)", name, descr)
	}
	return fmt.Sprint(uint16(lt))
}

// replay reads the -r file and prints, writes or counts the packets that
// pass the filter.
func replay(o *options, stdin io.Reader, stdout *bufio.Writer, stderr io.Writer) error {
	r, err := openCapture(o.readFile, stdin, stderr)
	if err != nil {
		return err
	}
	defer r.Close()
	prog, err := o.filterProgram(fileTarget(r.Reader))
	if err != nil {
		return err
	}
	var f filter
	if prog != nil {
		if f, err = newFilter(o.engine, prog); err != nil {
			if o.programFile != "" { // compiled programs are valid
				return fmt.Errorf("%s: %w", o.programFile, err)
			}
			return err
		}
		defer f.Close()
	}
	var sink *capture.PcapWriter
	var sinkOut *bufio.Writer
	if o.writeFile != "" {
		w := io.Writer(stdout)
		if o.writeFile != "-" {
			f, err := os.Create(o.writeFile)
			if err != nil {
				return err
			}
			defer f.Close()
			sinkOut = bufio.NewWriterSize(f, 256<<10)
			w = sinkOut
		}
		if sink, err = capture.NewPcapWriterHeader(w, r.PcapHeader(o.nano)); err != nil {
			return err
		}
	}
	var pr *printer.Printer
	if !o.countOnly && (o.writeFile == "" || o.printToo) {
		pr = printer.New(stdout, o.printerOptions())
	}

	n, read, readErr := 0, 0, error(nil)
	for o.count == 0 || n < o.count {
		data, ci, err := r.ZeroCopyReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			readErr = err
			break
		}
		read++
		if f != nil {
			v, err := f.run(data, ci.Length)
			if err != nil {
				readErr = fmt.Errorf("packet %d: %w", read, err)
				break
			}
			if v == 0 {
				continue
			}
		}
		n++
		if sink != nil {
			if err := sink.WritePacket(ci, data); err != nil {
				return fmt.Errorf("%s: %w", o.writeFile, err)
			}
			if o.packetBuf {
				if err := sink.Flush(); err != nil {
					return fmt.Errorf("%s: %w", o.writeFile, err)
				}
				if err := flush(sinkOut); err != nil {
					return fmt.Errorf("%s: %w", o.writeFile, err)
				}
			}
		}
		if pr != nil {
			lt := r.Interfaces()[ci.InterfaceIndex].LinkType
			if err := pr.Print(ci, data, lt); err != nil {
				return err
			}
			if o.lineBuf {
				if err := stdout.Flush(); err != nil {
					return err
				}
			}
		}
	}
	if sink != nil {
		if err := sink.Flush(); err != nil {
			return fmt.Errorf("%s: %w", o.writeFile, err)
		}
		if err := flush(sinkOut); err != nil {
			return fmt.Errorf("%s: %w", o.writeFile, err)
		}
	}
	if o.countOnly {
		fmt.Fprintf(stdout, "%d packet%s\n", n, plural(n))
	}
	return readErr
}

func flush(w *bufio.Writer) error {
	if w == nil {
		return nil
	}
	return w.Flush()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// printerOptions maps the printing flags to the printer's options, with
// tcpdump's precedence: -X over -x over -A.
func (o *options) printerOptions() printer.Options {
	po := printer.Options{
		Numeric: o.numeric > 0,
		Nano:    o.nano,
		Link:    o.linkHeader,
		Quick:   o.quick,
		Verbose: o.verbose,
	}
	switch o.tstamp {
	case 0:
		po.Timestamp = printer.TimestampDefault
	case 2:
		po.Timestamp = printer.TimestampUnix
	case 3:
		po.Timestamp = printer.TimestampDelta
	case 4:
		po.Timestamp = printer.TimestampDate
	case 5:
		po.Timestamp = printer.TimestampSinceFirst
	default:
		po.Timestamp = printer.TimestampNone
	}
	switch {
	case o.hexXASCII > 1:
		po.Hex = printer.HexASCIILink
	case o.hexXASCII == 1:
		po.Hex = printer.HexASCIINetwork
	case o.hexX > 1:
		po.Hex = printer.HexLink
	case o.hexX == 1:
		po.Hex = printer.HexNetwork
	case o.ascii > 1:
		po.Hex = printer.ASCIILink
	case o.ascii == 1:
		po.Hex = printer.ASCIINetwork
	}
	return po
}

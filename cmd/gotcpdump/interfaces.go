package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/gotcpdump/gotcpdump/capture/afpacket"
	"github.com/gotcpdump/gotcpdump/cmd/gotcpdump/internal/printer"
	"github.com/gotcpdump/gotcpdump/internal/linktype"
)

// listInterfaces prints the capture interfaces as tcpdump -D does.
func listInterfaces(w io.Writer) error {
	list, err := afpacket.Interfaces()
	if err != nil {
		return err
	}
	return afpacket.WriteInterfaces(w, list)
}

// listLinkTypes prints the link types iface offers as tcpdump -L does, to
// w (tcpdump writes them to standard error); without -i, those of the
// first interface -D lists. Like tcpdump it refuses an interface that is
// down, which it could not open.
func listLinkTypes(iface string, w io.Writer) error {
	list, err := afpacket.Interfaces()
	if err != nil {
		return err
	}
	if iface == "" {
		if len(list) == 0 {
			return errors.New("no suitable device found")
		}
		iface = list[0].Name
	}
	for _, ifc := range list {
		if ifc.Name == iface && ifc.Flags&afpacket.FlagUp == 0 {
			return fmt.Errorf("%s: That device is not up", iface)
		}
	}
	lts, err := afpacket.LinkTypes(iface)
	if err != nil {
		return fmt.Errorf("%s: %w", iface, err)
	}
	fmt.Fprintf(w, "Data link types for %s (use option -y to set):\n", iface)
	for _, lt := range lts {
		name, descr, ok := linktype.Name(lt)
		if !ok {
			fmt.Fprintf(w, "  DLT %d", int(lt))
		} else {
			fmt.Fprintf(w, "  %s (%s)", name, descr)
		}
		if !printer.Supports(lt) {
			io.WriteString(w, " (printing not supported)")
		}
		io.WriteString(w, "\n")
	}
	return nil
}

package printer

import (
	"net/netip"
	"time"
)

// TimestampFormat selects how the time stamp that starts each line is
// printed, like tcpdump's -t flags.
type TimestampFormat int

const (
	// TimestampDefault prints the local time of day, "15:04:05.000000".
	TimestampDefault TimestampFormat = iota
	// TimestampNone prints no time stamp (-t).
	TimestampNone
	// TimestampUnix prints seconds since the epoch, "1700000000.000000" (-tt).
	TimestampUnix
	// TimestampDelta prints the time since the previous packet (-ttt).
	TimestampDelta
	// TimestampDate prints the local date and time of day (-tttt).
	TimestampDate
	// TimestampSinceFirst prints the time since the first packet (-ttttt).
	TimestampSinceFirst
)

// HexMode selects the raw dump printed after each packet's summary line.
type HexMode int

const (
	// HexNone prints no dump.
	HexNone HexMode = iota
	// HexNetwork dumps in hex from the network header on (-x).
	HexNetwork
	// HexLink dumps in hex including the link-level header (-xx).
	HexLink
	// HexASCIINetwork dumps in hex and ASCII from the network header on (-X).
	HexASCIINetwork
	// HexASCIILink dumps in hex and ASCII including the link-level header (-XX).
	HexASCIILink
	// ASCIINetwork prints the bytes as ASCII from the network header on (-A).
	ASCIINetwork
	// ASCIILink prints the bytes as ASCII including the link-level header (-AA).
	ASCIILink
)

// Options selects what the printer prints. The zero value prints like
// tcpdump with no flags, in local time, resolving names.
type Options struct {
	// Numeric prints addresses and ports as numbers (-n).
	Numeric bool
	// Timestamp selects the time stamp format (-t, -tt, -ttt, -tttt, -ttttt).
	Timestamp TimestampFormat
	// Nano prints fractions of seconds with nine digits (--nano).
	Nano bool
	// Link prints the link-level header (-e).
	Link bool
	// Quick prints less protocol information (-q).
	Quick bool
	// Hex selects the raw dump after each line (-x, -xx, -X, -XX, -A, -AA).
	Hex HexMode
	// Verbose is the -v level. Only level 0 is decoded; higher levels are
	// accepted and printed as level 0.
	Verbose int
	// Location is the time zone of the default and -tttt time stamps;
	// nil means time.Local. UTC is a shorthand for time.UTC.
	Location *time.Location
	// UTC prints the default and -tttt time stamps in UTC.
	UTC bool
	// LookupAddr returns the host name of an address when Numeric is
	// false; nil uses the system resolver. Results are cached.
	LookupAddr func(netip.Addr) (string, bool)
	// InterfaceName returns the name of a network interface by index for
	// LINUX_SLL2 captures; nil asks the system. An empty result prints "?".
	InterfaceName func(index uint32) string
}

func (o *Options) location() *time.Location {
	switch {
	case o.UTC:
		return time.UTC
	case o.Location != nil:
		return o.Location
	default:
		return time.Local
	}
}

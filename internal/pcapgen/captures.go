package main

import "errors"

// errDuplicateFile reports two captures with the same file name.
var errDuplicateFile = errors.New("file name used twice")

// captures lists every capture in the order INDEX.tsv shows them.
var captures = []func() *capture{
	ethIPv4TCP,
	ethIPv4UDP,
	ethIPv4ICMP,
	ethIPv6TCPUDP,
	ethICMPv6,
	ethL2,
	ethIGMP,
	ethSCTP,
	ethVLAN,
	ethMPLS,
	ethPPPoE,
	ethIPv4Fragments,
	ethIPv6ExtHeaders,
	ethIPsec,
	ethSnaplen64,
	sllMixed,
	sll2Mixed,
	rawIPv4IPv6,
	linkIPv4,
	linkIPv6,
	nullBSD,
	loopOpenBSD,
	pflogMixed,
	sunATMMixed,
	ethNanosecond,
	pcapngEthRaw,
	pcapngTwoEthernet,
}

// Package netdbtest provides the name databases libpcap's own filter tests
// (testprogs/TESTrun) expect on the machine: the *.libpcap.test host
// names, their Ethernet addresses and networks, beside Debian netbase's
// services and protocols.
package netdbtest

import (
	_ "embed"

	"github.com/gotcpdump/gotcpdump/internal/netdb"
)

var (
	//go:embed hosts
	hosts []byte
	//go:embed ethers
	ethers []byte
	//go:embed networks
	networks []byte
)

// DB returns a database with libpcap's test fixtures, the same on every
// machine: "host eth-ipv4-ipv6.host123.libpcap.test" resolves to
// 10.20.30.40 and fd00:a1b2:c3d4::1020:3040:5060:7080, "ether host" of
// that name to aa:00:04:00:14:0e, "net net-10-20-0-0.libpcap.test" to
// 10.20.0.0/32.
func DB() *netdb.DB {
	return netdb.New(netdb.Files{Ethers: ethers, Networks: networks}, netdb.ParseHosts(hosts))
}

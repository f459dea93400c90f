package filterlang

import "github.com/gotcpdump/gotcpdump/internal/netdb/netdbtest"

// WithLibpcapFixtures returns opts resolving names with the databases
// libpcap's own filter tests expect (the *.libpcap.test hosts, their
// Ethernet addresses and networks), for running those tests.
func WithLibpcapFixtures(opts Options) Options {
	opts.names = netdbtest.DB()
	return opts
}

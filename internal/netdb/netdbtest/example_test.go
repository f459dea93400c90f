package netdbtest_test

import (
	"context"
	"fmt"

	"github.com/gotcpdump/gotcpdump/internal/netdb/netdbtest"
)

func ExampleDB() {
	db := netdbtest.DB()
	addrs, _ := db.Host(context.Background(), "eth-ipv4-ipv6.host123.libpcap.test")
	fmt.Println(addrs)
	mac, _ := db.EtherHost("eth-ipv4-ipv6.host123.libpcap.test")
	fmt.Printf("% x\n", mac)
	addr, mask, _ := db.Network("net-10-20-0-0.libpcap.test")
	fmt.Printf("%08x/%08x\n", addr, mask)
	_, err := db.Host(context.Background(), "eth-noipv4-noipv6.host123.libpcap.test")
	fmt.Println(err)
	// Output:
	// [10.20.30.40 fd00:a1b2:c3d4:0:1020:3040:5060:7080]
	// aa 00 04 00 14 0e
	// 0a140000/ffffffff
	// unknown host "eth-noipv4-noipv6.host123.libpcap.test": lookup eth-noipv4-noipv6.host123.libpcap.test: no such host
}

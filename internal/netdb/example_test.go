package netdb_test

import (
	"fmt"

	"github.com/gotcpdump/gotcpdump/internal/netdb"
)

// A DB with the embedded netbase tables answers the same everywhere.
func ExampleDB_Port() {
	db := netdb.New(netdb.Files{}, nil)
	for _, name := range []string{"ftp", "domain", "fsp", "8080"} {
		p, err := db.Port(name)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(name, p.Number, p.Transport)
	}
	_, err := db.Port("FTP")
	fmt.Println(err)
	// Output:
	// ftp 21 tcp
	// domain 53 any
	// fsp 21 udp
	// 8080 8080 any
	// unknown port "FTP"
}

func ExampleDB_PortRange() {
	db := netdb.New(netdb.Files{}, nil)
	for _, name := range []string{"20-21", "ftp-ssh", "ftp-domain", "70000-1"} {
		r, _ := db.PortRange(name)
		fmt.Println(name, r.First, r.Last, r.Transport)
	}
	_, err := db.PortRange("ftp-data-ftp") // split at the first '-'
	fmt.Println(err)
	// Output:
	// 20-21 20 21 any
	// ftp-ssh 21 22 tcp
	// ftp-domain 21 53 any
	// 70000-1 70000 1 any
	// unknown port range "ftp-data-ftp"
}

func ExampleLinkProtocol() {
	for _, name := range []string{"ip6", "arp", "stp", "lldp"} {
		n, ok := netdb.LinkProtocol(name)
		fmt.Printf("%s %#04x %v\n", name, n, ok)
	}
	// Output:
	// ip6 0x86dd true
	// arp 0x0806 true
	// stp 0x0042 true
	// lldp 0x0000 false
}

package netdb

// libpcap's own name tables (nametoaddr.c's eproto_db and llc_db, and the
// OSI protocols of gencode.c's lookup_proto): they do not come from a
// file. Names are case-sensitive.

// etherTypes are the names "ether proto \NAME" takes, in libpcap 1.10.3.
var etherTypes = map[string]uint16{
	"aarp":     0x80f3,
	"arp":      0x0806,
	"atalk":    0x809b,
	"decnet":   0x6003,
	"ip":       0x0800,
	"ip6":      0x86dd,
	"lat":      0x6004,
	"loopback": 0x9000,
	"mopdl":    0x6001,
	"moprc":    0x6002,
	"rarp":     0x8035,
	"sca":      0x6007,
}

// llcSAPs are the 802.2 LLC service access points libpcap names.
var llcSAPs = map[string]uint8{
	"iso":     0xfe,
	"stp":     0x42,
	"ipx":     0xe0,
	"netbeui": 0xf0,
}

// osiProtocols are the network layer protocol identifiers "iso proto"
// takes.
var osiProtocols = map[string]uint8{
	"clnp": 0x81,
	"esis": 0x82,
	"isis": 0x83,
}

// EtherType returns the Ethernet type libpcap names name ("ip", "arp",
// "decnet"...), like pcap_nametoeproto.
func EtherType(name string) (uint16, bool) {
	t, ok := etherTypes[name]
	return t, ok
}

// LLCSAP returns the LLC service access point libpcap names name ("iso",
// "stp", "ipx", "netbeui"), like pcap_nametollc.
func LLCSAP(name string) (uint8, bool) {
	sap, ok := llcSAPs[name]
	return sap, ok
}

// LinkProtocol returns the number "ether proto \NAME" (and "fddi proto",
// "wlan proto"...) compiles name to: an Ethernet type if libpcap has one
// by that name, else an LLC SAP.
func LinkProtocol(name string) (uint16, bool) {
	if t, ok := EtherType(name); ok {
		return t, true
	}
	sap, ok := LLCSAP(name)
	return uint16(sap), ok
}

// OSIProtocol returns the OSI network layer protocol identifier of "clnp",
// "esis" or "isis", the names "iso proto \NAME" takes.
func OSIProtocol(name string) (uint8, bool) {
	p, ok := osiProtocols[name]
	return p, ok
}

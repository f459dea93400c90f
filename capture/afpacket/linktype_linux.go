package afpacket

import (
	"os"
	"strings"

	"github.com/gopacket/gopacket/layers"
)

// Hardware types (ARPHRD_*) of Linux network devices that libpcap maps to
// link types, from linux/if_arp.h.
const (
	arphrdEther        = 1
	arphrdEEther       = 2
	arphrdAX25         = 3
	arphrdPronet       = 4
	arphrdChaos        = 5
	arphrdIEEE802      = 6
	arphrdArcnet       = 7
	arphrdDLCI         = 15
	arphrdATM          = 19
	arphrdMetricom     = 23
	arphrdIPOverFC     = 18
	arphrdSLIP         = 256
	arphrdCSLIP        = 257
	arphrdSLIP6        = 258
	arphrdCSLIP6       = 259
	arphrdAdapt        = 264
	arphrdCAN          = 280
	arphrdLocalTalk    = 305
	arphrdPPP          = 512
	arphrdCisco        = 513
	arphrdRawHDLC      = 518
	arphrdTunnel       = 768
	arphrdFRAD         = 770
	arphrdLoopback     = 772
	arphrdFDDI         = 774
	arphrdSIT          = 776
	arphrdIRDA         = 783
	arphrdFCPP         = 784
	arphrdFCAL         = 785
	arphrdFCPL         = 786
	arphrdFCFabric     = 787
	arphrdIEEE802TR    = 800
	arphrdIEEE80211    = 801
	arphrdPrism        = 802
	arphrdRadiotap     = 803
	arphrdIEEE802154   = 804
	arphrdIEEE802154Mn = 805
	arphrd6LoWPAN      = 825
	arphrdNetlink      = 824
	arphrdVsockMon     = 826
	arphrdLAPD         = 8445
	arphrdNone         = 0xfffe
)

// Link types (LINKTYPE_* values) that gopacket does not name.
const (
	linkTypeExpEthernet   layers.LinkType = 2
	linkTypeAX25KISS      layers.LinkType = 202
	linkTypePronet        layers.LinkType = 4
	linkTypeChaos         layers.LinkType = 5
	linkTypeCANSocketCAN  layers.LinkType = 227
	linkTypeIEEE802       layers.LinkType = 6
	linkTypeARCnetLinux   layers.LinkType = 129
	linkTypePrism         layers.LinkType = 119
	linkTypeCHDLC         layers.LinkType = 104
	linkTypeFrameRelay    layers.LinkType = 107
	linkTypeLocalTalk     layers.LinkType = 114
	linkTypeIPOverFC      layers.LinkType = 122
	linkTypeFC2           layers.LinkType = 224
	linkTypeFC2Delimited  layers.LinkType = 225
	linkTypeLinuxIRDA     layers.LinkType = 144
	linkTypeLinuxLAPD     layers.LinkType = 177
	linkTypeIEEE802154    layers.LinkType = 230
	linkTypeNetlink       layers.LinkType = 253
	linkTypeVsock         layers.LinkType = 271
	linkTypeDOCSIS        layers.LinkType = 143
	linkTypeIEEE80211Rad  layers.LinkType = 127
	linkTypeIEEE80211Bare layers.LinkType = 105
)

// cookedLinkTypes are the link types of a cooked capture, in libpcap's
// order (set_dlt_list_cooked).
var cookedLinkTypes = []layers.LinkType{layers.LinkTypeLinuxSLL, layers.LinkTypeLinuxSLL2}

// linkTypesFor maps a device's hardware type to the link types libpcap
// offers for it (the first is its default) and whether it captures with
// a cooked (SOCK_DGRAM) socket, as libpcap's map_arphrd_to_dlt and
// setup_socket decide.
func linkTypesFor(name string, arphrd int) (types []layers.LinkType, cooked bool) {
	switch arphrd {
	case arphrdEther:
		switch {
		case strings.HasPrefix(name, "cdma_rmnet"):
			return []layers.LinkType{layers.LinkTypeRaw}, false
		case strings.HasPrefix(name, "isdn"), strings.HasPrefix(name, "isdY"):
			return []layers.LinkType{layers.LinkTypeLinuxSLL}, true
		case isWireless(name):
			return []layers.LinkType{layers.LinkTypeEthernet}, false
		}
		return []layers.LinkType{layers.LinkTypeEthernet, linkTypeDOCSIS}, false
	case arphrdMetricom, arphrdLoopback:
		return []layers.LinkType{layers.LinkTypeEthernet}, false
	case arphrdFCPP, arphrdFCAL, arphrdFCPL, arphrdFCFabric:
		return []layers.LinkType{linkTypeFC2, linkTypeFC2Delimited, linkTypeIPOverFC}, false
	case arphrdIRDA:
		return []layers.LinkType{linkTypeLinuxIRDA}, true
	case arphrdLAPD:
		return []layers.LinkType{linkTypeLinuxLAPD}, true
	case arphrdNetlink:
		return []layers.LinkType{linkTypeNetlink}, true
	}
	if lt, ok := rawLinkTypes[arphrd]; ok {
		return []layers.LinkType{lt}, false
	}
	// ATM, PPP and types libpcap does not know are captured cooked.
	return []layers.LinkType{layers.LinkTypeLinuxSLL}, true
}

// rawLinkTypes are the hardware types with a single link type and raw
// capture.
var rawLinkTypes = map[int]layers.LinkType{
	arphrdEEther:     linkTypeExpEthernet,
	arphrdAX25:       linkTypeAX25KISS,
	arphrdPronet:     linkTypePronet,
	arphrdChaos:      linkTypeChaos,
	arphrdCAN:        linkTypeCANSocketCAN,
	arphrdIEEE802TR:  linkTypeIEEE802,
	arphrdIEEE802:    linkTypeIEEE802,
	arphrdArcnet:     linkTypeARCnetLinux,
	arphrdFDDI:       layers.LinkTypeFDDI,
	arphrdIEEE80211:  linkTypeIEEE80211Bare,
	arphrdPrism:      linkTypePrism,
	arphrdRadiotap:   linkTypeIEEE80211Rad,
	arphrdCisco:      linkTypeCHDLC,
	arphrdTunnel:     layers.LinkTypeRaw,
	arphrdSIT:        layers.LinkTypeRaw,
	arphrdCSLIP:      layers.LinkTypeRaw,
	arphrdSLIP6:      layers.LinkTypeRaw,
	arphrdCSLIP6:     layers.LinkTypeRaw,
	arphrdAdapt:      layers.LinkTypeRaw,
	arphrdSLIP:       layers.LinkTypeRaw,
	arphrdRawHDLC:    layers.LinkTypeRaw,
	arphrdDLCI:       layers.LinkTypeRaw,
	arphrdNone:       layers.LinkTypeRaw,
	arphrdFRAD:       linkTypeFrameRelay,
	arphrdLocalTalk:  linkTypeLocalTalk,
	arphrdIPOverFC:   linkTypeIPOverFC,
	arphrdIEEE802154: linkTypeIEEE802154,
	arphrdVsockMon:   linkTypeVsock,
}

// isWireless reports whether the device is Wi-Fi, as libpcap's is_wifi
// decides: it has a sysfs wireless directory.
func isWireless(name string) bool {
	_, err := os.Stat("/sys/class/net/" + name + "/wireless")
	return err == nil
}

// vlanOffset is where libpcap re-inserts a stripped 802.1Q tag in a frame
// of link type lt (set_vlan_offset): before the Ethernet type, or before
// the protocol field of a Linux SLL header. It is -1 for other link types,
// LINUX_SLL2 included, whose frames get no tag back.
func vlanOffset(lt layers.LinkType) int {
	switch lt {
	case layers.LinkTypeEthernet:
		return 12
	case layers.LinkTypeLinuxSLL:
		return sllHeaderLen - 2
	}
	return -1
}

package syntax

import "strings"

// The names libpcap's grammar resolves to numbers. Lookups ignore case,
// as libpcap's str2tok does.

// 802.11 frame-control type and subtype bits.
const (
	wlanTypeMask    = 0x0c
	wlanSubtypeMask = 0xf0
	wlanDirMask     = 0x03
	wlanTypeMgt     = 0x00
	wlanTypeCtl     = 0x04
	wlanTypeData    = 0x08
)

type nameValue struct {
	name  string
	value uint32
}

var wlanTypes = []nameValue{
	{"data", wlanTypeData}, {"mgt", wlanTypeMgt}, {"management", wlanTypeMgt},
	{"ctl", wlanTypeCtl}, {"control", wlanTypeCtl},
}

var wlanMgtSubtypes = []nameValue{
	{"assocreq", 0x00}, {"assoc-req", 0x00}, {"assocresp", 0x10},
	{"assoc-resp", 0x10}, {"reassocreq", 0x20}, {"reassoc-req", 0x20},
	{"reassocresp", 0x30}, {"reassoc-resp", 0x30}, {"probereq", 0x40},
	{"probe-req", 0x40}, {"proberesp", 0x50}, {"probe-resp", 0x50},
	{"beacon", 0x80}, {"atim", 0x90}, {"disassoc", 0xa0},
	{"disassociation", 0xa0}, {"auth", 0xb0}, {"authentication", 0xb0},
	{"deauth", 0xc0}, {"deauthentication", 0xc0},
}

var wlanCtlSubtypes = []nameValue{
	{"bar", 0x80}, {"ba", 0x90}, {"ps-poll", 0xa0}, {"rts", 0xb0},
	{"cts", 0xc0}, {"ack", 0xd0}, {"cf-end", 0xe0}, {"cf-end-ack", 0xf0},
}

var wlanDataSubtypes = []nameValue{
	{"data", 0x00}, {"data-cf-ack", 0x10}, {"data-cf-poll", 0x20},
	{"data-cf-ack-poll", 0x30}, {"null", 0x40}, {"cf-ack", 0x50},
	{"cf-poll", 0x60}, {"cf-ack-poll", 0x70}, {"qos-data", 0x80},
	{"qos-data-cf-ack", 0x90}, {"qos-data-cf-poll", 0xa0},
	{"qos-data-cf-ack-poll", 0xb0}, {"qos", 0xc0}, {"qos-cf-poll", 0xe0},
	{"qos-cf-ack-poll", 0xf0},
}

// wlanSubtypesOf lists the subtype tables by type, in libpcap's order,
// which decides what a bare "subtype data" means (management first).
var wlanSubtypesOf = []struct {
	typ      uint32
	subtypes []nameValue
}{
	{wlanTypeMgt, wlanMgtSubtypes},
	{wlanTypeCtl, wlanCtlSubtypes},
	{wlanTypeData, wlanDataSubtypes},
}

var wlanDirs = []nameValue{
	{"nods", 0}, {"tods", 1}, {"fromds", 2}, {"dstods", 3},
}

var llcSSubtypes = []nameValue{{"rr", 0x01}, {"rnr", 0x05}, {"rej", 0x09}}

var llcUSubtypes = []nameValue{
	{"ui", 0x03}, {"ua", 0x63}, {"disc", 0x43}, {"dm", 0x0f},
	{"sabme", 0x6f}, {"test", 0xe3}, {"xid", 0xaf}, {"frmr", 0x87},
}

// pfReasons and pfActions are the pflog names of libpcap built for Linux.
var pfReasons = []nameValue{
	{"match", 0}, {"bad-offset", 1}, {"fragment", 2}, {"short", 3},
	{"normalize", 4}, {"memory", 5}, {"bad-timestamp", 6}, {"congestion", 7},
	{"ip-option", 8}, {"proto-cksum", 9}, {"state-mismatch", 10},
	{"state-insert", 11}, {"state-limit", 12}, {"src-limit", 13},
	{"synproxy", 14},
}

var pfActions = []nameValue{
	{"pass", 0}, {"accept", 0}, {"drop", 1}, {"block", 1}, {"scrub", 2},
	{"noscrub", 3}, {"nat", 4}, {"nonat", 5}, {"binat", 6}, {"nobinat", 7},
	{"rdr", 8}, {"nordr", 9}, {"synproxy-drop", 10},
}

func lookup(table []nameValue, name string) (uint32, bool) {
	for _, nv := range table {
		if strings.EqualFold(nv.name, name) {
			return nv.value, true
		}
	}
	return 0, false
}

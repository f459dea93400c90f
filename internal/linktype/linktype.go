package linktype

import (
	"strings"

	"github.com/gopacket/gopacket/layers"
)

// entry is one link type as libpcap reads it from a file: the value in
// the file, the DLT value libpcap uses for it, and the DLT's name and
// description.
type entry struct {
	linkType    uint16
	dlt         int
	name, descr string
}

var byLinkType = func() map[layers.LinkType]entry {
	m := make(map[layers.LinkType]entry, len(table))
	for _, e := range table {
		m[layers.LinkType(e.linkType)] = e
	}
	return m
}()

// byName maps a lower-case name to the link type libpcap writes for it:
// where several file values share a DLT, the one that differs from the DLT
// value is libpcap's canonical LINKTYPE_ value.
var byName = func() map[string]layers.LinkType {
	m := make(map[string]layers.LinkType, len(table))
	for _, e := range table {
		key := strings.ToLower(e.name)
		if _, seen := m[key]; !seen || int(e.linkType) != e.dlt {
			m[key] = layers.LinkType(e.linkType)
		}
	}
	return m
}()

// Name returns libpcap's name and description of lt, e.g. "EN10MB" and
// "Ethernet"; ok is false for link types libpcap does not know.
func Name(lt layers.LinkType) (name, description string, ok bool) {
	e, ok := byLinkType[lt]
	return e.name, e.descr, ok
}

// Parse returns the link type with libpcap's name name, compared without
// regard to case as pcap_datalink_name_to_val does.
func Parse(name string) (layers.LinkType, bool) {
	lt, ok := byName[strings.ToLower(name)]
	return lt, ok
}

// DLT returns the DLT_* value libpcap uses internally for the link type
// lt, which differs from lt for a few link types (LINKTYPE_RAW 101 is
// DLT_RAW 12).
func DLT(lt layers.LinkType) (int, bool) {
	e, ok := byLinkType[lt]
	return e.dlt, ok
}

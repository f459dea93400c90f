package capture

import (
	"math"

	"github.com/gopacket/gopacket/layers"
)

// Link types whose packets libpcap lets grow past its usual maximum.
const (
	linkTypeDBus    layers.LinkType = 231
	linkTypeUSBPcap layers.LinkType = 249
	linkTypeEBHSCR  layers.LinkType = 279
)

// maxSnapLen is libpcap's MAXIMUM_SNAPLEN: the largest captured length it
// accepts for most link types.
const maxSnapLen = 262144

// maxCapLen returns the largest captured length libpcap accepts for a link
// type (max_snaplen_for_dlt).
func maxCapLen(lt layers.LinkType) uint32 {
	switch lt {
	case linkTypeDBus:
		return 128 << 20
	case linkTypeEBHSCR:
		return 8 << 20
	case linkTypeUSBPcap:
		return 1 << 20
	default:
		return maxSnapLen
	}
}

// adjustSnapLen replaces a missing or absurd snapshot length with the
// maximum for the link type, as libpcap's pcap_adjust_snapshot does.
func adjustSnapLen(lt layers.LinkType, snapLen uint32) uint32 {
	if snapLen == 0 || snapLen > math.MaxInt32 {
		return maxCapLen(lt)
	}
	return snapLen
}

// Package linktype names pcap link-layer header types the way libpcap
// does: the name and description tcpdump prints ("EN10MB (Ethernet)") and
// the names -y accepts.
//
// Values are LINKTYPE_* values, the ones stored in capture files and used
// by gopacket's layers.LinkType. libpcap maps a few of them to different
// DLT_* values internally (LINKTYPE_RAW 101 is DLT_RAW 12 on Linux); names
// belong to the DLT, so both 12 and 101 are "RAW", and [Parse] returns the
// value libpcap writes to a file for that name (101).
package linktype

//go:generate sh -c "cc -O2 -o /tmp/linktypes testdata/linktypes.c -lpcap && /tmp/linktypes > testdata/libpcap.tsv && go run ./gen.go < testdata/libpcap.tsv > table.go"

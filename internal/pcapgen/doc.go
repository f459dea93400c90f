// Command pcapgen writes the small, deterministic capture files in
// testdata/pcaps that the filter compiler, the VMs and the capture readers
// are tested on.
//
// Every packet is built from gopacket layers and serialized with real
// checksums and lengths; only headers gopacket cannot serialize (Linux
// cooked SLL and SLL2, the big-endian DLT_LOOP header, IGMP, IPsec AH and
// ESP, PPPoE discovery tags) are assembled by hand in handbuilt.go.
// Timestamps advance from a fixed base and nothing depends on map order or
// randomness, so two runs write byte-identical files; the package test
// regenerates the files and fails when the committed copies are stale.
//
// Run it from the module root:
//
//	go run ./internal/pcapgen -o testdata/pcaps
//
// Each capture is described by one function returning a *capture (see
// captures.go for the list); INDEX.tsv, written alongside, records each
// file's link type, packet count and what it covers.
package main

//go:generate go run . -o ../../testdata/pcaps

package cbpf_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/bpf"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/internal/randprog"
)

// The kernel differential tests compare the VM under Linux semantics with
// a Linux socket filter (SO_ATTACH_FILTER) three ways:
//
//   - TestKernelLoad: the kernel accepts a program exactly when
//     Program.Validate(Linux) does;
//   - TestKernelUnixSocket: over an AF_UNIX datagram socketpair, the kernel
//     drops a datagram when the filter returns 0 and otherwise delivers
//     min(len, ret) bytes (sk_filter_trim_cap trims to max(1, ret));
//   - TestKernelPacketSocket: over AF_PACKET on the loopback device of a
//     private network namespace, each Ethernet capture packet is seen twice,
//     outgoing and incoming, with the metadata the kernel has for each.
//
// The kernel's answers are recorded under testdata/oracle/kernel so the
// tests run anywhere; regenerate them on Linux as root with
//
//	go test ./cbpf -run TestKernel -update
//
// On Linux the load and AF_UNIX tests also ask the running kernel, which
// needs no privilege.
const (
	kernelDir          = oracleDir + "/kernel"
	kernelLoadAnswers  = kernelDir + "/load.txt.gz"
	kernelUnixAnswers  = kernelDir + "/unix.txt.gz"
	kernelPacketDir    = kernelDir + "/packet"
	linuxPrograms      = programsDir + "/linux.txt.gz"
	kernelRegenerate   = "go test ./cbpf -run TestKernel -update"
	loadRandomCount    = 600
	unixRandomCount    = 800
	packetRandomCount  = 300
	loopbackHAType     = 772    // ARPHRD_LOOPBACK
	packetOutgoing     = 4      // PACKET_OUTGOING
	minEthernetFrame   = 14     // the kernel refuses to send less on lo
	senderMark         = 0x5eed // SO_MARK of the sending packet socket, which packet_snd copies to skb->mark
	ethertypeMin8023   = 0x0600
	ethP8023, ethP8022 = 0x0001, 0x0004 // ETH_P_802_3, ETH_P_802_2
)

// The random programs of the kernel tests, in programs/linux.txt.gz:
// "load N" valid or corrupted programs, "unix N" and "packet N" programs
// for the two socket tests. The socket tests leave out ancillary values
// the kernel computes in ways no caller can predict: random numbers
// always; for AF_UNIX the device (there is none: the kernel's ifindex and
// hatype loads then end the program returning A, which Metadata cannot
// express) and for AF_PACKET the flow dissector's payload offset.
var (
	unixAncillaries = []cbpf.Ancillary{
		cbpf.AncProtocol, cbpf.AncPacketType, cbpf.AncNetlinkAttr, cbpf.AncNetlinkNested,
		cbpf.AncMark, cbpf.AncQueue, cbpf.AncRXHash, cbpf.AncCPU, cbpf.AncALUXorX,
		cbpf.AncVLANTag, cbpf.AncVLANTagPresent, cbpf.AncPayloadOffset, cbpf.AncVLANTPID,
	}
	packetAncillaries = []cbpf.Ancillary{
		cbpf.AncProtocol, cbpf.AncPacketType, cbpf.AncIfIndex, cbpf.AncNetlinkAttr,
		cbpf.AncNetlinkNested, cbpf.AncMark, cbpf.AncQueue, cbpf.AncHAType, cbpf.AncRXHash,
		cbpf.AncCPU, cbpf.AncALUXorX, cbpf.AncVLANTag, cbpf.AncVLANTagPresent, cbpf.AncVLANTPID,
	}
)

// linuxCorpus generates the kernel tests' random programs.
func linuxCorpus() []oracleProgram {
	var progs []oracleProgram
	for i := range loadRandomCount {
		rng := rand.New(rand.NewPCG(uint64(i), 1))
		sem := []cbpf.Semantics{cbpf.Linux, cbpf.Linux, cbpf.Libpcap}[rng.IntN(3)]
		p := randprog.Generate(rng, randprog.Options{Semantics: sem, MinLen: 1, MaxLen: []int{4, 16, 64, 600}[rng.IntN(4)]})
		if rng.IntN(2) == 0 {
			// Programs of a bad length cannot be written as tcpdump -ddd;
			// lengthPrograms covers them.
			for q, rule := randprog.Corrupt(rng, p, sem); ; q, rule = randprog.Corrupt(rng, p, sem) {
				if rule != cbpf.RuleLength {
					p = q
					break
				}
			}
		}
		progs = append(progs, oracleProgram{ID: fmt.Sprintf("load %d", i), Prog: p})
	}
	for i := range unixRandomCount {
		rng := rand.New(rand.NewPCG(uint64(i), 2))
		progs = append(progs, oracleProgram{ID: fmt.Sprintf("unix %d", i), Prog: randprog.Generate(rng, randprog.Options{
			Semantics:   cbpf.Linux,
			Kinds:       randprog.AllKinds &^ randprog.HeaderLoads,
			Ancillaries: unixAncillaries,
			PacketLen:   randomSizes[rng.IntN(len(randomSizes))],
			MaxLen:      []int{8, 32, 64}[rng.IntN(3)],
		})})
	}
	for i := range packetRandomCount {
		rng := rand.New(rand.NewPCG(uint64(i), 3))
		progs = append(progs, oracleProgram{ID: fmt.Sprintf("packet %d", i), Prog: randprog.Generate(rng, randprog.Options{
			Semantics:   cbpf.Linux,
			Ancillaries: packetAncillaries,
			PacketLen:   randomSizes[rng.IntN(len(randomSizes))],
			MaxLen:      []int{8, 32, 64}[rng.IntN(3)],
		})})
	}
	return progs
}

const linuxHeader = `Random programs for the kernel tests (kernel_oracle_test.go), from
internal/randprog. Regenerate with ` + kernelRegenerate

// fingerprint identifies a program's exact content in the kernel answers,
// so answers recorded for an older version of a program are noticed.
func fingerprint(p cbpf.Program) string {
	sum := sha256.Sum256([]byte(p.Format(cbpf.Decimal)))
	return hex.EncodeToString(sum[:4])
}

// kernelLine is one program's line in a kernel answers file:
// "ID<TAB>FINGERPRINT<TAB>ANSWERS".
type kernelLine struct {
	id, fingerprint, answers string
}

func (l kernelLine) String() string {
	return l.id + "\t" + l.fingerprint + "\t" + l.answers
}

// kernelAnswers is a kernel answers file: "key value" header lines, then
// program lines.
type kernelAnswers struct {
	header map[string][]string // values of each header key, in order
	lines  []kernelLine
}

func readKernelAnswers(path string) (*kernelAnswers, error) {
	text, err := readGzip(path)
	if err != nil {
		return nil, err
	}
	a := &kernelAnswers{header: map[string][]string{}}
	for _, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if f := strings.Split(line, "\t"); len(f) == 3 {
			a.lines = append(a.lines, kernelLine{f[0], f[1], f[2]})
			continue
		}
		k, v, _ := strings.Cut(line, " ")
		a.header[k] = append(a.header[k], v)
	}
	return a, nil
}

func writeKernelAnswers(path, comment string, header []string, lines []kernelLine) error {
	var b strings.Builder
	for _, c := range strings.Split(strings.TrimSpace(comment), "\n") {
		fmt.Fprintf(&b, "# %s\n", c)
	}
	for _, h := range header {
		fmt.Fprintf(&b, "%s\n", h)
	}
	for _, l := range lines {
		fmt.Fprintf(&b, "%s\n", l)
	}
	return writeGzip(path, b.String())
}

// kernelProgram finds a program of a kernel answers line and checks it is
// the one the answers were recorded for.
func kernelProgram(t *testing.T, programs map[string]cbpf.Program, l kernelLine) cbpf.Program {
	t.Helper()
	p, ok := programs[l.id]
	if !ok {
		t.Fatalf("program %q is not in %s; regenerate with %s", l.id, programsDir, kernelRegenerate)
	}
	if fp := fingerprint(p); fp != l.fingerprint {
		t.Fatalf("program %q changed since the kernel's answers were recorded; regenerate with %s", l.id, kernelRegenerate)
	}
	return p
}

// TestKernelLoad checks that Validate(Linux) accepts exactly the programs
// the kernel's SO_ATTACH_FILTER accepts.
func TestKernelLoad(t *testing.T) {
	if *update {
		updateKernelLoad(t)
	}
	programs, err := readAllPrograms()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range lengthPrograms() {
		programs[p.ID] = p.Prog
	}
	a, err := readKernelAnswers(kernelLoadAnswers)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range a.lines {
		p := kernelProgram(t, programs, l)
		err := p.Validate(cbpf.Linux)
		if got := loadVerdict(err == nil); got != l.answers {
			t.Errorf("program %q: the kernel's verdict is %q, Validate(Linux) says %v\n%v", l.id, l.answers, err, p)
		}
		if err != nil && !errors.Is(err, cbpf.ErrInvalid) {
			t.Errorf("program %q: Validate error %v does not match ErrInvalid", l.id, err)
		}
	}
	checkLiveLoad(t, programs, a.lines)
}

// loadVerdict is how a load answer is written.
func loadVerdict(accepted bool) string {
	if accepted {
		return "accept"
	}
	return "reject"
}

// lengthPrograms are the programs around the kernel's length limits,
// built here because no listing format holds them.
func lengthPrograms() []oracleProgram {
	ret := cbpf.Program{{Op: 0x06, K: 1}}
	long := func(n int) cbpf.Program {
		p := make(cbpf.Program, n)
		for i := range p {
			p[i] = bpf.RawInstruction{Op: 0x87} // txa
		}
		return append(p[:n-1], ret...)
	}
	return []oracleProgram{
		{ID: "length 0", Prog: cbpf.Program{}},
		{ID: "length 1", Prog: ret},
		{ID: "length 4096", Prog: long(cbpf.MaxInstructions)},
		{ID: "length 4097", Prog: long(cbpf.MaxInstructions + 1)},
	}
}

// loadCorpus lists the programs whose loading is compared: the random
// "load" programs, lengthPrograms and what libpcap compiles for Ethernet
// (protochain compiles to a backward jump, which the kernel refuses).
func loadCorpus(programs map[string]cbpf.Program) []oracleProgram {
	progs := lengthPrograms()
	for id, p := range programs {
		if strings.HasPrefix(id, "load ") || strings.HasPrefix(id, "EN10MB ") {
			progs = append(progs, oracleProgram{ID: id, Prog: p})
		}
	}
	sortPrograms(progs)
	return progs
}

// sortPrograms orders programs by ID, numbers numerically.
func sortPrograms(progs []oracleProgram) {
	key := func(id string) (string, int) {
		i := strings.LastIndexByte(id, ' ')
		if n, err := strconv.Atoi(id[i+1:]); err == nil {
			return id[:i], n
		}
		return id, -1
	}
	slices.SortFunc(progs, func(a, b oracleProgram) int {
		ka, na := key(a.ID)
		kb, nb := key(b.ID)
		if c := strings.Compare(ka, kb); c != 0 {
			return c
		}
		return na - nb
	})
}

// A unix answer lists, per payload, the bytes the receiver got or "-"
// when the datagram was dropped.
func unixAnswer(ret uint32, payloadLen int) string {
	if ret == 0 {
		return "-"
	}
	return strconv.Itoa(min(int(ret), payloadLen))
}

// unixMetadata is what the kernel knows about an AF_UNIX datagram: no
// device, protocol or VLAN, only the CPU the sender runs on. The network
// header offset is 0 (alloc_skb zeroes it and the data starts at the
// head); the link header was never set, so skb_mac_header is 0xffff bytes
// past the head and every SKF_LL_OFF load fails, as one that far into
// the data does.
func unixMetadata(cpu uint32) *cbpf.Metadata {
	return &cbpf.Metadata{CPU: cpu, LinkOffset: unsetMACHeader, NoDevice: true}
}

// unsetMACHeader is skb->mac_header before anything sets it, (u16)~0.
const unsetMACHeader = 0xffff

// TestKernelUnixSocket compares the VM with the kernel's verdicts on
// datagrams sent over an AF_UNIX socketpair.
func TestKernelUnixSocket(t *testing.T) {
	if *update {
		updateKernelUnix(t)
	}
	programs, err := readAllPrograms()
	if err != nil {
		t.Fatal(err)
	}
	a, err := readKernelAnswers(kernelUnixAnswers)
	if err != nil {
		t.Fatal(err)
	}
	payloads, err := decodePayloads(a.header["payload"])
	if err != nil {
		t.Fatal(err)
	}
	cpu, err := headerUint(a.header, "cpu")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range a.lines {
		p := kernelProgram(t, programs, l)
		want := strings.Fields(l.answers)
		if len(want) != len(payloads) {
			t.Fatalf("program %q: %d answers for %d payloads", l.id, len(want), len(payloads))
		}
		vm, err := cbpf.NewVM(p, cbpf.Linux)
		if err != nil {
			t.Errorf("program %q: %v", l.id, err)
			continue
		}
		for i, pl := range payloads {
			ret := vm.RunMetadata(pl, len(pl), unixMetadata(cpu))
			if got := unixAnswer(ret, len(pl)); got != want[i] {
				t.Errorf("program %q, payload %d (%d bytes %x): kernel delivers %s, VM returns %d (delivers %s)\n%v",
					l.id, i, len(pl), pl, want[i], ret, got, p)
				break
			}
		}
	}
	checkLiveUnix(t, programs, a)
}

// unixPayloads are the datagrams of the AF_UNIX test: every length around
// the load sizes, headers of real packets and netlink attribute streams.
func unixPayloads() [][]byte {
	rng := rand.New(rand.NewPCG(42, 42))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	var pls [][]byte
	for _, n := range []int{0, 1, 2, 3, 4, 5, 7, 8, 13, 14, 15, 20, 33, 42, 54, 60, 63, 64, 65, 100, 342, 1514} {
		pls = append(pls, random(n))
	}
	// An IPv4/TCP SYN in Ethernet, and the same with a VLAN tag.
	eth := mustHex("ffffffffffff02000000000108004500002c0001000040067cc97f0000017f000001d431005000000000000000006002ffffa2d500000204ffd7")
	pls = append(pls, eth, append(append(append([]byte{}, eth[:12]...), 0x81, 0x00, 0x00, 0x05), eth[12:]...))
	// Netlink attribute streams (host byte order): type 1, 2 and a nested 3.
	var nl []byte
	for _, attr := range [][2]uint16{{8, 1}, {6, 2}, {12, 3 | 0x8000}, {8, 1}} {
		nl = binary.NativeEndian.AppendUint16(nl, attr[0])
		nl = binary.NativeEndian.AppendUint16(nl, attr[1])
		nl = append(nl, random(int(attr[0])-4)...)
		nl = append(nl, make([]byte, (4-len(nl)%4)%4)...)
	}
	pls = append(pls, nl, nl[:10], append([]byte{0, 0, 0, 0}, nl...))
	return pls
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func encodePayloads(pls [][]byte) []string {
	var h []string
	for _, p := range pls {
		h = append(h, "payload "+hex.EncodeToString(p)+".")
	}
	return h
}

// Payloads end with "." so the empty one has a value.
func decodePayloads(vals []string) ([][]byte, error) {
	var pls [][]byte
	for _, v := range vals {
		b, err := hex.DecodeString(strings.TrimSuffix(v, "."))
		if err != nil {
			return nil, fmt.Errorf("payload %q: %w", v, err)
		}
		pls = append(pls, b)
	}
	if len(pls) == 0 {
		return nil, errors.New("no payloads in the answers")
	}
	return pls, nil
}

func headerUint(h map[string][]string, key string) (uint32, error) {
	if len(h[key]) != 1 {
		return 0, fmt.Errorf("header %q missing", key)
	}
	v, err := strconv.ParseUint(h[key][0], 10, 32)
	return uint32(v), err
}

// loopbackFrame is a capture packet as the two copies a packet socket on
// lo sees it: outgoing as sent, and incoming after eth_type_trans and VLAN
// untagging.
type loopbackFrame struct {
	out, in         []byte
	outMeta, inMeta cbpf.Metadata
	inDelivered     bool // the receive path drops tagged frames too short to untag
}

// newLoopbackFrame works out what the kernel makes of frame on lo with the
// given interface index, running filters on cpu.
func newLoopbackFrame(frame []byte, ifindex, cpu uint32) loopbackFrame {
	proto := ethProtocol(frame[12:14], frame[14:])
	f := loopbackFrame{
		out: frame,
		// packet_snd sets skb->protocol from sll_protocol, which the test
		// sends as eth_type_trans would compute it.
		outMeta: cbpf.Metadata{Protocol: proto, PacketType: packetOutgoing, IfIndex: ifindex,
			HAType: loopbackHAType, CPU: cpu, NetworkOffset: minEthernetFrame, Mark: senderMark},
		in:          frame,
		inDelivered: true,
	}
	f.inMeta = f.outMeta
	f.inMeta.PacketType = ethPacketType(frame[:6])
	if proto == 0x8100 || proto == 0x88a8 {
		// __netif_receive_skb_core untags before the taps: skb_vlan_untag
		// needs the tag and two more bytes.
		if len(frame) < minEthernetFrame+6 {
			f.inDelivered = false
			return f
		}
		f.inMeta.VLANPresent = true
		f.inMeta.VLANTPID = proto
		f.inMeta.VLANTCI = binary.BigEndian.Uint16(frame[14:16])
		f.inMeta.Protocol = ethProtocol(frame[16:18], frame[18:])
		f.in = append(append([]byte{}, frame[:12]...), frame[16:]...)
	}
	return f
}

// loopbackFrames are the packets of c that can be sent on lo, by packet
// number: Ethernet frames of at least a header's length.
func loopbackFrames(c *captureData, ifindex, cpu uint32) map[int]loopbackFrame {
	frames := map[int]loopbackFrame{}
	for i, pkt := range c.Packets {
		if pkt.LinkType == linkTypeEthernet && len(pkt.Data) >= minEthernetFrame {
			frames[i+1] = newLoopbackFrame(pkt.Data, ifindex, cpu)
		}
	}
	return frames
}

// linkTypeEthernet is LINKTYPE_ETHERNET.
const linkTypeEthernet = 1

// ethProtocol is eth_type_trans's skb->protocol for an Ethernet type or
// length field followed by payload.
func ethProtocol(typ, payload []byte) uint16 {
	if t := binary.BigEndian.Uint16(typ); t >= ethertypeMin8023 {
		return t
	}
	if len(payload) >= 2 && payload[0] == 0xff && payload[1] == 0xff {
		return ethP8023 // raw 802.3 (Novell)
	}
	return ethP8022
}

// ethPacketType is eth_type_trans's skb->pkt_type for a destination
// address on lo. Both lo's own address and its broadcast address are all
// zeros, so ff:ff:ff:ff:ff:ff is just a multicast address there and
// PACKET_BROADCAST never occurs.
func ethPacketType(dst []byte) uint8 {
	switch {
	case dst[0]&1 != 0:
		return 2 // PACKET_MULTICAST
	case string(dst) == "\x00\x00\x00\x00\x00\x00":
		return 0 // PACKET_HOST
	}
	return 3 // PACKET_OTHERHOST
}

// droppedBoth is the answer for a frame whose copies were both dropped,
// which the answers files leave out.
const droppedBoth = "-/-"

// packetAnswer is one frame's answer: what the outgoing and incoming copy
// delivered ("-" dropped, "x" never offered to the socket).
func packetAnswer(f loopbackFrame, vm *cbpf.VM) string {
	deliver := func(pkt []byte, m *cbpf.Metadata) string {
		return unixAnswer(vm.RunMetadata(pkt, len(pkt), m), len(pkt))
	}
	in := "x"
	if f.inDelivered {
		in = deliver(f.in, &f.inMeta)
	}
	return deliver(f.out, &f.outMeta) + "/" + in
}

// TestKernelPacketSocket compares the VM with a packet socket filter on
// the loopback device, over the Ethernet captures.
func TestKernelPacketSocket(t *testing.T) {
	if *update {
		updateKernelPacket(t)
	}
	programs, err := readAllPrograms()
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	err = filepath.WalkDir(kernelPacketDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".txt.gz") {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no answers in %s; regenerate with %s", kernelPacketDir, kernelRegenerate)
	}
	for _, path := range files {
		a, err := readKernelAnswers(path)
		if err != nil {
			t.Fatal(err)
		}
		var g goldenCapture
		for _, k := range []string{"capture", "linktype", "sha256", "packets"} {
			if len(a.header[k]) != 1 {
				t.Fatalf("%s: header %q missing", path, k)
			}
			if err := g.set(k + " " + a.header[k][0]); err != nil {
				t.Fatal(err)
			}
		}
		ifindex, err1 := headerUint(a.header, "ifindex")
		cpu, err2 := headerUint(a.header, "cpu")
		if err := errors.Join(err1, err2); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		t.Run(g.key, func(t *testing.T) {
			c := loadGoldenCapture(t, g)
			frames := loopbackFrames(c, ifindex, cpu)
			for _, l := range a.lines {
				p := kernelProgram(t, programs, l)
				vm, err := cbpf.NewVM(p, cbpf.Linux)
				if l.answers == "reject" || err != nil {
					if l.answers != "reject" || err == nil {
						t.Errorf("program %q: kernel says %q, NewVM(Linux) %v", l.id, l.answers, err)
					}
					continue
				}
				want := map[int]string{}
				for _, f := range strings.Fields(l.answers) {
					n, ans, _ := strings.Cut(f, ":")
					i, err := strconv.Atoi(n)
					if err != nil {
						t.Fatalf("program %q: bad answer %q", l.id, f)
					}
					want[i] = ans
				}
				for n := 1; n <= len(c.Packets); n++ {
					f, ok := frames[n]
					if !ok {
						continue
					}
					w, ok := want[n]
					if !ok {
						w = droppedBoth
					}
					if got := packetAnswer(f, vm); got != w {
						t.Errorf("program %q, packet %d (%d bytes): kernel delivers out/in %s, VM %s\n%v",
							l.id, n, len(f.out), w, got, p)
						break
					}
				}
			}
		})
	}
}

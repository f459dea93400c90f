package filterlang_test

import (
	"encoding/binary"
	"fmt"
	"slices"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang"
)

// liveLinkTypes are the link types of liveInterfaces.
func liveLinkTypes() []string {
	var names []string
	for _, li := range liveInterfaces {
		names = append(names, li.LinkType)
	}
	return names
}

// Linux's packet types (skb->pkt_type) and Ethernet protocol numbers that
// a socket filter sees in its metadata.
const (
	packetHost      = 0
	packetBroadcast = 1
	packetMulticast = 2
	packetOutgoing  = 4
	ethP8023        = 0x0001 // 802.3 frame with a raw IPX header
	ethP8022        = 0x0004 // 802.3 frame with an 802.2 LLC header
	arphrdEther     = 1
	oracleIfIndex   = 2
)

// kernelViews returns each packet as a Linux socket filter on a live
// capture of link type lt sees it, received and sent: the bytes, and the
// metadata ancillary loads read. On Ethernet the kernel has moved an outer
// 802.1Q or 802.1ad tag out of the frame into the metadata; on the cooked
// link types (LINUX_SLL, LINUX_SLL2), whose header libpcap builds from the
// metadata, the metadata repeats the header's fields.
func kernelViews(lt layers.LinkType, pkts []oraclePacket) ([]oraclePacket, []cbpf.Metadata) {
	var views []oraclePacket
	var metas []cbpf.Metadata
	for _, p := range pkts {
		v, m, ok := kernelView(lt, p)
		if !ok {
			continue
		}
		views = append(views, v)
		metas = append(metas, m)
		if m.PacketType != packetOutgoing && lt == layers.LinkTypeEthernet {
			m.PacketType = packetOutgoing
			views = append(views, v)
			metas = append(metas, m)
		}
	}
	return views, metas
}

func kernelView(lt layers.LinkType, p oraclePacket) (oraclePacket, cbpf.Metadata, bool) {
	d := p.Data
	switch lt {
	case layers.LinkTypeEthernet:
		if len(d) < 14 {
			return p, cbpf.Metadata{}, false
		}
		m := cbpf.Metadata{HAType: arphrdEther, IfIndex: oracleIfIndex, NetworkOffset: 14}
		if tpid := binary.BigEndian.Uint16(d[12:]); (tpid == 0x8100 || tpid == 0x88a8) && len(d) >= 18 {
			m.VLANPresent, m.VLANTPID, m.VLANTCI = true, tpid, binary.BigEndian.Uint16(d[14:])
			d = slices.Concat(d[:12], d[16:])
			p = oraclePacket{Data: d, WireLen: p.WireLen - 4, LinkType: lt}
		}
		m.Protocol = ethernetProtocol(d)
		switch {
		case slices.Equal(d[:6], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}):
			m.PacketType = packetBroadcast
		case d[0]&1 != 0:
			m.PacketType = packetMulticast
		default:
			m.PacketType = packetHost
		}
		return p, m, true
	case layers.LinkTypeLinuxSLL:
		if len(d) < 16 {
			return p, cbpf.Metadata{}, false
		}
		return p, cbpf.Metadata{
			PacketType:    uint8(binary.BigEndian.Uint16(d[0:])),
			HAType:        binary.BigEndian.Uint16(d[2:]),
			Protocol:      binary.BigEndian.Uint16(d[14:]),
			IfIndex:       oracleIfIndex,
			NetworkOffset: 16,
		}, true
	case layers.LinkTypeLinuxSLL2:
		if len(d) < 20 {
			return p, cbpf.Metadata{}, false
		}
		return p, cbpf.Metadata{
			Protocol:      binary.BigEndian.Uint16(d[0:]),
			IfIndex:       binary.BigEndian.Uint32(d[4:]),
			HAType:        binary.BigEndian.Uint16(d[8:]),
			PacketType:    d[10],
			NetworkOffset: 20,
		}, true
	}
	return p, cbpf.Metadata{}, false
}

// ethernetProtocol is skb->protocol for an Ethernet frame, as
// eth_type_trans sets it.
func ethernetProtocol(frame []byte) uint16 {
	t := binary.BigEndian.Uint16(frame[12:])
	switch {
	case t >= 0x0600:
		return t
	case len(frame) >= 16 && frame[14] == 0xff && frame[15] == 0xff:
		return ethP8023
	default:
		return ethP8022
	}
}

// TestOracleLive compiles every corpus expression for the live Linux
// captures recorded (an Ethernet veth, the "any" device in both cooked
// link types), optimised and not, and requires that it compiles exactly
// when tcpdump does, that the program passes the kernel's load-time rules,
// and that it returns what libpcap's live program returns on the kernel's
// view of every packet of that link type in the captures, with the
// metadata the kernel would give. Where the kernel would refuse libpcap's
// program (protochain jumps backwards) libpcap filters in user space, on
// the frame with its VLAN tag put back: libpcap's answer is then its
// program run that way.
func TestOracleLive(t *testing.T) {
	ensureGoldens(t)
	corpus, err := readCorpus()
	if err != nil {
		t.Fatal(err)
	}
	live := loadProgramGoldens(t, liveDir, liveLinkTypes(), corpus)
	offline := loadProgramGoldens(t, programsDir, liveLinkTypes(), corpus)
	logLiveDifferences(t, live, offline, corpus)
	requireCompiler(t)
	pkts := oraclePackets(t)
	views := make([][]oraclePacket, len(live))
	metas := make([][]cbpf.Metadata, len(live))
	for i, g := range live {
		views[i], metas[i] = kernelViews(g.LinkType, pkts[g.LinkType])
		t.Logf("%s: %d kernel views of packets", g.Name, len(views[i]))
	}
	ours := newOurCompiler()
	var libpcap libpcapVMs
	for m, mode := range compileModes {
		t.Run(mode.Name, func(t *testing.T) {
			report := newGroupReport("live/"+mode.Name, corpus)
			for i, g := range live {
				opts := filterlang.Options{LinkType: g.LinkType, Netmask: offlineNetmask, NoOptimize: mode.NoOptimize, Target: filterlang.LinuxLive}
				where := "live " + g.Name
				for _, e := range corpus {
					lib := parseOutcome(g.Records[e.Expr][1+m])
					our := ours.compile(e.Expr, opts, cbpf.Linux)
					if f := compareCompile(lib, our); f != "" || lib.Err != "" {
						report.add(e, prefixed(where, f))
						continue
					}
					report.add(e, prefixed(where, diffLive(&libpcap, lib.Result, our, views[i], metas[i])))
				}
			}
			report.report(t)
		})
	}
}

// diffLive compares our live program with libpcap's on the kernel views
// of the packets.
func diffLive(libpcap *libpcapVMs, encoded string, ours *ourProgram, views []oraclePacket, metas []cbpf.Metadata) string {
	vm, err := libpcap.vm(encoded, cbpf.Linux)
	if err == nil {
		return diffPrograms(vm, ours, views, metas)
	}
	// The kernel refuses libpcap's program: libpcap runs it in user
	// space on the frame as read from the socket, VLAN tag reinserted.
	user, err := libpcap.vm(encoded, cbpf.Libpcap)
	if err != nil {
		return fmt.Sprintf("libpcap's program: %v", err)
	}
	for i, v := range views {
		frame := userView(v, metas[i])
		want := user.Run(frame.Data, frame.WireLen)
		got := ours.VM.RunMetadata(v.Data, v.WireLen, &metas[i])
		if want != got {
			return fmt.Sprintf("on a packet of %d bytes libpcap (in user space) returns %d, our program in the kernel %d\nkernel's view: % x\nlibpcap's program:\n%sour program:\n%s",
				len(v.Data), want, got, v.Data, user.Program().Format(cbpf.Text), ours.Prog.Format(cbpf.Text))
		}
	}
	return ""
}

// userView is a kernel view as libpcap hands it to a user-space filter:
// with the VLAN tag the kernel removed put back after the MAC addresses.
func userView(v oraclePacket, m cbpf.Metadata) oraclePacket {
	if !m.VLANPresent {
		return v
	}
	tag := binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint16(nil, m.VLANTPID), m.VLANTCI)
	return oraclePacket{Data: slices.Concat(v.Data[:12], tag, v.Data[12:]), WireLen: v.WireLen + 4, LinkType: v.LinkType}
}

// logLiveDifferences logs, per link type, the corpus expressions whose
// live program libpcap compiles differently from its program for capture
// files (vlan, inbound, ifindex, ...), so that the list of expressions
// where the targets matter stays in view.
func logLiveDifferences(t *testing.T, live, offline []programGolden, corpus []corpusEntry) {
	for _, l := range live {
		i := slices.IndexFunc(offline, func(o programGolden) bool { return o.Name == l.Name })
		if i < 0 {
			continue
		}
		var differ []string
		for _, e := range corpus {
			if l.Records[e.Expr][1] != offline[i].Records[e.Expr][1] {
				differ = append(differ, e.Expr)
			}
		}
		t.Logf("%s: libpcap's optimised live and offline programs differ for %d of %d expressions: %q", l.Name, len(differ), len(corpus), differ)
	}
}

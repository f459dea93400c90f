package printer

// tcpConv identifies a TCP conversation in one direction-independent
// order, like tcpdump's struct tha: the side with the smaller port (or
// address, when the ports are equal) is the source.
type tcpConv struct {
	src, dst [16]byte
	ports    uint32
	v6       bool
}

// tcpSeqBase holds the initial sequence numbers of both directions.
type tcpSeqBase struct{ seq, ack uint32 }

// TCP header flags.
const (
	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpRST = 0x04
	tcpACK = 0x10
	tcpURG = 0x20
)

var tcpFlagLetters = [8]byte{'F', 'S', 'R', 'P', '.', 'U', 'E', 'W'}

// tcp prints a TCP segment, like tcpdump's tcp_print.
func (p *Printer) tcp(b []byte, length int, h *ipHeader, fragmented bool) error {
	const minHdr = 20
	p.proto = "tcp"
	if len(b) < 4 {
		p.addrs(h)
		p.byte(':')
		return errTruncated
	}
	sport, dport := be16(b), be16(b[2:])
	if h.proto == protoTCP {
		p.addr(h, h.src)
		p.byte('.')
		p.tcpPort(sport)
		p.str(" > ")
		p.addr(h, h.dst)
		p.byte('.')
		p.tcpPort(dport)
	} else {
		p.tcpPort(sport)
		p.str(" > ")
		p.tcpPort(dport)
	}
	p.str(": ")
	if len(b) < minHdr {
		return errTruncated
	}
	hlen := int(b[12]>>4) * 4
	if hlen < minHdr {
		p.str(" tcp ")
		p.uint(uint64(uint32(length - hlen)))
		p.str(" [bad hdr length ")
		p.uint(uint64(hlen))
		p.str(" - too short, < 20]")
		return nil
	}
	seq, ack, win, urp := be32(b[4:]), be32(b[8:]), be16(b[14:]), be16(b[18:])
	if p.opts.Quick {
		p.str("tcp ")
		p.uint(uint64(uint32(length - hlen)))
		if hlen > length {
			p.badHdrLength(hlen, length)
		}
		return nil
	}
	flags := b[13]
	p.str("Flags [")
	if flags == 0 {
		p.str("none")
	}
	for i, c := range tcpFlagLetters {
		if flags&(1<<i) != 0 {
			p.byte(c)
		}
	}
	p.byte(']')

	var base tcpSeqBase
	rev := false
	if flags&tcpACK != 0 {
		seq, ack, base, rev = p.relativeSeq(h, sport, dport, seq, ack, flags)
	}
	if hlen > length {
		p.badHdrLength(hlen, length)
		return nil
	}
	length -= hlen
	if length > 0 || flags&(tcpSYN|tcpFIN|tcpRST) != 0 {
		p.str(", seq ")
		p.uint(uint64(seq))
		if length > 0 {
			p.byte(':')
			p.uint(uint64(seq + uint32(length)))
		}
	}
	if flags&tcpACK != 0 {
		p.str(", ack ")
		p.uint(uint64(ack))
	}
	p.str(", win ")
	p.uint(uint64(win))
	if flags&tcpURG != 0 {
		p.str(", urg ")
		p.uint(uint64(urp))
	}
	if hlen > minHdr {
		if err := p.tcpOptions(b, hlen, base, rev); err != nil {
			return err
		}
	}
	p.str(", length ")
	p.uint(uint64(length))
	if length == 0 {
		return nil
	}
	if len(b) < hlen {
		p.str(" [remaining caplen(")
		p.uint(uint64(len(b)))
		p.str(") < header length(")
		p.uint(uint64(hlen))
		p.str(")]")
		return errTruncated
	}
	return p.tcpPayload(b[hlen:], length, sport, dport)
}

func (p *Printer) badHdrLength(hlen, length int) {
	p.str(" [bad hdr length ")
	p.uint(uint64(hlen))
	p.str(" - too long, > ")
	p.uint(uint64(length))
	p.byte(']')
}

// relativeSeq turns seq and ack into numbers relative to the first segment
// of the conversation seen with ACK set, or to the latest SYN, as tcpdump
// does by default.
func (p *Printer) relativeSeq(h *ipHeader, sport, dport uint16, seq, ack uint32, flags byte) (uint32, uint32, tcpSeqBase, bool) {
	rev := sport > dport
	if sport == dport {
		for i := range h.src {
			if h.src[i] != h.dst[i] {
				rev = h.src[i] > h.dst[i]
				break
			}
		}
	}
	var c tcpConv
	c.v6 = h.version == 6
	if rev {
		copy(c.src[:], h.dst)
		copy(c.dst[:], h.src)
		c.ports = uint32(dport)<<16 | uint32(sport)
	} else {
		copy(c.src[:], h.src)
		copy(c.dst[:], h.dst)
		c.ports = uint32(sport)<<16 | uint32(dport)
	}
	base, seen := p.tcpSeqs[c]
	if !seen || flags&tcpSYN != 0 {
		if rev {
			base = tcpSeqBase{seq: ack - 1, ack: seq}
		} else {
			base = tcpSeqBase{seq: seq, ack: ack - 1}
		}
		p.tcpSeqs[c] = base
		return seq, ack, base, rev
	}
	if rev {
		return seq - base.ack, ack - base.seq, base, rev
	}
	return seq - base.seq, ack - base.ack, base, rev
}

// TCP option kinds.
const (
	tcpOptEOL       = 0
	tcpOptNOP       = 1
	tcpOptMSS       = 2
	tcpOptWScale    = 3
	tcpOptSACKOK    = 4
	tcpOptSACK      = 5
	tcpOptEcho      = 6
	tcpOptEchoReply = 7
	tcpOptTimestamp = 8
	tcpOptCC        = 11
	tcpOptCCNew     = 12
	tcpOptCCEcho    = 13
	tcpOptMD5       = 19
	tcpOptSCPS      = 20
	tcpOptUTO       = 28
	tcpOptAO        = 29
	tcpOptMPTCP     = 30
	tcpOptFastOpen  = 34
	tcpOptExp2      = 254
)

// tcpOptFixedLen holds the data length of options that have a fixed one.
var tcpOptFixedLen = map[byte]int{tcpOptMSS: 2, tcpOptWScale: 1, tcpOptCC: 4, tcpOptCCNew: 4, tcpOptCCEcho: 4,
	tcpOptEcho: 4, tcpOptEchoReply: 4, tcpOptTimestamp: 8, tcpOptSCPS: 2, tcpOptUTO: 2}

var tcpOptionNames = map[byte]string{
	tcpOptEOL: "eol", tcpOptNOP: "nop", tcpOptMSS: "mss", tcpOptWScale: "wscale",
	tcpOptSACKOK: "sackOK", tcpOptSACK: "sack", tcpOptEcho: "echo",
	tcpOptEchoReply: "echoreply", tcpOptTimestamp: "TS", tcpOptCC: "cc",
	tcpOptCCNew: "ccnew", tcpOptCCEcho: "", tcpOptMD5: "md5", tcpOptSCPS: "scps",
	tcpOptUTO: "uto", tcpOptAO: "tcp-ao", tcpOptMPTCP: "mptcp",
	tcpOptFastOpen: "tfo", tcpOptExp2: "exp",
}

// tcpOptions prints ", options [...]", following tcpdump's loop closely:
// a malformed option ends the list with "[bad opt]", and an option cut
// short by the snap length with " [|tcp]>".
func (p *Printer) tcpOptions(b []byte, hlen int, base tcpSeqBase, rev bool) error {
	p.str(", options [")
	cp := 20
	left := hlen - 20
	sep := false
	// lenCheck is tcpdump's LENCHECK: n more bytes must belong to the
	// options and have been captured.
	lenCheck := func(n int) error {
		if n > left {
			p.str("[bad opt]")
			if sep {
				p.byte(']')
			}
			return errPrinted
		}
		if cp+n > len(b) {
			p.trunc()
			if sep {
				p.byte('>')
			}
			return errPrinted
		}
		return nil
	}
	for left > 0 {
		if sep {
			p.byte(',')
		}
		if cp >= len(b) {
			return errTruncated
		}
		opt := b[cp]
		cp++
		optLen := 1
		if opt != tcpOptEOL && opt != tcpOptNOP {
			if cp >= len(b) {
				return errTruncated
			}
			optLen = int(b[cp])
			cp++
			if optLen < 2 || optLen > left {
				p.str("[bad opt]")
				if sep {
					p.byte(']')
				}
				return errPrinted
			}
			left--
		}
		left--
		if name, ok := tcpOptionNames[opt]; ok {
			p.str(name)
		} else {
			p.str("unknown-")
			p.uint(uint64(opt))
		}
		dataLen, err := p.tcpOption(opt, optLen, b, cp, base, rev, lenCheck)
		if err != nil {
			return err
		}
		cp += dataLen
		left -= dataLen
		dataLen++
		if opt != tcpOptEOL && opt != tcpOptNOP {
			dataLen++
		}
		if dataLen != optLen {
			p.str("[len ")
			p.uint(uint64(optLen))
			p.byte(']')
		}
		sep = true
		if opt == tcpOptEOL {
			break
		}
	}
	p.byte(']')
	return nil
}

// tcpOption prints the data of one option starting at b[cp] and returns
// how many bytes of data it used.
func (p *Printer) tcpOption(opt byte, optLen int, b []byte, cp int, base tcpSeqBase, rev bool, lenCheck func(int) error) (int, error) {
	if n, ok := tcpOptFixedLen[opt]; ok {
		if err := lenCheck(n); err != nil {
			return 0, err
		}
	}
	data := b[cp:]
	switch opt {
	case tcpOptEOL, tcpOptNOP, tcpOptSACKOK:
		return 0, nil
	case tcpOptMSS:
		p.byte(' ')
		p.uint(uint64(be16(data)))
		return 2, nil
	case tcpOptWScale:
		p.byte(' ')
		p.uint(uint64(data[0]))
		return 1, nil
	case tcpOptCC, tcpOptCCNew, tcpOptCCEcho, tcpOptEcho, tcpOptEchoReply:
		p.byte(' ')
		p.uint(uint64(be32(data)))
		return 4, nil
	case tcpOptTimestamp:
		p.str(" val ")
		p.uint(uint64(be32(data)))
		p.str(" ecr ")
		p.uint(uint64(be32(data[4:])))
		return 8, nil
	case tcpOptSCPS:
		p.str(" cap ")
		p.hex(uint64(data[0]), 2)
		p.str(" id ")
		p.uint(uint64(data[1]))
		return 2, nil
	case tcpOptUTO:
		v := uint(be16(data))
		p.str(" 0x")
		p.hex(uint64(v), 1)
		if v&1 != 0 {
			v = (v >> 1) * 60
		} else {
			v >>= 1
		}
		p.byte(' ')
		p.uint(uint64(v))
		return 2, nil
	case tcpOptSACK:
		dataLen := optLen - 2
		if dataLen%8 != 0 {
			p.str(" invalid sack")
			return dataLen, nil
		}
		p.byte(' ')
		p.uint(uint64(dataLen / 8))
		p.byte(' ')
		for i := 0; i < dataLen; i += 8 {
			if err := lenCheck(i + 8); err != nil {
				return 0, err
			}
			s, e := be32(data[i:]), be32(data[i+4:])
			if rev {
				s, e = s-base.seq, e-base.seq
			} else {
				s, e = s-base.ack, e-base.ack
			}
			p.byte('{')
			p.uint(uint64(s))
			p.byte(':')
			p.uint(uint64(e))
			p.byte('}')
		}
		return dataLen, nil
	case tcpOptFastOpen:
		dataLen := optLen - 2
		if err := lenCheck(dataLen); err != nil {
			return 0, err
		}
		p.byte(' ')
		p.fastOpenCookie(data[:dataLen], false)
		return dataLen, nil
	case tcpOptExp2:
		dataLen := optLen - 2
		if err := lenCheck(dataLen); err != nil {
			return 0, err
		}
		if dataLen < 2 {
			p.str("[bad opt]")
			p.byte(']')
			return 0, errPrinted
		}
		p.byte('-')
		if magic := be16(data); magic == 0xf989 {
			p.fastOpenCookie(data[2:dataLen], true)
		} else {
			p.hex(uint64(magic), 4)
		}
		return dataLen, nil
	}
	// MD5 signatures, TCP-AO, MPTCP and unknown options: the raw bytes.
	dataLen := optLen - 2
	if opt == tcpOptMD5 {
		p.byte(' ')
	} else if dataLen > 0 {
		p.str(" 0x")
	}
	for i := 0; i < dataLen; i++ {
		if err := lenCheck(i + 1); err != nil {
			return 0, err
		}
		p.hex(uint64(data[i]), 2)
	}
	return dataLen, nil
}

func (p *Printer) fastOpenCookie(data []byte, exp bool) {
	if exp {
		p.str("tfo")
	}
	switch {
	case len(data) == 0:
		p.str(" cookiereq")
	case len(data)%2 != 0 || len(data) < 4 || len(data) > 16:
		p.str(" (invalid)")
	default:
		p.str(" cookie ")
		for _, c := range data {
			p.hex(uint64(c), 2)
		}
	}
}

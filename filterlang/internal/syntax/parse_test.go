package syntax

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseString checks trees through their String form, which writes
// every resolved qualifier and parenthesises every arithmetic operation.
// TestOracle checks these forms against libpcap.
func TestParseString(t *testing.T) {
	tests := []struct{ expr, want string }{
		{"", "<nil>"},
		{" \t\n", "<nil>"},
		{"tcp or udp and port 53", "tcp or udp and port 53"},
		{"tcp or (udp and port 53)", "tcp or (udp and port 53)"},
		{"host a or b", "host a or host b"},
		{"tcp dst port 21 or 20", "tcp dst port 21 or tcp dst port 20"},
		{"not host a and b", "not host a and host b"},
		{"src net 10 and not 11", "src net 10 and not src net 11"},
		{"host a or b and not c or port 80", "host a or host b and not host c or port 80"},
		{"host (a or b)", "host a or host b"},
		{"host not a", "not host a"},
		{"host a or (b and c)", "host a or (host b and host c)"},
		{"host a or not (b or c)", "host a or not (host b or host c)"},
		{"host a or (b or (c))", "host a or (host b or host c)"},
		{"host a or ((1))", "host a or host 1"},
		{"host a or ((1) or b)", "host a or (host 1 or host b)"},
		{"host a and (tcp) and b", "host a and tcp and host b"},
		{"(tcp) and host a", "tcp and host a"},
		{"tcp or 80", "tcp or 80"},
		{"tcp or not 5", "tcp or not 5"},
		{"less 10 or 5", "less 10 or 5"},
		{"(host x or host y) and 80", "(host x or host y) and 80"},
		{"host a or (1) = 1", "host a or 1 = 1"},
		{"src or dst host a", "src or dst host a"},
		{"dst and src net 10", "src and dst net 10"},
		{"addr1 a or address4 b", "addr1 a or addr4 b"},
		{"ra host a and ta b", "ra host a and ta b"},
		{"ip gateway g", "ip gateway g"},
		{"ip6 protochain 6", "ip6 protochain 6"},
		{`ether proto \ip`, `link proto \ip`},
		{`ip proto \tcp or \udp`, `ip proto \tcp or ip proto \udp`},
		{"ether host aa:bb:cc:dd:ee:ff", "link host aa:bb:cc:dd:ee:ff"},
		{"ether src a-b-c-d-e-f", "link src a-b-c-d-e-f"},
		{"ether dst aabb.ccdd.eeff or aa.bb.cc.dd.ee.ff or aabbccddeeff", "link dst aabb.ccdd.eeff or link dst aa.bb.cc.dd.ee.ff or link dst aabbccddeeff"},
		{"link host $1f", "link host $1f"},
		{"net 10.1", "net 10.1"},
		{"net 10.0.0.0/8 or 10.0.0.0 mask 255.0.0.0", "net 10.0.0.0/8 or net 10.0.0.0 mask 255.0.0.0"},
		{"ip6 net fe80::/10", "ip6 net fe80::/10"},
		{"host ::ffff:1.2.3.4", "host ::ffff:1.2.3.4"},
		{"host 1:2:3:4:5:6:7:8", "host 1:2:3:4:5:6:7:8"},
		{"host 1.2.3.4.5", "host 1.2.3.4.5"},
		{"host a-b.c_d.e", "host a-b.c_d.e"},
		{"portrange 80-90", "portrange 80-90"},
		{"tcp port http", "tcp port http"},
		{"port 0x50 or 0120", "port 0x50 or port 0120"},
		{"host TCP.x or Tcp", "host TCP.x or host Tcp"},
		{"ip[0] & 1 + 2 = 3", "(ip[0] & (1 + 2)) = 3"},
		{"ip[0] ^ 1 | 2 = 3", "(ip[0] ^ (1 | 2)) = 3"},
		{"- ip[0] % 3 = 1", "(-(ip[0] % 3)) = 1"},
		{"ip[0] * 2 % 3 + 1 = 1", "(ip[0] * (2 % (3 + 1))) = 1"},
		{"ip[0] + 2 % 3 * 1 = 1", "(ip[0] + (2 % (3 * 1))) = 1"},
		{"1 - 2 - 3 = 4 / 5 / 6", "((1 - 2) - 3) = ((4 / 5) / 6)"},
		{"1 | 2 & 3 << 4 + 5 * 6 > 0", "(1 | (2 & (3 << (4 + (5 * 6))))) > 0"},
		{"-1 * 2 >= - - 3", "((-1) * 2) >= (-(-3))"},
		{"(1 + 2) * 3 != len", "((1 + 2) * 3) != len"},
		{"len <= 100 and length < 1", "len <= 100 and len < 1"},
		{"ip[2:2] == 20", "ip[2:2] = 20"},
		{"ether[ip[0] & 0xf : 4] > 0", "link[(ip[0] & 0xf):4] > 0"},
		{"tcp[tcpflags] & tcp-syn != 0", "(tcp[tcpflags] & tcp-syn) != 0"},
		{"icmp[icmptype] = icmp-echo", "icmp[icmptype] = icmp-echo"},
		{"icmp6[icmp6type] = icmp6-echo", "icmp6[icmp6type] = icmp6-echo"},
		{"less 100 or greater 0x10", "less 100 or greater 0x10"},
		{"byte 1 & 2 and byte 3 == 4", "byte 1 & 2 and byte 3 = 4"},
		{"vlan and vlan 10 and vlan (20)", "vlan and vlan 10 and vlan 20"},
		{"mpls 5 or pppoed or pppoes 3 or geneve or vxlan 7", "mpls 5 or pppoed or pppoes 3 or geneve or vxlan 7"},
		{"inbound or outbound or ifindex 2", "inbound or outbound or ifindex 2"},
		{"broadcast or ether multicast or ip6 multicast", "broadcast or link multicast or ip6 multicast"},
		{"wlan type mgt subtype beacon", "link type 0 subtype 0x80"},
		{"type data", "type 8"},
		{"subtype qos-data", "type 8 subtype 0x80"},
		{"subtype ack", "type 4 subtype 0xd0"},
		{"type ctl subtype 0xd0", "type 4 subtype 0xd0"},
		{"dir tods or dir 3 or direction NoDS", "dir 1 or dir 3 or dir 0"},
		{"llc or llc i or llc S or llc rnr or llc rulenum or llc xid", "llc or llc i or llc S or llc rnr or llc rulenum or llc xid"},
		{"ifname eth0 or on eth1 or rset r or rnr 1 or srnr 2", "ifname eth0 or ifname eth1 or ruleset r or rulenum 1 or subrulenum 2"},
		{"reason match or reason 3 or action block", "reason match or reason 3 or action block"},
		{"vpi 1 and vci > 32 and vpi (1 or 2)", "vpi 1 and vci > 32 and vpi (1 or 2)"},
		{"sio != 3 or hdpc <= 4", "sio != 3 or hdpc <= 4"},
		{"lane or oamf4 or metaconnect or fisu or lsu or hmsu", "lane or oamf4 or metaconnect or fisu or lssu or hmsu"},
		{"iso or es-is or is-is or l1 or clnp", "iso or esis or isis or l1 or clnp"},
		{"! tcp && ! udp || icmp", "not tcp and not udp or icmp"},
		{"not not host a", "not not host a"},
		{"not (tcp or udp)", "not (tcp or udp)"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			x, err := Parse(tt.expr)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := "<nil>"
			if x != nil {
				got = x.String()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("String mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseTree checks fields that String does not show: positions, the
// Inherited flag, number values and lexical kinds.
func TestParseTree(t *testing.T) {
	tests := []struct {
		expr string
		want Expr
	}{
		{"host a or b", &Binary{Op: Or, OpPos: 7,
			X: &Primitive{QualPos: 0, Qual: Qual{Kind: KindHost}, Value: Value{Kind: ValName, Pos: 5, Text: "a"}},
			Y: &Primitive{QualPos: 10, Qual: Qual{Kind: KindHost}, Inherited: true, Value: Value{Kind: ValName, Pos: 10, Text: "b"}}}},
		{"tcp or 0x50", &Binary{Op: Or, OpPos: 4,
			X: &Abbrev{ProtoPos: 0, Proto: ProtoTCP},
			Y: &Primitive{QualPos: 7, Qual: undefQual, Inherited: true, Value: Value{Kind: ValNum, Pos: 7, Text: "0x50", Num: 80}}}},
		{`ip proto \tcp`, &Primitive{Qual: Qual{Proto: ProtoIP, Kind: KindProto},
			Value: Value{Kind: ValName, Pos: 9, Text: "tcp", Escaped: true}}},
		{"net 10.0.0.0/8", &Primitive{Qual: Qual{Kind: KindNet},
			Value: Value{Kind: ValIPv4Len, Pos: 4, Text: "10.0.0.0", Len: Number{Val: 8, Text: "8", Pos: 13}}}},
		{"net 10.0.0.0 mask 255.0.0.0", &Primitive{Qual: Qual{Kind: KindNet},
			Value: Value{Kind: ValIPv4Mask, Pos: 4, Text: "10.0.0.0", Mask: "255.0.0.0", MaskPos: 18}}},
		{"ip6 host ::1", &Primitive{Qual: Qual{Proto: ProtoIPv6, Kind: KindHost},
			Value: Value{Kind: ValIPv6, Pos: 9, Text: "::1"}}},
		{"tcp[tcp-syn:2] = 010", &Relation{Op: EQ, OpPos: 15,
			X: &Load{Proto: ProtoTCP, Index: &Num{Number{Val: 2, Text: "tcp-syn", Pos: 4}},
				Size: Number{Val: 2, Text: "2", Pos: 12}, SizeGiven: true},
			Y: &Num{Number{Val: 8, Text: "010", Pos: 17}}}},
		{"not vlan (7)", &Not{X: &Special{KeyPos: 4, Kind: VLAN, HasN: true, N: Number{Val: 7, Text: "7", Pos: 10}}}},
		{"ether[0] = 1", &Relation{Op: EQ, OpPos: 9,
			X: &Load{Proto: ProtoLink, Index: &Num{Number{Val: 0, Text: "0", Pos: 6}}, Size: Number{Val: 1, Text: "1", Pos: -1}},
			Y: &Num{Number{Val: 1, Text: "1", Pos: 11}}}},
		{"wlan subtype beacon", &WLAN{Proto: ProtoLink, Value: 0x80, Mask: 0xfc}},
		{"llc ui", &LLC{Type: LLCUSubtype, Subtype: 3, Name: "ui"}},
		{"reason congestion", &PF{Field: PFReason, Name: "congestion", N: Number{Val: 7, Text: "congestion", Pos: 7}}},
		{"byte 2 > 0x7", &Byte{Index: Number{Val: 2, Text: "2", Pos: 5}, Op: '>', Value: Number{Val: 7, Text: "0x7", Pos: 9}}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			got, err := Parse(tt.expr)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("tree mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseError(t *testing.T) {
	tests := []struct {
		expr string
		msg  string
		pos  int
	}{
		{"1.2.3.4", MsgSyntax, 0},
		{"(1.2.3.4)", MsgSyntax, 1},
		{"not 1.2.3.4", MsgSyntax, 4},
		{"host a or ((b))", MsgSyntax, 12},
		{"host a or (b or port 80)", MsgSyntax, 16},
		{"tcp prt 80", MsgSyntax, 4},
		{"host", MsgSyntax, 4},
		{"host a or", MsgSyntax, 9},
		{"(tcp", MsgSyntax, 4},
		{"tcp)", MsgSyntax, 3},
		{"src or 1.2.3.4", MsgSyntax, 7},
		{"src proto 1", MsgSyntax, 4},
		{"src gateway a", MsgSyntax, 4},
		{"net 10 mask 255.0.0.0", MsgSyntax, 7},
		{"net 10/8", MsgSyntax, 6},
		{"net 10.0.0.0 mask 255", MsgSyntax, 18},
		{"ip6 host fe80:0:0:0:0:0:0:0:0", MsgSyntax, 27},
		{"tcp portrange 23-", MsgSyntax, 16},
		{"vlan any", MsgSyntax, 5},
		{"vlan (tcp)", MsgSyntax, 6},
		{"link[0:-1] != 0", MsgSyntax, 7},
		{"byte 1 != 2", MsgSyntax, 7},
		{"pppoed 1234", MsgSyntax, 7},
		{"wlan subtype 0", MsgSyntax, 13},
		{"link host $123", MsgSyntax, 13},
		{"link host $x", MsgSyntax, 10},
		{"TCP", MsgSyntax, 0},
		{"tcp @ udp", MsgSyntax, 4},
		{"ip[0] = 1 @", MsgSyntax, 10},
		{"08", "number 08 contains non-octal digit", 0},
		{"tcp or 4294967296", "decimal number 4294967296 overflows 32 bits", 7},
		{"port 0x100000000", "hexadecimal number 0x100000000 overflows 32 bits", 5},
		{"port 0040000000000", "octal number 0040000000000 overflows 32 bits", 5},
		{"ip6 host fe80::256.20.30.40", "invalid IPv6 address fe80::256.20.30.40", 9},
		{"ether ab:cd:ef:0g:00:00", "invalid Ethernet address ab:cd:ef:", 6},
		{"tcp tcp 08", MsgSyntax, 4},
		{"port 1.2.3.4", "'port' qualifier applied to IPv4 address", 5},
		{"tcp port 80 or 1.2.3.4", "'port' qualifier applied to IPv4 address", 15},
		{"portrange 1.2.3.4/8", "'portrange' qualifier applied to IPv4 address and prefix length", 10},
		{"proto 1.2.3.4 mask 255.0.0.0", "'proto' qualifier applied to IPv4 address and netmask", 6},
		{"protochain ::1", "'protochain' qualifier applied to IPv6 address", 11},
		{"port ::/0", "'port' qualifier applied to IPv6 address and prefix length", 5},
		{"wlan type 16", "invalid 802.11 type value 0x10", 10},
		{"type foo", `unknown 802.11 type name "foo"`, 5},
		{"type 0 subtype 0xff", "invalid 802.11 subtype value 0xff", 15},
		{"type mgt subtype ack", `unknown 802.11 subtype name "ack"`, 17},
		{"type 12 subtype ack", "unknown 802.11 type", 16},
		{"subtype foo", "unknown 802.11 type name", 8},
		{"wlan dir abc", "unknown 802.11 direction", 9},
		{"wlan dir 4", "invalid 802.11 direction value 0x4", 9},
		{"llc foo", `unknown LLC type name "foo"`, 4},
		{"reason invalid", `unknown PF reason "invalid"`, 7},
		{"action invalid", `unknown PF action "invalid"`, 7},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			x, err := Parse(tt.expr)
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("Parse = %v, %v; want *Error", x, err)
			}
			if diff := cmp.Diff(&Error{Pos: tt.pos, Msg: tt.msg}, perr); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseTooDeep(t *testing.T) {
	for _, expr := range []string{
		repeat("(", 5000) + "tcp" + repeat(")", 5000),
		repeat("not ", 5000) + "tcp",
		"ip[" + repeat("ip[", 5000) + "0" + repeat("]", 5001) + " = 0",
	} {
		_, err := Parse(expr)
		var perr *Error
		if !errors.As(err, &perr) || perr.Msg != MsgTooDeep {
			t.Errorf("Parse(%.20q...) = %v, want %q", expr, err, MsgTooDeep)
		}
	}
	deep := repeat("(", maxDepth/2) + "tcp" + repeat(")", maxDepth/2)
	if _, err := Parse(deep); err != nil {
		t.Errorf("Parse of %d nested parentheses: %v", maxDepth/2, err)
	}
}

func repeat(s string, n int) string {
	b := make([]byte, 0, len(s)*n)
	for range n {
		b = append(b, s...)
	}
	return string(b)
}

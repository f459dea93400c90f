package lower

import (
	"testing"

	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// relation is the grammar's action for "a0 op a1": op is one of libpcap's
// six comparison operators.
func relation(c *Compiler, op string, a0, a1 *Arth) ir.Cond {
	switch op {
	case ">":
		return c.Relation(RelGT, a0, a1, false)
	case ">=":
		return c.Relation(RelGE, a0, a1, false)
	case "=":
		return c.Relation(RelEQ, a0, a1, false)
	case "<=":
		return c.Relation(RelGT, a0, a1, true)
	case "<":
		return c.Relation(RelGE, a0, a1, true)
	case "!=":
		return c.Relation(RelEQ, a0, a1, true)
	}
	panic("unknown relation " + op)
}

// arithOps are the binary operators by their spelling.
var arithOps = map[string]int{
	"+": OpAdd, "-": OpSub, "*": OpMul, "/": OpDiv, "%": OpMod,
	"&": OpAnd, "|": OpOr, "^": OpXor, "<<": OpLsh, ">>": OpRsh,
}

// nestedSum is "1 + (1 + (... + 1))" with n ones: every left operand
// holds a register until the innermost sum is computed.
func nestedSum(c *Compiler, n int) *Arth {
	a := c.Loadi(1)
	if n == 1 {
		return a
	}
	return c.Arith(OpAdd, a, nestedSum(c, n-1))
}

func arithCases() []listingCase {
	var cases []listingCase
	for _, op := range []string{">", ">=", "=", "<=", "<", "!="} {
		cases = append(cases, listingCase{"EN10MB", false, "len " + op + " 100", func(c *Compiler) ir.Cond {
			return relation(c, op, c.Loadlen(), c.Loadi(100))
		}})
	}
	for _, op := range []string{"+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"} {
		cases = append(cases, listingCase{"EN10MB", false, "len " + op + " 3 > 1", func(c *Compiler) ir.Cond {
			return relation(c, ">", c.Arith(arithOps[op], c.Loadlen(), c.Loadi(3)), c.Loadi(1))
		}})
	}
	cases = append(cases,
		listingCase{"EN10MB", false, "-len > 1", func(c *Compiler) ir.Cond {
			return relation(c, ">", c.Neg(c.Loadlen()), c.Loadi(1))
		}},
		listingCase{"EN10MB", false, "1 + len * 2 = len - -3", func(c *Compiler) ir.Cond {
			l := c.Arith(OpAdd, c.Loadi(1), c.Arith(OpMul, c.Loadlen(), c.Loadi(2)))
			r := c.Arith(OpSub, c.Loadlen(), c.Neg(c.Loadi(3)))
			return relation(c, "=", l, r)
		}},
		listingCase{"EN10MB", false, "len >> 31 > 0", func(c *Compiler) ir.Cond {
			return relation(c, ">", c.Arith(OpRsh, c.Loadlen(), c.Loadi(31)), c.Loadi(0))
		}},
		listingCase{"EN10MB", false, "len / 0 > 1", func(c *Compiler) ir.Cond {
			return relation(c, ">", c.Arith(OpDiv, c.Loadlen(), c.Loadi(0)), c.Loadi(1))
		}},
		listingCase{"EN10MB", false, "len % 0 > 1", func(c *Compiler) ir.Cond {
			return relation(c, ">", c.Arith(OpMod, c.Loadlen(), c.Loadi(0)), c.Loadi(1))
		}},
		listingCase{"EN10MB", false, "len << 32 > 1", func(c *Compiler) ir.Cond {
			return relation(c, ">", c.Arith(OpLsh, c.Loadlen(), c.Loadi(32)), c.Loadi(1))
		}},
		listingCase{"EN10MB", false, "len >> 32 > 1", func(c *Compiler) ir.Cond {
			return relation(c, ">", c.Arith(OpRsh, c.Loadlen(), c.Loadi(32)), c.Loadi(1))
		}},
		// Only the first statement of the divisor is looked at.
		listingCase{"EN10MB", false, "len / (0 + 1) > 1", func(c *Compiler) ir.Cond {
			return relation(c, ">", c.Arith(OpDiv, c.Loadlen(), c.Arith(OpAdd, c.Loadi(0), c.Loadi(1))), c.Loadi(1))
		}},
		listingCase{"EN10MB", false, "len / (1 - 1) > 1", func(c *Compiler) ir.Cond {
			return relation(c, ">", c.Arith(OpDiv, c.Loadlen(), c.Arith(OpSub, c.Loadi(1), c.Loadi(1))), c.Loadi(1))
		}},
		listingCase{"EN10MB", false, "1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + 1)))))))))))))) > 0", func(c *Compiler) ir.Cond {
			return relation(c, ">", nestedSum(c, 16), c.Loadi(0))
		}},
		listingCase{"EN10MB", false, "1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + 1))))))))))))))) > 0", func(c *Compiler) ir.Cond {
			return relation(c, ">", nestedSum(c, 17), c.Loadi(0))
		}},
		listingCase{"EN10MB", false, "less 100", func(c *Compiler) ir.Cond { return c.Less(100) }},
		listingCase{"EN10MB", false, "greater 100", func(c *Compiler) ir.Cond { return c.Greater(100) }},
		listingCase{"EN10MB", false, "less 100 and greater 60 or len = 1", func(c *Compiler) ir.Cond {
			return or(and(c.Less(100), c.Greater(60)), relation(c, "=", c.Loadlen(), c.Loadi(1)))
		}},
	)
	for _, dlt := range []string{"EN10MB", "RAW", "LINUX_SLL"} {
		for _, op := range []byte{'=', '<', '>', '&', '|'} {
			cases = append(cases, listingCase{dlt, false, "byte 5 " + string(op) + " 3", func(c *Compiler) ir.Cond {
				return c.Byteop(op, 5, 3)
			}})
		}
	}
	cases = append(cases,
		listingCase{"EN10MB", false, "link[3] + link[4:2] = 7", func(c *Compiler) ir.Cond {
			return relation(c, "=", c.Arith(OpAdd, c.Load(QLink, c.Loadi(3), 1), c.Load(QLink, c.Loadi(4), 2)), c.Loadi(7))
		}},
		listingCase{"LINUX_SLL2", false, "link[len - 4:4] != 0", func(c *Compiler) ir.Cond {
			return relation(c, "!=", c.Load(QLink, c.Arith(OpSub, c.Loadlen(), c.Loadi(4)), 4), c.Loadi(0))
		}},
		listingCase{"EN10MB", false, "link[0:3] = 1", func(c *Compiler) ir.Cond {
			return relation(c, "=", c.Load(QLink, c.Loadi(0), 3), c.Loadi(1))
		}},
		listingCase{"EN10MB", false, "radio[0] = 1", func(c *Compiler) ir.Cond {
			return relation(c, "=", c.Load(QRadio, c.Loadi(0), 1), c.Loadi(1))
		}},
	)
	return append(cases, loadCases()...)
}

func TestArithListings(t *testing.T) { checkListings(t, "arith.listings", arithCases()) }

// loadProtos are the accessors' protocol names.
var loadProtos = []struct {
	name  string
	proto uint8
}{
	{"ip", QIP}, {"arp", QARP}, {"rarp", QRARP}, {"atalk", QAtalk},
	{"decnet", QDecnet}, {"sca", QSca}, {"lat", QLat}, {"mopdl", QMopdl},
	{"moprc", QMoprc}, {"ip6", QIPv6}, {"tcp", QTCP}, {"udp", QUDP},
	{"icmp", QICMP}, {"igmp", QIGMP}, {"igrp", QIGRP}, {"pim", QPIM},
	{"vrrp", QVRRP}, {"carp", QCARP}, {"sctp", QSCTP}, {"icmp6", QICMPv6},
	{"ah", QAH}, {"esp", QESP}, {"aarp", QAARP}, {"iso", QISO},
	{"esis", QESIS}, {"isis", QISIS}, {"clnp", QCLNP}, {"stp", QSTP},
	{"ipx", QIPX}, {"netbeui", QNetbeui},
}

// loadCases are the accessors of every protocol, with indexes that are
// loads themselves, on link types whose offsets differ.
func loadCases() []listingCase {
	var cases []listingCase
	for _, dlt := range []string{"EN10MB", "RAW", "LINUX_SLL", "NULL", "PPP", "IEEE802_11_RADIO"} {
		for _, p := range loadProtos {
			cases = append(cases, listingCase{dlt, false, p.name + "[2:2] = 7", func(c *Compiler) ir.Cond {
				return relation(c, "=", c.Load(p.proto, c.Loadi(2), 2), c.Loadi(7))
			}})
		}
	}
	for _, dlt := range []string{"EN10MB", "IPV6"} {
		cases = append(cases,
			listingCase{dlt, false, "ip[ip[0] & 0xf] > tcp[len - 1]", func(c *Compiler) ir.Cond {
				inner := c.Load(QIP, c.Loadi(0), 1)
				l := c.Load(QIP, c.Arith(OpAnd, inner, c.Loadi(0xf)), 1)
				r := c.Load(QTCP, c.Arith(OpSub, c.Loadlen(), c.Loadi(1)), 1)
				return relation(c, ">", l, r)
			}},
			listingCase{dlt, false, "icmp6[icmp6[0]:4] < 9", func(c *Compiler) ir.Cond {
				return relation(c, "<", c.Load(QICMPv6, c.Load(QICMPv6, c.Loadi(0), 1), 4), c.Loadi(9))
			}},
		)
	}
	for _, dlt := range []string{"IEEE802_11_RADIO", "PRISM_HEADER", "IEEE802_11_RADIO_AVS", "IEEE802_11", "PPI", "PFLOG"} {
		cases = append(cases,
			listingCase{dlt, false, "radio[3] = 1", func(c *Compiler) ir.Cond {
				return relation(c, "=", c.Load(QRadio, c.Loadi(3), 1), c.Loadi(1))
			}},
			listingCase{dlt, false, "link[1:2] & 0x3f != ip[0]", func(c *Compiler) ir.Cond {
				l := c.Arith(OpAnd, c.Load(QLink, c.Loadi(1), 2), c.Loadi(0x3f))
				return relation(c, "!=", l, c.Load(QIP, c.Loadi(0), 1))
			}},
			listingCase{dlt, false, "byte 1 > 4 or byte 2 = 7", func(c *Compiler) ir.Cond {
				return or(c.Byteop('>', 1, 4), c.Byteop('=', 2, 7))
			}},
		)
	}
	return append(cases,
		// The right operand's protocol checks are dropped.
		listingCase{"EN10MB", false, "tcp[0] + udp[0] >= 3", func(c *Compiler) ir.Cond {
			return relation(c, ">=", c.Arith(OpAdd, c.Load(QTCP, c.Loadi(0), 1), c.Load(QUDP, c.Loadi(0), 1)), c.Loadi(3))
		}},
		listingCase{"EN10MB", false, "4 = arp[7] and udp[8:4] != 0", func(c *Compiler) ir.Cond {
			x := relation(c, "=", c.Loadi(4), c.Load(QARP, c.Loadi(7), 1))
			return and(x, relation(c, "!=", c.Load(QUDP, c.Loadi(8), 4), c.Loadi(0)))
		}},
	)
}

package lower

import (
	"github.com/gotcpdump/gotcpdump/cbpf"
	"github.com/gotcpdump/gotcpdump/filterlang/internal/ir"
)

// The fields of the pflog header (struct pfloghdr) the pf primitives test.
const (
	pflogAction  = 2
	pflogReason  = 3
	pflogIfname  = 4  // 16 bytes
	pflogRuleset = 20 // 16 bytes
	pflogRulenr  = 36
	pflogSubrule = 40
	pflogNameLen = 16
)

// Pflog is a pf primitive on an OpenBSD pflog capture (gen_pf_ifname and
// its siblings): field is "ifname", "ruleset", "rulenum", "subrulenum",
// "reason" or "action"; name is the interface or ruleset name; n the rule
// number, reason or action.
func (c *Compiler) Pflog(field, name string, n uint32) ir.Cond {
	short := map[string]string{"rulenum": "rnr", "subrulenum": "srnr"}[field]
	if short == "" {
		short = field
	}
	if c.linktype != dltPflog {
		c.fail("%s supported only on PF linktype", short)
	}
	switch field {
	case "ifname":
		if len(name) >= pflogNameLen {
			c.fail("ifname interface names can only be %d characters", pflogNameLen-1)
		}
		return c.bcmp(orLinkHdr, pflogIfname, []byte(name))
	case "ruleset":
		if len(name) >= pflogNameLen {
			c.fail("ruleset names can only be %d characters", pflogNameLen-1)
		}
		return c.bcmp(orLinkHdr, pflogRuleset, []byte(name))
	case "rulenum":
		return c.cmp(orLinkHdr, pflogRulenr, cbpf.SizeW, n)
	case "subrulenum":
		return c.cmp(orLinkHdr, pflogSubrule, cbpf.SizeW, n)
	case "reason":
		return c.cmp(orLinkHdr, pflogReason, cbpf.SizeB, n)
	}
	return c.cmp(orLinkHdr, pflogAction, cbpf.SizeB, n)
}

/* SPDX-License-Identifier: MIT */
/*
 * Which rules the kernel enforces for every program, and how (issue 14,
 * item 4; doc/policy.md, "What the kernel enforces"). One definition,
 * used by the engine to choose what it turns into routing rules or
 * nftables rules and by `policy explain` to say so. Pure.
 *
 * The kernel sees, at a flow's first packet: the socket's owner (uid) and
 * cgroup, the protocol, the destination address and port, the DSCP. It
 * does not see the program's path or the name the program resolved.
 */
#include <netinet/in.h>
#include <stdio.h>

#include "daemon/policy/policy.h"

enum policy_kernel policy_rule_kernel(const struct policy_rule *r)
{
	bool sel = r->has_uid || r->proto || r->port_lo || r->port_hi || r->dscp >= 0;

	if (r->exe)
		return POLICY_K_NONE_EXE;
	if (r->n_dst)
		return r->cgroup || sel ? POLICY_K_NONE_MIX : POLICY_K_DST;
	if (r->n_domain)
		return r->cgroup || sel ? POLICY_K_NONE_MIX : POLICY_K_NONE_DOMAIN;
	if (r->cgroup)
		return sel ? POLICY_K_NONE_MIX : POLICY_K_CGROUP;
	return sel ? POLICY_K_SEL : POLICY_K_ANY;
}

/* "meta skuid 1000 meta l4proto tcp th dport 443 dscp 46" */
static void pk_sel(const struct policy_rule *r, char *out, size_t len)
{
	size_t off = 0;

	out[0] = '\0';
	if (r->has_uid && off < len)
		off += (size_t)snprintf(out + off, len - off, " meta skuid %u", r->uid);
	if (r->proto && off < len)
		off += (size_t)snprintf(out + off, len - off, " meta l4proto %s",
					r->proto == IPPROTO_TCP ? "tcp" : "udp");
	if ((r->port_lo || r->port_hi) && off < len)
		off += (size_t)snprintf(out + off, len - off, r->port_lo == r->port_hi ?
					" th dport %u" : " th dport %u-%u", r->port_lo, r->port_hi);
	if (r->dscp >= 0 && off < len)
		snprintf(out + off, len - off, " ip/ip6 dscp %d", r->dscp);
}

void policy_kernel_text(const struct policy_rule *r, char *out, size_t len)
{
	char sel[128];

	switch (policy_rule_kernel(r)) {
	case POLICY_K_ANY:
		snprintf(out, len, "routing: the default PvD's order (rule base+600), every program");
		break;
	case POLICY_K_DST:
		snprintf(out, len, "routing rules for its prefixes (base+251...), every program not "
			 "bound to a PvD%s", r->n_domain ? "; its domains are not seen by the kernel" :
			 "");
		break;
	case POLICY_K_CGROUP:
		snprintf(out, len, "nftables: socket cgroupv2 sets the decided PvD's mark, source "
			 "SNATed to the PvD's address; every program in the cgroup");
		break;
	case POLICY_K_SEL:
		pk_sel(r, sel, sizeof(sel));
		snprintf(out, len, "nftables:%s sets the decided PvD's mark, source SNATed to the "
			 "PvD's address; every program not bound to a PvD", sel);
		break;
	case POLICY_K_NONE_EXE:
		snprintf(out, len, "not enforced in the kernel: a program's path is not visible to "
			 "it (libmif, the preload, or mifctl run --cgroup with a cgroup rule)");
		break;
	case POLICY_K_NONE_DOMAIN:
		snprintf(out, len, "not enforced in the kernel: a name is not visible to it (answer "
			 "steering follows the PvD whose server answered)");
		break;
	case POLICY_K_NONE_MIX:
		snprintf(out, len, "not enforced in the kernel: no kernel rule is made for %s with "
			 "other selectors (enforced: dst alone, cgroup alone, or uid, proto, port "
			 "and dscp together)", r->n_dst ? "dst" : r->n_domain ? "domain" : "cgroup");
		break;
	}
}

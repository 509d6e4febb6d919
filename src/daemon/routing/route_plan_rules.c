/* SPDX-License-Identifier: MIT */
/*
 * One builder per kind of policy rule mifd plans, each at its priority of
 * the layout in route_plan.h (base+0/100 from, +200 mark, +250
 * unreachable, +300/310.. specific routes, +600 default); the destination
 * rules of the policy are route_dest.c's. Kept together so the priorities
 * and match fields of every rule can be read in one place.
 */
#include "daemon/routing/route_plan_priv.h"

#include <linux/fib_rules.h>
#include <sys/socket.h>

int rp_rule(struct route_plan *p, const struct route_cfg *c, uint8_t family,
	    uint32_t prio, uint32_t table)
{
	struct nl_rule r = { .family = family, .priority = c->prio_base + prio, .table = table,
			     .protocol = c->proto, .action = FR_ACT_TO_TBL };

	return route_plan_add_rule(p, &r);
}

int rp_rule_mark(struct route_plan *p, const struct route_cfg *c, uint8_t family,
		 uint32_t table, uint32_t mark)
{
	struct nl_rule r = { .family = family, .priority = c->prio_base + 200, .table = table,
			     .protocol = c->proto, .action = FR_ACT_TO_TBL, .has_fwmark = true,
			     .fwmark = mark, .fwmask = c->mark_mask };

	return route_plan_add_rule(p, &r);
}

/* base+250: a socket marked for a PvD whose table has no route for the
 * destination (or whose PvD left, taking its base+200 rule) gets
 * ENETUNREACH; it never falls through to the main table or another PvD. */
int rp_rule_unreachable(struct route_plan *p, const struct route_cfg *c, uint8_t family)
{
	struct nl_rule r = { .family = family, .priority = c->prio_base + 250,
			     .protocol = c->proto, .action = FR_ACT_UNREACHABLE,
			     .has_fwmark = true, .fwmark = ROUTE_MARK_FLAG & c->mark_mask,
			     .fwmask = ROUTE_MARK_FLAG & c->mark_mask };

	if (!r.fwmask)
		return 0;            /* a mask without the flag: marks are not binding */
	return route_plan_add_rule(p, &r);
}

/* A lookup that ignores default routes (suppress_prefixlength 0): base+300
 * for the main table, so on-link networks and routes added by hand keep
 * working (wg-quick's trick), and one in base+310..598 for each PvD's
 * specific routes, in rank order (rp_spec_prios), so a destination only
 * one network reaches goes there. */
int rp_rule_specific(struct route_plan *p, const struct route_cfg *c, uint8_t family,
		     uint32_t prio, uint32_t table, bool whole)
{
	struct nl_rule r = { .family = family, .priority = c->prio_base + prio,
			     .table = table, .protocol = c->proto, .action = FR_ACT_TO_TBL,
			     .has_suppress_prefixlen = !whole, .suppress_prefixlen = 0 };

	return route_plan_add_rule(p, &r);
}

int rp_rule_from(struct route_plan *p, const struct route_cfg *c, uint32_t prio,
		 uint32_t table, const struct in6_addr *src, uint8_t plen)
{
	/* Only for sockets not bound to a PvD (fwmark 0/flag): a bound
	 * socket's mark decides, whatever source it has or the kernel picks
	 * for it on a failed lookup, so it never leaves by another PvD. */
	struct nl_rule r = { .family = rp_v4(src) ? AF_INET : AF_INET6,
			     .priority = c->prio_base + prio, .table = table,
			     .protocol = c->proto, .action = FR_ACT_TO_TBL,
			     .has_fwmark = true, .fwmark = 0,
			     .fwmask = ROUTE_MARK_FLAG & c->mark_mask };

	r.src_len = rp_put(src, plen, r.src);
	return route_plan_add_rule(p, &r);
}

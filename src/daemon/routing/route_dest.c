/* SPDX-License-Identifier: MIT */
/*
 * The policy's destinations in the kernel (issue 14, item 4; doc/policy.md,
 * "What the kernel enforces"): for a prefix that a policy rule names with
 * no other selector, every program's traffic, unmodified, goes where the
 * decision for that destination says. Pure, like the rest of the plan.
 *
 * Two rules per prefix, longest prefix first (the kernel takes the first
 * rule that matches and whose lookup gives a route):
 *   base+251+2k  to P fwmark 0/0x10000  lookup T(the PvD first in the decision)
 *   base+252+2k  to P fwmark 0/0x10000  unreachable   (strict decisions only)
 * Sockets bound to a PvD (the mark's flag) or to a PvD's source address
 * (base+0 and base+100 come first) keep their own choice. A strict
 * decision (a require or prohibit excluded some PvD) never falls through to
 * the routes of an excluded network: if the chosen PvD's table has no route
 * to P, the destination is unreachable, as RFC 7556 section 7 asks of a
 * network the policy does not trust with it. A decision that permits no PvD
 * is unreachable at once.
 */
#include <errno.h>
#include <netinet/in.h>
#include <linux/fib_rules.h>
#include <string.h>
#include <sys/socket.h>

#include "common/addr.h"
#include "daemon/routing/route_plan.h"

static int rd_rule(struct route_plan *p, const struct route_cfg *c, const struct route_dest *d,
		   uint32_t prio, uint32_t table)
{
	bool v4 = IN6_IS_ADDR_V4MAPPED(&d->prefix);
	struct nl_rule r = { .family = v4 ? AF_INET : AF_INET6, .priority = c->prio_base + prio,
			     .table = table, .protocol = c->proto,
			     .action = table ? FR_ACT_TO_TBL : FR_ACT_UNREACHABLE,
			     .dst_len = (uint8_t)(v4 ? d->plen - 96 : d->plen),
			     .has_fwmark = true, .fwmark = 0,
			     .fwmask = ROUTE_MARK_FLAG & c->mark_mask };

	memcpy(r.dst, v4 ? d->prefix.s6_addr + 12 : d->prefix.s6_addr, v4 ? 4 : 16);
	if (!r.fwmask)
		r.has_fwmark = false;    /* marks are not binding: match every socket */
	return route_plan_add_rule(p, &r);
}

int route_plan_dests(struct route_plan *p, const struct route_cfg *c, struct route_tables *t)
{
	size_t n = c->n_dests < ROUTE_MAX_DESTS ? c->n_dests : ROUTE_MAX_DESTS;
	int r = 0;

	for (size_t k = 0; k < n && r == 0; k++) {
		const struct route_dest *d = &c->dests[k];
		uint32_t table = d->handle ? route_table_of(t, c, d->handle, false) : 0;

		if (IN6_IS_ADDR_V4MAPPED(&d->prefix) ? d->plen < 96 || d->plen > 128 : d->plen > 128)
			continue;
		if (table)
			r = rd_rule(p, c, d, 251 + 2 * (uint32_t)k, table);
		if (r == 0 && (!table || d->strict))
			r = rd_rule(p, c, d, 252 + 2 * (uint32_t)k, 0);
	}
	return r;
}

/* SPDX-License-Identifier: MIT */
/*
 * route_plan_build: the whole plan in its order (route_plan.h has the
 * layout). Each part is planned in a file of its own, so that each can be
 * read alone:
 *   route_tables.c        config, interface classes, table slots and their
 *                         shares (issue 17), marks
 *   route_plan_set.c      the plan as a set: equality, hashes, index
 *   route_plan_rules.c    one builder per kind of rule, by priority
 *   route_plan_src.c      source-specific rules (RFC 8028) from the
 *                         host's addresses
 *   route_plan_pvd.c      one PvD's table: routes, link-locals, MTU, marks
 *   route_plan_default.c  the rank order and the default choice
 *   route_plan_prio.c     stable priorities of the specific-routes rules
 *   route_dest.c          the policy's destination prefixes
 */
#include "daemon/routing/route_plan_priv.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <sys/socket.h>

static bool rp_has_routing(const struct pvd *p)
{
	return !TAILQ_EMPTY(&p->prefixes) || !TAILQ_EMPTY(&p->routers) || !TAILQ_EMPTY(&p->routes);
}

int route_plan_build(const struct pvd_store *s, const struct view *v, const struct route_cfg *c,
		     struct route_tables *t, struct route_plan *out)
{
	const struct pvd *p;
	struct rp_addr *ix;
	int r = 0;

	route_plan_clear(out);
	if (!c->enabled)
		return 0;
	route_tables_gc(t, s);
	if (!(ix = rp_addr_index(v)))
		return -ENOMEM;
	TAILQ_FOREACH(p, &s->pvds, e) {
		uint32_t table;

		if (!rp_has_routing(p))
			continue;
		table = route_table_of(t, c, p->handle, false);
		if (!table && rp_table_allowed(s, t, c, p))
			table = route_table_of(t, c, p->handle, true);
		if (!table) {
			out->no_table++;     /* counted, shown in status */
			continue;
		}
		r = rp_pvd(v, ix, c, p, table, route_mark_of(c, t, table), out);
		if (r < 0)
			break;
	}
	free(ix);
	if (r < 0)
		return r;
	r = rp_rule_unreachable(out, c, AF_INET);
	if (r == 0)
		r = rp_rule_unreachable(out, c, AF_INET6);
	if (r == 0)
		r = route_plan_dests(out, c, t);
	if (r == 0)
		r = rp_rule_specific(out, c, AF_INET, 300, RT_TABLE_MAIN, false);
	if (r == 0)
		r = rp_rule_specific(out, c, AF_INET6, 300, RT_TABLE_MAIN, false);
	if (r == 0)
		r = rp_default(s, v, c, t, out, true);
	if (r == 0)
		r = rp_default(s, v, c, t, out, false);
	return r;
}

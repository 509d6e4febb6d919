/* SPDX-License-Identifier: MIT */
/*
 * The default choice per family (base+600) and the rank order of the
 * specific-routes rules: which PvDs could carry traffic that chose none,
 * in what order (connectivity tier, configured order, full-tunnel claim,
 * the policy or the interface classes, router preference, age), and why
 * (route_plan.why, shown in status).
 */
#include "daemon/routing/route_plan_priv.h"
#include "daemon/connectivity/conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Does p claim the default route explicitly (a configured 0/0 route, as a
 * full-tunnel VPN does)? */
static bool rp_claims_default(const struct pvd *p, bool v4)
{
	const struct pvd_route *rt;

	TAILQ_FOREACH(rt, &p->routes, e)
		if (rt->plen == (v4 ? 96 : 0) && rp_v4(&rt->prefix) == v4 &&
		    (rt->source == PVD_SRC_STATIC || rt->source == PVD_SRC_API))
			return true;
	return false;
}

struct rp_cand {
	const struct pvd *p;
	int tier;                    /* connectivity (conn_tier), lower wins, first */
	int rank;                    /* lower wins */
	bool policy;                 /* rank and reason from the policy */
	int pref;
	const char *ifname;
	const char *reason;
};

static bool rp_candidate(const struct view *v, const struct route_cfg *c, const struct pvd *p,
			 bool v4, struct rp_cand *out)
{
	const struct pvd_router *b = rp_best_router(p, v4);
	int ifindex = b ? b->ifindex : p->bound_ifindex;
	const struct view_link *l = view_link(v, ifindex);
	bool claims = rp_claims_default(p, v4);

	if ((!b && !claims) || !l || !l->up)
		return false;
	out->p = p;
	out->pref = b ? b->pref : 0;
	out->ifname = l->link.name;
	/* Issue 13: a network that proved itself comes before one not yet
	 * checked, which comes before a portal or a dead one. Not for a
	 * full-tunnel VPN: its probes failing must not send traffic around
	 * it (RFC 7556 section 7). */
	out->tier = claims ? 0 : conn_tier((enum conn_state)p->conn);
	for (size_t i = 0; i < c->n_order; i++) {
		if (strcmp(c->order[i], l->link.name) == 0) {
			out->rank = (int)i - 100;
			out->reason = "listed first in the configured order";
			return true;
		}
	}
	if (claims) {
		out->rank = -1;
		out->reason = "it claims the default route (a full-tunnel VPN)";
		return true;
	}
	if (c->policy_rank) {
		/* Issue 14: the order is the policy's (the OS default policy
		 * holds the classes this function used to hard-code). */
		out->rank = c->policy_rank(c->policy_ctx, p, &out->reason);
		out->policy = true;
		return out->rank >= 0;
	}
	out->rank = (int)route_class_of(l);
	out->reason = route_class_name((enum route_class)out->rank);
	return true;
}

bool route_plan_can_default(const struct view *v, const struct route_cfg *c,
			    const struct pvd *p, bool v4)
{
	struct rp_cand x = { 0 };

	return rp_candidate(v, c, p, v4, &x);
}

static bool rp_better(const struct rp_cand *a, const struct rp_cand *b)
{
	if (a->tier != b->tier)
		return a->tier < b->tier;
	if (a->rank != b->rank)
		return a->rank < b->rank;
	if (a->pref != b->pref)
		return a->pref > b->pref;
	return a->p->handle < b->p->handle;    /* the older network */
}

/* Rank for the specific-routes rules: trusted PvDs before untrusted ones
 * (RFC 7556 section 7: a network's routes never override those of a PvD
 * the host's owner configured, such as a VPN's: its table is looked up
 * first), and within each, PvDs that could be the default in preference
 * order, then the others by age. */
static int rp_rank_cmp(const void *a, const void *b)
{
	const struct rp_cand *x = a, *y = b;

	if (pvd_trusted(x->p) != pvd_trusted(y->p))
		return pvd_trusted(x->p) ? -1 : 1;
	if (!x->reason != !y->reason)
		return x->reason ? -1 : 1;
	if (x->reason && rp_better(x, y))
		return -1;
	if (x->reason && rp_better(y, x))
		return 1;
	return x->p->handle < y->p->handle ? -1 : x->p->handle > y->p->handle;
}

/* The specific-routes rules, in rank order; *best is the first PvD that
 * could be the default (rp_rank_cmp puts those first, best first), if any. */
static int rp_specifics(const struct pvd_store *s, const struct view *v, const struct route_cfg *c,
			struct route_tables *t, struct route_plan *out, bool v4,
			struct rp_cand *best)
{
	struct rp_cand list[ROUTE_MAX_TABLES];
	uint16_t prio[ROUTE_MAX_TABLES], *kept = t->spec_prio[v4 ? 0 : 1];
	uint32_t table[ROUTE_MAX_TABLES];
	const struct pvd *p;
	size_t n = 0;
	int r = 0;

	TAILQ_FOREACH(p, &s->pvds, e) {
		if (!route_table_of(t, c, p->handle, false) || n == ROUTE_MAX_TABLES)
			continue;
		memset(&list[n], 0, sizeof(list[n]));
		if (!rp_candidate(v, c, p, v4, &list[n]))
			list[n].reason = NULL;
		list[n++].p = p;
	}
	qsort(list, n, sizeof(list[0]), rp_rank_cmp);
	/* The default is chosen by the usual rules, trust aside (a trusted
	 * split-tunnel VPN comes first in the list but is no default). */
	for (size_t i = 0; i < n; i++)
		if (list[i].reason && (!best->p || rp_better(&list[i], best)))
			*best = list[i];
	for (size_t i = 0; i < n; i++) {
		table[i] = route_table_of(t, c, list[i].p->handle, false);
		prio[i] = kept[table[i] - c->table_base];
	}
	rp_spec_prios(prio, n);
	for (size_t i = 0; i < n; i++)
		kept[table[i] - c->table_base] = prio[i];
	/* A trusted PvD that claims the default (a full-tunnel VPN) is looked
	 * up whole, default included: otherwise an untrusted network's two /1
	 * routes would take everything around it (RFC 7556 section 7). */
	for (size_t i = 0; r == 0 && i < n; i++)
		r = rp_rule_specific(out, c, v4 ? AF_INET : AF_INET6, prio[i], table[i],
				     pvd_trusted(list[i].p) && rp_claims_default(list[i].p, v4));
	return r;
}

/* The default choice for traffic with neither source nor mark. */
int rp_default(const struct pvd_store *s, const struct view *v, const struct route_cfg *c,
	       struct route_tables *t, struct route_plan *out, bool v4)
{
	struct rp_cand best = { 0 };
	int fam = v4 ? 0 : 1;

	if (rp_specifics(s, v, c, t, out, v4, &best) < 0)
		return -ENOMEM;
	if (!best.p)
		return 0;
	out->default_pvd[fam] = best.p->handle;
	if (best.policy)
		snprintf(out->why[fam], sizeof(out->why[fam]), "%.240s: %.240s%s%s", best.p->id,
			 best.reason, best.p->conn ? "; connectivity " : "",
			 best.p->conn ? conn_state_name((enum conn_state)best.p->conn) : "");
	else if (best.rank >= 0 && best.rank <= ROUTE_VPN)
		snprintf(out->why[fam], sizeof(out->why[fam]), "%.320s: %s interface %s "
			 "(wired before Wi-Fi, cellular, VPN)%s%s", best.p->id, best.reason,
			 best.ifname, best.p->conn ? "; connectivity " : "",
			 best.p->conn ? conn_state_name((enum conn_state)best.p->conn) : "");
	else
		snprintf(out->why[fam], sizeof(out->why[fam]), "%.320s on %s: %s%s%s", best.p->id,
			 best.ifname, best.reason, best.p->conn ? "; connectivity " : "",
			 best.p->conn ? conn_state_name((enum conn_state)best.p->conn) : "");
	return rp_rule(out, c, v4 ? AF_INET : AF_INET6, 600,
		       route_table_of(t, c, best.p->handle, false));
}

/* SPDX-License-Identifier: MIT */
/*
 * Shared by the route plan's own files only (route_plan*.c, route_tables.c):
 * the planners of one part each, called by route_plan_build in the order
 * that gives the plan its order. Everything here is pure, like the plan.
 */
#ifndef MIF_DAEMON_ROUTE_PLAN_PRIV_H
#define MIF_DAEMON_ROUTE_PLAN_PRIV_H

#include <string.h>

#include "daemon/routing/route_plan.h"

static inline bool rp_v4(const struct in6_addr *a)
{
	return IN6_IS_ADDR_V4MAPPED(a);
}

/* A stored address (IPv4 mapped) as netlink bytes and length. */
static inline uint8_t rp_put(const struct in6_addr *a, uint8_t plen, uint8_t out[16])
{
	memset(out, 0, 16);
	if (rp_v4(a)) {
		memcpy(out, &a->s6_addr[12], 4);
		return plen >= 96 ? (uint8_t)(plen - 96) : 0;
	}
	memcpy(out, a, 16);
	return plen;
}

/* route_tables.c: may p take a free table now (issue 17's shares)? */
bool rp_table_allowed(const struct pvd_store *s, struct route_tables *t,
		      const struct route_cfg *c, const struct pvd *p);

/* route_plan_rules.c: one rule each, at c->prio_base + prio; 0 or -ENOMEM. */
int rp_rule(struct route_plan *p, const struct route_cfg *c, uint8_t family,
	    uint32_t prio, uint32_t table);
int rp_rule_mark(struct route_plan *p, const struct route_cfg *c, uint8_t family,
		 uint32_t table, uint32_t mark);
int rp_rule_unreachable(struct route_plan *p, const struct route_cfg *c, uint8_t family);
int rp_rule_specific(struct route_plan *p, const struct route_cfg *c, uint8_t family,
		     uint32_t prio, uint32_t table, bool whole);
int rp_rule_from(struct route_plan *p, const struct route_cfg *c, uint32_t prio,
		 uint32_t table, const struct in6_addr *src, uint8_t plen);

/*
 * route_plan_src.c: the kernel's addresses sorted by (interface, address),
 * built once per plan: the addresses inside one prefix on one interface are
 * then one run of it, found by a binary search, instead of every PvD
 * scanning every address (256 PvDs with an address each made that 65,536
 * comparisons per RA, a third of the engine's time).
 */
struct rp_addr {
	int ifindex;
	struct in6_addr a;
	size_t i;                    /* its place in the view: the order kept */
};

/* The index of v's addresses (malloc'd, the caller frees), or NULL. */
struct rp_addr *rp_addr_index(const struct view *v);
/* From-rules for the host's addresses in p's prefixes; src[fam] and
 * src_if[fam] get the default route's source per family. 0 or -ENOMEM. */
int rp_addresses(const struct view *v, const struct rp_addr *ix, const struct route_cfg *c,
		 const struct pvd *p, uint32_t table, struct route_plan *out,
		 struct in6_addr src[2], int src_if[2]);

/* route_plan_pvd.c */
const struct pvd_router *rp_best_router(const struct pvd *p, bool v4);
/* p's table, its from-rules and its mark rules. 0 or -ENOMEM. */
int rp_pvd(const struct view *v, const struct rp_addr *ix, const struct route_cfg *c,
	   const struct pvd *p, uint32_t table, uint32_t mark, struct route_plan *out);

/* route_plan_prio.c: prio[n] in rank order, previous values (0: none) in,
 * strictly increasing new ones out. */
void rp_spec_prios(uint16_t *prio, size_t n);

/* route_plan_default.c: the specific-routes rules and the base+600 rule of
 * one family. 0 or -ENOMEM. */
int rp_default(const struct pvd_store *s, const struct view *v, const struct route_cfg *c,
	       struct route_tables *t, struct route_plan *out, bool v4);

#endif

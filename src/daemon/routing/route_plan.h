/* SPDX-License-Identifier: MIT */
/*
 * Per-PvD routing, as a pure computation: from the PvD store and the kernel
 * view, the routes and policy rules that should exist. engine_route.c diffs
 * this plan against what is installed and sends only the difference.
 *
 * Layout (priorities from cfg->prio_base, default 10000; tables from
 * cfg->table_base, default 1000, one per PvD with routing information):
 *   base+0    from <PvD address>/32|128   lookup T    RFC 8028: a source
 *             fwmark 0/0x10000                        (unbound sockets only)
 *   base+100  from <PvD prefix> fwmark 0/0x10000 lookup T  picks its PvD's routers
 *   base+200  fwmark M(T)/0x1ffff         lookup T    sockets marked for a PvD
 *   base+250  fwmark 0x10000/0x10000      unreachable a marked socket never
 *                                                     falls back to another
 *                                                     network (its PvD has no
 *                                                     route there, or left)
 *   base+251+2k to <prefix k> fwmark 0/0x10000 lookup T   the policy's
 *   base+252+2k to <prefix k> fwmark 0/0x10000 unreachable  destinations
 *             (route_dest.c): a prefix that a policy rule names goes to the
 *             PvD the decision puts first; unreachable after it when the
 *             decision excluded some PvD (strict); longest prefix first
 *   base+300  lookup main suppress_prefixlength 0     on-link and hand-made
 *                                                     routes, but no defaults
 *   base+310+i lookup T_i suppress_prefixlength 0     every PvD's specific
 *                                                     routes (RFC 4191, DHCP
 *                                                     121, VPN), best PvD first
 *   base+600  lookup T(default PvD)                   traffic with neither
 *                                                     source nor mark
 * Table T holds the PvD's on-link prefixes, one default route (its best
 * router, RFC 4191 preference), RFC 4191 routes, DHCPv4 121/3 routes and
 * static routes, and fe80::/64 on each of its IPv6 interfaces (a marked
 * socket reaches its PvD's link-local routers and DNS servers, as Android's
 * per-network tables do). Every route and rule carries cfg->proto so mifd
 * finds exactly what it owns.
 *
 * Marks: M(T) = gen(T) << 17 | ROUTE_MARK_FLAG | (T & 0xffff) (route_mark_of),
 * gen(T) counting the PvDs the table slot has served. The flag
 * says "this socket chose a PvD": the base+250 rule turns any lookup the
 * PvD's table cannot answer into ENETUNREACH instead of letting the main
 * table or another PvD carry it (Android netd's explicit-network marks).
 */
#ifndef MIF_DAEMON_ROUTE_PLAN_H
#define MIF_DAEMON_ROUTE_PLAN_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "daemon/pvd/pvd.h"
#include "daemon/engine/view.h"
#include "proto/nl.h"

#define ROUTE_MAX_TABLES 256
#define ROUTE_PROTO_MIF 77           /* rtm_protocol / FRA_PROTOCOL of mifd's entries */
#define ROUTE_MARK_FLAG 0x10000u     /* set in every PvD mark: "explicitly bound" */
#define ROUTE_MARK_MASK 0x7fffffffu  /* the bits of a mark mifd owns */
#define ROUTE_MARK_GEN_SHIFT 17      /* bits 17-30: the table slot's generation */
#define ROUTE_MARK_GEN_MAX 0x3fffu

enum route_class { ROUTE_WIRED, ROUTE_WIFI, ROUTE_CELLULAR, ROUTE_VPN };

#define ROUTE_MAX_DESTS 24           /* base+251..298, two priorities each */

/* A destination prefix of the policy (engine_policy.c decides, route_dest.c
 * plans): which PvD carries it. */
struct route_dest {
	struct in6_addr prefix;      /* IPv4 mapped */
	uint8_t plen;                /* of the mapped form (IPv4: 96 + its length) */
	uint64_t handle;             /* the PvD first in the decision; 0: none */
	bool strict;                 /* the decision excluded a PvD: no fall-through */
};

struct route_cfg {
	bool enabled;
	uint32_t table_base, table_count;
	uint32_t prio_base;
	uint32_t mark_mask;
	uint8_t proto;
	char order[16][IFNAMSIZ];    /* preferred interfaces first (overrides classes) */
	size_t n_order;
	/* The policy's order for any flow (policy/, engine_policy.c): p's
	 * rank, lower first, or -1 when p may not be the default; *why says
	 * which rule. NULL: the built-in interface classes (route_class_of). */
	int (*policy_rank)(void *ctx, const struct pvd *p, const char **why);
	void *policy_ctx;
	/* The policy's destination prefixes, longest first (at most
	 * ROUTE_MAX_DESTS are planned). */
	const struct route_dest *dests;
	size_t n_dests;
};

/* Which PvD owns which table; slots stay with a PvD while it lives. */
struct route_tables {
	uint64_t handle[ROUTE_MAX_TABLES];   /* 0: free */
	/* Bumped each time a slot goes to another PvD, and part of the mark:
	 * a socket bound to a PvD that left never routes through the PvD that
	 * inherits its table (it gets the unreachable rule instead). */
	uint16_t gen[ROUTE_MAX_TABLES];
	/* The priority (less the base) of each slot's specific-routes rule,
	 * IPv4 then IPv6, as last planned; 0: none yet. Kept while the rank
	 * order allows, so that one PvD coming or going does not renumber the
	 * rules of all the others (issue 17). */
	uint16_t spec_prio[2][ROUTE_MAX_TABLES];
	/* A hint, never trusted alone: slot + 1 of handle h at h % size
	 * (route_table_of checks handle[] before it answers). */
	uint16_t hint[1024];
};

/* Open-addressing index of a plan's routes (by kernel key) or rules, so
 * that route_plan_add_* finds duplicates in O(1): a plan of 256 PvDs has
 * thousands of entries and a scan per entry cost most of a sync. */
struct route_index {
	uint32_t *slot;              /* entry + 1; 0: empty */
	size_t mask;                 /* slots - 1 */
	size_t n;                    /* entries indexed */
	bool ok;                     /* false: rebuild before use */
};

struct route_plan {
	size_t n_routes, n_rules, cap_routes, cap_rules;
	struct nl_route *routes;
	struct nl_rule *rules;
	/* Kept by route_plan_add_*; whoever changes routes or rules another
	 * way calls route_plan_index_drop. */
	struct route_index ix_routes, ix_rules;
	/* The default choice per family (index 0 IPv4, 1 IPv6): handle or 0. */
	uint64_t default_pvd[2];
	char why[2][512];
	/* PvDs with routes that got no table: the range is full, or their
	 * router or link has its share (route_plan_build). */
	size_t no_table;
};

void route_cfg_defaults(struct route_cfg *c);
enum route_class route_class_of(const struct view_link *l);
const char *route_class_name(enum route_class c);

/* Table of a PvD (0 if it has none), allocating one when alloc is set. */
uint32_t route_table_of(struct route_tables *t, const struct route_cfg *c, uint64_t handle,
			bool alloc);
/* The SO_MARK that routes a socket through table (0 for table 0). */
uint32_t route_mark_of(const struct route_cfg *c, const struct route_tables *t, uint32_t table);
/* Whether p could be the default network for the family now: a usable
 * default router (or a full-tunnel claim) on a link that is up
 * (engine_route_moves.c tells a lost route from a failed check by it). */
bool route_plan_can_default(const struct view *v, const struct route_cfg *c,
			    const struct pvd *p, bool v4);
/* Start every slot's generation from random bits (a new mifd's marks then
 * differ from the last one's, for sockets that outlive it). */
void route_tables_seed(struct route_tables *t, const uint16_t seed[ROUTE_MAX_TABLES]);
/* Forget tables of PvDs that no longer exist. */
void route_tables_gc(struct route_tables *t, const struct pvd_store *s);

/* route_dest.c: the rules of cfg->dests (base+251..298). 0 or -ENOMEM. */
int route_plan_dests(struct route_plan *p, const struct route_cfg *c, struct route_tables *t);

/* Build the plan. Returns 0 or -ENOMEM (the plan is then partial). */
int route_plan_build(const struct pvd_store *s, const struct view *v, const struct route_cfg *c,
		     struct route_tables *t, struct route_plan *out);
void route_plan_clear(struct route_plan *p);
void route_plan_free(struct route_plan *p);

/* Every attribute equal: nothing to send. */
/* Hashes that agree with route_same/route_key_same and rule_same: equal
 * entries hash alike (each covers exactly the fields compared). */
uint64_t route_hash(const struct nl_route *r, bool key);
uint64_t rule_hash(const struct nl_rule *r);
/* The plan's entries were changed other than by route_plan_add_*. */
void route_plan_index_drop(struct route_plan *p);
/* Append r as it is, duplicate or not (requests in flight). 0 or -ENOMEM. */
int route_plan_append_route(struct route_plan *p, const struct nl_route *r);
int route_plan_append_rule(struct route_plan *p, const struct nl_rule *r);
bool route_same(const struct nl_route *a, const struct nl_route *b);
/* The kernel's key (table, destination, metric): an add with NLM_F_REPLACE
 * overwrites the route with the same key, and a delete by key would hit the
 * new one, so a changed route is replaced, never added then deleted. */
bool route_key_same(const struct nl_route *a, const struct nl_route *b);
bool rule_same(const struct nl_rule *a, const struct nl_rule *b);
int route_plan_add_route(struct route_plan *p, const struct nl_route *r);
int route_plan_add_rule(struct route_plan *p, const struct nl_rule *r);

#endif

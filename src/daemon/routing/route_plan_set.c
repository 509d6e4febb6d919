/* SPDX-License-Identifier: MIT */
/*
 * The plan as a set of entries: equality and hashes that agree with it, the
 * open-addressing index that finds a duplicate in O(1) (a plan of 256 PvDs
 * has thousands of entries), growth of the arrays, clearing and freeing.
 * Apart from what the entries mean (route_plan_rules.c and the planners),
 * so engine_route.c can use the same set for requests in flight.
 */
#include "daemon/routing/route_plan.h"
#include "common/hash.h"

#include <errno.h>
#include <linux/fib_rules.h>
#include <stdlib.h>
#include <string.h>

void route_plan_clear(struct route_plan *p)
{
	p->n_routes = p->n_rules = 0;
	route_plan_index_drop(p);
	p->default_pvd[0] = p->default_pvd[1] = 0;
	p->why[0][0] = p->why[1][0] = '\0';
	p->no_table = 0;
}

void route_plan_free(struct route_plan *p)
{
	free(p->routes);
	free(p->rules);
	free(p->ix_routes.slot);
	free(p->ix_rules.slot);
	memset(p, 0, sizeof(*p));
}

bool route_same(const struct nl_route *a, const struct nl_route *b)
{
	return a->family == b->family && a->table == b->table && a->dst_len == b->dst_len &&
	       a->oif == b->oif && a->has_gateway == b->has_gateway && a->pref == b->pref &&
	       a->has_prefsrc == b->has_prefsrc && a->priority == b->priority &&
	       a->mtu == b->mtu &&
	       memcmp(a->dst, b->dst, 16) == 0 &&
	       (!a->has_gateway || memcmp(a->gateway, b->gateway, 16) == 0) &&
	       (!a->has_prefsrc || memcmp(a->prefsrc, b->prefsrc, 16) == 0);
}

bool route_key_same(const struct nl_route *a, const struct nl_route *b)
{
	return a->family == b->family && a->table == b->table && a->dst_len == b->dst_len &&
	       a->priority == b->priority && memcmp(a->dst, b->dst, 16) == 0;
}

/* The builder sends action 0 as FR_ACT_TO_TBL, and a dump reports it so. */
static uint8_t rp_action(const struct nl_rule *r)
{
	return r->action ? r->action : FR_ACT_TO_TBL;
}

bool rule_same(const struct nl_rule *a, const struct nl_rule *b)
{
	return a->family == b->family && a->priority == b->priority && a->table == b->table &&
	       rp_action(a) == rp_action(b) &&
	       a->src_len == b->src_len && memcmp(a->src, b->src, 16) == 0 &&
	       a->has_fwmark == b->has_fwmark && (!a->has_fwmark ||
		(a->fwmark == b->fwmark && a->fwmask == b->fwmask)) &&
	       a->has_suppress_prefixlen == b->has_suppress_prefixlen &&
	       (!a->has_suppress_prefixlen || a->suppress_prefixlen == b->suppress_prefixlen);
}

static uint64_t rp_mix(uint64_t h, const void *data, size_t len)
{
	return hash_bytes(h, data, len);
}

#define RP_MIX(h, field) ((h) = rp_mix((h), &(field), sizeof(field)))

uint64_t route_hash(const struct nl_route *r, bool key)
{
	uint64_t h = 0xcbf29ce484222325ull;

	RP_MIX(h, r->family);
	RP_MIX(h, r->table);
	RP_MIX(h, r->dst_len);
	RP_MIX(h, r->priority);
	RP_MIX(h, r->dst);
	if (key)
		return h;
	RP_MIX(h, r->oif);
	RP_MIX(h, r->pref);
	RP_MIX(h, r->has_gateway);
	if (r->has_gateway)
		RP_MIX(h, r->gateway);
	RP_MIX(h, r->has_prefsrc);
	if (r->has_prefsrc)
		RP_MIX(h, r->prefsrc);
	RP_MIX(h, r->mtu);
	return h;
}

uint64_t rule_hash(const struct nl_rule *r)
{
	uint64_t h = 0xcbf29ce484222325ull;
	uint8_t action = rp_action(r);

	RP_MIX(h, r->family);
	RP_MIX(h, r->priority);
	RP_MIX(h, r->table);
	RP_MIX(h, action);
	RP_MIX(h, r->src_len);
	RP_MIX(h, r->src);
	RP_MIX(h, r->has_fwmark);
	if (r->has_fwmark) {
		RP_MIX(h, r->fwmark);
		RP_MIX(h, r->fwmask);
	}
	RP_MIX(h, r->has_suppress_prefixlen);
	if (r->has_suppress_prefixlen)
		RP_MIX(h, r->suppress_prefixlen);
	return h;
}

void route_plan_index_drop(struct route_plan *p)
{
	p->ix_routes.ok = p->ix_rules.ok = false;
}

static uint64_t rp_ix_hash(const struct route_plan *p, bool rule, size_t i)
{
	return rule ? rule_hash(&p->rules[i]) : route_hash(&p->routes[i], true);
}

static void rp_ix_put(struct route_index *x, uint64_t h, size_t i)
{
	size_t s = (size_t)h & x->mask;

	while (x->slot[s])
		s = (s + 1) & x->mask;
	x->slot[s] = (uint32_t)i + 1;
	x->n++;
}

/* (Re)build x over the plan's n entries with room for at least want. */
static int rp_ix_build(struct route_index *x, const struct route_plan *p, bool rule, size_t want)
{
	size_t n = rule ? p->n_rules : p->n_routes, cap = 64;
	uint32_t *slot;

	while (cap < 2 * want)
		cap *= 2;
	slot = calloc(cap, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	free(x->slot);
	*x = (struct route_index){ .slot = slot, .mask = cap - 1, .ok = true };
	for (size_t i = 0; i < n; i++)
		rp_ix_put(x, rp_ix_hash(p, rule, i), i);
	return 0;
}

/* Is an equal entry planned already? Index when it can, scan when not. */
static bool rp_ix_has(struct route_plan *p, bool rule, const void *item, uint64_t h)
{
	struct route_index *x = rule ? &p->ix_rules : &p->ix_routes;
	size_t n = rule ? p->n_rules : p->n_routes;

	if ((!x->ok || x->n != n || 2 * (n + 1) > x->mask + 1) &&
	    rp_ix_build(x, p, rule, n + 1) < 0) {
		x->ok = false;
		for (size_t i = 0; i < n; i++)
			if (rule ? rule_same(&p->rules[i], item) :
				   route_key_same(&p->routes[i], item))
				return true;
		return false;
	}
	for (size_t s = (size_t)h & x->mask; x->slot[s]; s = (s + 1) & x->mask) {
		size_t i = x->slot[s] - 1;

		if (rule ? rule_same(&p->rules[i], item) : route_key_same(&p->routes[i], item))
			return true;
	}
	return false;
}

/* Room for one more entry. Typed rather than through a void **, which
 * hides the realloc'd buffer from gcc's -fanalyzer. */
static int rp_room_routes(struct route_plan *p)
{
	size_t nc = p->cap_routes ? p->cap_routes * 2 : 64;
	struct nl_route *na;

	if (p->n_routes < p->cap_routes)
		return 0;
	na = realloc(p->routes, nc * sizeof(*na));
	if (!na)
		return -ENOMEM;
	p->routes = na;
	p->cap_routes = nc;
	return 0;
}

static int rp_room_rules(struct route_plan *p)
{
	size_t nc = p->cap_rules ? p->cap_rules * 2 : 64;
	struct nl_rule *na;

	if (p->n_rules < p->cap_rules)
		return 0;
	na = realloc(p->rules, nc * sizeof(*na));
	if (!na)
		return -ENOMEM;
	p->rules = na;
	p->cap_rules = nc;
	return 0;
}

int route_plan_append_route(struct route_plan *p, const struct nl_route *r)
{
	if (rp_room_routes(p) < 0)
		return -ENOMEM;
	route_plan_index_drop(p);
	p->routes[p->n_routes++] = *r;
	return 0;
}

int route_plan_append_rule(struct route_plan *p, const struct nl_rule *r)
{
	if (rp_room_rules(p) < 0)
		return -ENOMEM;
	route_plan_index_drop(p);
	p->rules[p->n_rules++] = *r;
	return 0;
}

/* One route per kernel key: the first planned wins (a router's default
 * route, with its source, before a DHCP 121 0/0 route to the same place). */
int route_plan_add_route(struct route_plan *p, const struct nl_route *r)
{
	uint64_t h = route_hash(r, true);

	if (rp_ix_has(p, false, r, h))
		return 0;   /* already planned */
	if (rp_room_routes(p) < 0)
		return -ENOMEM;
	p->routes[p->n_routes++] = *r;
	if (p->ix_routes.ok)
		rp_ix_put(&p->ix_routes, h, p->n_routes - 1);
	return 0;
}

int route_plan_add_rule(struct route_plan *p, const struct nl_rule *r)
{
	uint64_t h = rule_hash(r);

	if (rp_ix_has(p, true, r, h))
		return 0;
	if (rp_room_rules(p) < 0)
		return -ENOMEM;
	p->rules[p->n_rules++] = *r;
	if (p->ix_rules.ok)
		rp_ix_put(&p->ix_rules, h, p->n_rules - 1);
	return 0;
}

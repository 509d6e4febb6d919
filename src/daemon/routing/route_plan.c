/* SPDX-License-Identifier: MIT */
#include "daemon/routing/route_plan.h"
#include "daemon/connectivity/conn.h"

#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"

void route_cfg_defaults(struct route_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->enabled = true;
	c->table_base = 1000;
	c->table_count = ROUTE_MAX_TABLES;
	c->prio_base = 10000;
	c->mark_mask = ROUTE_MARK_MASK;
	c->proto = ROUTE_PROTO_MIF;
}

/* Interface classes for the default choice: wired, then Wi-Fi, then
 * cellular, then VPN (names as Linux drivers and udev give them). */
enum route_class route_class_of(const struct view_link *l)
{
	const char *n = l->link.name;

	if (l->link.type == ARPHRD_NONE || l->link.type == ARPHRD_PPP ||
	    strncmp(n, "tun", 3) == 0 || strncmp(n, "tap", 3) == 0 ||
	    strncmp(n, "wg", 2) == 0 || strncmp(n, "ppp", 3) == 0 || strncmp(n, "vpn", 3) == 0)
		return ROUTE_VPN;
	if (strncmp(n, "wl", 2) == 0)
		return ROUTE_WIFI;
	if (strncmp(n, "ww", 2) == 0 || strncmp(n, "rmnet", 5) == 0)
		return ROUTE_CELLULAR;
	return ROUTE_WIRED;
}

const char *route_class_name(enum route_class c)
{
	static const char *const n[] = { "wired", "Wi-Fi", "cellular", "VPN" };

	return (unsigned)c <= ROUTE_VPN ? n[c] : "?";
}

uint32_t route_table_of(struct route_tables *t, const struct route_cfg *c, uint64_t handle,
			bool alloc)
{
	size_t n = c->table_count < ROUTE_MAX_TABLES ? c->table_count : ROUTE_MAX_TABLES;
	uint16_t *hint = &t->hint[handle % (sizeof(t->hint) / sizeof(t->hint[0]))];

	/* Called for every PvD several times per plan: the hint spares the
	 * scan of 256 slots each time. */
	if (handle && *hint && *hint <= n && t->handle[*hint - 1] == handle)
		return c->table_base + (uint32_t)(*hint - 1);
	for (size_t i = 0; i < n; i++) {
		if (t->handle[i] == handle) {
			*hint = (uint16_t)(i + 1);
			return c->table_base + (uint32_t)i;
		}
	}
	if (!alloc)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!t->handle[i]) {
			t->handle[i] = handle;
			t->gen[i] = (uint16_t)((t->gen[i] + 1) & ROUTE_MARK_GEN_MAX);
			t->spec_prio[0][i] = t->spec_prio[1][i] = 0;
			*hint = (uint16_t)(i + 1);
			return c->table_base + (uint32_t)i;
		}
	}
	return 0;
}

void route_tables_seed(struct route_tables *t, const uint16_t seed[ROUTE_MAX_TABLES])
{
	for (size_t i = 0; i < ROUTE_MAX_TABLES; i++)
		t->gen[i] = seed[i] & ROUTE_MARK_GEN_MAX;
}

/* The table number in the low bits, the flag that makes the socket's
 * choice binding (the base+250 unreachable rule), and the slot's
 * generation, so a departed PvD's sockets never match its successor. */
uint32_t route_mark_of(const struct route_cfg *c, const struct route_tables *t, uint32_t table)
{
	uint32_t i = table - c->table_base, gen = 0;

	if (!table)
		return 0;
	if (t && table >= c->table_base && i < ROUTE_MAX_TABLES)
		gen = t->gen[i];
	return ((gen << ROUTE_MARK_GEN_SHIFT) | ROUTE_MARK_FLAG | (table & 0xffff)) & c->mark_mask;
}

static int rp_u64_cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/* Free the slots of PvDs that are gone: the live handles sorted once, then
 * a binary search per slot (not every PvD for every slot). */
void route_tables_gc(struct route_tables *t, const struct pvd_store *s)
{
	uint64_t *live = malloc((s->count ? s->count : 1) * sizeof(*live));
	const struct pvd *p;
	size_t n = 0;

	if (!live)
		return;          /* nothing freed now; the next plan tries again */
	TAILQ_FOREACH(p, &s->pvds, e)
		if (n < s->count)
			live[n++] = p->handle;
	qsort(live, n, sizeof(*live), rp_u64_cmp);
	for (size_t i = 0; i < ROUTE_MAX_TABLES; i++)
		if (t->handle[i] && !bsearch(&t->handle[i], live, n, sizeof(*live), rp_u64_cmp))
			t->handle[i] = 0;
	free(live);
}

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

static bool rp_v4(const struct in6_addr *a)
{
	return IN6_IS_ADDR_V4MAPPED(a);
}

/* A stored address (IPv4 mapped) as netlink bytes and length. */
static uint8_t rp_put(const struct in6_addr *a, uint8_t plen, uint8_t out[16])
{
	memset(out, 0, 16);
	if (rp_v4(a)) {
		memcpy(out, &a->s6_addr[12], 4);
		return plen >= 96 ? (uint8_t)(plen - 96) : 0;
	}
	memcpy(out, a, 16);
	return plen;
}

static int rp_route(struct route_plan *p, const struct route_cfg *c, uint32_t table,
		    const struct in6_addr *dst, uint8_t plen, const struct in6_addr *gw, int oif,
		    enum ra_pref pref, const uint8_t *prefsrc)
{
	struct nl_route r = { .family = rp_v4(dst) ? AF_INET : AF_INET6, .table = table,
			      .protocol = c->proto, .type = RTN_UNICAST, .oif = oif };

	r.dst_len = rp_put(dst, plen, r.dst);
	if (gw && !IN6_IS_ADDR_UNSPECIFIED(gw)) {
		if (rp_v4(gw) != rp_v4(dst))
			return 0;            /* a gateway of the other family: not ours to fix */
		r.has_gateway = true;
		rp_put(gw, 128, r.gateway);
	}
	/* The kernel gives IPv6 routes metric 1024 when none is set and
	 * reports it so: plan it explicitly, or our own routes would never
	 * match what a dump shows after a restart. */
	if (r.family == AF_INET6)
		r.priority = 1024;
	if (r.family == AF_INET6)
		r.pref = pref == RA_PREF_HIGH ? ICMPV6_ROUTER_PREF_HIGH :
			 pref == RA_PREF_LOW ? ICMPV6_ROUTER_PREF_LOW : ICMPV6_ROUTER_PREF_MEDIUM;
	if (prefsrc) {
		r.has_prefsrc = true;
		memcpy(r.prefsrc, prefsrc, 16);
	}
	return route_plan_add_route(p, &r);
}

static int rp_rule(struct route_plan *p, const struct route_cfg *c, uint8_t family,
		   uint32_t prio, uint32_t table)
{
	struct nl_rule r = { .family = family, .priority = c->prio_base + prio, .table = table,
			     .protocol = c->proto, .action = FR_ACT_TO_TBL };

	return route_plan_add_rule(p, &r);
}

static int rp_rule_mark(struct route_plan *p, const struct route_cfg *c, uint8_t family,
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
static int rp_rule_unreachable(struct route_plan *p, const struct route_cfg *c, uint8_t family)
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
static int rp_rule_specific(struct route_plan *p, const struct route_cfg *c, uint8_t family,
			    uint32_t prio, uint32_t table, bool whole)
{
	struct nl_rule r = { .family = family, .priority = c->prio_base + prio,
			     .table = table, .protocol = c->proto, .action = FR_ACT_TO_TBL,
			     .has_suppress_prefixlen = !whole, .suppress_prefixlen = 0 };

	return route_plan_add_rule(p, &r);
}

static int rp_rule_from(struct route_plan *p, const struct route_cfg *c, uint32_t prio,
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

/*
 * The kernel's addresses sorted by (interface, address), built once per
 * plan: the addresses inside one prefix on one interface are then one run
 * of it, found by a binary search, instead of every PvD scanning every
 * address (256 PvDs with an address each made that 65,536 comparisons per
 * RA, a third of the engine's time).
 */
struct rp_addr {
	int ifindex;
	struct in6_addr a;
	size_t i;                    /* its place in the view: the order kept */
};

static int rp_addr_cmp(const void *x, const void *y)
{
	const struct rp_addr *a = x, *b = y;

	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	return memcmp(&a->a, &b->a, 16);
}

static struct rp_addr *rp_addr_index(const struct view *v)
{
	struct rp_addr *ix = malloc((v->n_addrs ? v->n_addrs : 1) * sizeof(*ix));

	if (!ix)
		return NULL;
	for (size_t i = 0; i < v->n_addrs; i++) {
		const struct nl_addr *na = &v->addrs[i];

		ix[i].ifindex = na->ifindex;
		ix[i].i = i;
		nl_addr_key(na, &ix[i].a);
	}
	qsort(ix, v->n_addrs, sizeof(*ix), rp_addr_cmp);
	return ix;
}

/* The first entry at or after (ifindex, a). */
static size_t rp_addr_lower(const struct rp_addr *ix, size_t n, int ifindex,
			    const struct in6_addr *a)
{
	struct rp_addr key = { .ifindex = ifindex, .a = *a };
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rp_addr_cmp(&ix[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int rp_size_cmp(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	return a < b ? -1 : a > b;
}

#define RP_MAX_PVD_ADDRS 256

/* The host's addresses inside p's prefixes: a from-rule each, and the first
 * usable one (in the kernel's order) per interface and family becomes the
 * source of p's default route (so traffic with no source picks p's own
 * address). */
static int rp_addresses(const struct view *v, const struct rp_addr *ix, const struct route_cfg *c,
			const struct pvd *p, uint32_t table, struct route_plan *out,
			struct in6_addr src[2], int src_if[2])
{
	size_t found[RP_MAX_PVD_ADDRS], n = 0;
	const struct pvd_prefix *x;

	TAILQ_FOREACH(x, &p->prefixes, e) {
		struct in6_addr lo = x->prefix;

		addr_mask(&lo, x->plen);
		for (size_t k = rp_addr_lower(ix, v->n_addrs, x->ifindex, &lo);
		     k < v->n_addrs && ix[k].ifindex == x->ifindex &&
		     addr_in_prefix(&ix[k].a, &x->prefix, x->plen) && n < RP_MAX_PVD_ADDRS; k++)
			found[n++] = ix[k].i;
	}
	qsort(found, n, sizeof(found[0]), rp_size_cmp);
	for (size_t k = 0; k < n; k++) {
		const struct nl_addr *na = &v->addrs[found[k]];
		struct in6_addr a;
		int fam;

		if (k && found[k] == found[k - 1])
			continue;        /* inside two of p's prefixes: once */
		nl_addr_key(na, &a);
		fam = rp_v4(&a) ? 0 : 1;
		if (rp_rule_from(out, c, 0, table, &a, 128) < 0)
			return -ENOMEM;
		if (!src_if[fam] && !(na->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED |
						   IFA_F_DEPRECATED))) {
			src[fam] = a;
			src_if[fam] = na->ifindex;
		}
	}
	return 0;
}

/* fe80::/64 on one interface, in p's table: with the base+250 rule a
 * marked socket reaches nothing outside its table, and link-local routers
 * and DNS servers (RFC 8106 allows them) must stay reachable. The metric
 * carries the ifindex so a PvD on several links keeps one route per link
 * (the kernel's key is table, destination and metric). */
static int rp_route_ll(struct route_plan *p, const struct route_cfg *c, uint32_t table, int oif)
{
	struct nl_route r = { .family = AF_INET6, .table = table, .protocol = c->proto,
			      .type = RTN_UNICAST, .oif = oif, .dst_len = 64,
			      .priority = 1024 + (uint32_t)(oif & 0xffff) };

	if (oif <= 0)
		return 0;
	r.dst[0] = 0xfe;
	r.dst[1] = 0x80;
	return route_plan_add_route(p, &r);
}

/* Every interface where p has IPv6 routers, prefixes or link-local DNS. */
static int rp_link_locals(const struct route_cfg *c, const struct pvd *p, uint32_t table,
			  struct route_plan *out)
{
	const struct pvd_router *rt;
	const struct pvd_prefix *x;
	const struct pvd_dns *d;
	int r = 0;

	TAILQ_FOREACH(rt, &p->routers, e)
		if (r == 0 && !rp_v4(&rt->addr))
			r = rp_route_ll(out, c, table, rt->ifindex);
	TAILQ_FOREACH(x, &p->prefixes, e)
		if (r == 0 && !rp_v4(&x->prefix))
			r = rp_route_ll(out, c, table, x->ifindex);
	TAILQ_FOREACH(d, &p->dns, e)
		if (r == 0 && IN6_IS_ADDR_LINKLOCAL(&d->addr))
			r = rp_route_ll(out, c, table, d->ifindex);
	return r;
}

/* The best router of one family: highest RFC 4191 preference, then first. */
static const struct pvd_router *rp_best_router(const struct pvd *p, bool v4)
{
	const struct pvd_router *r, *best = NULL;

	TAILQ_FOREACH(r, &p->routers, e)
		if (rp_v4(&r->addr) == v4 && (!best || r->pref > best->pref))
			best = r;
	return best;
}

/* The PvD's MTU on the routes of its table planned from first on (issue
 * 20): the kernel then sizes packets, and answers "message too long" to a
 * socket that may not fragment, by the route rather than the link. Only
 * where it is below the link's own MTU (RFC 4861 6.3.4: an MTU above it is
 * not used); IPv6 routes never below 1280 (RFC 8200 section 5). */
static void rp_mtu(const struct view *v, const struct pvd *p, uint32_t table,
		   struct route_plan *out, size_t first)
{
	for (size_t i = first; p->mtu && i < out->n_routes; i++) {
		struct nl_route *rt = &out->routes[i];
		const struct view_link *l = view_link(v, rt->oif);
		uint32_t m = rt->family == AF_INET6 && p->mtu < 1280 ? 1280 : p->mtu;

		if (rt->table == table && m >= 68 && (!l || !l->link.mtu || m < l->link.mtu))
			rt->mtu = m;
	}
}

static int rp_pvd(const struct view *v, const struct rp_addr *ix, const struct route_cfg *c,
		  const struct pvd *p, uint32_t table, uint32_t mark, struct route_plan *out)
{
	const struct pvd_prefix *x;
	const struct pvd_route *rt;
	struct in6_addr src[2];
	int src_if[2] = { 0, 0 }, r = 0;
	size_t first = out->n_routes;

	r = rp_addresses(v, ix, c, p, table, out, src, src_if);
	TAILQ_FOREACH(x, &p->prefixes, e) {
		if (r == 0 && (x->onlink || x->source != PVD_SRC_RA))
			r = rp_route(out, c, table, &x->prefix, x->plen, NULL, x->ifindex,
				     RA_PREF_MEDIUM, NULL);
		if (r == 0)
			r = rp_rule_from(out, c, 100, table, &x->prefix, x->plen);
	}
	for (int fam = 0; r == 0 && fam < 2; fam++) {
		const struct pvd_router *b = rp_best_router(p, fam == 0);
		struct in6_addr any;
		uint8_t s[16];

		if (!b)
			continue;
		if (fam == 0)
			addr_v4_mapped((struct in_addr){ 0 }, &any);
		else
			memset(&any, 0, sizeof(any));
		/* src[fam] is set only when src_if[fam] is (a PvD without an
		 * address of that family has none): read it only then. */
		if (src_if[fam] == b->ifindex)
			rp_put(&src[fam], 128, s);
		r = rp_route(out, c, table, &any, fam == 0 ? 96 : 0, &b->addr, b->ifindex, b->pref,
			     src_if[fam] == b->ifindex ? s : NULL);
		/* RFC 8781: the PvD's NAT64 prefix is reached through the PvD
		 * that advertised it, so addresses its DNS64 synthesised
		 * (dns_plan_is_dns64) are used only on it, whatever the
		 * default (problem statement 4.1 case 6). */
		if (r == 0 && fam == 1 && p->has_pref64 && p->pref64_plen)
			r = rp_route(out, c, table, &p->pref64, p->pref64_plen, &b->addr,
				     b->ifindex, b->pref, src_if[fam] == b->ifindex ? s : NULL);
	}
	TAILQ_FOREACH(rt, &p->routes, e) {
		int oif = rt->ifindex ? rt->ifindex : p->bound_ifindex;
		int fam = rp_v4(&rt->prefix) ? 0 : 1;
		bool own = src_if[fam] != 0 && src_if[fam] == oif;
		uint8_t s[16];

		/* Like the default route, a PvD's own routes (RFC 4191, DHCP
		 * 121, static) carry its source: on a link shared with
		 * another PvD the kernel would otherwise pick the other's
		 * address, which this PvD's router filters (RFC 3704;
		 * problem statement 4.5). */
		if (own)
			rp_put(&src[fam], 128, s);
		if (r == 0)
			r = rp_route(out, c, table, &rt->prefix, rt->plen, &rt->router, oif,
				     rt->pref, own ? s : NULL);
	}
	if (r == 0)
		r = rp_link_locals(c, p, table, out);
	if (r == 0)
		rp_mtu(v, p, table, out, first);
	if (r == 0)
		r = rp_rule_mark(out, c, AF_INET, table, mark);
	if (r == 0)
		r = rp_rule_mark(out, c, AF_INET6, table, mark);
	return r;
}

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

/* Priorities (less the base) of the specific-routes rules. */
#define RP_SPEC_LO 310
#define RP_SPEC_HI 598               /* base+600 is the default's rule */
#define RP_SPEC_STEP 8               /* room left between rules added at an end */

/* Which of the previous priorities, in rank order, can stay: the longest
 * strictly increasing run of them (patience sorting, O(n log n)). */
static void rp_spec_keep(const uint16_t *old, size_t n, bool *keep)
{
	size_t tail[ROUTE_MAX_TABLES], prev[ROUTE_MAX_TABLES], len = 0;

	memset(keep, 0, n * sizeof(*keep));
	for (size_t i = 0; i < n; i++) {
		size_t lo = 0, hi = len;

		if (old[i] < RP_SPEC_LO || old[i] > RP_SPEC_HI)
			continue;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (old[tail[mid]] < old[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[i] = lo ? tail[lo - 1] : SIZE_MAX;
		tail[lo] = i;
		if (lo == len)
			len++;
	}
	for (size_t i = len ? tail[len - 1] : SIZE_MAX; i != SIZE_MAX; i = prev[i])
		keep[i] = true;
}

/* The k rules at prio[a..a+k) go strictly between lo and hi; at an end of
 * the range they stay near the kept neighbour, leaving room to add more. */
static bool rp_spec_fill(uint16_t *prio, size_t a, size_t k, int lo, int hi, bool at_start,
			 bool at_end)
{
	int gap = hi - lo, step = gap / (int)(k + 1);

	if (step < 1)
		return false;
	if ((at_start || at_end) && step > RP_SPEC_STEP)
		step = RP_SPEC_STEP;
	for (size_t j = 0; j < k; j++) {
		if (at_start && !at_end)
			prio[a + j] = (uint16_t)(hi - (int)(k - j) * step);
		else if (at_start || at_end)
			prio[a + j] = (uint16_t)(lo + (int)(j + 1) * step);
		else
			prio[a + j] = (uint16_t)(lo + (int)(j + 1) * gap / (int)(k + 1));
	}
	return true;
}

/* prio[] holds each rule's previous priority (0: none) in rank order and
 * gets the new ones: strictly increasing, the previous one kept wherever
 * the order allows, so a PvD that comes or goes costs its own rule and
 * not one per later PvD (issue 17: 206 messages instead of 8). Only when
 * a gap is too small is the whole list spread again. */
static void rp_spec_prios(uint16_t *prio, size_t n)
{
	bool keep[ROUTE_MAX_TABLES];
	size_t i = 0, a;
	bool ok = true;

	rp_spec_keep(prio, n, keep);
	while (ok && i < n) {
		if (keep[i]) {
			i++;
			continue;
		}
		for (a = i; i < n && !keep[i]; i++)
			;
		ok = rp_spec_fill(prio, a, i - a, a ? prio[a - 1] : RP_SPEC_LO - 1,
				  i < n ? prio[i] : RP_SPEC_HI + 1, a == 0, i == n);
	}
	for (i = 0; !ok && i < n; i++)
		prio[i] = (uint16_t)(RP_SPEC_LO + (i + 1) * (RP_SPEC_HI - RP_SPEC_LO + 1) / (n + 1));
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
static int rp_default(const struct pvd_store *s, const struct view *v, const struct route_cfg *c,
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

/* Learned from the network (RA, DHCP), not configured (a file, pvd.add). */
static bool rp_learned(const struct pvd *p)
{
	return !pvd_trusted(p);
}

/* The link and router a learned PvD came from: an implicit PvD's key,
 * else its first router (none: link 0). */
static int rp_source_of(const struct pvd *p, const struct in6_addr **router)
{
	const struct pvd_router *r = TAILQ_FIRST(&p->routers);

	if (!p->explicit_) {
		*router = &p->key_router;
		return p->key_ifindex;
	}
	*router = r ? &r->addr : NULL;
	return r ? r->ifindex : 0;
}

/* Issue 17: 300 PvDs from one router took all 256 tables and a VPN added
 * then got none. Out of a range of n >= 32 tables, learned PvDs hold at
 * most n - n/8 (the rest is kept for configured and VPN PvDs), those of
 * one link n/2, those of one router n/4; first come, first served. */
static bool rp_table_allowed(const struct pvd_store *s, struct route_tables *t,
			     const struct route_cfg *c, const struct pvd *p)
{
	size_t n = c->table_count < ROUTE_MAX_TABLES ? c->table_count : ROUTE_MAX_TABLES;
	size_t learned = 0, link = 0, router = 0;
	const struct in6_addr *ra, *qa;
	const struct pvd *q;
	int ifindex;

	if (!rp_learned(p) || n < 32)
		return true;
	ifindex = rp_source_of(p, &ra);
	TAILQ_FOREACH(q, &s->pvds, e) {
		if (q == p || !rp_learned(q) || !route_table_of(t, c, q->handle, false))
			continue;
		learned++;
		if (rp_source_of(q, &qa) != ifindex)
			continue;
		link++;
		router += ra && qa && IN6_ARE_ADDR_EQUAL(ra, qa);
	}
	return learned < n - n / 8 && link < n / 2 && router < n / 4;
}

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

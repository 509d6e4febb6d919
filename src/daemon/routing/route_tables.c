/* SPDX-License-Identifier: MIT */
/*
 * The plan's tables and marks (route_plan.h has the layout): the defaults
 * of [routing], the interface classes of the built-in default order, which
 * PvD owns which table slot (and how many slots learned PvDs may take,
 * issue 17), and the SO_MARK of each slot. Kept apart from the plan itself
 * because the engine asks these questions outside a plan build too (marks
 * for bound sockets, route.get, the classes in status).
 */
#include "daemon/routing/route_plan_priv.h"

#include <linux/if_arp.h>
#include <stdlib.h>
#include <string.h>

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
bool rp_table_allowed(const struct pvd_store *s, struct route_tables *t,
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

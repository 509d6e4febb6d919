/* SPDX-License-Identifier: MIT */
/* The per-PvD routing plan: tables, routes, rules and the default choice. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_addr.h"

#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/routing/route_plan.h"

struct world {
	struct pvd_store s;
	struct view v;
	struct route_cfg c;
	struct route_tables t;
	struct route_plan p;
};

static void link_up(struct world *w, int idx, const char *name)
{
	struct msg_link m = { .managed = 1 };

	m.link.ifindex = idx;
	snprintf(m.link.name, sizeof(m.link.name), "%s", name);
	m.link.flags = IFF_UP | IFF_RUNNING;
	m.link.type = 1;
	assert_true(view_link_set(&w->v, &m) >= 0);
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	pvd_store_init(&w->s);
	assert_int_equal(view_init(&w->v), 0);
	route_cfg_defaults(&w->c);
	link_up(w, 2, "eth0");
	link_up(w, 3, "wlan0");
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	pvd_store_clear(&w->s);
	view_free(&w->v);
	route_plan_free(&w->p);
	free(w);
	return 0;
}

static struct pvd *net(struct world *w, int idx, const char *ifname, const char *router6,
		       const char *pfx6, const char *router4, const char *pfx4)
{
	struct in6_addr r = test_addr(router6), p;
	struct pvd *x = pvd_create_implicit(&w->s, idx, &r, ifname);

	assert_non_null(x);
	assert_int_equal(pvd_add_router(x, PVD_SRC_RA, idx, &r, 1800, PVD_NEVER), 0);
	p = test_addr(pfx6);
	assert_int_equal(pvd_add_prefix(x, PVD_SRC_RA, idx, &p, 64, 3600, PVD_NEVER), 0);
	if (router4) {
		r = test_addr(router4);
		assert_int_equal(pvd_add_router(x, PVD_SRC_DHCPV4, idx, &r, 600, PVD_NEVER), 0);
		p = test_addr(pfx4);
		assert_int_equal(pvd_add_prefix(x, PVD_SRC_DHCPV4, idx, &p, 96 + 24, 600, PVD_NEVER), 0);
	}
	return x;
}

static const struct nl_route *find_default(const struct route_plan *p, uint8_t family,
					   uint32_t table)
{
	for (size_t i = 0; i < p->n_routes; i++)
		if (p->routes[i].family == family && p->routes[i].table == table &&
		    p->routes[i].dst_len == 0 && p->routes[i].has_gateway)
			return &p->routes[i];
	return NULL;
}

static const struct nl_rule *find_rule(const struct route_plan *p, uint8_t family,
				       uint32_t prio)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].family == family && p->rules[i].priority == prio)
			return &p->rules[i];
	return NULL;
}

/* The tables of the specific-routes rules (base+310..598), in priority
 * order; returns how many. */
static size_t spec_tables(const struct route_plan *p, uint8_t family, uint32_t *out, size_t max)
{
	size_t n = 0;

	for (uint32_t prio = 10310; prio <= 10598; prio++) {
		const struct nl_rule *r = find_rule(p, family, prio);

		if (r && n < max)
			out[n++] = r->table;
	}
	return n;
}

static void test_tables_and_defaults(void **state)
{
	struct world *w = *state;
	struct pvd *a = net(w, 2, "eth0", "fe80::a", "2001:db8:a::", "192.168.10.1", "192.168.10.0");
	struct pvd *b = net(w, 3, "wlan0", "fe80::b", "2001:db8:b::", "192.168.20.1", "192.168.20.0");
	const struct nl_route *d;
	uint8_t gw[16] = { 192, 168, 10, 1 };
	uint32_t spec[8];

	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	assert_int_equal(route_table_of(&w->t, &w->c, a->handle, false), 1000);
	assert_int_equal(route_table_of(&w->t, &w->c, b->handle, false), 1001);
	d = find_default(&w->p, AF_INET, 1000);
	assert_non_null(d);
	assert_memory_equal(d->gateway, gw, 4);
	assert_int_equal(d->oif, 2);
	d = find_default(&w->p, AF_INET6, 1001);
	assert_non_null(d);
	assert_int_equal(d->oif, 3);
	assert_int_equal(d->priority, 1024);
	assert_non_null(find_default(&w->p, AF_INET6, 1000));
	assert_non_null(find_default(&w->p, AF_INET, 1001));
	/* Wired eth0 is the default choice for both families. */
	assert_int_equal(find_rule(&w->p, AF_INET, 10600)->table, 1000);
	assert_int_equal(find_rule(&w->p, AF_INET6, 10600)->table, 1000);
	assert_int_equal(w->p.default_pvd[0], a->handle);
	assert_non_null(strstr(w->p.why[1], "wired"));
	/* Specific routes of every PvD before any default, best first. */
	assert_int_equal(spec_tables(&w->p, AF_INET, spec, 8), 2);
	assert_int_equal(spec[0], 1000);
	assert_int_equal(spec[1], 1001);
	assert_true(find_rule(&w->p, AF_INET, 10300)->has_suppress_prefixlen);
	assert_int_equal(find_rule(&w->p, AF_INET, 10300)->table, RT_TABLE_MAIN);
}

/* Marks: gen << 17 | 0x10000 | table under mask 0x7fffffff (base+200), and one rule per
 * family at base+250 making any marked lookup the PvD's table cannot
 * answer unreachable, so a bound socket never uses another network. */
static void test_marks_and_unreachable(void **state)
{
	struct world *w = *state;
	struct pvd *a = net(w, 2, "eth0", "fe80::a", "2001:db8:a::", "192.168.10.1", "192.168.10.0");
	struct pvd *b = net(w, 3, "wlan0", "fe80::b", "2001:db8:b::", NULL, NULL);
	uint8_t ll[16] = { 0xfe, 0x80 };
	size_t n_mark = 0, n_ll = 0;

	assert_int_equal(w->c.mark_mask, 0x7fffffff);
	/* Table, flag, and the slot's generation (0 before any use). */
	assert_int_equal(route_mark_of(&w->c, &w->t, 1000), 0x103e8);
	assert_int_equal(route_mark_of(&w->c, &w->t, 1255), 0x10000 | 1255);
	assert_int_equal(route_mark_of(&w->c, &w->t, 0), 0);
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	/* Given to a PvD, slot 0 is in its first generation. */
	assert_int_equal(route_mark_of(&w->c, &w->t, 1000), 1u << 17 | 0x103e8);
	for (size_t i = 0; i < w->p.n_rules; i++) {
		const struct nl_rule *r = &w->p.rules[i];

		if (r->priority != 10200)
			continue;
		assert_true(r->has_fwmark);
		assert_int_equal(r->fwmark, route_mark_of(&w->c, &w->t, r->table));
		assert_int_equal(r->fwmask, 0x7fffffff);
		assert_int_equal(r->action, FR_ACT_TO_TBL);
		n_mark++;
	}
	assert_int_equal(n_mark, 4);           /* two PvDs, two families */
	for (int f = 0; f < 2; f++) {
		const struct nl_rule *u = find_rule(&w->p, f ? AF_INET6 : AF_INET, 10250);

		assert_non_null(u);
		assert_int_equal(u->action, FR_ACT_UNREACHABLE);
		assert_true(u->has_fwmark);
		assert_int_equal(u->fwmark, 0x10000);
		assert_int_equal(u->fwmask, 0x10000);
		assert_int_equal(u->table, 0);
		assert_int_equal(u->protocol, 77);
		assert_int_equal(u->src_len, 0);
	}
	/* fe80::/64 on each PvD's IPv6 link, in its own table only. */
	for (size_t i = 0; i < w->p.n_routes; i++) {
		const struct nl_route *r = &w->p.routes[i];

		if (r->dst_len != 64 || memcmp(r->dst, ll, 16))
			continue;
		assert_false(r->has_gateway);
		assert_int_equal(r->table, r->oif == 2 ? 1000 : 1001);
		n_ll++;
	}
	assert_int_equal(n_ll, 2);
	/* The unreachable rule differs from a lookup rule only by its action. */
	{
		struct nl_rule x = *find_rule(&w->p, AF_INET, 10250);

		x.action = FR_ACT_TO_TBL;
		assert_false(rule_same(&x, find_rule(&w->p, AF_INET, 10250)));
		x.action = 0;
		assert_false(rule_same(&x, find_rule(&w->p, AF_INET, 10250)));
	}
	/* Both PvDs gone: the unreachable rules stay (a bound socket keeps
	 * failing rather than falling back), the mark rules go. */
	pvd_destroy(&w->s, a);
	pvd_destroy(&w->s, b);
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	assert_non_null(find_rule(&w->p, AF_INET, 10250));
	assert_non_null(find_rule(&w->p, AF_INET6, 10250));
	assert_null(find_rule(&w->p, AF_INET, 10200));
}

static void test_order_override_and_gone(void **state)
{
	struct world *w = *state;
	struct pvd *a = net(w, 2, "eth0", "fe80::a", "2001:db8:a::", NULL, NULL);
	struct pvd *b = net(w, 3, "wlan0", "fe80::b", "2001:db8:b::", NULL, NULL);

	strcpy(w->c.order[0], "wlan0");
	w->c.n_order = 1;
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	assert_int_equal(w->p.default_pvd[1], b->handle);
	assert_non_null(strstr(w->p.why[1], "configured order"));
	/* The PvD goes: its table is freed and nothing of it is planned. */
	pvd_destroy(&w->s, b);
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	assert_int_equal(w->p.default_pvd[1], a->handle);
	for (size_t i = 0; i < w->p.n_routes; i++)
		assert_int_not_equal(w->p.routes[i].table, 1001);
	for (size_t i = 0; i < w->p.n_rules; i++)
		assert_int_not_equal(w->p.rules[i].table, 1001);
}

/* route_plan_can_default (failovers are counted by it): a PvD with a
 * default router of the family on a link that is up; not without one, not
 * when its link is down, and an IPv6-only PvD never for IPv4. */
static void test_can_default(void **state)
{
	struct world *w = *state;
	struct pvd *a = net(w, 2, "eth0", "fe80::a", "2001:db8:a::", "192.168.10.1", "192.168.10.0");
	struct pvd *b = net(w, 3, "wlan0", "fe80::b", "2001:db8:b::", NULL, NULL);
	struct msg_link m = { .managed = 1 };
	struct in6_addr pfx = test_addr("2001:db8:a::");

	assert_true(route_plan_can_default(&w->v, &w->c, a, true));
	assert_true(route_plan_can_default(&w->v, &w->c, a, false));
	assert_true(route_plan_can_default(&w->v, &w->c, b, false));
	assert_false(route_plan_can_default(&w->v, &w->c, b, true));
	/* A's next RA has router lifetime 0 (its router is not listed, as
	 * the RA code files it): no default router of that family. */
	pvd_drop_source_in(a, PVD_SRC_RA, 2);
	assert_int_equal(pvd_add_prefix(a, PVD_SRC_RA, 2, &pfx, 64, 3600, PVD_NEVER), 0);
	assert_false(route_plan_can_default(&w->v, &w->c, a, false));
	assert_true(route_plan_can_default(&w->v, &w->c, a, true));
	/* wlan0 goes down. */
	m.link.ifindex = 3;
	snprintf(m.link.name, sizeof(m.link.name), "wlan0");
	m.link.type = 1;
	assert_true(view_link_set(&w->v, &m) >= 0);
	assert_false(route_plan_can_default(&w->v, &w->c, b, false));
}

/* A full-tunnel VPN (a configured 0/0 route) beats wired; a split-tunnel one
 * (only specific routes) does not, and its routes still win for their
 * destinations through the specific-routes rules. */
static void test_vpn_claims_default(void **state)
{
	struct world *w = *state;
	struct pvd *a = net(w, 2, "eth0", "fe80::a", "2001:db8:a::", "192.168.10.1", "192.168.10.0");
	struct pvd *vpn;
	struct in6_addr any = test_addr("0.0.0.0"), corp = test_addr("10.0.0.0"), dns = test_addr("10.8.0.1");
	uint32_t spec[8];

	link_up(w, 9, "tun0");
	vpn = pvd_create_named(&w->s, "corp", PVD_SRC_API, 9);
	assert_int_equal(pvd_add_route(vpn, PVD_SRC_API, 9, &corp, 96 + 8, NULL, RA_INFINITY,
				       PVD_NEVER), 0);
	assert_int_equal(pvd_add_dns(vpn, PVD_SRC_API, 9, &dns, RA_INFINITY, PVD_NEVER), 0);
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	assert_int_equal(w->p.default_pvd[0], a->handle);        /* split tunnel */
	/* RFC 7556 section 7: the configured VPN's table is looked up before
	 * the network's (its 10/8 is not overridden by the network's routes),
	 * both without their default routes. */
	assert_int_equal(spec_tables(&w->p, AF_INET, spec, 8), 2);
	assert_int_equal(spec[0], route_table_of(&w->t, &w->c, vpn->handle, false));
	assert_int_equal(spec[1], route_table_of(&w->t, &w->c, a->handle, false));
	for (size_t i = 0; i < w->p.n_rules; i++)
		if (w->p.rules[i].priority >= 10310 && w->p.rules[i].priority <= 10598)
			assert_true(w->p.rules[i].has_suppress_prefixlen);
	assert_int_equal(pvd_add_route(vpn, PVD_SRC_API, 9, &any, 96, NULL, RA_INFINITY,
				       PVD_NEVER), 0);
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	assert_int_equal(w->p.default_pvd[0], vpn->handle);      /* full tunnel */
	assert_non_null(strstr(w->p.why[0], "claims the default"));
	assert_int_equal(w->p.default_pvd[1], a->handle);        /* no IPv6 claim */
	/* The full tunnel's table is looked up whole, before the network's:
	 * the network's two /1 routes cannot take the traffic around it. */
	assert_int_equal(spec_tables(&w->p, AF_INET, spec, 8), 2);
	assert_int_equal(spec[0], route_table_of(&w->t, &w->c, vpn->handle, false));
	for (size_t i = 0; i < w->p.n_rules; i++) {
		const struct nl_rule *r = &w->p.rules[i];

		if (r->family == AF_INET && r->priority >= 10310 && r->priority <= 10598)
			assert_true(r->has_suppress_prefixlen ==
				    (r->table != route_table_of(&w->t, &w->c, vpn->handle, false)));
	}
}

/* RFC 8781: a PvD's NAT64 prefix goes through that PvD, even when another
 * PvD is the default: DNS64 answers are used only on their PvD. */
/* Two PvDs on one link (problem statement 4.5): an RFC 4191 route of PvD
 * D carries D's address as its source, like D's default route, so the
 * kernel does not pick the other PvD's address, which D's router filters
 * (RFC 3704). A PvD without an address keeps the kernel's choice. */
static void test_specific_route_source(void **state)
{
	struct world *w = *state;
	struct pvd *c = net(w, 2, "eth0", "fe80::c", "2001:db8:c::", NULL, NULL);
	struct pvd *d = net(w, 2, "eth0", "fe80::d", "2001:db8:d::", NULL, NULL);
	struct in6_addr pfx = test_addr("2001:db8:99::"), gw = test_addr("fe80::d");
	struct nl_addr a = { .ifindex = 2, .family = AF_INET6, .plen = 64, .valid = 3000,
			     .preferred = 1000 };
	uint8_t want_dst[16], want_src[16];
	uint32_t td;
	bool found = false;

	assert_int_equal(pvd_add_route(d, PVD_SRC_RA, 2, &pfx, 64, &gw, 600, PVD_NEVER), 0);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:c::11", a.addr), 1);
	assert_int_equal(view_addr_set(&w->v, &a), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:d::22", a.addr), 1);
	assert_int_equal(view_addr_set(&w->v, &a), 1);
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	td = route_table_of(&w->t, &w->c, d->handle, false);
	assert_int_not_equal(td, route_table_of(&w->t, &w->c, c->handle, false));
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:99::", want_dst), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:d::22", want_src), 1);
	for (size_t i = 0; i < w->p.n_routes; i++) {
		const struct nl_route *r = &w->p.routes[i];

		if (r->dst_len != 64 || memcmp(r->dst, want_dst, 16))
			continue;
		assert_int_equal(r->table, td);
		assert_true(r->has_prefsrc);
		assert_memory_equal(r->prefsrc, want_src, 16);
		found = true;
	}
	assert_true(found);
}

static void test_pref64_route(void **state)
{
	struct world *w = *state;
	struct pvd *a = net(w, 2, "eth0", "fe80::a", "2001:db8:a::", NULL, NULL);
	struct pvd *b = net(w, 3, "wlan0", "fe80::b", "2001:db8:b::", NULL, NULL);
	uint8_t want[16] = { 0, 0x64, 0xff, 0x9b };
	uint32_t spec[8];
	bool found = false;

	b->has_pref64 = true;
	b->pref64 = test_addr("64:ff9b::");
	b->pref64_plen = 96;
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	assert_int_equal(w->p.default_pvd[1], a->handle);
	for (size_t i = 0; i < w->p.n_routes; i++) {
		const struct nl_route *r = &w->p.routes[i];

		if (r->dst_len == 96 && !memcmp(r->dst, want, 16)) {
			assert_int_equal(r->table, route_table_of(&w->t, &w->c, b->handle, false));
			assert_int_equal(r->oif, 3);
			assert_true(r->has_gateway);
			found = true;
		}
	}
	assert_true(found);
	/* Reached by the specific-routes rules, which come before the default. */
	assert_int_equal(spec_tables(&w->p, AF_INET6, spec, 8), 2);
}

/* A PvD leaves and another gets its table: the table's mark changes, so
 * sockets bound to the first never route through the second (they hit
 * the base+250 unreachable rule). */
static void test_mark_generations(void **state)
{
	struct world *w = *state;
	struct pvd *a = net(w, 2, "eth0", "fe80::a", "2001:db8:a::", NULL, NULL);
	uint16_t seed[ROUTE_MAX_TABLES];
	uint32_t m1, m2;

	for (size_t i = 0; i < ROUTE_MAX_TABLES; i++)
		seed[i] = (uint16_t)(0x3ffe + i);
	route_tables_seed(&w->t, seed);
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	m1 = route_mark_of(&w->c, &w->t, 1000);
	assert_int_equal(m1, 0x3fffu << 17 | 0x103e8);
	pvd_destroy(&w->s, a);
	net(w, 2, "eth0", "fe80::b", "2001:db8:b::", NULL, NULL);
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	m2 = route_mark_of(&w->c, &w->t, 1000);
	assert_int_not_equal(m1, m2);
	assert_int_equal(m2, 0x103e8);         /* the generation wrapped to 0 */
	assert_int_equal(find_rule(&w->p, AF_INET6, 10200)->fwmark, m2);
}

/* Source rules apply to unbound sockets only: a socket bound to a PvD
 * (mark flag set) is routed by its mark even with another PvD's source. */
static void test_from_rules_skip_marked(void **state)
{
	struct world *w = *state;
	size_t n = 0;

	net(w, 2, "eth0", "fe80::a", "2001:db8:a::", "192.168.10.1", "192.168.10.0");
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	for (size_t i = 0; i < w->p.n_rules; i++) {
		const struct nl_rule *r = &w->p.rules[i];

		if (r->priority != 10100)
			continue;
		assert_true(r->src_len > 0);
		assert_true(r->has_fwmark);
		assert_int_equal(r->fwmark, 0);
		assert_int_equal(r->fwmask, 0x10000);
		n++;
	}
	assert_int_equal(n, 2);                /* the IPv6 and the IPv4 prefix */
}

static void test_disabled(void **state)
{
	struct world *w = *state;

	net(w, 2, "eth0", "fe80::a", "2001:db8:a::", NULL, NULL);
	w->c.enabled = false;
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	assert_int_equal(w->p.n_routes + w->p.n_rules, 0);
}

/* route_plan_add_* drop duplicates through the plan's index, as a scan
 * would: one route per kernel key (the first wins), one rule per identity,
 * and the same after the entries were changed behind the index's back. */
static void test_add_dedup_index(void **state)
{
	struct route_plan p;
	struct nl_route r;
	struct nl_rule u;

	(void)state;
	memset(&p, 0, sizeof(p));
	for (int round = 0; round < 2; round++) {
		for (uint32_t i = 0; i < 3000; i++) {
			memset(&r, 0, sizeof(r));
			r.family = AF_INET6;
			r.table = 1000 + i % 1000;       /* each key three times */
			r.dst_len = 64;
			r.oif = (int)(i / 1000) + 1;     /* the first one must stay */
			assert_int_equal(route_plan_add_route(&p, &r), 0);
			memset(&u, 0, sizeof(u));
			u.family = AF_INET;
			u.priority = 10000 + i % 1500;   /* each rule twice */
			u.table = 1000;
			assert_int_equal(route_plan_add_rule(&p, &u), 0);
		}
		assert_int_equal(p.n_routes, 1000);
		assert_int_equal(p.n_rules, 1500);
		for (size_t i = 0; i < p.n_routes; i++)
			assert_int_equal(p.routes[i].oif, 1);
		/* Change entries in place behind the index: after the drop, a
		 * duplicate of the changed entry is found, the old one is not. */
		p.routes[0].table = 5000;
		route_plan_index_drop(&p);
		r.table = 5000;
		r.oif = 9;
		assert_int_equal(route_plan_add_route(&p, &r), 0);
		assert_int_equal(p.n_routes, 1000);
		r.table = 1000;
		assert_int_equal(route_plan_add_route(&p, &r), 0);
		assert_int_equal(p.n_routes, 1001);
		route_plan_clear(&p);
	}
	route_plan_free(&p);
}

/* A copy of a plan's rules (all rules_changed() reads). */
static void copy_rules(struct route_plan *dst, const struct route_plan *src)
{
	free(dst->rules);
	dst->rules = malloc((src->n_rules ? src->n_rules : 1) * sizeof(*src->rules));
	assert_non_null(dst->rules);
	if (src->n_rules)
		memcpy(dst->rules, src->rules, src->n_rules * sizeof(*src->rules));
	dst->n_rules = src->n_rules;
}

/* The rules of two plans that are not in both: how many requests the
 * change from a to b costs. */
static size_t rules_changed(const struct route_plan *a, const struct route_plan *b)
{
	size_t n = 0;

	for (int pass = 0; pass < 2; pass++) {
		const struct route_plan *x = pass ? b : a, *y = pass ? a : b;

		for (size_t i = 0; i < x->n_rules; i++) {
			bool found = false;

			for (size_t j = 0; j < y->n_rules && !found; j++)
				found = !memcmp(&x->rules[i], &y->rules[j], sizeof(x->rules[i]));
			n += !found;
		}
	}
	return n;
}

/* Issue 17: one PvD leaving no longer renumbers the specific-routes rule
 * of every PvD ranked after it, nor does one arriving. Eight PvDs on eight
 * links; the first in rank goes: only its own rules go with it. Then a new
 * one, ranked first: its own rules come, the others stay. The order of the
 * rules is the rank order throughout. */
static void test_spec_rules_stable(void **state)
{
	struct world *w = *state;
	struct route_plan before = { 0 };
	struct pvd *x[9];
	uint32_t spec[16], want[16];
	char ifname[16], r6[32], p6[32];
	size_t n_own;

	for (int i = 0; i < 8; i++) {
		snprintf(ifname, sizeof(ifname), "eth%d", 10 + i);
		snprintf(r6, sizeof(r6), "fe80::%d", 10 + i);
		snprintf(p6, sizeof(p6), "2001:db8:%d::", 10 + i);
		link_up(w, 10 + i, ifname);
		x[i] = net(w, 10 + i, ifname, r6, p6, NULL, NULL);
	}
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	assert_int_equal(spec_tables(&w->p, AF_INET6, spec, 16), 8);
	for (int i = 0; i < 8; i++)        /* all wired: the older first */
		assert_int_equal(spec[i], route_table_of(&w->t, &w->c, x[i]->handle, false));
	/* The rules that are the first PvD's own, whatever the others do. */
	n_own = 0;
	for (size_t i = 0; i < w->p.n_rules; i++)
		n_own += w->p.rules[i].table == spec[0];
	copy_rules(&before, &w->p);
	pvd_destroy(&w->s, x[0]);
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	assert_int_equal(spec_tables(&w->p, AF_INET6, want, 16), 7);
	assert_memory_equal(want, spec + 1, 7 * sizeof(spec[0]));
	/* Its own rules, and the default rule that moved to the next PvD. */
	assert_int_equal(rules_changed(&before, &w->p), n_own + 1);

	/* A new PvD ranked first (a configured order lists its link first). */
	link_up(w, 30, "eth30");
	snprintf(w->c.order[0], sizeof(w->c.order[0]), "eth30");
	w->c.n_order = 1;
	copy_rules(&before, &w->p);
	x[8] = net(w, 30, "eth30", "fe80::30", "2001:db8:30::", NULL, NULL);
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	assert_int_equal(spec_tables(&w->p, AF_INET6, spec, 16), 8);
	assert_int_equal(spec[0], route_table_of(&w->t, &w->c, x[8]->handle, false));
	assert_memory_equal(spec + 1, want, 7 * sizeof(spec[0]));
	/* Its own rules (the default's among them), and the old default's. */
	n_own = 0;
	for (size_t i = 0; i < w->p.n_rules; i++)
		n_own += w->p.rules[i].table == spec[0];
	assert_int_equal(rules_changed(&before, &w->p), n_own + 1);
	route_plan_free(&before);
}

/* n explicit PvDs "r<router>-<i>.example" from router fe80::<router> on
 * link idx, each with a prefix of its own. */
static void router_pvds(struct world *w, int idx, int router, int n)
{
	char id[64], a[32], p[32];

	for (int i = 0; i < n; i++) {
		struct pvd *x;
		struct in6_addr r, pfx;

		snprintf(id, sizeof(id), "r%d-%d.example", router, i);
		snprintf(a, sizeof(a), "fe80::%d", router);
		snprintf(p, sizeof(p), "2001:db8:%x:%x::", router, i);
		x = pvd_create_explicit(&w->s, id);
		assert_non_null(x);
		r = test_addr(a);
		pfx = test_addr(p);
		assert_int_equal(pvd_add_router(x, PVD_SRC_RA, idx, &r, 1800, PVD_NEVER), 0);
		assert_int_equal(pvd_add_prefix(x, PVD_SRC_RA, idx, &pfx, 64, 3600, PVD_NEVER), 0);
	}
}

static size_t tables_used(const struct route_tables *t)
{
	size_t n = 0;

	for (size_t i = 0; i < ROUTE_MAX_TABLES; i++)
		n += t->handle[i] != 0;
	return n;
}

/* A configured VPN PvD on tun<idx> with a route: does it get a table? */
static bool vpn_gets_table(struct world *w, int idx)
{
	struct in6_addr corp = test_addr("10.0.0.0");
	char name[16];
	struct pvd *vpn;

	snprintf(name, sizeof(name), "tun%d", idx);
	link_up(w, idx, name);
	vpn = pvd_create_named(&w->s, name, PVD_SRC_API, idx);
	assert_non_null(vpn);
	assert_int_equal(pvd_add_route(vpn, PVD_SRC_API, idx, &corp, 96 + 8, NULL, RA_INFINITY,
				       PVD_NEVER), 0);
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	return route_table_of(&w->t, &w->c, vpn->handle, false) != 0;
}

/* Issue 17: 300 PvDs from one on-link router took all 256 tables, and a
 * VPN added later got none. Out of 256: one router holds 64, one link 128,
 * learned PvDs 224; configured and VPN PvDs still get theirs, and the
 * PvDs left without a table are counted. */
static void test_table_budget(void **state)
{
	struct world *w = *state;

	router_pvds(w, 2, 1, 300);
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	assert_int_equal(tables_used(&w->t), 64);
	assert_int_equal(w->p.no_table, 236);
	assert_true(vpn_gets_table(w, 40));
	router_pvds(w, 2, 2, 100);            /* a second router, same link */
	router_pvds(w, 2, 3, 10);             /* a third: the link has its 128 */
	link_up(w, 4, "eth4");
	link_up(w, 5, "eth5");
	router_pvds(w, 3, 4, 100);            /* wlan0 */
	router_pvds(w, 4, 5, 100);            /* eth4: 32 left for learned PvDs */
	router_pvds(w, 5, 6, 10);             /* eth5: none */
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	assert_int_equal(tables_used(&w->t), 1 + 224);
	assert_int_equal(w->p.no_table, 620 - 224);
	assert_true(vpn_gets_table(w, 41));
	assert_int_equal(tables_used(&w->t), 2 + 224);
}

/* issue 20: a PvD's MTU on every route of its table, below the link's;
 * IPv6 routes never below 1280; another PvD on the same link unchanged. */
static void test_pvd_mtu(void **state)
{
	struct world *w = *state;
	struct pvd *a = net(w, 2, "eth0", "fe80::a", "2001:db8:a::", "192.168.10.1", "192.168.10.0");
	struct pvd *b = net(w, 2, "eth0", "fe80::b", "2001:db8:b::", NULL, NULL);
	struct msg_link m = { .managed = 1 };
	uint32_t ta, tb;
	size_t n_a = 0;

	m.link.ifindex = 2;
	snprintf(m.link.name, sizeof(m.link.name), "eth0");
	m.link.flags = IFF_UP | IFF_RUNNING;
	m.link.type = 1;
	m.link.mtu = 1500;
	assert_true(view_link_set(&w->v, &m) >= 0);
	pvd_set_mtu(a, PVD_SRC_RA, 1400);
	pvd_set_mtu(a, PVD_SRC_DHCPV4, 1000);     /* the smaller wins: IPv6 takes 1280 */
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	ta = route_table_of(&w->t, &w->c, a->handle, false);
	tb = route_table_of(&w->t, &w->c, b->handle, false);
	for (size_t i = 0; i < w->p.n_routes; i++) {
		const struct nl_route *r = &w->p.routes[i];

		if (r->table == ta) {
			assert_int_equal(r->mtu, r->family == AF_INET ? 1000 : 1280);
			n_a++;
		} else {
			assert_int_equal(r->mtu, 0);
		}
	}
	assert_true(n_a >= 4);    /* default and prefix routes of each family */
	assert_int_equal(find_default(&w->p, AF_INET6, tb)->mtu, 0);
	/* The DHCPv4 value goes: the RA's is the PvD's again. */
	pvd_set_mtu(a, PVD_SRC_DHCPV4, 0);
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	assert_int_equal(find_default(&w->p, AF_INET, ta)->mtu, 1400);
	assert_int_equal(find_default(&w->p, AF_INET6, ta)->mtu, 1400);
	/* Not below the link's MTU: not applied. */
	pvd_set_mtu(a, PVD_SRC_RA, 1500);
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	assert_int_equal(find_default(&w->p, AF_INET6, ta)->mtu, 0);
}

/* The policy's destinations (route_dest.c): longest prefix first, two
 * priorities each; a lookup in the decided PvD's table for unbound
 * sockets only, then unreachable when the decision was strict; a decision
 * with no PvD is unreachable at once. */
static void test_policy_dests(void **state)
{
	struct world *w = *state;
	struct pvd *a = net(w, 2, "eth0", "fe80::a", "2001:db8:a::", "192.168.10.1", "192.168.10.0");
	struct pvd *b = net(w, 3, "wlan0", "fe80::b", "2001:db8:b::", NULL, NULL);
	struct route_dest d[3] = {
		{ .prefix = test_addr("10.20.0.0"), .plen = 96 + 16, .handle = b->handle, .strict = true },
		{ .prefix = test_addr("10.0.0.0"), .plen = 96 + 8, .handle = a->handle },
		{ .prefix = test_addr("2001:db8:99::"), .plen = 48, .handle = 0 },
	};
	const struct nl_rule *r;
	uint32_t tb;

	w->c.dests = d;
	w->c.n_dests = 3;
	assert_int_equal(route_plan_build(&w->s, &w->v, &w->c, &w->t, &w->p), 0);
	tb = route_table_of(&w->t, &w->c, b->handle, false);
	assert_true(tb != 0);
	r = find_rule(&w->p, AF_INET, 10251);
	assert_non_null(r);
	assert_int_equal(r->table, tb);
	assert_int_equal(r->dst_len, 16);
	assert_true(r->has_fwmark && r->fwmark == 0 && r->fwmask == ROUTE_MARK_FLAG);
	r = find_rule(&w->p, AF_INET, 10252);
	assert_non_null(r);
	assert_int_equal(r->action, FR_ACT_UNREACHABLE);
	assert_int_equal(r->dst_len, 16);
	/* Not strict: no unreachable after the lookup. */
	r = find_rule(&w->p, AF_INET, 10253);
	assert_non_null(r);
	assert_int_equal(r->table, route_table_of(&w->t, &w->c, a->handle, false));
	assert_null(find_rule(&w->p, AF_INET, 10254));
	/* No PvD permitted: unreachable, no lookup. */
	assert_null(find_rule(&w->p, AF_INET6, 10255));
	r = find_rule(&w->p, AF_INET6, 10256);
	assert_non_null(r);
	assert_int_equal(r->action, FR_ACT_UNREACHABLE);
	assert_int_equal(r->dst_len, 48);
	w->c.dests = NULL;
	w->c.n_dests = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tables_and_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_override_and_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vpn_claims_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_can_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pref64_route, setup, teardown),
		cmocka_unit_test_setup_teardown(test_specific_route_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mark_generations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_from_rules_skip_marked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disabled, setup, teardown),
		cmocka_unit_test(test_add_dedup_index),
		cmocka_unit_test_setup_teardown(test_marks_and_unreachable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spec_rules_stable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pvd_mtu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_dests, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* Unit tests for the PvD store (daemon/pvd/pvd.c, pvd_apply.c) and its JSON
 * form (daemon/pvd/pvd_json.c): keys, application of RAs with exact expiries,
 * withdrawal, the last-updater rule, expiry and forgetting a link. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/pvd/pvd.h"
#include "daemon/pvd/pvd_json.h"
#include "daemon/engine/view.h"
#include "proto/ra.h"
#include "proto/ra_build.h"

#define NS 1000000000ull
#define T0 (1000 * NS)           /* "now" of the first RA */

static struct pvd_store g_s;
static struct ra g_ra;
static struct view g_view;

static struct in6_addr test_a(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static const char *test_str(const struct in6_addr *a)
{
	static char buf[4][INET6_ADDRSTRLEN];
	static int i;

	i = (i + 1) % 4;
	return inet_ntop(AF_INET6, a, buf[i], sizeof(buf[i]));
}

static int test_setup(void **state)
{
	(void)state;
	pvd_store_init(&g_s);
	return 0;
}

static int test_teardown(void **state)
{
	(void)state;
	pvd_store_clear(&g_s);
	assert_int_equal(g_s.count, 0);
	return 0;
}

/* An RA with only a header. */
static struct ra *test_ra(uint16_t router_lifetime)
{
	memset(&g_ra, 0, sizeof(g_ra));
	g_ra.hdr.cur_hop_limit = 64;
	g_ra.hdr.router_lifetime = router_lifetime;
	g_ra.hdr.pref = RA_PREF_MEDIUM;
	return &g_ra;
}

static void test_add_prefix(struct ra *ra, const char *pfx, uint8_t plen, uint32_t valid,
			    uint32_t preferred)
{
	struct ra_prefix *x = &ra->prefixes[ra->n_prefixes++];

	x->prefix = test_a(pfx);
	x->plen = plen;
	x->onlink = true;
	x->autonomous = true;
	x->valid = valid;
	x->preferred = preferred;
}

static void test_add_route(struct ra *ra, const char *pfx, uint8_t plen, enum ra_pref pref,
			   uint32_t lifetime)
{
	struct ra_route *x = &ra->routes[ra->n_routes++];

	x->prefix = test_a(pfx);
	x->plen = plen;
	x->pref = pref;
	x->lifetime = lifetime;
}

static void test_add_rdnss(struct ra *ra, const char *addr, uint32_t lifetime)
{
	struct ra_rdnss *x = &ra->rdnss[ra->n_rdnss++];

	x->addr = test_a(addr);
	x->lifetime = lifetime;
}

static void test_add_dnssl(struct ra *ra, const char *name, uint32_t lifetime)
{
	struct ra_dnssl *x = &ra->dnssl[ra->n_dnssl++];

	snprintf(x->name, sizeof(x->name), "%s", name);
	x->lifetime = lifetime;
}

static size_t test_n_routers(const struct pvd *p)
{
	const struct pvd_router *x;
	size_t n = 0;

	TAILQ_FOREACH(x, &p->routers, e)
		n++;
	return n;
}

static size_t test_n_prefixes(const struct pvd *p)
{
	const struct pvd_prefix *x;
	size_t n = 0;

	TAILQ_FOREACH(x, &p->prefixes, e)
		n++;
	return n;
}

static size_t test_n_routes(const struct pvd *p)
{
	const struct pvd_route *x;
	size_t n = 0;

	TAILQ_FOREACH(x, &p->routes, e)
		n++;
	return n;
}

static size_t test_n_dns(const struct pvd *p)
{
	const struct pvd_dns *x;
	size_t n = 0;

	TAILQ_FOREACH(x, &p->dns, e)
		n++;
	return n;
}

static size_t test_n_domains(const struct pvd *p)
{
	const struct pvd_domain *x;
	size_t n = 0;

	TAILQ_FOREACH(x, &p->domains, e)
		n++;
	return n;
}

static const struct pvd_prefix *test_find_prefix(const struct pvd *p, int ifindex,
						 const char *pfx, uint8_t plen)
{
	struct in6_addr a = test_a(pfx);
	const struct pvd_prefix *x;

	TAILQ_FOREACH(x, &p->prefixes, e)
		if (x->ifindex == ifindex && x->plen == plen && IN6_ARE_ADDR_EQUAL(&x->prefix, &a))
			return x;
	return NULL;
}

static const struct pvd_dns *test_find_dns(const struct pvd *p, int ifindex, const char *addr)
{
	struct in6_addr a = test_a(addr);
	const struct pvd_dns *x;

	TAILQ_FOREACH(x, &p->dns, e)
		if (x->ifindex == ifindex && IN6_ARE_ADDR_EQUAL(&x->addr, &a))
			return x;
	return NULL;
}

static const struct pvd_domain *test_find_domain(const struct pvd *p, int ifindex,
						 const char *name)
{
	const struct pvd_domain *x;

	TAILQ_FOREACH(x, &p->domains, e)
		if (x->ifindex == ifindex && strcmp(x->name, name) == 0)
			return x;
	return NULL;
}

/* ---- keys ---- */

static void test_explicit_keys(void **state)
{
	struct pvd *p, *q;

	(void)state;
	p = pvd_create_explicit(&g_s, "PvD.Example.COM");
	assert_non_null(p);
	assert_true(p->explicit_);
	assert_string_equal(p->id, "PvD.Example.COM");
	assert_int_equal(g_s.count, 1);
	assert_ptr_equal(pvd_find_explicit(&g_s, "pvd.example.com"), p);
	assert_ptr_equal(pvd_find_explicit(&g_s, "PVD.EXAMPLE.COM"), p);
	assert_ptr_equal(pvd_find_explicit(&g_s, "pvd.example.com."), p);
	assert_ptr_equal(pvd_find_explicit(&g_s, "PvD.Example.COM"), p);
	assert_null(pvd_find_explicit(&g_s, "pvd.example.co"));
	assert_null(pvd_find_explicit(&g_s, "pvd.example.com.."));
	assert_null(pvd_find_explicit(&g_s, "xpvd.example.com"));
	assert_null(pvd_find_explicit(&g_s, ""));
	/* pvd_find by name, case and trailing dot too, and by handle. */
	assert_ptr_equal(pvd_find(&g_s, "pvd.example.com."), p);
	{
		char h[32], h2[32], hx[40];

		snprintf(h, sizeof(h), "%llu", (unsigned long long)p->handle);
		snprintf(h2, sizeof(h2), "%llu", (unsigned long long)p->handle + 1);
		snprintf(hx, sizeof(hx), "%sx", h);
		assert_ptr_equal(pvd_find(&g_s, h), p);
		assert_null(pvd_find(&g_s, h2));
		assert_null(pvd_find(&g_s, hx));
	}
	assert_null(pvd_find(&g_s, "1"));
	assert_null(pvd_find(&g_s, ""));

	q = pvd_create_explicit(&g_s, "other.example.com");
	assert_non_null(q);
	assert_ptr_equal(pvd_find_explicit(&g_s, "Other.Example.Com."), q);
	assert_ptr_equal(pvd_find_explicit(&g_s, "pvd.example.com"), p);
	/* An explicit PvD is never found as implicit, nor the reverse. */
	assert_null(pvd_find_implicit(&g_s, 0, &in6addr_any));
	{
		struct in6_addr r = test_a("fe80::1");
		struct pvd *i = pvd_create_implicit(&g_s, 2, &r, "eth0");

		assert_non_null(i);
		assert_string_equal(i->id, "fe80::1%eth0");
		assert_null(pvd_find_explicit(&g_s, "fe80::1%eth0"));
		assert_ptr_equal(pvd_find(&g_s, "fe80::1%eth0"), i);
		/* Implicit ids are compared exactly. */
		assert_null(pvd_find(&g_s, "FE80::1%eth0"));
	}
	/* Too long for an id. */
	{
		char longname[PVD_ID_MAX + 1];

		memset(longname, 'a', PVD_ID_MAX);
		longname[PVD_ID_MAX] = '\0';
		assert_null(pvd_create_explicit(&g_s, longname));
		assert_int_equal(g_s.count, 3);
	}
}

static void test_implicit_keys(void **state)
{
	struct in6_addr r1 = test_a("fe80::1"), r2 = test_a("fe80::2");
	struct pvd *a, *b, *c;

	(void)state;
	a = pvd_create_implicit(&g_s, 2, &r1, "eth0");
	b = pvd_create_implicit(&g_s, 2, &r2, "eth0");
	c = pvd_create_implicit(&g_s, 3, &r1, "eth1");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_true(a != b && b != c && a != c);
	assert_false(a->explicit_);
	assert_int_equal(g_s.count, 3);
	assert_ptr_equal(pvd_find_implicit(&g_s, 2, &r1), a);
	assert_ptr_equal(pvd_find_implicit(&g_s, 2, &r2), b);
	assert_ptr_equal(pvd_find_implicit(&g_s, 3, &r1), c);
	assert_null(pvd_find_implicit(&g_s, 3, &r2));
	assert_null(pvd_find_implicit(&g_s, 4, &r1));
	assert_string_equal(a->id, "fe80::1%eth0");
	assert_string_equal(b->id, "fe80::2%eth0");
	assert_string_equal(c->id, "fe80::1%eth1");
	assert_int_equal(a->key_ifindex, 2);
	assert_true(IN6_ARE_ADDR_EQUAL(&b->key_router, &r2));

	/* Two routers on one link, each applying an RA: two PvDs, each with
	 * its own router entry. */
	test_ra(1800);
	assert_int_equal(pvd_apply_ra(&g_s, a, &g_ra, 2, &r1, T0), 0);
	assert_int_equal(pvd_apply_ra(&g_s, b, &g_ra, 2, &r2, T0), 0);
	assert_int_equal(test_n_routers(a), 1);
	assert_int_equal(test_n_routers(b), 1);
	assert_true(IN6_ARE_ADDR_EQUAL(&TAILQ_FIRST(&a->routers)->addr, &r1));
	assert_true(IN6_ARE_ADDR_EQUAL(&TAILQ_FIRST(&b->routers)->addr, &r2));
}

static void test_handles(void **state)
{
	struct pvd *a, *b, *c, *d;
	struct in6_addr r = test_a("fe80::9");
	struct pvd_store other;
	uint64_t base;
	char txt[32];

	(void)state;
	a = pvd_create_explicit(&g_s, "a.example");
	b = pvd_create_implicit(&g_s, 2, &r, "eth0");
	/* A random epoch above bit 32, exact as a JSON number (< 2^53). */
	base = a->handle;
	assert_true(base >> 32 != 0 && base < (1ull << 53));
	assert_int_equal(b->handle, base + 1);
	pvd_destroy(&g_s, b);
	assert_int_equal(g_s.count, 1);
	snprintf(txt, sizeof(txt), "%llu", (unsigned long long)(base + 1));
	assert_null(pvd_find(&g_s, txt));
	c = pvd_create_implicit(&g_s, 2, &r, "eth0");
	assert_int_equal(c->handle, base + 2);
	pvd_destroy(&g_s, a);
	d = pvd_create_explicit(&g_s, "a.example");
	assert_int_equal(d->handle, base + 3);
	snprintf(txt, sizeof(txt), "%llu", (unsigned long long)(base + 3));
	assert_ptr_equal(pvd_find(&g_s, txt), d);
	snprintf(txt, sizeof(txt), "%llu", (unsigned long long)base);
	assert_null(pvd_find(&g_s, txt));
	pvd_store_clear(&g_s);
	assert_int_equal(g_s.count, 0);
	assert_true(TAILQ_EMPTY(&g_s.pvds));
	/* Clearing does not restart the count either. */
	a = pvd_create_explicit(&g_s, "a.example");
	assert_int_equal(a->handle, base + 4);
	/* Another store (the next mifd) starts elsewhere: no handle reused. */
	pvd_store_init(&other);
	assert_true(other.next_handle >> 32 != base >> 32 || other.next_handle > a->handle);
	pvd_store_clear(&other);
}

/* ---- applying RAs ---- */

static void test_deadline(void **state)
{
	(void)state;
	assert_int_equal(pvd_deadline(T0, 0), T0);
	assert_int_equal(pvd_deadline(T0, 1), T0 + NS);
	assert_int_equal(pvd_deadline(T0, 3600), T0 + 3600 * NS);
	assert_int_equal(pvd_deadline(T0, RA_INFINITY - 1), T0 + (uint64_t)(RA_INFINITY - 1) * NS);
	assert_true(pvd_deadline(T0, RA_INFINITY) == PVD_NEVER);
	assert_true(pvd_deadline(0, RA_INFINITY) == PVD_NEVER);
}

/* One RA carrying one of everything, applied to p on ifindex 2. */
static void test_full_ra(void)
{
	test_ra(1800);
	g_ra.hdr.pref = RA_PREF_HIGH;
	g_ra.hdr.managed = true;
	g_ra.hdr.other = true;
	g_ra.hdr.reachable_ms = 30000;
	g_ra.hdr.retrans_ms = 1000;
	test_add_prefix(&g_ra, "2001:db8:1::", 64, 3600, 1800);
	test_add_route(&g_ra, "2001:db8:77::", 48, RA_PREF_LOW, 600);
	test_add_rdnss(&g_ra, "2001:db8::53", 1200);
	test_add_dnssl(&g_ra, "example.com", 900);
	g_ra.has_mtu = true;
	g_ra.mtu = 1400;
	g_ra.has_captive_portal = true;
	strcpy(g_ra.captive_portal, "https://portal.example.com/api");
	g_ra.has_pref64 = true;
	g_ra.pref64 = test_a("64:ff9b::");
	g_ra.pref64_plen = 96;
	g_ra.pref64_lifetime = 2400;
}

static void test_apply_stores(void **state)
{
	struct in6_addr r = test_a("fe80::1");
	struct pvd *p = pvd_create_implicit(&g_s, 2, &r, "eth0");
	const struct pvd_router *rt;
	const struct pvd_prefix *px;
	const struct pvd_route *ro;
	const struct pvd_dns *dn;
	const struct pvd_domain *dm;

	(void)state;
	test_full_ra();
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0), 0);

	assert_int_equal(test_n_routers(p), 1);
	rt = TAILQ_FIRST(&p->routers);
	assert_int_equal(rt->ifindex, 2);
	assert_true(IN6_ARE_ADDR_EQUAL(&rt->addr, &r));
	assert_int_equal(rt->pref, RA_PREF_HIGH);
	assert_int_equal(rt->lifetime, 1800);
	assert_true(rt->expires == T0 + 1800 * NS);

	assert_int_equal(test_n_prefixes(p), 1);
	px = TAILQ_FIRST(&p->prefixes);
	assert_int_equal(px->ifindex, 2);
	assert_string_equal(test_str(&px->prefix), "2001:db8:1::");
	assert_int_equal(px->plen, 64);
	assert_true(px->onlink);
	assert_true(px->autonomous);
	assert_false(px->nested);
	assert_int_equal(px->valid, 3600);
	assert_int_equal(px->preferred, 1800);
	assert_true(px->expires == T0 + 3600 * NS);
	assert_true(px->pref_expires == T0 + 1800 * NS);
	assert_true(IN6_ARE_ADDR_EQUAL(&px->router, &r));
	assert_int_equal(px->source, PVD_SRC_RA);

	assert_int_equal(test_n_routes(p), 1);
	ro = TAILQ_FIRST(&p->routes);
	assert_int_equal(ro->ifindex, 2);
	assert_string_equal(test_str(&ro->prefix), "2001:db8:77::");
	assert_int_equal(ro->plen, 48);
	assert_int_equal(ro->pref, RA_PREF_LOW);
	assert_int_equal(ro->lifetime, 600);
	assert_true(ro->expires == T0 + 600 * NS);
	assert_true(IN6_ARE_ADDR_EQUAL(&ro->router, &r));

	assert_int_equal(test_n_dns(p), 1);
	dn = TAILQ_FIRST(&p->dns);
	assert_int_equal(dn->ifindex, 2);
	assert_string_equal(test_str(&dn->addr), "2001:db8::53");
	assert_int_equal(dn->lifetime, 1200);
	assert_true(dn->expires == T0 + 1200 * NS);

	assert_int_equal(test_n_domains(p), 1);
	dm = TAILQ_FIRST(&p->domains);
	assert_int_equal(dm->ifindex, 2);
	assert_string_equal(dm->name, "example.com");
	assert_int_equal(dm->lifetime, 900);
	assert_true(dm->expires == T0 + 900 * NS);

	assert_true(p->managed);
	assert_true(p->other);
	assert_int_equal(p->hop_limit, 64);
	assert_int_equal(p->reachable_ms, 30000);
	assert_int_equal(p->retrans_ms, 1000);
	assert_int_equal(p->mtu, 1400);
	assert_string_equal(p->captive_portal, "https://portal.example.com/api");
	assert_true(p->has_pref64);
	assert_string_equal(test_str(&p->pref64), "64:ff9b::");
	assert_int_equal(p->pref64_plen, 96);
	assert_int_equal(p->pref64_lifetime, 2400);
	assert_true(p->pref64_expires == T0 + 2400 * NS);
	assert_int_equal(p->pref64_ifindex, 2);
	assert_false(p->has_option);

	assert_false(pvd_is_empty(p));
	assert_true(pvd_next_expiry(p) == T0 + 600 * NS);
	assert_true(pvd_on_ifindex(p, 2));
	assert_false(pvd_on_ifindex(p, 3));

	/* The same RA again later: refreshed in place, not duplicated. */
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0 + 100 * NS), 0);
	assert_int_equal(test_n_routers(p), 1);
	assert_int_equal(test_n_prefixes(p), 1);
	assert_int_equal(test_n_routes(p), 1);
	assert_int_equal(test_n_dns(p), 1);
	assert_int_equal(test_n_domains(p), 1);
	assert_true(TAILQ_FIRST(&p->routers)->expires == T0 + 1900 * NS);
	assert_true(TAILQ_FIRST(&p->prefixes)->expires == T0 + 3700 * NS);
	assert_true(pvd_next_expiry(p) == T0 + 700 * NS);

	/* A DNSSL name differing only in case is the same name. */
	test_ra(1800);
	test_add_dnssl(&g_ra, "EXAMPLE.com", 50);
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0 + 200 * NS), 0);
	assert_int_equal(test_n_domains(p), 1);
	assert_true(TAILQ_FIRST(&p->domains)->expires == T0 + 250 * NS);
	/* An RA without the scalar options leaves them as they were. */
	assert_int_equal(p->mtu, 1400);
	assert_non_null(p->captive_portal);
	assert_true(p->has_pref64);
}

static void test_infinity(void **state)
{
	struct in6_addr r = test_a("fe80::1");
	struct pvd *p = pvd_create_implicit(&g_s, 2, &r, "eth0");
	const struct pvd_prefix *px;

	(void)state;
	test_ra(0);
	test_add_prefix(&g_ra, "2001:db8:1::", 64, RA_INFINITY, RA_INFINITY);
	/* Preferred longer than valid: it ends with valid. */
	test_add_prefix(&g_ra, "2001:db8:2::", 64, 3600, 7200);
	test_add_prefix(&g_ra, "2001:db8:3::", 64, RA_INFINITY, 60);
	test_add_route(&g_ra, "::", 0, RA_PREF_MEDIUM, RA_INFINITY);
	test_add_rdnss(&g_ra, "2001:db8::53", RA_INFINITY);
	test_add_dnssl(&g_ra, "example.net", RA_INFINITY);
	g_ra.has_pref64 = true;
	g_ra.pref64 = test_a("64:ff9b::");
	g_ra.pref64_plen = 96;
	g_ra.pref64_lifetime = RA_INFINITY;
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0), 0);

	px = test_find_prefix(p, 2, "2001:db8:1::", 64);
	assert_non_null(px);
	assert_true(px->expires == PVD_NEVER);
	assert_true(px->pref_expires == PVD_NEVER);
	px = test_find_prefix(p, 2, "2001:db8:2::", 64);
	assert_non_null(px);
	assert_true(px->expires == T0 + 3600 * NS);
	assert_true(px->pref_expires == T0 + 3600 * NS);
	px = test_find_prefix(p, 2, "2001:db8:3::", 64);
	assert_true(px->expires == PVD_NEVER);
	assert_true(px->pref_expires == T0 + 60 * NS);
	assert_true(TAILQ_FIRST(&p->routes)->expires == PVD_NEVER);
	assert_true(TAILQ_FIRST(&p->dns)->expires == PVD_NEVER);
	assert_true(TAILQ_FIRST(&p->domains)->expires == PVD_NEVER);
	assert_true(p->pref64_expires == PVD_NEVER);
	/* Router lifetime 0: not a default router. */
	assert_int_equal(test_n_routers(p), 0);

	assert_true(pvd_next_expiry(p) == T0 + 3600 * NS);
	/* Nothing expires, however late. */
	test_ra(0);
	test_add_prefix(&g_ra, "2001:db8:2::", 64, 0, 0);
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0), 0);
	assert_true(pvd_next_expiry(p) == PVD_NEVER);
	pvd_expire(p, UINT64_MAX - 1);
	assert_int_equal(test_n_prefixes(p), 2);
	assert_int_equal(test_n_routes(p), 1);
	assert_int_equal(test_n_dns(p), 1);
	assert_int_equal(test_n_domains(p), 1);
	assert_true(p->has_pref64);
	assert_false(pvd_is_empty(p));
}

static void test_withdraw(void **state)
{
	struct in6_addr r = test_a("fe80::1");
	struct pvd *p = pvd_create_implicit(&g_s, 2, &r, "eth0");

	(void)state;
	test_full_ra();
	test_add_prefix(&g_ra, "2001:db8:5::", 64, 3600, 1800);
	test_add_rdnss(&g_ra, "2001:db8::54", 1200);
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0), 0);
	assert_int_equal(test_n_prefixes(p), 2);
	assert_int_equal(test_n_dns(p), 2);

	/* Router lifetime 0 removes the router, nothing else. */
	test_ra(0);
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0 + NS), 0);
	assert_int_equal(test_n_routers(p), 0);
	assert_int_equal(test_n_prefixes(p), 2);
	assert_int_equal(test_n_routes(p), 1);
	assert_int_equal(test_n_dns(p), 2);
	assert_int_equal(test_n_domains(p), 1);

	/* Valid lifetime 0 removes that prefix only. */
	test_ra(0);
	test_add_prefix(&g_ra, "2001:db8:1::", 64, 0, 0);
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0 + NS), 0);
	assert_int_equal(test_n_prefixes(p), 1);
	assert_null(test_find_prefix(p, 2, "2001:db8:1::", 64));
	assert_non_null(test_find_prefix(p, 2, "2001:db8:5::", 64));
	/* A withdrawal for another length or another link matches nothing. */
	test_ra(0);
	test_add_prefix(&g_ra, "2001:db8:5::", 56, 0, 0);
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0 + NS), 0);
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 3, &r, T0 + NS), 0);
	assert_int_equal(test_n_prefixes(p), 1);

	/* RIO, RDNSS, DNSSL lifetime 0. */
	test_ra(0);
	test_add_route(&g_ra, "2001:db8:77::", 48, RA_PREF_LOW, 0);
	test_add_rdnss(&g_ra, "2001:db8::53", 0);
	test_add_dnssl(&g_ra, "Example.COM", 0);
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0 + NS), 0);
	assert_int_equal(test_n_routes(p), 0);
	assert_int_equal(test_n_dns(p), 1);
	assert_non_null(test_find_dns(p, 2, "2001:db8::54"));
	assert_int_equal(test_n_domains(p), 0);

	/* PREF64 lifetime 0 clears it. */
	test_ra(0);
	g_ra.has_pref64 = true;
	g_ra.pref64 = test_a("64:ff9b::");
	g_ra.pref64_plen = 96;
	g_ra.pref64_lifetime = 0;
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0 + NS), 0);
	assert_false(p->has_pref64);

	test_ra(0);
	test_add_prefix(&g_ra, "2001:db8:5::", 64, 0, 0);
	test_add_rdnss(&g_ra, "2001:db8::54", 0);
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0 + NS), 0);
	assert_true(pvd_is_empty(p));
	assert_true(pvd_next_expiry(p) == PVD_NEVER);
	/* Withdrawing what is not there is harmless. */
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0 + NS), 0);
	assert_true(pvd_is_empty(p));
}

static void test_withdraw_other_router_route(void **state)
{
	struct in6_addr r1 = test_a("fe80::1"), r2 = test_a("fe80::2");
	struct pvd *a = pvd_create_implicit(&g_s, 2, &r1, "eth0");
	struct pvd *b = pvd_create_implicit(&g_s, 2, &r2, "eth0");

	(void)state;
	/* Routes are per router: both routers' routes to one prefix coexist,
	 * and one router withdrawing its route leaves the other's. */
	test_ra(0);
	test_add_route(&g_ra, "2001:db8:77::", 48, RA_PREF_HIGH, 600);
	assert_int_equal(pvd_apply_ra(&g_s, a, &g_ra, 2, &r1, T0), 0);
	assert_int_equal(pvd_apply_ra(&g_s, b, &g_ra, 2, &r2, T0), 0);
	assert_int_equal(test_n_routes(a), 1);
	assert_int_equal(test_n_routes(b), 1);
	g_ra.routes[0].lifetime = 0;
	assert_int_equal(pvd_apply_ra(&g_s, b, &g_ra, 2, &r2, T0), 0);
	assert_int_equal(test_n_routes(a), 1);
	assert_int_equal(test_n_routes(b), 0);
}

static void test_last_updater_wins(void **state)
{
	struct in6_addr r1 = test_a("fe80::1"), r2 = test_a("fe80::2");
	struct pvd *a = pvd_create_explicit(&g_s, "a.example.com");
	struct pvd *b = pvd_create_explicit(&g_s, "b.example.com");
	const struct pvd_prefix *px;
	const struct pvd_dns *dn;
	const struct pvd_domain *dm;

	(void)state;
	test_ra(1800);
	test_add_prefix(&g_ra, "2001:db8:1::", 64, 3600, 1800);
	test_add_rdnss(&g_ra, "2001:db8::53", 1200);
	test_add_dnssl(&g_ra, "example.com", 900);
	assert_int_equal(pvd_apply_ra(&g_s, a, &g_ra, 2, &r1, T0), 0);
	assert_int_equal(test_n_prefixes(a), 1);
	assert_int_equal(test_n_dns(a), 1);
	assert_int_equal(test_n_domains(a), 1);

	/* The same prefix, address and name on the same link, in B. */
	test_ra(600);
	test_add_prefix(&g_ra, "2001:db8:1::", 64, 7200, 7200);
	test_add_rdnss(&g_ra, "2001:db8::53", 300);
	test_add_dnssl(&g_ra, "EXAMPLE.COM", 100);
	assert_int_equal(pvd_apply_ra(&g_s, b, &g_ra, 2, &r2, T0 + 10 * NS), 0);
	assert_int_equal(test_n_prefixes(a), 0);
	assert_int_equal(test_n_dns(a), 0);
	assert_int_equal(test_n_domains(a), 0);
	assert_int_equal(test_n_prefixes(b), 1);
	assert_int_equal(test_n_dns(b), 1);
	assert_int_equal(test_n_domains(b), 1);
	px = test_find_prefix(b, 2, "2001:db8:1::", 64);
	assert_non_null(px);
	assert_int_equal(px->valid, 7200);
	assert_true(px->expires == T0 + 7210 * NS);
	assert_true(IN6_ARE_ADDR_EQUAL(&px->router, &r2));
	dn = test_find_dns(b, 2, "2001:db8::53");
	assert_non_null(dn);
	assert_true(dn->expires == T0 + 310 * NS);
	dm = TAILQ_FIRST(&b->domains);
	assert_string_equal(dm->name, "EXAMPLE.COM");
	assert_true(dm->expires == T0 + 110 * NS);
	/* Routers are not moved: A keeps r1 as its default router. */
	assert_int_equal(test_n_routers(a), 1);
	assert_int_equal(test_n_routers(b), 1);

	/* And back to A. */
	test_ra(1800);
	test_add_prefix(&g_ra, "2001:db8:1::", 64, 3600, 1800);
	assert_int_equal(pvd_apply_ra(&g_s, a, &g_ra, 2, &r1, T0 + 20 * NS), 0);
	assert_int_equal(test_n_prefixes(a), 1);
	assert_int_equal(test_n_prefixes(b), 0);
	assert_int_equal(test_n_dns(b), 1);

	/* The same prefix on another link is another object: both stay. */
	test_ra(600);
	test_add_prefix(&g_ra, "2001:db8:1::", 64, 3600, 1800);
	test_add_rdnss(&g_ra, "2001:db8::53", 300);
	test_add_dnssl(&g_ra, "example.com", 100);
	assert_int_equal(pvd_apply_ra(&g_s, b, &g_ra, 3, &r2, T0 + 30 * NS), 0);
	assert_non_null(test_find_prefix(a, 2, "2001:db8:1::", 64));
	assert_non_null(test_find_prefix(b, 3, "2001:db8:1::", 64));
	assert_int_equal(test_n_dns(b), 2);
	assert_non_null(test_find_dns(b, 2, "2001:db8::53"));
	assert_non_null(test_find_dns(b, 3, "2001:db8::53"));
	assert_non_null(test_find_domain(b, 2, "EXAMPLE.COM"));
	assert_non_null(test_find_domain(b, 3, "example.com"));

	/* A withdrawal sent for B removes the object wherever it lives. */
	test_ra(600);
	test_add_prefix(&g_ra, "2001:db8:1::", 64, 0, 0);
	assert_int_equal(pvd_apply_ra(&g_s, b, &g_ra, 2, &r2, T0 + 40 * NS), 0);
	assert_int_equal(test_n_prefixes(a), 0);
	assert_non_null(test_find_prefix(b, 3, "2001:db8:1::", 64));
}

static void test_expire(void **state)
{
	struct in6_addr r = test_a("fe80::1");
	struct pvd *p = pvd_create_implicit(&g_s, 2, &r, "eth0");

	(void)state;
	test_full_ra();   /* router 1800, prefix 3600, route 600, dns 1200, domain 900, pref64 2400 */
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0), 0);
	assert_true(pvd_next_expiry(p) == T0 + 600 * NS);

	/* Just before the route expires: nothing goes. */
	pvd_expire(p, T0 + 600 * NS - 1);
	assert_int_equal(test_n_routes(p), 1);
	/* At its expiry: the route, only. */
	pvd_expire(p, T0 + 600 * NS);
	assert_int_equal(test_n_routes(p), 0);
	assert_int_equal(test_n_routers(p), 1);
	assert_int_equal(test_n_prefixes(p), 1);
	assert_int_equal(test_n_dns(p), 1);
	assert_int_equal(test_n_domains(p), 1);
	assert_true(pvd_next_expiry(p) == T0 + 900 * NS);

	/* Past the domain and the DNS server, not the router. */
	pvd_expire(p, T0 + 1500 * NS);
	assert_int_equal(test_n_domains(p), 0);
	assert_int_equal(test_n_dns(p), 0);
	assert_int_equal(test_n_routers(p), 1);
	assert_int_equal(test_n_prefixes(p), 1);
	assert_true(p->has_pref64);
	assert_true(pvd_next_expiry(p) == T0 + 1800 * NS);

	pvd_expire(p, T0 + 2000 * NS);
	assert_int_equal(test_n_routers(p), 0);
	assert_true(pvd_next_expiry(p) == T0 + 2400 * NS);
	pvd_expire(p, T0 + 2400 * NS);
	assert_false(p->has_pref64);
	assert_false(pvd_is_empty(p));
	assert_true(pvd_next_expiry(p) == T0 + 3600 * NS);
	pvd_expire(p, T0 + 3600 * NS);
	assert_int_equal(test_n_prefixes(p), 0);
	assert_true(pvd_is_empty(p));
	assert_true(pvd_next_expiry(p) == PVD_NEVER);
	/* Scalars are no content: the PvD is empty with an MTU left. */
	assert_int_equal(p->mtu, 1400);
}

static void test_forget_ifindex(void **state)
{
	struct in6_addr r1 = test_a("fe80::1"), r2 = test_a("fe80::2");
	struct pvd *x = pvd_create_explicit(&g_s, "x.example.com");
	struct pvd *i = pvd_create_implicit(&g_s, 2, &r2, "eth0");

	(void)state;
	/* The explicit PvD on links 2 and 3. */
	test_full_ra();
	assert_int_equal(pvd_apply_ra(&g_s, x, &g_ra, 2, &r1, T0), 0);
	test_full_ra();
	test_add_prefix(&g_ra, "2001:db8:3::", 64, 3600, 1800);
	g_ra.has_pref64 = false;
	assert_int_equal(pvd_apply_ra(&g_s, x, &g_ra, 3, &r1, T0), 0);
	/* An implicit PvD on link 2. */
	test_ra(600);
	test_add_prefix(&g_ra, "2001:db8:9::", 64, 3600, 1800);
	assert_int_equal(pvd_apply_ra(&g_s, i, &g_ra, 2, &r2, T0), 0);
	assert_int_equal(test_n_routers(x), 2);
	assert_int_equal(test_n_prefixes(x), 3);
	assert_int_equal(test_n_routes(x), 2);
	assert_int_equal(test_n_dns(x), 2);
	assert_int_equal(test_n_domains(x), 2);
	assert_true(pvd_on_ifindex(x, 2));
	assert_true(pvd_on_ifindex(x, 3));
	assert_true(x->has_pref64);
	assert_int_equal(x->pref64_ifindex, 2);

	pvd_forget_ifindex(&g_s, 2);
	assert_false(pvd_on_ifindex(x, 2));
	assert_true(pvd_on_ifindex(x, 3));
	assert_int_equal(test_n_routers(x), 1);
	assert_int_equal(TAILQ_FIRST(&x->routers)->ifindex, 3);
	assert_int_equal(test_n_prefixes(x), 2);
	assert_non_null(test_find_prefix(x, 3, "2001:db8:1::", 64));
	assert_non_null(test_find_prefix(x, 3, "2001:db8:3::", 64));
	assert_int_equal(test_n_routes(x), 1);
	assert_int_equal(TAILQ_FIRST(&x->routes)->ifindex, 3);
	assert_int_equal(test_n_dns(x), 1);
	assert_non_null(test_find_dns(x, 3, "2001:db8::53"));
	assert_int_equal(test_n_domains(x), 1);
	assert_non_null(test_find_domain(x, 3, "example.com"));
	/* PREF64 was learnt on link 2. */
	assert_false(x->has_pref64);
	assert_false(pvd_is_empty(x));
	/* The implicit PvD of link 2 has nothing left. */
	assert_true(pvd_is_empty(i));
	assert_int_equal(g_s.count, 2);

	/* Forgetting a link nobody uses changes nothing. */
	pvd_forget_ifindex(&g_s, 99);
	assert_int_equal(test_n_prefixes(x), 2);
}

static void test_ignored(void **state)
{
	struct in6_addr r = test_a("fe80::1");
	struct pvd *p = pvd_create_implicit(&g_s, 2, &r, "eth0");

	(void)state;
	/* The link-local prefix (fe80::/10) is ignored; fec0:: is not link-local. */
	test_ra(0);
	test_add_prefix(&g_ra, "fe80::", 64, 3600, 1800);
	test_add_prefix(&g_ra, "febf:ffff::", 32, 3600, 1800);
	test_add_prefix(&g_ra, "fec0::", 10, 3600, 1800);
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0), 0);
	assert_int_equal(test_n_prefixes(p), 1);
	assert_non_null(test_find_prefix(p, 2, "fec0::", 10));

	/* MTU below 1280 is ignored, 1280 taken, and a later bad one does not
	 * replace a good one. */
	test_ra(0);
	g_ra.has_mtu = true;
	g_ra.mtu = 1279;
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0), 0);
	assert_int_equal(p->mtu, 0);
	g_ra.mtu = 1280;
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0), 0);
	assert_int_equal(p->mtu, 1280);
	g_ra.mtu = 0;
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0), 0);
	assert_int_equal(p->mtu, 1280);
	g_ra.mtu = 9000;
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0), 0);
	assert_int_equal(p->mtu, 9000);

	/* PREF64: set, replaced, then cleared by lifetime 0. */
	test_ra(0);
	g_ra.has_pref64 = true;
	g_ra.pref64 = test_a("64:ff9b::");
	g_ra.pref64_plen = 96;
	g_ra.pref64_lifetime = 600;
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0), 0);
	assert_true(p->has_pref64);
	g_ra.pref64 = test_a("2001:db8:64::");
	g_ra.pref64_plen = 64;
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0), 0);
	assert_true(p->has_pref64);
	assert_string_equal(test_str(&p->pref64), "2001:db8:64::");
	assert_int_equal(p->pref64_plen, 64);
	g_ra.pref64_lifetime = 0;
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0 + NS), 0);
	assert_false(p->has_pref64);
	/* With only the prefix left. */
	assert_false(pvd_is_empty(p));
	assert_true(pvd_next_expiry(p) == T0 + 3600 * NS);

	/* PREF64 alone keeps a PvD alive, until it expires. */
	test_ra(0);
	test_add_prefix(&g_ra, "fec0::", 10, 0, 0);
	g_ra.has_pref64 = true;
	g_ra.pref64 = test_a("64:ff9b::");
	g_ra.pref64_plen = 96;
	g_ra.pref64_lifetime = 600;
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0 + 2 * NS), 0);
	assert_int_equal(test_n_prefixes(p), 0);
	assert_false(pvd_is_empty(p));
	assert_true(pvd_on_ifindex(p, 2));
	assert_true(pvd_next_expiry(p) == T0 + 602 * NS);
	pvd_expire(p, T0 + 602 * NS);
	assert_true(pvd_is_empty(p));
	assert_false(pvd_on_ifindex(p, 2));
	assert_true(pvd_next_expiry(p) == PVD_NEVER);
}

/* An explicit PvD through the real RA builder and parser, with a nested
 * RA header overriding the outer one. */
static void test_explicit_from_wire(void **state)
{
	static uint8_t buf[1500];
	struct ra_header outer = { .cur_hop_limit = 64, .router_lifetime = 0 };
	struct ra_header inner = { .cur_hop_limit = 32, .router_lifetime = 900,
				   .pref = RA_PREF_LOW, .managed = true };
	struct ra_pvd opt = { .h_flag = true, .l_flag = false, .delay = 3, .seq = 4242 };
	struct ra_prefix pfx = { .plen = 64, .onlink = true, .autonomous = true,
				 .valid = 3600, .preferred = 1800 };
	struct in6_addr dns = test_a("2001:db8::35"), r = test_a("fe80::1");
	struct ra_builder b;
	enum ra_error why;
	int n;
	struct pvd *p;
	const struct pvd_prefix *px;

	(void)state;
	snprintf(opt.id, sizeof(opt.id), "%s", "PvD.Example.COM");
	pfx.prefix = test_a("2001:db8:1::");
	ra_build_init(&b, buf, sizeof(buf));
	ra_build_header(&b, &outer);
	assert_int_equal(ra_build_pvd_begin(&b, &opt, &inner), 0);
	ra_build_prefix(&b, &pfx);
	ra_build_rdnss(&b, &dns, 1, 600);
	assert_int_equal(ra_build_pvd_end(&b), 0);
	n = ra_build_finish(&b);
	assert_true(n > 0);
	assert_int_equal(ra_parse(buf, (size_t)n, &g_ra, &why), 0);
	assert_true(g_ra.has_pvd);

	p = pvd_find_explicit(&g_s, g_ra.pvd.id);
	assert_null(p);
	p = pvd_create_explicit(&g_s, g_ra.pvd.id);
	assert_non_null(p);
	assert_ptr_equal(pvd_find_explicit(&g_s, "pvd.example.com"), p);
	assert_ptr_equal(pvd_find_explicit(&g_s, "pvd.example.com."), p);
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0), 0);
	assert_true(p->has_option);
	assert_int_equal(p->seq, 4242);
	assert_true(p->h_flag);
	assert_false(p->l_flag);
	assert_int_equal(p->delay, 3);
	/* The nested header wins. */
	assert_int_equal(p->hop_limit, 32);
	assert_true(p->managed);
	assert_int_equal(test_n_routers(p), 1);
	assert_int_equal(TAILQ_FIRST(&p->routers)->lifetime, 900);
	assert_int_equal(TAILQ_FIRST(&p->routers)->pref, RA_PREF_LOW);
	px = test_find_prefix(p, 2, "2001:db8:1::", 64);
	assert_non_null(px);
	assert_true(px->nested);
	assert_true(px->expires == T0 + 3600 * NS);
	assert_non_null(test_find_dns(p, 2, "2001:db8::35"));
	assert_true(TAILQ_FIRST(&p->dns)->expires == T0 + 600 * NS);
}

/* ---- JSON ---- */

static bool test_own_addr(void *ctx, int ifindex, const uint8_t addr[16])
{
	const struct in6_addr *want = ctx;

	return ifindex == 2 && memcmp(addr, want, 16) == 0;
}

static void test_view_setup(void)
{
	struct msg_link ml;
	struct nl_addr a;

	assert_int_equal(view_init(&g_view), 0);
	memset(&ml, 0, sizeof(ml));
	ml.link.ifindex = 2;
	snprintf(ml.link.name, sizeof(ml.link.name), "eth0");
	ml.link.flags = IFF_UP | IFF_RUNNING;
	ml.link.mtu = 1500;
	ml.managed = 1;
	assert_int_equal(view_link_set(&g_view, &ml), 1);
	/* A second link the PvD is not on. */
	ml.link.ifindex = 5;
	snprintf(ml.link.name, sizeof(ml.link.name), "wlan0");
	assert_int_equal(view_link_set(&g_view, &ml), 1);

	memset(&a, 0, sizeof(a));
	a.ifindex = 2;
	a.family = AF_INET6;
	a.plen = 64;
	a.flags = IFA_F_NOPREFIXROUTE;
	a.valid = 3000;
	a.preferred = 1000;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:1::5eff:fe10:2030", a.addr), 1);
	assert_int_equal(view_addr_set(&g_view, &a), 1);
	/* Not in the prefix. */
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:2::1", a.addr), 1);
	assert_int_equal(view_addr_set(&g_view, &a), 1);
	/* In the prefix but on another link. */
	a.ifindex = 5;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:1::77", a.addr), 1);
	assert_int_equal(view_addr_set(&g_view, &a), 1);
	/* IPv4. */
	a.ifindex = 2;
	a.family = AF_INET;
	a.plen = 24;
	memset(a.addr, 0, sizeof(a.addr));
	assert_int_equal(inet_pton(AF_INET, "32.1.13.184", a.addr), 1);
	assert_int_equal(view_addr_set(&g_view, &a), 1);
}

/* Is key present anywhere in the JSON tree? */
static bool test_has_key(json_t *j, const char *key)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_object(j)) {
		json_object_foreach(j, k, v) {
			if (strcmp(k, key) == 0 || test_has_key(v, key))
				return true;
		}
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v) {
			if (test_has_key(v, key))
				return true;
		}
	}
	return false;
}

static const char *test_jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	assert_non_null(v);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

static json_int_t test_jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	assert_non_null(v);
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static void test_json_explicit(void **state)
{
	struct in6_addr r = test_a("fe80::1");
	struct pvd *p;
	struct pvd_json_ctx c = { .view = &g_view, .now = T0 + 100 * NS, .timers = true };
	json_t *j, *x, *y;

	(void)state;
	test_view_setup();
	p = pvd_create_explicit(&g_s, "pvd.example.com");
	test_full_ra();
	g_ra.has_pvd = true;
	snprintf(g_ra.pvd.id, sizeof(g_ra.pvd.id), "pvd.example.com");
	g_ra.pvd.seq = 7;
	g_ra.pvd.h_flag = true;
	g_ra.pvd.l_flag = true;
	g_ra.pvd.delay = 2;
	g_ra.prefixes[0].nested = true;
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0), 0);

	j = pvd_json(p, &c);
	assert_non_null(j);
	assert_string_equal(test_jstr(j, "id"), "pvd.example.com");
	assert_int_equal(test_jint(j, "handle"), p->handle);
	assert_true(json_is_true(json_object_get(j, "explicit")));

	x = json_object_get(j, "interfaces");
	assert_true(json_is_array(x));
	assert_int_equal(json_array_size(x), 1);
	assert_string_equal(json_string_value(json_array_get(x, 0)), "eth0");

	x = json_object_get(j, "routers");
	assert_int_equal(json_array_size(x), 1);
	x = json_array_get(x, 0);
	assert_string_equal(test_jstr(x, "address"), "fe80::1");
	assert_string_equal(test_jstr(x, "interface"), "eth0");
	assert_string_equal(test_jstr(x, "preference"), "high");
	assert_int_equal(test_jint(x, "lifetime"), 1800);
	assert_int_equal(test_jint(x, "expires_in"), 1700);

	x = json_object_get(j, "prefixes");
	assert_int_equal(json_array_size(x), 1);
	x = json_array_get(x, 0);
	assert_string_equal(test_jstr(x, "prefix"), "2001:db8:1::/64");
	assert_string_equal(test_jstr(x, "interface"), "eth0");
	assert_true(json_is_true(json_object_get(x, "on_link")));
	assert_true(json_is_true(json_object_get(x, "autonomous")));
	assert_true(json_is_true(json_object_get(x, "in_pvd_option")));
	assert_string_equal(test_jstr(x, "router"), "fe80::1");
	assert_string_equal(test_jstr(x, "source"), "ra");
	assert_int_equal(test_jint(x, "valid_lifetime"), 3600);
	assert_int_equal(test_jint(x, "expires_in"), 3500);
	assert_int_equal(test_jint(x, "preferred_lifetime"), 1800);
	assert_int_equal(test_jint(x, "preferred_expires_in"), 1700);

	/* Only the host's address inside the prefix, on the prefix's link. */
	x = json_object_get(j, "addresses");
	assert_int_equal(json_array_size(x), 1);
	x = json_array_get(x, 0);
	assert_string_equal(test_jstr(x, "address"), "2001:db8:1::5eff:fe10:2030");
	assert_int_equal(test_jint(x, "prefix_length"), 64);
	assert_string_equal(test_jstr(x, "interface"), "eth0");
	assert_string_equal(test_jstr(x, "state"), "preferred");
	assert_string_equal(test_jstr(x, "origin"), "kernel");
	assert_int_equal(test_jint(x, "valid_lifetime"), 3000);
	assert_int_equal(test_jint(x, "preferred_lifetime"), 1000);

	x = json_object_get(j, "routes");
	assert_int_equal(json_array_size(x), 1);
	x = json_array_get(x, 0);
	assert_string_equal(test_jstr(x, "prefix"), "2001:db8:77::/48");
	assert_string_equal(test_jstr(x, "preference"), "low");
	assert_string_equal(test_jstr(x, "router"), "fe80::1");
	assert_int_equal(test_jint(x, "lifetime"), 600);
	assert_int_equal(test_jint(x, "expires_in"), 500);

	x = json_object_get(j, "dns");
	y = json_object_get(x, "servers");
	assert_int_equal(json_array_size(y), 1);
	y = json_array_get(y, 0);
	assert_string_equal(test_jstr(y, "address"), "2001:db8::53");
	assert_string_equal(test_jstr(y, "interface"), "eth0");
	assert_int_equal(test_jint(y, "lifetime"), 1200);
	assert_int_equal(test_jint(y, "expires_in"), 1100);
	y = json_object_get(x, "search");
	assert_int_equal(json_array_size(y), 1);
	y = json_array_get(y, 0);
	assert_string_equal(test_jstr(y, "domain"), "example.com");
	assert_int_equal(test_jint(y, "lifetime"), 900);
	assert_int_equal(test_jint(y, "expires_in"), 800);

	assert_int_equal(test_jint(j, "mtu"), 1400);
	assert_string_equal(test_jstr(j, "captive_portal"), "https://portal.example.com/api");
	x = json_object_get(j, "pref64");
	assert_string_equal(test_jstr(x, "prefix"), "64:ff9b::/96");
	assert_int_equal(test_jint(x, "lifetime"), 2400);
	assert_int_equal(test_jint(x, "expires_in"), 2300);
	x = json_object_get(j, "flags");
	assert_true(json_is_true(json_object_get(x, "managed")));
	assert_true(json_is_true(json_object_get(x, "other")));
	x = json_object_get(j, "pvd_option");
	assert_true(json_is_object(x));
	assert_int_equal(test_jint(x, "sequence"), 7);
	assert_true(json_is_true(json_object_get(x, "h_flag")));
	assert_true(json_is_true(json_object_get(x, "l_flag")));
	assert_int_equal(test_jint(x, "delay"), 2);
	json_decref(j);

	/* Without timers: no ticking value anywhere, lifetimes kept. */
	c.timers = false;
	j = pvd_json(p, &c);
	assert_false(test_has_key(j, "expires_in"));
	assert_false(test_has_key(j, "preferred_expires_in"));
	x = json_array_get(json_object_get(j, "routers"), 0);
	assert_int_equal(test_jint(x, "lifetime"), 1800);
	x = json_array_get(json_object_get(j, "addresses"), 0);
	assert_null(json_object_get(x, "valid_lifetime"));
	/* ... and the same content at another time gives the same JSON. */
	c.now = T0 + 500 * NS;
	y = pvd_json(p, &c);
	assert_true(json_equal(j, y));
	json_decref(y);
	json_decref(j);

	/* An address mifd formed itself. */
	{
		struct in6_addr mine = test_a("2001:db8:1::5eff:fe10:2030");

		c.timers = true;
		c.own_addr = test_own_addr;
		c.own_ctx = &mine;
		j = pvd_json(p, &c);
		x = json_array_get(json_object_get(j, "addresses"), 0);
		assert_string_equal(test_jstr(x, "origin"), "mifd");
		json_decref(j);
	}

	/* The short form. */
	j = pvd_json_ref(p);
	assert_int_equal(json_object_size(j), 3);
	assert_string_equal(test_jstr(j, "id"), "pvd.example.com");
	assert_int_equal(test_jint(j, "handle"), p->handle);
	assert_true(json_is_true(json_object_get(j, "explicit")));
	json_decref(j);
	view_free(&g_view);
}

static void test_json_implicit(void **state)
{
	struct in6_addr r = test_a("fe80::1");
	struct pvd *p;
	struct pvd_json_ctx c = { .view = &g_view, .now = T0 + 5000 * NS, .timers = true };
	json_t *j, *x;

	(void)state;
	test_view_setup();
	p = pvd_create_implicit(&g_s, 2, &r, "eth0");
	test_ra(1800);
	test_add_prefix(&g_ra, "2001:db8:1::", 64, RA_INFINITY, RA_INFINITY);
	/* A shorter prefix covering the first: each address listed once, and
	 * the IPv4 address 32.1.13.184 (bytes 20 01 0d b8) is not an IPv6
	 * one in it. */
	test_add_prefix(&g_ra, "2001:db8::", 32, 600, 600);
	test_add_rdnss(&g_ra, "2001:db8::53", RA_INFINITY);
	/* On a link the view does not know: its name is "if<N>". */
	test_add_route(&g_ra, "2001:db8:77::", 48, RA_PREF_MEDIUM, 60);
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 2, &r, T0), 0);
	test_ra(0);
	test_add_route(&g_ra, "2001:db8:88::", 48, RA_PREF_MEDIUM, 60);
	assert_int_equal(pvd_apply_ra(&g_s, p, &g_ra, 9, &r, T0), 0);

	j = pvd_json(p, &c);
	assert_string_equal(test_jstr(j, "id"), "fe80::1%eth0");
	assert_true(json_is_false(json_object_get(j, "explicit")));
	assert_true(json_is_null(json_object_get(j, "pvd_option")));
	assert_true(json_is_null(json_object_get(j, "mtu")));
	assert_true(json_is_null(json_object_get(j, "captive_portal")));
	assert_true(json_is_null(json_object_get(j, "pref64")));
	/* Link 9 is not in the view: interfaces lists eth0 only. */
	x = json_object_get(j, "interfaces");
	assert_int_equal(json_array_size(x), 1);
	assert_string_equal(json_string_value(json_array_get(x, 0)), "eth0");
	/* Infinite: lifetime and expires_in null. */
	x = json_array_get(json_object_get(j, "prefixes"), 0);
	assert_true(json_is_null(json_object_get(x, "valid_lifetime")));
	assert_true(json_is_null(json_object_get(x, "expires_in")));
	assert_non_null(json_object_get(x, "expires_in"));
	x = json_array_get(json_object_get(json_object_get(j, "dns"), "servers"), 0);
	assert_true(json_is_null(json_object_get(x, "lifetime")));
	/* Already past its expiry (not yet expired by the caller): 0, not
	 * a negative or wrapped number. */
	x = json_array_get(json_object_get(j, "routes"), 0);
	assert_int_equal(test_jint(x, "expires_in"), 0);
	x = json_array_get(json_object_get(j, "routes"), 1);
	assert_string_equal(test_jstr(x, "interface"), "if9");
	x = json_object_get(j, "addresses");
	assert_int_equal(json_array_size(x), 2);
	assert_string_equal(test_jstr(json_array_get(x, 0), "address"), "2001:db8:1::5eff:fe10:2030");
	assert_string_equal(test_jstr(json_array_get(x, 1), "address"), "2001:db8:2::1");
	json_decref(j);
	view_free(&g_view);
}

/* issue 20 / 17e: each source's MTU is kept apart, the smallest is the
 * PvD's, a conflict shows in the JSON, and one source going leaves the
 * others' value. */
static void test_mtu_sources(void **state)
{
	struct in6_addr r = test_a("fe80::1");
	struct pvd_json_ctx c = { .view = &g_view, .now = T0, .timers = true };
	struct pvd *p;
	json_t *j;

	(void)state;
	test_view_setup();
	p = pvd_create_implicit(&g_s, 2, &r, "eth0");
	assert_non_null(p);
	pvd_set_mtu(p, PVD_SRC_RA, 1500);
	assert_int_equal(p->mtu, 1500);
	assert_false(pvd_mtu_conflict(p));
	p->dirty = false;
	pvd_set_mtu(p, PVD_SRC_DHCPV4, 1400);
	assert_true(p->dirty);
	assert_int_equal(p->mtu, 1400);
	assert_true(pvd_mtu_conflict(p));
	j = pvd_json(p, &c);
	assert_int_equal(json_integer_value(json_object_get(j, "mtu")), 1400);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "mtu_conflict"),
							    "ra")), 1500);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "mtu_conflict"),
							    "dhcpv4")), 1400);
	json_decref(j);
	pvd_set_mtu(p, PVD_SRC_DHCPV4, 0);
	assert_int_equal(p->mtu, 1500);
	assert_false(pvd_mtu_conflict(p));
	pvd_set_mtu(p, PVD_SRC_DHCPV4, 1500);     /* agreeing sources: no conflict */
	assert_false(pvd_mtu_conflict(p));
	j = pvd_json(p, &c);
	assert_null(json_object_get(j, "mtu_conflict"));
	json_decref(j);
	view_free(&g_view);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_explicit_keys, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_mtu_sources, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_implicit_keys, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_handles, test_setup, test_teardown),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test_setup_teardown(test_apply_stores, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_infinity, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_withdraw, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_withdraw_other_router_route, test_setup,
						test_teardown),
		cmocka_unit_test_setup_teardown(test_last_updater_wins, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_expire, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_forget_ifindex, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_ignored, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_explicit_from_wire, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_json_explicit, test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_json_implicit, test_setup, test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

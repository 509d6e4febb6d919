/* SPDX-License-Identifier: MIT */
/*
 * The structural digest of a PvD (daemon/pvd/pvd_digest.c) against its
 * published form: over thousands of random changes to the PvD's items, its
 * scalar fields, the host's addresses and the links' names, the digest
 * changes exactly when pvd_json without timers changes. A field added to
 * the JSON but not to the digest makes this fail.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/engine/view.h"
#include "daemon/pvd/pvd_digest.h"
#include "daemon/pvd/pvd_json.h"

#define NS 1000000000ull
#define STEPS 6000

static uint64_t g_rng = 0x243f6a8885a308d3ull;

/* A fixed sequence (xorshift), so that a failure repeats. */
static unsigned td_rand(unsigned n)
{
	g_rng ^= g_rng << 13;
	g_rng ^= g_rng >> 7;
	g_rng ^= g_rng << 17;
	return (unsigned)(g_rng % n);
}

/* Small pools, so that the walk often sets a value the PvD already has. */
static struct in6_addr td_addr(void)
{
	static const char *const pool[] = { "2001:db8:1::", "2001:db8:2::", "fe80::1",
		"fe80::2", "::ffff:10.0.0.0", "2001:db8:1::53", "::" };
	struct in6_addr a;

	inet_pton(AF_INET6, pool[td_rand(7)], &a);
	return a;
}

static int td_ifindex(void)
{
	return td_rand(2) ? 2 : 5;
}

static uint32_t td_life(void)
{
	static const uint32_t pool[] = { 0, 60, 1800, RA_INFINITY };

	return pool[td_rand(4)];
}

static void td_view_init(struct view *v)
{
	struct msg_link ml;

	assert_int_equal(view_init(v), 0);
	memset(&ml, 0, sizeof(ml));
	ml.link.flags = IFF_UP | IFF_RUNNING;
	ml.link.ifindex = 2;
	snprintf(ml.link.name, sizeof(ml.link.name), "eth0");
	assert_int_equal(view_link_set(v, &ml), 1);
	ml.link.ifindex = 5;
	snprintf(ml.link.name, sizeof(ml.link.name), "wlan0");
	assert_int_equal(view_link_set(v, &ml), 1);
}

/* The host's addresses: come, go, change state, or a link is renamed. */
static void td_view_step(struct view *v)
{
	static const uint32_t flags[] = { 0, IFA_F_TENTATIVE, IFA_F_DEPRECATED, IFA_F_DADFAILED,
		IFA_F_NOPREFIXROUTE };
	struct nl_addr a;

	if (td_rand(6) == 0) {
		struct msg_link ml;

		memset(&ml, 0, sizeof(ml));
		ml.link.flags = IFF_UP | IFF_RUNNING;
		ml.link.ifindex = td_ifindex();
		snprintf(ml.link.name, sizeof(ml.link.name), "%s%u",
			 ml.link.ifindex == 2 ? "eth" : "wlan", td_rand(2));
		view_link_set(v, &ml);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.ifindex = td_ifindex();
	a.family = AF_INET6;
	a.plen = td_rand(2) ? 64 : 128;
	a.flags = flags[td_rand(5)];
	a.valid = td_rand(2) ? 3000 : NL_LIFETIME_INFINITY;   /* not shown without timers */
	inet_pton(AF_INET6, td_rand(2) ? "2001:db8:1::10" : "2001:db8:2::20", a.addr);
	if (td_rand(3) == 0)
		view_addr_del(v, &a);
	else
		view_addr_set(v, &a);
}

static enum pvd_source td_src(void)
{
	return (enum pvd_source)td_rand(PVD_SRC__MAX);
}

/* Add an item, or drop a source's items on a link. */
static void td_items_step(struct pvd *p)
{
	struct in6_addr a = td_addr(), b = td_addr();
	int ifi = td_ifindex();
	uint32_t life = td_life();
	static const char *const names[] = { "example.com", "corp.example", "a.example" };

	switch (td_rand(8)) {
	case 0:
		pvd_add_router(p, td_src(), ifi, &a, life, PVD_NEVER);
		break;
	case 1:
		pvd_add_prefix(p, td_src(), ifi, &a, td_rand(2) ? 64 : 48, life, PVD_NEVER);
		break;
	case 2:
		pvd_add_route(p, td_src(), ifi, &a, td_rand(2) ? 0 : 56, &b, life, PVD_NEVER);
		break;
	case 3:
		pvd_add_dns(p, td_src(), ifi, &a, life, PVD_NEVER);
		break;
	case 4:
		pvd_add_ntp(p, td_src(), ifi, &a, life, PVD_NEVER);
		break;
	case 5:
		pvd_add_domain(p, td_src(), ifi, names[td_rand(3)], life, PVD_NEVER);
		break;
	default:
		pvd_drop_source_in(p, td_src(), ifi);
		break;
	}
}

/* Change one field of an existing item in place (what an RA does). */
static void td_fields_step(struct pvd *p)
{
	struct pvd_prefix *x = TAILQ_FIRST(&p->prefixes);
	struct pvd_router *r = TAILQ_LAST(&p->routers, pvd_router_list);
	struct pvd_route *rt = TAILQ_FIRST(&p->routes);

	switch (td_rand(9)) {
	case 0:
		if (x)
			x->onlink = !x->onlink;
		break;
	case 1:
		if (x)
			x->autonomous = !x->autonomous;
		break;
	case 2:
		if (x)
			x->preferred = td_life();
		break;
	case 3:
		if (x)
			x->router = td_addr();
		break;
	case 4:
		if (r)
			r->pref = (enum ra_pref)((int)td_rand(4) - 1);
		break;
	case 5:
		if (rt)
			rt->pref = (enum ra_pref)((int)td_rand(4) - 1);
		break;
	case 6:
		/* Expiry times are not shown without timers. */
		if (x)
			x->expires = td_rand(2) ? PVD_NEVER : 77 * NS;
		break;
	case 7:
		if (x)
			x->nested = !x->nested;
		break;
	default:
		if (r)
			r->lifetime = td_life();
		break;
	}
}

/* The PvD's own fields: MTU, portal, PREF64, M/O, the PvD option. */
static void td_scalar_step(struct pvd *p)
{
	static const char *const uris[] = { "https://portal.example/", "https://p2.example/" };

	switch (td_rand(9)) {
	case 8:
		p->conn = (uint8_t)td_rand(7);
		break;
	case 0:
		p->mtu = td_rand(2) ? 0 : 1280 + td_rand(2) * 120;
		break;
	case 1:
		pvd_set_captive_portal(p, td_src(), td_rand(3) ? uris[td_rand(2)] : NULL);
		break;
	case 2:
		p->has_pref64 = td_rand(2);
		p->pref64 = td_addr();
		p->pref64_plen = td_rand(2) ? 96 : 64;
		break;
	case 3:
		p->pref64_lifetime = td_life();
		break;
	case 4:
		p->managed = td_rand(2);
		p->other = td_rand(2);
		break;
	case 5:
		p->has_option = td_rand(2);
		break;
	case 6:
		p->seq = (uint16_t)td_rand(3);
		p->h_flag = td_rand(2);
		break;
	default:
		p->l_flag = td_rand(2);
		p->delay = (uint8_t)td_rand(2);
		break;
	}
}

static char *td_json(const struct pvd *p, const struct pvd_json_ctx *c)
{
	json_t *j = pvd_json(p, c);
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(j);
	assert_non_null(s);
	return s;
}

static bool td_own(void *ctx, int ifindex, const uint8_t addr[16])
{
	(void)ctx;
	return ifindex == 5 && addr[15] == 0x20;
}

static void test_digest_follows_json(void **state)
{
	struct pvd_store s;
	struct view v;
	struct pvd *p;
	struct pvd_json_ctx c = { .now = 1000 * NS, .timers = false, .own_addr = td_own };
	struct hash2 d0, d1;
	char *j0, *j1;
	unsigned same = 0, changed = 0;

	(void)state;
	pvd_store_init(&s);
	td_view_init(&v);
	c.view = &v;
	p = pvd_create_explicit(&s, "pvd.example.com");
	assert_non_null(p);
	j0 = td_json(p, &c);
	pvd_digest(p, &c, 42, &d0);
	for (unsigned i = 0; i < STEPS; i++) {
		unsigned kind = td_rand(4);

		switch (kind) {
		case 0:
			td_view_step(&v);
			break;
		case 1:
			td_items_step(p);
			break;
		case 2:
			td_fields_step(p);
			break;
		default:
			td_scalar_step(p);
			break;
		}
		j1 = td_json(p, &c);
		pvd_digest(p, &c, 42, &d1);
		bool json_same = strcmp(j0, j1) == 0;

		if (json_same != hash2_equal(&d0, &d1)) {
			fprintf(stderr, "before %s\nafter  %s\n", j0, j1);
			fail_msg("step %u (kind %u): JSON %s but digest %s", i, kind, json_same ? "same" : "changed",
				 hash2_equal(&d0, &d1) ? "same" : "changed");
		}
		json_same ? same++ : changed++;
		free(j0);
		j0 = j1;
		d0 = d1;
	}
	free(j0);
	/* The walk exercised both outcomes many times. */
	assert_true(same > STEPS / 10);
	assert_true(changed > STEPS / 4);
	pvd_store_clear(&s);
	view_free(&v);
}

/* Another seed gives another digest of the same PvD: a peer cannot prepare
 * a collision without knowing the run's seed. */
static void test_digest_seeded(void **state)
{
	struct pvd_store s;
	struct view v;
	struct pvd_json_ctx c = { .now = 0 };
	struct hash2 a, b, a2;
	struct pvd *p;

	(void)state;
	pvd_store_init(&s);
	td_view_init(&v);
	c.view = &v;
	p = pvd_create_explicit(&s, "pvd.example.com");
	assert_non_null(p);
	pvd_digest(p, &c, 1, &a);
	pvd_digest(p, &c, 2, &b);
	pvd_digest(p, &c, 1, &a2);
	assert_false(hash2_equal(&a, &b));
	assert_true(hash2_equal(&a, &a2));
	pvd_store_clear(&s);
	view_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_follows_json),
		cmocka_unit_test(test_digest_seeded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

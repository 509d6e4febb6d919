/* SPDX-License-Identifier: MIT */
/* The mobile-node role's messages checked beyond their size (mob_msg.c):
 * several home addresses (issue 16 item 1) put an index in each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/mobility/mob_msg.h"

static struct msg_mob_paths S;

/* Home address 1 with two paths (BIDs 1 and 2) and one refused pair. */
static void paths(void)
{
	memset(&S, 0, sizeof(S));
	S.home = S.pairs.home = 1;
	S.n = 2;
	for (uint32_t i = 0; i < 2; i++) {
		S.p[i].bid = (uint16_t)(i + 1);
		S.p[i].family = 6;
		S.p[i].ifindex = 3;
		S.p[i].home = 1;
		snprintf(S.p[i].ifname, sizeof(S.p[i].ifname), "eth%u", i + 1);
	}
	S.pairs.n = 1;
	S.pairs.e[0].verdict = MOB_PAIR_REFUSED;
	S.pairs.e[0].family = 6;
	snprintf(S.pairs.e[0].ifname, sizeof(S.pairs.e[0].ifname), "eth3");
	snprintf(S.pairs.e[0].why, sizeof(S.pairs.e[0].why), "eth3 is not in this home "
		 "address's via list");
}

static void test_paths(void **state)
{
	(void)state;
	paths();
	assert_true(mob_msg_paths_ok(&S));
	/* The home index of the set, of a path, of its pairs. */
	S.home = MOB_MAX_HOAS;
	S.pairs.home = MOB_MAX_HOAS;
	for (size_t i = 0; i < S.n; i++)
		S.p[i].home = MOB_MAX_HOAS;
	assert_false(mob_msg_paths_ok(&S));
	paths();
	S.p[1].home = 0;                 /* a path of another home address */
	assert_false(mob_msg_paths_ok(&S));
	paths();
	S.pairs.home = 0;
	assert_false(mob_msg_paths_ok(&S));
	/* BIDs: in 1..MOB_MAX_PATHS, distinct. */
	paths();
	S.p[1].bid = 1;
	assert_false(mob_msg_paths_ok(&S));
	paths();
	S.p[1].bid = MOB_MAX_PATHS + 1;
	assert_false(mob_msg_paths_ok(&S));
	paths();
	S.p[0].bid = 0;
	assert_false(mob_msg_paths_ok(&S));
	/* Counts. */
	paths();
	S.n = MOB_MAX_PATHS + 1;
	assert_false(mob_msg_paths_ok(&S));
	paths();
	S.pairs.n = MOB_HOA_COA_MAX + 1;
	assert_false(mob_msg_paths_ok(&S));
	/* Flows are home address 0's only. */
	paths();
	S.flows.n = 1;
	snprintf(S.flows.spec[0], sizeof(S.flows.spec[0]), "a fid=1 pri=1 pvd=x");
	assert_false(mob_msg_paths_ok(&S));
	S.home = S.pairs.home = 0;
	S.p[0].home = S.p[1].home = 0;
	assert_true(mob_msg_paths_ok(&S));
	memset(S.flows.spec[0], 'x', sizeof(S.flows.spec[0]));   /* unterminated */
	assert_false(mob_msg_paths_ok(&S));
	/* Strings terminated. */
	paths();
	memset(S.p[0].why, 'w', sizeof(S.p[0].why));
	assert_false(mob_msg_paths_ok(&S));
	paths();
	memset(S.pairs.e[0].why, 'w', sizeof(S.pairs.e[0].why));
	assert_false(mob_msg_paths_ok(&S));
	paths();
	memset(S.pairs.e[0].ifname, 'i', sizeof(S.pairs.e[0].ifname));
	assert_false(mob_msg_paths_ok(&S));
	/* A verdict out of the enumeration, a family neither 4 nor 6. */
	paths();
	S.pairs.e[0].verdict = MOB_PAIR_REFUSED + 1;
	assert_false(mob_msg_paths_ok(&S));
	paths();
	S.pairs.e[0].family = 5;
	assert_false(mob_msg_paths_ok(&S));
	paths();
	S.p[0].ifname[0] = 0;            /* no interface */
	assert_false(mob_msg_paths_ok(&S));
}

/* The home link (engine_mob_home.h): home address 0's only, naming one
 * IPv6 path of the set on its interface. */
static void test_home_link(void **state)
{
	struct msg_mob_home *w = &S.home_link;

	(void)state;
	paths();
	S.home = S.pairs.home = 0;
	S.p[0].home = S.p[1].home = 0;
	S.p[1].ifindex = 4;
	w->active = 1;
	w->ifindex = 4;
	w->bid = 2;
	snprintf(w->ifname, sizeof(w->ifname), "eth2");
	assert_true(mob_msg_paths_ok(&S));
	S.home = S.pairs.home = 1;       /* another home address: none */
	S.p[0].home = S.p[1].home = 1;
	assert_false(mob_msg_paths_ok(&S));
	w->active = 0;
	assert_true(mob_msg_paths_ok(&S));
	S.home = S.pairs.home = 0;
	S.p[0].home = S.p[1].home = 0;
	w->active = 2;
	assert_false(mob_msg_paths_ok(&S));
	w->active = 1;
	w->bid = 3;                      /* no path of the set */
	assert_false(mob_msg_paths_ok(&S));
	w->bid = 1;                      /* a path on another interface */
	assert_false(mob_msg_paths_ok(&S));
	w->bid = 2;
	S.p[1].family = 4;               /* the home path is IPv6 */
	assert_false(mob_msg_paths_ok(&S));
	S.p[1].family = 6;
	w->ifindex = 0;
	assert_false(mob_msg_paths_ok(&S));
	w->ifindex = 4;
	w->gw[0] = 0x20;                 /* a router that is not link-local */
	w->gw[1] = 0x01;
	assert_false(mob_msg_paths_ok(&S));
	w->gw[0] = 0xfe;
	w->gw[1] = 0x80;
	assert_true(mob_msg_paths_ok(&S));
	memset(w->gw, 0, sizeof(w->gw));
	memset(w->ifname, 'i', sizeof(w->ifname));
	assert_false(mob_msg_paths_ok(&S));
	w->active = 0;                   /* even when off */
	assert_false(mob_msg_paths_ok(&S));
}

static void test_uplink(void **state)
{
	struct mob_wire_uplink u = { .home_bid = 0 };

	(void)state;
	assert_true(mob_msg_uplink_ok(&u));
	u.home_bid = MOB_MAX_PATHS;
	assert_true(mob_msg_uplink_ok(&u));
	u.home_bid = MOB_MAX_PATHS + 1;
	assert_false(mob_msg_uplink_ok(&u));
	u.home_bid = 1;
	u.home = 1;                      /* home address 0's only */
	assert_false(mob_msg_uplink_ok(&u));
}

static void test_config(void **state)
{
	static struct mob_wire_config c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.home = 1;
	c.n_homes = 2;
	snprintf(c.name, sizeof(c.name), "h2");
	c.key_len = 32;
	c.interval_ms = 100;
	c.misses = 3;
	c.has_ha6 = 1;
	snprintf(c.tun, sizeof(c.tun), "mifmob0");
	assert_true(mob_msg_config_ok(&c));
	c.home = 2;                      /* past n_homes */
	assert_false(mob_msg_config_ok(&c));
	c.home = 1;
	c.n_homes = MOB_MAX_HOAS + 1;
	assert_false(mob_msg_config_ok(&c));
	c.n_homes = 0;
	assert_false(mob_msg_config_ok(&c));
	c.n_homes = 2;
	memset(c.name, 'n', sizeof(c.name));
	assert_false(mob_msg_config_ok(&c));
	snprintf(c.name, sizeof(c.name), "h2");
	c.key_len = 65;
	assert_false(mob_msg_config_ok(&c));
	c.key_len = 32;
	c.has_ha6 = 0;
	assert_false(mob_msg_config_ok(&c));
	c.has_ha4 = 1;
	assert_true(mob_msg_config_ok(&c));
	c.n_flows = MOB_FLOW_MAX + 1;
	assert_false(mob_msg_config_ok(&c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_home_link),
		cmocka_unit_test(test_uplink),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* Loops of home addresses used as care-of addresses at the home agent
 * (ha_nest.h, RFC 6275 9.5.1). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ha/ha_nest.h"

static struct ha_config cfg;
static struct ha_mn mns[3];

static void mn_at(size_t i, const char *hoa, const char *coa)
{
	struct ha_mn *m = &cfg.mns[i];

	inet_pton(AF_INET6, hoa, &m->hoa);
	if (coa) {
		m->n_paths = 1;
		m->paths[0].coa_family = 6;
		inet_pton(AF_INET6, coa, m->paths[0].coa);
	}
}

static struct mh_msg bu_to(const char *coa, uint16_t lifetime)
{
	struct mh_msg m;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BU;
	m.lifetime = lifetime;
	m.n_bids = 1;
	m.bids[0].bid = 1;
	m.bids[0].coa_family = 6;
	inet_pton(AF_INET6, coa, m.bids[0].coa);
	return m;
}

static void test_loops(void **state)
{
	struct sockaddr_in6 src;
	struct mh_msg bu;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.mns = mns;
	cfg.n_mns = 3;
	mn_at(0, "2001:db8:100::10", "2001:db8:1::10");     /* h1 on a real CoA */
	mn_at(1, "2001:db8:100::20", "2001:db8:100::10");   /* h2 over h1 */
	mn_at(2, "2001:db8:100::30", "2001:db8:100::20");   /* h3 over h2 */
	/* The home addresses are found through the index, as in mif-had. */
	assert_int_equal(ha_index_build(&cfg.index, cfg.mns, cfg.n_mns, 1), 0);
	/* h1 over h2: h2 leads back to h1. */
	bu = bu_to("2001:db8:100::20", 150);
	assert_true(ha_nest_loop(&cfg, &cfg.mns[0], &bu, NULL));
	/* h1 over h3: h3 -> h2 -> h1, two levels. */
	bu = bu_to("2001:db8:100::30", 150);
	assert_true(ha_nest_loop(&cfg, &cfg.mns[0], &bu, NULL));
	/* h1 over itself. */
	bu = bu_to("2001:db8:100::10", 150);
	assert_true(ha_nest_loop(&cfg, &cfg.mns[0], &bu, NULL));
	/* h3 over h1 (no cycle), h1 on another real CoA, a removal. */
	bu = bu_to("2001:db8:100::10", 150);
	assert_false(ha_nest_loop(&cfg, &cfg.mns[2], &bu, NULL));
	bu = bu_to("2001:db8:2::10", 150);
	assert_false(ha_nest_loop(&cfg, &cfg.mns[0], &bu, NULL));
	bu = bu_to("2001:db8:100::20", 0);
	assert_false(ha_nest_loop(&cfg, &cfg.mns[0], &bu, NULL));
	/* A BID without a CoA: the packet's source is its care-of address
	 * (h1 sent from h2, which rides on h1: a loop). */
	bu = bu_to("2001:db8:100::20", 150);
	bu.bids[0].coa_family = 0;
	memset(bu.bids[0].coa, 0, 16);
	src.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8:100::20", &src.sin6_addr);
	assert_true(ha_nest_loop(&cfg, &cfg.mns[0], &bu, &src));
	inet_pton(AF_INET6, "2001:db8:1::99", &src.sin6_addr);
	assert_false(ha_nest_loop(&cfg, &cfg.mns[0], &bu, &src));
	/* A BU with no BID option binds its source too: h1 sent from h2. */
	bu.n_bids = 0;
	inet_pton(AF_INET6, "2001:db8:100::20", &src.sin6_addr);
	assert_true(ha_nest_loop(&cfg, &cfg.mns[0], &bu, &src));
	inet_pton(AF_INET6, "2001:db8:1::99", &src.sin6_addr);
	assert_false(ha_nest_loop(&cfg, &cfg.mns[0], &bu, &src));
	ha_index_free(&cfg.index);
}

/* A BID with the H flag naming the home address itself: the node at home
 * (RFC 5648 5.6), no loop where the agent has a home link (ha_home.h);
 * without one, or without the flag, it still is one. */
static void test_at_home(void **state)
{
	struct mh_msg bu;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.mns = mns;
	cfg.n_mns = 2;
	memset(mns, 0, sizeof(mns));
	mn_at(0, "2001:db8:100::10", NULL);
	mn_at(1, "2001:db8:100::20", "2001:db8:100::10");   /* h2 over h1 */
	assert_int_equal(ha_index_build(&cfg.index, cfg.mns, cfg.n_mns, 1), 0);
	bu = bu_to("2001:db8:100::10", 150);
	bu.bids[0].h = true;
	assert_true(ha_nest_loop(&cfg, &cfg.mns[0], &bu, NULL));  /* no home link */
	snprintf(cfg.home_link, sizeof(cfg.home_link), "eth1");
	assert_false(ha_nest_loop(&cfg, &cfg.mns[0], &bu, NULL));
	bu.bids[0].h = false;
	assert_true(ha_nest_loop(&cfg, &cfg.mns[0], &bu, NULL));
	/* The H flag names only the node's own address: h1 over h2 with the
	 * flag, h2 being over h1, is still a loop. */
	bu = bu_to("2001:db8:100::20", 150);
	bu.bids[0].h = true;
	assert_true(ha_nest_loop(&cfg, &cfg.mns[0], &bu, NULL));
	/* h1's home BID is not followed: h2 over h1 at home is no loop. */
	cfg.mns[0].n_paths = 1;
	cfg.mns[0].paths[0].home = true;
	cfg.mns[0].paths[0].coa_family = 6;
	memcpy(cfg.mns[0].paths[0].coa, cfg.mns[0].hoa.s6_addr, 16);
	bu = bu_to("2001:db8:100::10", 150);
	assert_false(ha_nest_loop(&cfg, &cfg.mns[1], &bu, NULL));
	/* A home BID with no CoA field, sent from the home address on the
	 * home link: at home, not a loop. */
	{
		struct sockaddr_in6 src = { .sin6_family = AF_INET6 };

		bu = bu_to("2001:db8:100::10", 150);
		bu.bids[0].h = true;
		bu.bids[0].coa_family = 0;
		memset(bu.bids[0].coa, 0, 16);
		src.sin6_addr = cfg.mns[0].hoa;
		assert_false(ha_nest_loop(&cfg, &cfg.mns[0], &bu, &src));
	}
	ha_index_free(&cfg.index);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loops),
		cmocka_unit_test(test_at_home),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* Several home addresses: which care-of address binds to which home
 * address, at home, nesting and loops (mob_hoa.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "daemon/mobility/mob_hoa.h"

static struct mob_hoa hoa(const char *name, const char *a, uint8_t plen)
{
	struct mob_hoa h;

	memset(&h, 0, sizeof(h));
	snprintf(h.name, sizeof(h.name), "%s", name);
	assert_int_equal(inet_pton(AF_INET6, a, h.addr), 1);
	h.plen = plen;
	return h;
}

static struct mob_coa coa(const char *ifname, const char *a, bool on_if, uint8_t pri)
{
	struct mob_coa c;

	memset(&c, 0, sizeof(c));
	snprintf(c.ifname, sizeof(c.ifname), "%s", ifname);
	c.family = strchr(a, ':') ? 6 : 4;
	assert_int_equal(inet_pton(c.family == 6 ? AF_INET6 : AF_INET, a, c.addr), 1);
	c.on_if = on_if;
	c.pri = pri;
	return c;
}

static void via(struct mob_hoa *h, const char *name)
{
	snprintf(h->via[h->n_via++], sizeof(h->via[0]), "%s", name);
}

/* (n,n): two home addresses from two home agents, two access networks
 * and an offered cross pair (eth1's address through eth2). */
static void test_nn_ingress(void **state)
{
	struct mob_hoa h[2] = { hoa("h1", "2001:db8:100::10", 64),
				hoa("h2", "2001:db8:200::10", 64) };
	struct mob_coa c[3] = { coa("eth1", "2001:db8:1::10", true, 0),
				coa("eth2", "2001:db8:2::10", true, 2),
				coa("eth2", "2001:db8:1::10", false, 2) };
	struct mob_pair p[16];
	char err[128] = "";
	size_t n = 0;

	(void)state;
	assert_int_equal(mob_hoa_plan(h, 2, c, 3, p, 16, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 6);
	for (size_t k = 0; k < n; k++) {
		if (p[k].coa == 2) {
			assert_int_equal(p[k].verdict, MOB_PAIR_REFUSED);
			assert_non_null(strstr(p[k].why, "not ingress-safe"));
		} else {
			assert_int_equal(p[k].verdict, MOB_PAIR_BOUND);
			assert_non_null(strstr(p[k].why, "ingress-safe"));
		}
	}
	assert_null(mob_hoa_carrier(p, n, 0, c));
}

/* (n,1) with a via list: h2 may use eth2 only. */
static void test_n1_via(void **state)
{
	struct mob_hoa h[2] = { hoa("h1", "2001:db8:100::10", 64),
				hoa("h2", "2001:db8:100::20", 64) };
	struct mob_coa c[2] = { coa("eth1", "2001:db8:1::10", true, 0),
				coa("eth2", "2001:db8:2::10", true, 1) };
	struct mob_pair p[16];
	char err[128];
	size_t n = 0;

	(void)state;
	via(&h[1], "eth2");
	assert_int_equal(mob_hoa_plan(h, 2, c, 2, p, 16, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 4);
	assert_int_equal(p[0].verdict, MOB_PAIR_BOUND);
	assert_int_equal(p[1].verdict, MOB_PAIR_BOUND);
	assert_int_equal(p[2].verdict, MOB_PAIR_REFUSED);
	assert_non_null(strstr(p[2].why, "via list"));
	assert_int_equal(p[3].verdict, MOB_PAIR_BOUND);
}

/* At home on eth2 (its address is in h1's home prefix): h1 is carried
 * by eth2 natively, no binding through it; h2 binds eth2 normally. */
static void test_at_home(void **state)
{
	struct mob_hoa h[2] = { hoa("h1", "2001:db8:100::10", 64),
				hoa("h2", "2001:db8:200::10", 64) };
	struct mob_coa c[2] = { coa("eth1", "2001:db8:1::10", true, 0),
				coa("eth2", "2001:db8:100::77", true, 1) };
	struct mob_pair p[16];
	char err[128];
	size_t n = 0;

	(void)state;
	assert_int_equal(mob_hoa_plan(h, 2, c, 2, p, 16, &n, err, sizeof(err)), 0);
	assert_int_equal(p[1].verdict, MOB_PAIR_AT_HOME);
	assert_string_equal(mob_hoa_carrier(p, n, 0, c), "eth2");
	assert_null(mob_hoa_carrier(p, n, 1, c));
	assert_int_equal(p[3].verdict, MOB_PAIR_BOUND);
	/* Moved: the home link is now on eth1 (6.3.3). */
	c[0] = coa("eth1", "2001:db8:100::78", true, 0);
	c[1] = coa("eth2", "2001:db8:2::10", true, 1);
	assert_int_equal(mob_hoa_plan(h, 2, c, 2, p, 16, &n, err, sizeof(err)), 0);
	assert_string_equal(mob_hoa_carrier(p, n, 0, c), "eth1");
}

/* Home and foreign at once (RFC 5648 5.6): the home address offered as a
 * home interface on an interface holding it is bound (H flag); offered
 * plainly it is refused, and offered as home where it is not held too. */
static void test_home_bid(void **state)
{
	struct mob_hoa h[1] = { hoa("h1", "2001:db8:100::10", 64) };
	struct mob_coa c[2] = { coa("eth1", "2001:db8:100::10", true, 0),
				coa("eth2", "2001:db8:2::10", true, 1) };
	struct mob_pair p[8];
	char err[128];
	size_t n = 0;

	(void)state;
	c[0].home = true;
	assert_int_equal(mob_hoa_plan(h, 1, c, 2, p, 8, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].verdict, MOB_PAIR_BOUND);
	assert_non_null(strstr(p[0].why, "H flag"));
	assert_int_equal(p[1].verdict, MOB_PAIR_BOUND);
	c[0].home = false;
	assert_int_equal(mob_hoa_plan(h, 1, c, 2, p, 8, &n, err, sizeof(err)), 0);
	assert_int_equal(p[0].verdict, MOB_PAIR_REFUSED);
	c[0].home = true;
	c[0].on_if = false;
	assert_int_equal(mob_hoa_plan(h, 1, c, 2, p, 8, &n, err, sizeof(err)), 0);
	assert_int_equal(p[0].verdict, MOB_PAIR_REFUSED);
}

/* (n,0)-style nesting: h2 has no interface, h1 as its care-of address. */
static void test_nested(void **state)
{
	struct mob_hoa h[3] = { hoa("h1", "2001:db8:100::10", 64),
				hoa("h2", "2001:db8:200::10", 64),
				hoa("h3", "2001:db8:300::10", 64) };
	struct mob_coa c[1] = { coa("eth1", "2001:db8:1::10", true, 0) };
	struct mob_pair p[16];
	char err[128];
	size_t n = 0;

	(void)state;
	via(&h[1], "h1");
	via(&h[2], "h2");       /* h3 over h2 over h1: depth 3 */
	assert_int_equal(mob_hoa_plan(h, 3, c, 1, p, 16, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 5);
	assert_int_equal(p[0].verdict, MOB_PAIR_BOUND);         /* h1 eth1 */
	assert_int_equal(p[1].verdict, MOB_PAIR_REFUSED);       /* h2 eth1: not in via */
	assert_int_equal(p[2].verdict, MOB_PAIR_NESTED);        /* h2 over h1 */
	assert_int_equal(p[2].coa, MOB_HOA_COA_MAX + 0);
	assert_int_equal(p[4].verdict, MOB_PAIR_REFUSED);       /* h3 over h2 */
	assert_non_null(strstr(p[4].why, "deeper than 2"));
}

static void test_loops(void **state)
{
	struct mob_hoa h[3] = { hoa("h1", "2001:db8:100::10", 64),
				hoa("h2", "2001:db8:200::10", 64),
				hoa("h3", "2001:db8:300::10", 64) };
	struct mob_pair p[16];
	char err[128] = "";
	size_t n = 99;

	(void)state;
	via(&h[0], "eth1");
	via(&h[0], "h2");
	via(&h[1], "h1");
	assert_int_equal(mob_hoa_plan(h, 3, NULL, 0, p, 16, &n, err, sizeof(err)), -ELOOP);
	assert_string_equal(err, "loop: h1 -> h2 -> h1");
	assert_int_equal(n, 99);
	/* Three long. */
	h[0].n_via = 0;
	h[1].n_via = 0;
	via(&h[0], "h3");
	via(&h[1], "h1");
	via(&h[2], "h2");
	assert_int_equal(mob_hoa_check_loops(h, 3, err, sizeof(err)), -ELOOP);
	assert_string_equal(err, "loop: h1 -> h3 -> h2 -> h1");
	/* Itself. */
	h[0].n_via = h[1].n_via = h[2].n_via = 0;
	via(&h[2], "h3");
	assert_int_equal(mob_hoa_check_loops(h, 3, err, sizeof(err)), -ELOOP);
	assert_string_equal(err, "loop: h3 -> h3");
	h[2].n_via = 0;
	assert_int_equal(mob_hoa_check_loops(h, 3, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nn_ingress),
		cmocka_unit_test(test_n1_via),
		cmocka_unit_test(test_at_home),
		cmocka_unit_test(test_home_bid),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_loops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

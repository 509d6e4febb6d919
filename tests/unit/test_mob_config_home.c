/* SPDX-License-Identifier: MIT */
/* Several home addresses in mifd.conf: [mobility NAME], name =, via =
 * (mob_config_home.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "daemon/mobility/mob_config.h"

static char err[256];

#define SET(c, k, v) mob_config_set((c), (k), (k), (v), err, sizeof(err))
#define HOME(c, n, k, v) mob_config_set_home((c), (n), (k), (k), (v), err, sizeof(err))

/* [mobility] complete, one home address. */
static void base(struct mob_config *c)
{
	mob_config_defaults(c);
	assert_int_equal(SET(c, "enabled", "yes"), 0);
	assert_int_equal(SET(c, "home_agent", "2001:db8:100::1"), 0);
	assert_int_equal(SET(c, "home_agent_address", "2001:db8:f::1"), 0);
	assert_int_equal(SET(c, "home_address", "2001:db8:100::10/64"), 0);
	assert_int_equal(SET(c, "key_file", "/etc/mif/mn.key"), 0);
	assert_int_equal(SET(c, "spi", "256"), 0);
}

/* A second home address at another agent, complete. */
static void home2(struct mob_config *c, const char *name, const char *hoa)
{
	assert_int_equal(HOME(c, name, "home_address", hoa), 0);
	assert_int_equal(HOME(c, name, "home_agent", "2001:db8:200::1"), 0);
	assert_int_equal(HOME(c, name, "home_agent_address", "2001:db8:f::2 203.0.113.2"), 0);
	assert_int_equal(HOME(c, name, "key_file", "/etc/mif/mn2.key"), 0);
	assert_int_equal(HOME(c, name, "spi", "300"), 0);
}

static void test_single_home_unchanged(void **state)
{
	struct mob_config c;
	struct mob_hoa h[MOB_HOA_MAX];

	(void)state;
	base(&c);
	assert_int_equal(mob_config_check(&c, err, sizeof(err)), 0);
	assert_int_equal(c.n_homes, 0);
	assert_int_equal(mob_config_hoas(&c, h, MOB_HOA_MAX), 1);
	assert_string_equal(h[0].name, "home");
	assert_int_equal(h[0].plen, 64);
	assert_int_equal(h[0].n_via, 0);
	/* name = alone changes nothing at run time. */
	assert_int_equal(SET(&c, "name", "h1"), 0);
	assert_int_equal(mob_config_check(&c, err, sizeof(err)), 0);
	/* via = of the one home address is honoured (engine_mob.c). */
	assert_int_equal(SET(&c, "via", "eth1 eth2"), 0);
	assert_int_equal(mob_config_check(&c, err, sizeof(err)), 0);
	assert_int_equal(mob_config_hoas(&c, h, MOB_HOA_MAX), 1);
	assert_string_equal(h[0].name, "h1");
	assert_int_equal(h[0].n_via, 2);
	/* ... unless it names itself: a loop. */
	assert_int_equal(SET(&c, "via", "h1"), 0);
	assert_int_equal(mob_config_check(&c, err, sizeof(err)), -ELOOP);
	assert_int_equal(SET(&c, "name", "h 1"), -EINVAL);
	assert_int_equal(SET(&c, "name", ""), -EINVAL);
}

static void test_two_homes(void **state)
{
	struct mob_config c;
	struct mob_hoa h[MOB_HOA_MAX];
	struct in6_addr a;

	(void)state;
	base(&c);
	assert_int_equal(SET(&c, "name", "h1"), 0);
	home2(&c, "h2", "2001:db8:200::20");
	assert_int_equal(HOME(&c, "h2", "via", "eth2, h1"), 0);
	assert_int_equal(c.n_homes, 1);
	assert_string_equal(c.homes[0].name, "h2");
	assert_true(c.homes[0].has_ha6 && c.homes[0].has_ha4);
	assert_int_equal(c.homes[0].spi, 300);
	assert_string_equal(c.homes[0].key_file, "/etc/mif/mn2.key");
	inet_pton(AF_INET6, "2001:db8:200::20", &a);
	assert_memory_equal(&c.homes[0].hoa, &a, 16);
	assert_int_equal(c.homes[0].hoa_plen, 128);
	assert_int_equal(mob_config_check_homes(&c, err, sizeof(err)), 0);
	assert_int_equal(mob_config_hoas(&c, h, MOB_HOA_MAX), 2);
	assert_string_equal(h[1].name, "h2");
	assert_int_equal(h[1].n_via, 2);
	assert_string_equal(h[1].via[0], "eth2");
	assert_string_equal(h[1].via[1], "h1");
	assert_memory_equal(h[1].addr, &a, 16);
	/* h2 over h1 (nesting, analysis 6.3.1) runs in mifd. */
	assert_int_equal(mob_config_check(&c, err, sizeof(err)), 0);
	/* Over interfaces only too. */
	assert_int_equal(HOME(&c, "h2", "via", "eth2 eth3"), 0);
	assert_int_equal(mob_config_check(&c, err, sizeof(err)), 0);
	/* h3 over h2 over h1: deeper than 2, refused at start, saying why. */
	assert_int_equal(HOME(&c, "h2", "via", "h1"), 0);
	home2(&c, "h3", "2001:db8:300::30");
	assert_int_equal(HOME(&c, "h3", "via", "h2"), 0);
	assert_int_equal(mob_config_check(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "[mobility h3]: via h2: h2 is itself nested: nesting deeper "
			    "than 2 is refused");
	assert_int_equal(HOME(&c, "h3", "via", "eth1"), 0);
	assert_int_equal(mob_config_check(&c, err, sizeof(err)), 0);
	/* A nested home address reaches its agent over IPv6 only. */
	assert_int_equal(HOME(&c, "h2", "home_agent_address", "192.0.2.1"), 0);
	assert_int_equal(mob_config_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "[mobility h2]: via h1: nesting needs an IPv6 "
				    "home_agent_address"));
	assert_int_equal(HOME(&c, "h2", "home_agent_address", "2001:db8:f2::1 192.0.2.1"), 0);
	assert_int_equal(mob_config_check(&c, err, sizeof(err)), 0);
	/* [mobility]'s own via naming h2 while h2 names h1: a loop. */
	assert_int_equal(SET(&c, "via", "eth1 h2"), 0);
	assert_int_equal(mob_config_check(&c, err, sizeof(err)), -ELOOP);
	assert_int_equal(SET(&c, "via", "eth1"), 0);
	c.n_homes = 1;                   /* h3 out again */
	assert_int_equal(HOME(&c, "h2", "via", "eth2, h1"), 0);
	/* The section's [mobility]-wide keys are not its own. */
	assert_int_equal(HOME(&c, "h2", "routes", "2001:db8:c::/64"), -ENOENT);
	assert_non_null(strstr(err, "[mobility h2]"));
	assert_int_equal(HOME(&c, "h2", "spi", "255"), -EINVAL);
	assert_int_equal(c.homes[0].spi, 300);          /* untouched */
	assert_int_equal(HOME(&c, "h2", "home_address", "10.0.0.1"), -EINVAL);
	assert_int_equal(HOME(&c, "bad name", "spi", "300"), -EINVAL);
	assert_int_equal(HOME(&c, "h2", "via", ""), -EINVAL);
	assert_int_equal(HOME(&c, "h2", "via", "a/b"), -EINVAL);
	assert_int_equal(c.homes[0].n_via, 2);          /* untouched */
}

static void test_refused(void **state)
{
	struct mob_config c;

	(void)state;
	/* Incomplete section. */
	base(&c);
	assert_int_equal(HOME(&c, "h2", "home_address", "2001:db8:200::20"), 0);
	assert_int_equal(mob_config_check_homes(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "[mobility h2]: home_agent is needed");
	assert_int_equal(mob_config_check(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "[mobility h2]: home_agent is needed");
	/* Same home address twice. */
	base(&c);
	home2(&c, "h2", "2001:db8:100::10");
	assert_int_equal(mob_config_check_homes(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "same home_address"));
	/* Same name twice ([mobility]'s default name is "home"). */
	base(&c);
	home2(&c, "home", "2001:db8:200::20");
	assert_int_equal(mob_config_check_homes(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "two home addresses named \"home\""));
	/* A loop of via lists (analysis 6.3.1), named. */
	base(&c);
	assert_int_equal(SET(&c, "name", "h1"), 0);
	assert_int_equal(SET(&c, "via", "h2"), 0);
	home2(&c, "h2", "2001:db8:200::20");
	assert_int_equal(HOME(&c, "h2", "via", "h1"), 0);
	assert_int_equal(mob_config_check_homes(&c, err, sizeof(err)), -ELOOP);
	assert_non_null(strstr(err, "loop: "));
	assert_non_null(strstr(err, "h1 -> h2"));
	assert_int_equal(mob_config_check(&c, err, sizeof(err)), -ELOOP);
	/* Too many sections. */
	base(&c);
	for (int i = 0; i < MOB_MAX_HOMES; i++) {
		char n[8], a[40];

		snprintf(n, sizeof(n), "x%d", i);
		snprintf(a, sizeof(a), "2001:db8:300::%d", i + 1);
		assert_int_equal(HOME(&c, n, "home_address", a), 0);
	}
	assert_int_equal(HOME(&c, "x99", "home_address", "2001:db8:300::99"), -EINVAL);
	assert_int_equal(c.n_homes, MOB_MAX_HOMES);
	/* A disabled role is not checked. */
	c.enabled = false;
	assert_int_equal(mob_config_check(&c, err, sizeof(err)), 0);
}

/* Flows: each fid and each pri once (mifd.conf(5): "two flows may not
 * share one"); the second of a clash is refused and names the first. */
static void test_flows_unique(void **state)
{
	static struct mob_config c;

	(void)state;
	base(&c);
	assert_int_equal(SET(&c, "flow", "x fid=1 pri=1 pvd=a proto=tcp"), 0);
	assert_int_equal(SET(&c, "flow", "y fid=1 pri=2 pvd=b proto=udp"), -EINVAL);
	assert_non_null(strstr(err, "fid 1 is already the flow \"x\"'s"));
	assert_int_equal(SET(&c, "flow", "y fid=2 pri=1 pvd=b proto=udp"), -EINVAL);
	assert_non_null(strstr(err, "pri 1 is already the flow \"x\"'s"));
	assert_int_equal(SET(&c, "flow", "y fid=2 pri=2 pvd=b proto=udp"), 0);
	assert_int_equal(c.n_flows, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_home_unchanged),
		cmocka_unit_test(test_two_homes),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_flows_unique),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

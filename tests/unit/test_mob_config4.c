/* SPDX-License-Identifier: MIT */
/* [mobility] home_address4 and routes4 (mob_config4.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "daemon/mobility/mob_config.h"

static void test_hoa4(void **state)
{
	struct mob_config c;
	char err[160];
	struct in_addr a;

	(void)state;
	mob_config_defaults(&c);
	assert_int_equal(mob_config_set(&c, "home_address4", "x", "192.0.2.10", err, sizeof(err)), 0);
	assert_true(c.has_hoa4);
	inet_pton(AF_INET, "192.0.2.10", &a);
	assert_int_equal(c.hoa4.s_addr, a.s_addr);
	assert_int_equal(c.hoa4_plen, 32);
	assert_int_equal(mob_config_set(&c, "home_address4", "x", "192.0.2.10/24", err, sizeof(err)), 0);
	assert_int_equal(c.hoa4_plen, 24);
	assert_int_equal(mob_config_set(&c, "home_address4", "x", "2001:db8::1", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "not an IPv4 address"));
	assert_int_equal(mob_config_set(&c, "home_address4", "x", "0.0.0.0", err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(c.hoa4_plen, 24);      /* untouched on failure */
}

static void test_routes4(void **state)
{
	struct mob_config c;
	char err[160];

	(void)state;
	mob_config_defaults(&c);
	assert_int_equal(mob_config_set(&c, "routes4", "x", "198.18.0.0/24, 203.0.113.0/25",
					err, sizeof(err)), 0);
	assert_int_equal(c.n_routes4, 2);
	assert_int_equal(c.route4_plen[0], 24);
	assert_int_equal(c.route4_plen[1], 25);
	/* 0.0.0.0/0, a bare address, IPv6: refused, the list untouched. */
	assert_int_equal(mob_config_set(&c, "routes4", "x", "0.0.0.0/0", err, sizeof(err)), -EINVAL);
	assert_int_equal(mob_config_set(&c, "routes4", "x", "198.18.0.1", err, sizeof(err)), -EINVAL);
	assert_int_equal(mob_config_set(&c, "routes4", "x", "2001:db8::/32", err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(c.n_routes4, 2);
	/* routes4 needs home_address4. */
	c.enabled = true;
	c.key_file[0] = '/';
	c.spi = 256;
	c.has_ha6 = true;
	inet_pton(AF_INET6, "2001:db8:100::10", &c.hoa);
	inet_pton(AF_INET6, "2001:db8:100::1", &c.home_agent);
	assert_int_equal(mob_config_check(&c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "routes4 needs home_address4"));
	assert_int_equal(mob_config_set(&c, "home_address4", "x", "192.0.2.10", err, sizeof(err)), 0);
	assert_int_equal(mob_config_check(&c, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hoa4),
		cmocka_unit_test(test_routes4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

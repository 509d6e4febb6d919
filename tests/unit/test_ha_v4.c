/* SPDX-License-Identifier: MIT */
/* The home agent's IPv4 home addresses (ha_v4.h): configuration, the IPv4
 * Address Acknowledgement it answers (RFC 5555 3.2.1) and what it binds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ha/ha_v4.h"

static struct ha_config cfg;
static struct ha_mn mns[2];

static int setup(void **state)
{
	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	memset(mns, 0, sizeof(mns));
	cfg.mns = mns;
	assert_int_equal(ha_v4_config_prefix(&cfg, "192.0.2.0/24"), 0);
	assert_int_equal(cfg.home_plen4, 24);
	cfg.n_mns = 2;
	assert_int_equal(ha_v4_config_hoa(&cfg.mns[0], "192.0.2.10"), 0);
	cfg.mns[0].n_paths = 1;
	cfg.mns[1].n_paths = 1;
	assert_int_equal(ha_v4_index(&cfg), 0);
	assert_int_equal(cfg.n_v4_mns, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(cfg.v4_mns);
	cfg.v4_mns = NULL;
	return 0;
}

static void test_config(void **state)
{
	(void)state;
	assert_int_equal(ha_v4_config_prefix(&cfg, "2001:db8::/64"), -EINVAL);
	assert_int_equal(ha_v4_config_prefix(&cfg, "0.0.0.0/0"), -EINVAL);
	assert_int_equal(ha_v4_config_hoa(&cfg.mns[1], "0.0.0.0"), -EINVAL);
	assert_int_equal(ha_v4_config_hoa(&cfg.mns[1], "nope"), -EINVAL);
	assert_int_equal(ha_v4_config_check(&cfg, 0), 0);
	/* Outside the prefix, then the same as mns[0]. */
	assert_int_equal(ha_v4_config_hoa(&cfg.mns[1], "198.51.100.1"), 0);
	assert_int_equal(ha_v4_config_check(&cfg, 1), -EINVAL);
	/* The same as mns[0]: in the prefix, refused by the index. */
	assert_int_equal(ha_v4_config_hoa(&cfg.mns[1], "192.0.2.10"), 0);
	assert_int_equal(ha_v4_config_check(&cfg, 1), 0);
	assert_int_equal(ha_v4_index(&cfg), -EEXIST);
	assert_int_equal(cfg.n_v4_mns, 1);
	assert_int_equal(ha_v4_config_hoa(&cfg.mns[1], "192.0.2.11"), 0);
	assert_int_equal(ha_v4_config_check(&cfg, 1), 0);
	assert_int_equal(ha_v4_index(&cfg), 0);
	assert_int_equal(cfg.n_v4_mns, 2);
}

static struct mh_msg bu_with(const char *a, uint16_t lifetime)
{
	struct mh_msg m;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BU;
	m.lifetime = lifetime;
	if (a) {
		m.has_v4hoa = true;
		assert_int_equal(inet_pton(AF_INET, a, m.v4hoa), 1);
	}
	return m;
}

static void test_ack(void **state)
{
	static const uint8_t h4[4] = { 192, 0, 2, 10 };
	struct mh_msg bu = bu_with("192.0.2.10", 150), ba;
	struct ha_mn *mn = &cfg.mns[0];

	(void)state;
	memset(&ba, 0, sizeof(ba));
	ha_v4_bu(&cfg, mn, &bu, 0, &ba);
	assert_true(ba.has_v4ack);
	assert_int_equal(ba.v4ack_status, MH_V4_ACCEPTED);
	assert_int_equal(ba.v4ack_plen, 24);
	assert_memory_equal(ba.v4ack, h4, 4);
	assert_true(mn->hoa4_bound);
	assert_ptr_equal(ha_v4_mn(&cfg, h4), mn);
	/* Another address: 130, prefix length 0, unbound. */
	bu = bu_with("192.0.2.99", 150);
	memset(&ba, 0, sizeof(ba));
	ha_v4_bu(&cfg, mn, &bu, 0, &ba);
	assert_int_equal(ba.v4ack_status, MH_V4_INCORRECT_HOA);
	assert_int_equal(ba.v4ack_plen, 0);
	assert_false(mn->hoa4_bound);
	assert_null(ha_v4_mn(&cfg, h4));
	/* 0.0.0.0 asks for one: the configured address. */
	bu = bu_with("0.0.0.0", 150);
	ha_v4_bu(&cfg, mn, &bu, 0, &ba);
	assert_int_equal(ba.v4ack_status, MH_V4_ACCEPTED);
	assert_memory_equal(ba.v4ack, h4, 4);
	assert_true(mn->hoa4_bound);
	/* The BU itself refused (status 135): acknowledged, and the binding
	 * it would have changed stays as it was (bound here). */
	ha_v4_bu(&cfg, mn, &bu, MH_ST_SEQ_OUT_OF_WINDOW, &ba);
	assert_true(ba.has_v4ack);
	assert_true(mn->hoa4_bound);
	ha_v4_bu(&cfg, mn, &(struct mh_msg){ .type = MH_TYPE_BU, .lifetime = 150 },
		 MH_ST_SEQ_OUT_OF_WINDOW, &ba);
	assert_true(mn->hoa4_bound);
	/* Lifetime 0 unbinds; a BU without the option unbinds, no ack. */
	ha_v4_bu(&cfg, mn, &bu, 0, &ba);
	assert_true(mn->hoa4_bound);
	bu = bu_with("192.0.2.10", 0);
	ha_v4_bu(&cfg, mn, &bu, 0, &ba);
	assert_false(mn->hoa4_bound);
	ha_v4_bu(&cfg, mn, &(struct mh_msg){ .type = MH_TYPE_BU, .lifetime = 150 }, 0, &ba);
	assert_false(mn->hoa4_bound);
	/* A mobile node without hoa4: 129. */
	bu = bu_with("192.0.2.11", 150);
	memset(&ba, 0, sizeof(ba));
	ha_v4_bu(&cfg, &cfg.mns[1], &bu, 0, &ba);
	assert_int_equal(ba.v4ack_status, MH_V4_PROHIBITED);
	assert_false(cfg.mns[1].hoa4_bound);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

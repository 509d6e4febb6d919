/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "daemon/ra/slaac.h"

static void test_iid_mac48(void **state)
{
	const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };
	const uint8_t want[8] = { 0x00, 0x00, 0x5e, 0xff, 0xfe, 0x10, 0x20, 0x30 };
	uint8_t iid[8];

	assert_int_equal(slaac_iid(mac, 6, iid), 0);
	assert_memory_equal(iid, want, 8);
}

static void test_iid_rejects(void **state)
{
	const uint8_t zero[6] = { 0 };
	const uint8_t four[4] = { 1, 2, 3, 4 };
	uint8_t iid[8];

	assert_int_equal(slaac_iid(zero, 6, iid), -EINVAL);
	assert_int_equal(slaac_iid(four, 4, iid), -EINVAL);
}

static void test_address(void **state)
{
	const uint8_t iid[8] = { 0, 0, 0x5e, 0xff, 0xfe, 0x10, 0x20, 0x30 };
	struct in6_addr pfx, out;
	char buf[INET6_ADDRSTRLEN];

	inet_pton(AF_INET6, "2001:db8:1::", &pfx);
	assert_int_equal(slaac_address(&pfx, 64, iid, &out), 0);
	inet_ntop(AF_INET6, &out, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8:1::5eff:fe10:2030");
	assert_int_equal(slaac_address(&pfx, 48, iid, &out), -EINVAL);
	assert_int_equal(slaac_address(&pfx, 80, iid, &out), -EINVAL);
}

/* RFC 4862 section 5.5.3 e, each branch. */
static void test_two_hour_rule(void **state)
{
	/* New address: whatever was received. */
	assert_int_equal(slaac_valid_lifetime(false, 60, 0), 60);
	/* Received more than two hours: accepted. */
	assert_int_equal(slaac_valid_lifetime(true, 7201, 100000), 7201);
	/* Received more than remaining: accepted. */
	assert_int_equal(slaac_valid_lifetime(true, 600, 300), 600);
	/* Remaining at most two hours: the RA is ignored. */
	assert_int_equal(slaac_valid_lifetime(true, 10, 7200), 7200);
	assert_int_equal(slaac_valid_lifetime(true, 0, 500), 500);
	/* Remaining over two hours, short RA: cut to two hours, not less. */
	assert_int_equal(slaac_valid_lifetime(true, 30, 86400), 7200);
	assert_int_equal(slaac_valid_lifetime(true, 0, 86400), 7200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iid_mac48),
		cmocka_unit_test(test_iid_rejects),
		cmocka_unit_test(test_address),
		cmocka_unit_test(test_two_hour_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

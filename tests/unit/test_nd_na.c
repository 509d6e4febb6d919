/* SPDX-License-Identifier: MIT */
/* nd_na_build (proto/nd_na.h) against byte vectors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "proto/nd_na.h"

static const uint8_t target[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00, 0, 0,
				    0, 0, 0, 0, 0, 0, 0, 0x10 };

/* Unsolicited, Override, a 6-octet MAC: the layout of RFC 4861 4.4
 * (type, code, checksum, R S O flags, reserved, target) and 4.6.1 (type
 * 2, length 1 in units of 8 octets, the address). */
static void test_na_override_mac(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t want[32] = {
		136, 0, 0, 0, 0x20, 0, 0, 0,
		0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
		2, 1, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55,
	};
	uint8_t out[ND_NA_MAX];
	size_t len = 0;

	(void)state;
	assert_int_equal(nd_na_build(target, ND_NA_OVERRIDE, mac, 6, out, sizeof(out), &len), 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
}

/* An 8-octet link-layer address pads the option to 16 octets. */
static void test_na_padding(void **state)
{
	static const uint8_t ll[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t out[ND_NA_MAX];
	size_t len = 0;

	(void)state;
	assert_int_equal(nd_na_build(target, ND_NA_ROUTER | ND_NA_SOLICITED, ll, 8, out,
				     sizeof(out), &len), 0);
	assert_int_equal(len, 40);
	assert_int_equal(out[4], 0xc0);
	assert_int_equal(out[25], 2);
	assert_memory_equal(out + 26, ll, 8);
	for (size_t i = 34; i < 40; i++)
		assert_int_equal(out[i], 0);
}

static void test_na_errors(void **state)
{
	uint8_t out[ND_NA_MAX], mac[6] = { 0 };
	size_t len = 7;

	(void)state;
	assert_int_equal(nd_na_build(target, ND_NA_OVERRIDE, mac, 6, out, 31, &len), -ENOSPC);
	assert_int_equal(nd_na_build(target, 0x01, mac, 6, out, sizeof(out), &len), -EINVAL);
	assert_int_equal(nd_na_build(target, 0, NULL, 6, out, sizeof(out), &len), -EINVAL);
	assert_int_equal(nd_na_build(target, 0, mac, 39, out, sizeof(out), &len), -EINVAL);
	assert_int_equal(len, 7);        /* untouched on failure */
	assert_int_equal(nd_na_build(target, 0, NULL, 0, out, 24, &len), 0);
	assert_int_equal(len, 24);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_na_override_mac),
		cmocka_unit_test(test_na_padding),
		cmocka_unit_test(test_na_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* RFC 5555 IPv4 Home Address (29) and IPv4 Address Acknowledgement (30)
 * options in the Mobility Header codec, against byte vectors written from
 * RFC 5555 sections 3.1.1 and 3.2.1 (field layout as Wireshark's
 * packet-mip6.c reads it: Prefix-len mask 0xfc, P 0x02). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "proto/mh.h"

static const uint8_t v4[4] = { 192, 0, 2, 10 };

/* BU seq 0x1234, A H F, lifetime 150; IPv4 HoA 192.0.2.10/24, P = 0;
 * PadN 4 to 24 octets (Header Len 2). */
static const uint8_t bu_v4[24] = {
	0x3b, 0x02, 0x05, 0x00, 0x00, 0x00, 0x12, 0x34, 0xc1, 0x00, 0x00, 0x96,
	0x1d, 0x06, 0x60, 0x00, 0xc0, 0x00, 0x02, 0x0a, 0x01, 0x02, 0x00, 0x00,
};

/* The same with P = 1 and prefix length 28. */
static const uint8_t bu_v4_p[24] = {
	0x3b, 0x02, 0x05, 0x00, 0x00, 0x00, 0x12, 0x34, 0xc1, 0x00, 0x00, 0x96,
	0x1d, 0x06, 0x72, 0x00, 0xc0, 0x00, 0x02, 0x0a, 0x01, 0x02, 0x00, 0x00,
};

/* BA accepted, seq 0x1234, lifetime 150; IPv4 Address Ack status 0,
 * Pref-len 24, 192.0.2.10. */
static const uint8_t ba_v4[24] = {
	0x3b, 0x02, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x96,
	0x1e, 0x06, 0x00, 0x60, 0xc0, 0x00, 0x02, 0x0a, 0x01, 0x02, 0x00, 0x00,
};

/* BA accepted for IPv6, the IPv4 address refused: status 130 (incorrect
 * IPv4 home address), Pref-len 0 as RFC 5555 3.2.1 asks on failure. */
static const uint8_t ba_v4_refused[24] = {
	0x3b, 0x02, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x96,
	0x1e, 0x06, 0x82, 0x00, 0xc0, 0x00, 0x02, 0x0a, 0x01, 0x02, 0x00, 0x00,
};

static void test_parse_bu_v4(void **state)
{
	struct mh_msg m;

	(void)state;
	assert_int_equal(mh_parse(bu_v4, sizeof(bu_v4), &m), 0);
	assert_true(m.has_v4hoa);
	assert_false(m.has_v4ack);
	assert_int_equal(m.v4hoa_plen, 24);
	assert_false(m.v4hoa_p);
	assert_memory_equal(m.v4hoa, v4, 4);
	assert_int_equal(mh_parse(bu_v4_p, sizeof(bu_v4_p), &m), 0);
	assert_true(m.v4hoa_p);
	assert_int_equal(m.v4hoa_plen, 28);
}

static void test_build_bu_v4(void **state)
{
	struct mh_msg m;
	uint8_t out[64];
	size_t len;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BU;
	m.seq = 0x1234;
	m.flags = MH_BU_A | MH_BU_H | MH_BU_F;
	m.lifetime = 150;
	m.has_v4hoa = true;
	m.v4hoa_plen = 24;
	memcpy(m.v4hoa, v4, 4);
	assert_int_equal(mh_build(&m, out, sizeof(out), &len, NULL), 0);
	assert_int_equal(len, sizeof(bu_v4));
	assert_memory_equal(out, bu_v4, len);
	m.v4hoa_p = true;
	m.v4hoa_plen = 28;
	assert_int_equal(mh_build(&m, out, sizeof(out), &len, NULL), 0);
	assert_memory_equal(out, bu_v4_p, len);
	m.v4hoa_plen = 33;
	assert_int_equal(mh_build(&m, out, sizeof(out), &len, NULL), -EINVAL);
}

static void test_ba_v4(void **state)
{
	struct mh_msg m;
	uint8_t out[64];
	size_t len;

	(void)state;
	assert_int_equal(mh_parse(ba_v4, sizeof(ba_v4), &m), 0);
	assert_true(m.has_v4ack);
	assert_int_equal(m.v4ack_status, MH_V4_ACCEPTED);
	assert_int_equal(m.v4ack_plen, 24);
	assert_memory_equal(m.v4ack, v4, 4);
	assert_int_equal(mh_build(&m, out, sizeof(out), &len, NULL), 0);
	assert_int_equal(len, sizeof(ba_v4));
	assert_memory_equal(out, ba_v4, len);
	assert_int_equal(mh_parse(ba_v4_refused, sizeof(ba_v4_refused), &m), 0);
	assert_int_equal(m.status, 0);
	assert_int_equal(m.v4ack_status, MH_V4_INCORRECT_HOA);
	assert_int_equal(m.v4ack_plen, 0);
	assert_int_equal(mh_build(&m, out, sizeof(out), &len, NULL), 0);
	assert_memory_equal(out, ba_v4_refused, len);
}

static void test_v4_malformed(void **state)
{
	uint8_t b[24];
	struct mh_msg m;

	(void)state;
	/* Length 5 instead of 6: the PadN that follows absorbs the octet. */
	memcpy(b, bu_v4, sizeof(b));
	b[13] = 5;
	b[19] = 0x01;
	b[20] = 0x03;
	assert_int_equal(mh_parse(b, sizeof(b), &m), -EBADMSG);
	/* Length 7 runs into the padding: wrong length for the type. */
	memcpy(b, bu_v4, sizeof(b));
	b[13] = 7;
	assert_int_equal(mh_parse(b, sizeof(b), &m), -EBADMSG);
	/* Prefix length 40 (0xa0): no IPv4 prefix is that long. */
	memcpy(b, bu_v4, sizeof(b));
	b[14] = 0xa0;
	assert_int_equal(mh_parse(b, sizeof(b), &m), -EBADMSG);
	memcpy(b, ba_v4, sizeof(b));
	b[15] = 0xfc;
	assert_int_equal(mh_parse(b, sizeof(b), &m), -EBADMSG);
}

/* Two IPv4 Home Address options: refused, whichever comes second. */
static void test_v4_twice(void **state)
{
	static const uint8_t twice[32] = {
		0x3b, 0x03, 0x05, 0x00, 0x00, 0x00, 0x12, 0x34, 0xc1, 0x00, 0x00, 0x96,
		0x1d, 0x06, 0x60, 0x00, 0xc0, 0x00, 0x02, 0x0a,
		0x1d, 0x06, 0x60, 0x00, 0xc0, 0x00, 0x02, 0x0b, 0x01, 0x02, 0x00, 0x00,
	};
	struct mh_msg m;

	(void)state;
	assert_int_equal(mh_parse(twice, sizeof(twice), &m), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_bu_v4),
		cmocka_unit_test(test_build_bu_v4),
		cmocka_unit_test(test_ba_v4),
		cmocka_unit_test(test_v4_malformed),
		cmocka_unit_test(test_v4_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

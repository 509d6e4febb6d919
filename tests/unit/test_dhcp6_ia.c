/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for proto/dhcp6_ia.c (stateful DHCPv6: IA_NA, IA_PD,
 * Authentication and the reconfigure key protocol).
 * Replies are hand-written byte arrays; the builder is checked against
 * octets written out from RFC 8415 section 21.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "proto/dhcp6.h"

#define HDR(type) (type), 0x12, 0x34, 0x56
#define SRVID 0, 2, 0, 10, 0, 3, 0, 1, 2, 0, 0, 0, 0, 1
/* 2001:db8::100 */
#define A100 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0
/* 2001:db8:1:: */
#define P1 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
#define BE32(v) (uint8_t)((v) >> 24), (uint8_t)((v) >> 16), (uint8_t)((v) >> 8), (uint8_t)(v)

static struct dhcp6_msg g_m;

static void parse_ok(const uint8_t *d, size_t n)
{
	enum dhcp6_error why = DHCP6_ERR__MAX;

	assert_int_equal(dhcp6_parse(d, n, &g_m, &why), 0);
	assert_int_equal(why, DHCP6_OK);
}

static void assert_addr(const struct in6_addr *a, const char *s)
{
	struct in6_addr w;

	assert_int_equal(inet_pton(AF_INET6, s, &w), 1);
	assert_memory_equal(a, &w, 16);
}

/* A Reply with IA_NA (IAID 1, T1 100, T2 160) holding 2001:db8::100
 * (preferred 200, valid 300), and IA_PD (IAID 2) holding 2001:db8:1::/56
 * with a host bit set that the parser clears. */
static void test_reply_ia_na_pd(void **state)
{
	static const uint8_t d[] = {
		HDR(DHCP6_REPLY), SRVID,
		0, 3, 0, 40, BE32(1), BE32(100), BE32(160),
		0, 5, 0, 24, A100, BE32(200), BE32(300),
		0, 25, 0, 41, BE32(2), BE32(50), BE32(80),
		0, 26, 0, 25, BE32(70), BE32(90), 56,
		0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0, 7, 0, 1, 255,
		0, 14, 0, 0,
	};

	(void)state;
	parse_ok(d, sizeof(d));
	assert_int_equal(g_m.type, DHCP6_REPLY);
	assert_true(g_m.has_ia_na);
	assert_int_equal(g_m.ia_na.iaid, 1);
	assert_int_equal(g_m.ia_na.t1, 100);
	assert_int_equal(g_m.ia_na.t2, 160);
	assert_int_equal(g_m.ia_na.n, 1);
	assert_addr(&g_m.ia_na.a[0].addr, "2001:db8::100");
	assert_int_equal(g_m.ia_na.a[0].plen, 128);
	assert_int_equal(g_m.ia_na.a[0].preferred, 200);
	assert_int_equal(g_m.ia_na.a[0].valid, 300);
	assert_true(g_m.has_ia_pd);
	assert_int_equal(g_m.ia_pd.iaid, 2);
	assert_int_equal(g_m.ia_pd.n, 1);
	assert_addr(&g_m.ia_pd.a[0].addr, "2001:db8:1::");
	assert_int_equal(g_m.ia_pd.a[0].plen, 56);
	assert_int_equal(g_m.ia_pd.a[0].valid, 90);
	assert_true(g_m.has_preference);
	assert_int_equal(g_m.preference, 255);
	assert_true(g_m.rapid_commit);
	assert_int_equal(g_m.ignored, 0);
}

/* Status codes inside the IA (NoAddrsAvail) and inside an IAADDR. */
static void test_ia_status(void **state)
{
	static const uint8_t d[] = {
		HDR(DHCP6_ADVERTISE), SRVID,
		0, 3, 0, 18, BE32(1), BE32(0), BE32(0),
		0, 13, 0, 2, 0, 2,
		0, 25, 0, 47, BE32(2), BE32(0), BE32(0),
		0, 26, 0, 31, BE32(70), BE32(90), 48, P1, 0, 13, 0, 2, 0, 6,
	};

	(void)state;
	parse_ok(d, sizeof(d));
	assert_true(g_m.ia_na.has_status);
	assert_int_equal(g_m.ia_na.status, DHCP6_ST_NO_ADDRS_AVAIL);
	assert_int_equal(g_m.ia_na.n, 0);
	assert_int_equal(g_m.ia_pd.n, 1);
	assert_true(g_m.ia_pd.a[0].has_status);
	assert_int_equal(g_m.ia_pd.a[0].status, DHCP6_ST_NO_PREFIX_AVAIL);
}

/* RFC 8415 21.4: T1 > T2 discards the IA; 21.6: preferred > valid
 * discards the address. Both are counted, the message stays. */
static void test_ia_discarded(void **state)
{
	static const uint8_t d[] = {
		HDR(DHCP6_REPLY), SRVID,
		0, 3, 0, 12, BE32(1), BE32(200), BE32(100),
		0, 25, 0, 41, BE32(2), BE32(0), BE32(0),
		0, 26, 0, 25, BE32(91), BE32(90), 56, P1,
	};

	(void)state;
	parse_ok(d, sizeof(d));
	assert_false(g_m.has_ia_na);
	assert_true(g_m.has_ia_pd);
	assert_int_equal(g_m.ia_pd.n, 0);
	assert_int_equal(g_m.ignored, 2);
}

/* An IA shorter than its 12 fixed octets, an IAADDR shorter than 24, a
 * suboption running past the IA: framing errors. */
static void test_ia_framing(void **state)
{
	static const uint8_t short_ia[] = { HDR(DHCP6_REPLY), SRVID, 0, 3, 0, 11,
					    BE32(1), BE32(2), 0, 0, 0 };
	static const uint8_t short_addr[] = { HDR(DHCP6_REPLY), SRVID, 0, 3, 0, 39,
		BE32(1), BE32(0), BE32(0), 0, 5, 0, 23, A100, BE32(1), 0, 0, 1 };
	static const uint8_t overrun[] = { HDR(DHCP6_REPLY), SRVID, 0, 3, 0, 16,
		BE32(1), BE32(0), BE32(0), 0, 5, 0, 24 };
	static const uint8_t short_auth[] = { HDR(DHCP6_REPLY), SRVID, 0, 11, 0, 10,
		3, 1, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t bad_pref[] = { HDR(DHCP6_REPLY), SRVID, 0, 7, 0, 2, 1, 2 };
	enum dhcp6_error why;

	(void)state;
	assert_int_equal(dhcp6_parse(short_ia, sizeof(short_ia), &g_m, &why), -EBADMSG);
	assert_int_equal(why, DHCP6_ERR_BAD_OPTION_LENGTH);
	assert_int_equal(dhcp6_parse(short_addr, sizeof(short_addr), &g_m, &why), -EBADMSG);
	assert_int_equal(why, DHCP6_ERR_BAD_OPTION_LENGTH);
	assert_int_equal(dhcp6_parse(overrun, sizeof(overrun), &g_m, &why), -EBADMSG);
	assert_int_equal(why, DHCP6_ERR_OPTION_OVERRUN);
	assert_int_equal(dhcp6_parse(short_auth, sizeof(short_auth), &g_m, &why), -EBADMSG);
	assert_int_equal(why, DHCP6_ERR_BAD_OPTION_LENGTH);
	assert_int_equal(dhcp6_parse(bad_pref, sizeof(bad_pref), &g_m, &why), -EBADMSG);
	assert_int_equal(why, DHCP6_ERR_BAD_OPTION_LENGTH);
}

/* The builder writes RFC 8415 21.4/21.6 and 21.21/21.22 octet for octet. */
static void test_build_ia(void **state)
{
	static const uint8_t want[] = {
		DHCP6_RENEW, 0xab, 0xcd, 0xef,
		0, 3, 0, 40, BE32(7), BE32(0), BE32(0),
		0, 5, 0, 24, A100, BE32(200), BE32(300),
		0, 25, 0, 41, BE32(8), BE32(0), BE32(0),
		0, 26, 0, 25, BE32(70), BE32(90), 56, P1,
	};
	struct dhcp6_iaaddr a = { .plen = 128, .preferred = 200, .valid = 300 };
	struct dhcp6_iaaddr p = { .plen = 56, .preferred = 70, .valid = 90 };
	struct dhcp6_builder b;
	uint8_t buf[256];

	(void)state;
	inet_pton(AF_INET6, "2001:db8::100", &a.addr);
	inet_pton(AF_INET6, "2001:db8:1::", &p.addr);
	dhcp6_build_init(&b, buf, sizeof(buf), DHCP6_RENEW, 0xabcdef);
	dhcp6_build_ia(&b, false, 7, 0, 0, &a, 1);
	dhcp6_build_ia(&b, true, 8, 0, 0, &p, 1);
	assert_int_equal(dhcp6_build_finish(&b), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	/* An empty IA_PD (a Solicit's hint-less request) is 12 octets. */
	dhcp6_build_init(&b, buf, 20, DHCP6_SOLICIT, 1);
	dhcp6_build_ia(&b, true, 8, 0, 0, NULL, 0);
	assert_int_equal(dhcp6_build_finish(&b), 20);
	dhcp6_build_init(&b, buf, 20, DHCP6_SOLICIT, 1);
	dhcp6_build_ia(&b, false, 8, 0, 0, &a, 1);
	assert_int_equal(dhcp6_build_finish(&b), -EMSGSIZE);
}

/* A Reconfigure signed as RFC 8415 20.4.3 says: accepted once, not when
 * replayed, not with another key, not with a changed octet. The MAC was
 * computed apart, with Python's hmac module: HMAC-MD5 keyed with 16 octets
 * of 0x42 over the message with the MAC field zero. */
static void test_reconfigure_auth(void **state)
{
	uint8_t d[] = {
		HDR(DHCP6_RECONFIGURE), SRVID,
		0, 19, 0, 1, DHCP6_RENEW,
		0, 11, 0, 28, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 2,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	uint8_t key[16], other[16];
	static const uint8_t mac[16] = { 0xb2, 0xed, 0xd4, 0xbf, 0x6d, 0x31, 0xf6, 0xd1,
					 0x63, 0x3a, 0xb2, 0x54, 0xea, 0xe7, 0x96, 0x92 };
	uint64_t last = 0;

	(void)state;
	memset(key, 0x42, sizeof(key));
	memset(other, 0x43, sizeof(other));
	memcpy(d + sizeof(d) - 16, mac, 16);
	parse_ok(d, sizeof(d));
	assert_int_equal(g_m.reconf_msg, DHCP6_RENEW);
	assert_true(g_m.has_auth);
	assert_int_equal(g_m.auth.replay, 5);
	assert_int_equal(g_m.auth.info_len, 17);
	assert_false(dhcp6_reconfigure_auth_ok(d, sizeof(d), &g_m, other, &last));
	assert_int_equal(last, 0);
	assert_true(dhcp6_reconfigure_auth_ok(d, sizeof(d), &g_m, key, &last));
	assert_int_equal(last, 5);
	assert_false(dhcp6_reconfigure_auth_ok(d, sizeof(d), &g_m, key, &last));
	last = 0;
	d[10] ^= 1;
	parse_ok(d, sizeof(d));
	assert_false(dhcp6_reconfigure_auth_ok(d, sizeof(d), &g_m, key, &last));
}

/* A Reply's reconfigure key (20.4.2: type 1, 16 octets) is kept. */
static void test_reply_auth_key(void **state)
{
	static const uint8_t d[] = {
		HDR(DHCP6_REPLY), SRVID,
		0, 11, 0, 28, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		0, 20, 0, 0,
	};

	(void)state;
	parse_ok(d, sizeof(d));
	assert_true(g_m.has_auth);
	assert_int_equal(g_m.auth.protocol, DHCP6_AUTH_PROTO_RKAP);
	assert_int_equal(g_m.auth.info[0], DHCP6_RKAP_KEY);
	assert_int_equal(g_m.auth.info[16], 16);
	assert_int_equal(g_m.auth.info_off, 4 + 14 + 4 + 11);
	assert_true(g_m.reconf_accept);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_ia_na_pd),
		cmocka_unit_test(test_ia_status),
		cmocka_unit_test(test_ia_discarded),
		cmocka_unit_test(test_ia_framing),
		cmocka_unit_test(test_build_ia),
		cmocka_unit_test(test_reconfigure_auth),
		cmocka_unit_test(test_reply_auth_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/ra_build.c: exact bytes on the wire. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "proto/ra.h"
#include "proto/ra_build.h"

static uint8_t g_buf[4096];
static struct ra g_ra;

static struct in6_addr addr(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static void begin(struct ra_builder *b)
{
	memset(g_buf, 0xee, sizeof(g_buf));
	ra_build_init(b, g_buf, sizeof(g_buf));
}

/* Finish and compare the whole output with want. */
static void expect_bytes(struct ra_builder *b, const uint8_t *want, size_t n)
{
	assert_int_equal(ra_build_finish(b), (int)n);
	assert_memory_equal(g_buf, want, n);
}

static void test_header(void **state)
{
	static const uint8_t want[] = {
		134, 0, 0, 0, 64, 0xec, 0x07, 0x08,
		0x00, 0x00, 0x75, 0x30, 0x00, 0x00, 0x03, 0xe8,
	};
	struct ra_header h = { .cur_hop_limit = 64, .managed = true, .other = true,
			       .home_agent = true, .proxy = true, .pref = RA_PREF_HIGH,
			       .router_lifetime = 1800, .reachable_ms = 30000,
			       .retrans_ms = 1000 };
	struct ra_builder b;

	(void)state;
	begin(&b);
	ra_build_header(&b, &h);
	expect_bytes(&b, want, sizeof(want));
}

/* RFC 4861 section 4.1: type 133, code 0, checksum, 4 reserved octets,
 * then the source link-layer address option (type 1, length in 8 octets). */
static void test_rs(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };
	static const uint8_t want[] = {
		133, 0, 0, 0, 0, 0, 0, 0,
		1, 1, 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30,
	};
	struct ra_builder b;

	(void)state;
	begin(&b);
	ra_build_rs_header(&b);
	ra_build_slla(&b, mac, sizeof(mac));
	expect_bytes(&b, want, sizeof(want));
	begin(&b);
	ra_build_rs_header(&b);
	expect_bytes(&b, want, 8);
}

static void test_header_pref(void **state)
{
	static const struct {
		enum ra_pref pref;
		uint8_t bits;
	} cases[] = {
		{ RA_PREF_HIGH, 0x08 }, { RA_PREF_MEDIUM, 0x00 }, { RA_PREF_LOW, 0x18 },
	};
	struct ra_builder b;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct ra_header h = { .pref = cases[i].pref };

		begin(&b);
		ra_build_header(&b, &h);
		assert_int_equal(ra_build_finish(&b), 16);
		assert_int_equal(g_buf[5], cases[i].bits);
	}
}

static void test_slla(void **state)
{
	static const uint8_t mac[] = { 2, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 };
	static const uint8_t want6[] = { 1, 1, 2, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t want7[] = {
		1, 2, 2, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0, 0, 0, 0, 0, 0, 0,
	};
	struct ra_builder b;

	(void)state;
	begin(&b);
	ra_build_slla(&b, mac, 6);
	expect_bytes(&b, want6, sizeof(want6));
	begin(&b);
	ra_build_slla(&b, mac, 7);
	expect_bytes(&b, want7, sizeof(want7));
}

static void test_mtu(void **state)
{
	static const uint8_t want[] = { 5, 1, 0, 0, 0, 0, 0x05, 0xdc };
	struct ra_builder b;

	(void)state;
	begin(&b);
	ra_build_mtu(&b, 1500);
	expect_bytes(&b, want, sizeof(want));
}

static void test_prefix(void **state)
{
	static const uint8_t want[] = {
		3, 4, 64, 0xe0, 0x00, 0x01, 0x51, 0x80, 0x00, 0x00, 0x38, 0x40,
		0, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	struct ra_prefix p = { .prefix = addr("2001:db8:1::"), .plen = 64,
			       .onlink = true, .autonomous = true, .router_addr = true,
			       .valid = 86400, .preferred = 14400 };
	struct ra_builder b;

	(void)state;
	begin(&b);
	ra_build_prefix(&b, &p);
	expect_bytes(&b, want, sizeof(want));
}

static void test_route_lengths(void **state)
{
	static const struct {
		uint8_t plen, units;
	} cases[] = {
		{ 0, 1 }, { 1, 2 }, { 48, 2 }, { 64, 2 }, { 65, 3 }, { 128, 3 },
	};
	struct ra_route r = { .prefix = addr("2001:db8:aa:bb:cc::1"), .pref = RA_PREF_LOW,
			      .lifetime = 600 };
	struct ra_builder b;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r.plen = cases[i].plen;
		begin(&b);
		ra_build_route(&b, &r);
		assert_int_equal(ra_build_finish(&b), cases[i].units * 8);
		assert_int_equal(g_buf[0], 24);
		assert_int_equal(g_buf[1], cases[i].units);
		assert_int_equal(g_buf[2], cases[i].plen);
		assert_int_equal(g_buf[3], 0x18);
		assert_int_equal(g_buf[7], 0x58);
		assert_memory_equal(g_buf + 8, &r.prefix, (cases[i].units - 1) * 8u);
	}
}

static void test_rdnss(void **state)
{
	struct in6_addr a[2] = { addr("2001:db8::53"), addr("fd00::1") };
	static const uint8_t head[] = { 25, 5, 0, 0, 0, 0, 0x0e, 0x10 };
	struct ra_builder b;

	(void)state;
	begin(&b);
	ra_build_rdnss(&b, a, 2, 3600);
	assert_int_equal(ra_build_finish(&b), 40);
	assert_memory_equal(g_buf, head, sizeof(head));
	assert_memory_equal(g_buf + 8, a, 32);
}

static void test_dnssl(void **state)
{
	static const char *const names[] = { "corp.example", "OrG." };
	static const uint8_t want[] = {
		31, 4, 0, 0, 0, 0, 0x02, 0x58,
		4, 'c', 'o', 'r', 'p', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
		3, 'O', 'r', 'G', 0, 0, 0, 0, 0, 0,
	};
	struct ra_builder b;

	(void)state;
	begin(&b);
	assert_int_equal(ra_build_dnssl(&b, names, 2, 600), 0);
	expect_bytes(&b, want, sizeof(want));
}

static void test_dnssl_bad_name(void **state)
{
	static const char *const names[] = { "good.example", "bad..name" };
	struct ra_builder b;

	(void)state;
	begin(&b);
	ra_build_mtu(&b, 1500);
	assert_int_equal(ra_build_dnssl(&b, names, 2, 600), -EINVAL);
	/* The half-written option is gone; the MTU stays. */
	assert_int_equal(ra_build_finish(&b), 8);
}

static void test_captive_portal(void **state)
{
	static const uint8_t want13[] = {
		37, 2, 'h', 't', 't', 'p', 's', ':', '/', '/', 'a', '.', 'b', '/', 'c', 0,
	};
	static const uint8_t want6[] = { 37, 1, 'h', 't', 't', 'p', ':', '/' };
	struct ra_builder b;

	(void)state;
	begin(&b);
	ra_build_captive_portal(&b, "https://a.b/c");
	expect_bytes(&b, want13, sizeof(want13));
	begin(&b);
	ra_build_captive_portal(&b, "http:/");   /* fills 8 exactly: no NUL */
	expect_bytes(&b, want6, sizeof(want6));
}

static void test_pref64(void **state)
{
	static const struct {
		uint8_t plen, plc;
		uint32_t lifetime;
		uint16_t scaled;
	} cases[] = {
		{ 96, 0, 600, 75 }, { 64, 1, 601, 76 }, { 56, 2, 0, 0 },
		{ 48, 3, 7, 1 }, { 40, 4, 65528, 8191 }, { 32, 5, RA_INFINITY, 8191 },
	};
	struct in6_addr p = addr("64:ff9b::");
	struct ra_builder b;
	uint16_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		begin(&b);
		assert_int_equal(ra_build_pref64(&b, &p, cases[i].plen, cases[i].lifetime), 0);
		assert_int_equal(ra_build_finish(&b), 16);
		assert_int_equal(g_buf[0], 38);
		assert_int_equal(g_buf[1], 2);
		v = (uint16_t)(g_buf[2] << 8 | g_buf[3]);
		assert_int_equal(v & 7, cases[i].plc);
		assert_int_equal(v >> 3, cases[i].scaled);
		assert_memory_equal(g_buf + 4, &p, 12);
	}
	begin(&b);
	assert_int_equal(ra_build_pref64(&b, &p, 80, 600), -EINVAL);
	assert_int_equal(ra_build_finish(&b), 0);
}

/* The example of RFC 8801 section 3.1: "example.org", H, Delay 5,
 * Sequence 123, with an RDNSS (Length 5) and a PIO (Length 4): Length 12. */
static void test_pvd_rfc_example(void **state)
{
	static const uint8_t head[] = {
		21, 12, 0x80, 0x05, 0x00, 0x7b,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0,
		0, 0, 0, 0, 0,
	};
	struct ra_pvd pvd = { .id = "example.org", .h_flag = true, .delay = 5, .seq = 123 };
	struct in6_addr dns[2] = { addr("2001:db8::1"), addr("2001:db8::2") };
	struct ra_prefix p = { .prefix = addr("2001:db8::"), .plen = 64 };
	struct ra_builder b;

	(void)state;
	begin(&b);
	assert_int_equal(ra_build_pvd_begin(&b, &pvd, NULL), 0);
	ra_build_rdnss(&b, dns, 2, 60);
	ra_build_prefix(&b, &p);
	assert_int_equal(ra_build_pvd_end(&b), 0);
	assert_int_equal(ra_build_finish(&b), 96);
	assert_memory_equal(g_buf, head, sizeof(head));
	assert_int_equal(g_buf[24], 25);
	assert_int_equal(g_buf[25], 5);
	assert_int_equal(g_buf[64], 3);
	assert_int_equal(g_buf[65], 4);
}

static void test_pvd_with_header(void **state)
{
	struct ra_pvd pvd = { .id = "pvd.example.com", .l_flag = true, .delay = 0x1f,
			      .r_flag = false, .seq = 0xabcd };
	struct ra_header h = { .cur_hop_limit = 255, .router_lifetime = 900 };
	struct ra_builder b;
	int n;

	(void)state;
	begin(&b);
	ra_build_header(&b, &(struct ra_header){ 0 });
	assert_int_equal(ra_build_pvd_begin(&b, &pvd, &h), 0);
	ra_build_mtu(&b, 1400);
	assert_int_equal(ra_build_pvd_end(&b), 0);
	n = ra_build_finish(&b);
	/* 16 + (6 + 17 -> 24) + 16 + 8 = 64 */
	assert_int_equal(n, 64);
	assert_int_equal(g_buf[16 + 1], 6);
	assert_int_equal(g_buf[16 + 2], 0x60);   /* L and R: R follows hdr */
	assert_int_equal(g_buf[16 + 3], 0x0f);   /* Delay is 4 bits */
	assert_int_equal(g_buf[0], 134);         /* the outer header: an RA */
	assert_int_equal(g_buf[16 + 24], 0);     /* nested Type 0 (RFC 8801 3.1) */
	assert_int_equal(g_buf[16 + 25], 0);
	assert_int_equal(g_buf[16 + 26], 0);     /* checksum 0 */
	assert_int_equal(g_buf[16 + 27], 0);
	assert_int_equal(ra_parse(g_buf, (size_t)n, &g_ra, NULL), 0);
	assert_true(g_ra.pvd.r_flag);
	assert_int_equal(g_ra.pvd.seq, 0xabcd);
	assert_int_equal(g_ra.pvd.hdr.cur_hop_limit, 255);
	assert_int_equal(g_ra.pvd.hdr.router_lifetime, 900);
	assert_int_equal(g_ra.mtu, 1400);
}

static void test_pvd_state_errors(void **state)
{
	struct ra_pvd pvd = { .id = "pvd" };
	struct ra_pvd root = { .id = "." };
	struct ra_pvd empty = { .id = "" };
	struct ra_pvd bad = { .id = "a..b" };
	struct ra_builder b;

	(void)state;
	begin(&b);
	assert_int_equal(ra_build_pvd_end(&b), -EINVAL);
	assert_int_equal(ra_build_pvd_begin(&b, &root, NULL), -EINVAL);
	assert_int_equal(ra_build_pvd_begin(&b, &empty, NULL), -EINVAL);
	assert_int_equal(ra_build_pvd_begin(&b, &bad, NULL), -EINVAL);
	assert_int_equal(ra_build_finish(&b), 0);   /* nothing left behind */
	assert_int_equal(ra_build_pvd_begin(&b, &pvd, NULL), 0);
	assert_int_equal(ra_build_pvd_begin(&b, &pvd, NULL), -EBUSY);
	assert_int_equal(ra_build_finish(&b), -EINVAL);
	assert_int_equal(ra_build_pvd_end(&b), 0);
	assert_int_equal(ra_build_finish(&b), 16);
	assert_int_equal(ra_build_pvd_end(&b), -EINVAL);
}

static void test_pvd_end_pads_raw(void **state)
{
	static const uint8_t odd[] = { 0xaa, 0xbb, 0xcc };
	struct ra_pvd pvd = { .id = "pvd" };
	struct ra_builder b;

	(void)state;
	begin(&b);
	assert_int_equal(ra_build_pvd_begin(&b, &pvd, NULL), 0);
	ra_build_raw(&b, odd, sizeof(odd));
	assert_int_equal(ra_build_pvd_end(&b), 0);
	assert_int_equal(ra_build_finish(&b), 24);
	assert_int_equal(g_buf[1], 3);
	assert_memory_equal(g_buf + 16, odd, 3);
	assert_int_equal(g_buf[19], 0);
	assert_int_equal(g_buf[23], 0);
}

static void test_pvd_too_big(void **state)
{
	static const uint8_t u[] = { 200, 1, 0, 0, 0, 0, 0, 0 };
	struct ra_pvd pvd = { .id = "pvd" };
	struct ra_builder b;

	(void)state;
	begin(&b);
	assert_int_equal(ra_build_pvd_begin(&b, &pvd, NULL), 0);
	for (int i = 0; i < 254; i++)   /* 2 + 254 = 256 units */
		ra_build_raw(&b, u, sizeof(u));
	assert_int_equal(ra_build_pvd_end(&b), -EMSGSIZE);
	assert_int_equal(ra_build_finish(&b), -EMSGSIZE);
}

static void test_overflow(void **state)
{
	uint8_t small[20];
	struct ra_builder b;
	struct ra_prefix p = { .plen = 64 };

	(void)state;
	ra_build_init(&b, small, sizeof(small));
	ra_build_header(&b, &(struct ra_header){ 0 });
	assert_int_equal(ra_build_finish(&b), 16);
	ra_build_prefix(&b, &p);
	assert_int_equal(ra_build_finish(&b), -EMSGSIZE);
	ra_build_mtu(&b, 1500);   /* still failed: checked once at the end */
	assert_int_equal(ra_build_finish(&b), -EMSGSIZE);
}

static void test_raw(void **state)
{
	static const uint8_t junk[] = { 3, 0, 1, 2, 3 };
	struct ra_builder b;

	(void)state;
	begin(&b);
	ra_build_raw(&b, junk, sizeof(junk));
	expect_bytes(&b, junk, sizeof(junk));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_header_pref),
		cmocka_unit_test(test_slla),
		cmocka_unit_test(test_mtu),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_route_lengths),
		cmocka_unit_test(test_rdnss),
		cmocka_unit_test(test_dnssl),
		cmocka_unit_test(test_dnssl_bad_name),
		cmocka_unit_test(test_captive_portal),
		cmocka_unit_test(test_pref64),
		cmocka_unit_test(test_pvd_rfc_example),
		cmocka_unit_test(test_pvd_with_header),
		cmocka_unit_test(test_pvd_state_errors),
		cmocka_unit_test(test_pvd_end_pads_raw),
		cmocka_unit_test(test_pvd_too_big),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_rs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

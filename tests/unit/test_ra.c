/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for proto/ra.c. Malformed inputs are hand-written byte arrays
 * so these tests do not depend only on the builder; the full round trip
 * uses the builder.
 */
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

/* RA header: hop limit 64, lifetime 1800, reachable 30000, retrans 1000. */
#define HDR_F(flags) 134, 0, 0x12, 0x34, 64, (flags), 0x07, 0x08, \
	0x00, 0x00, 0x75, 0x30, 0x00, 0x00, 0x03, 0xe8
#define HDR HDR_F(0)
/* PIO 2001:db8:1::/64, L and A, valid 86400, preferred 14400. */
#define PIO_BODY(plen) (plen), 0xc0, 0x00, 0x01, 0x51, 0x80, 0x00, 0x00, 0x38, 0x40, \
	0, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
#define PIO(plen) 3, 4, PIO_BODY(plen)
/* PvD option head for ID "pvd": 6 + 5 octets, padded to 16. */
#define PVD_HEAD(units, flags) 21, (units), (flags), 0, 0, 0, \
	3, 'p', 'v', 'd', 0, 0, 0, 0, 0, 0
#define MTU(v) 5, 1, 0, 0, 0, 0, (uint8_t)((v) >> 8), (uint8_t)(v)
#define UNKNOWN 200, 1, 0, 0, 0, 0, 0, 0

static struct ra g_ra;   /* large: keep it off the test stack */

static void expect_ok(const uint8_t *d, size_t n)
{
	enum ra_error why = RA_ERR__MAX;

	assert_int_equal(ra_parse(d, n, &g_ra, &why), 0);
	assert_int_equal(why, RA_OK);
}

static void expect_err(const uint8_t *d, size_t n, enum ra_error want)
{
	enum ra_error why = RA_OK;

	assert_int_equal(ra_parse(d, n, &g_ra, &why), -EBADMSG);
	assert_int_equal(why, want);
}

static struct in6_addr addr(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static void assert_addr(const struct in6_addr *a, const char *s)
{
	struct in6_addr want = addr(s);

	assert_memory_equal(a, &want, sizeof(want));
}

/* ---- header ---- */

static void test_header_fields(void **state)
{
	static const uint8_t m[] = { HDR_F(0xc0) };
	const struct ra_header *h = &g_ra.hdr;

	(void)state;
	expect_ok(m, sizeof(m));
	assert_int_equal(h->cur_hop_limit, 64);
	assert_true(h->managed);
	assert_true(h->other);
	assert_false(h->home_agent);
	assert_false(h->proxy);
	assert_int_equal(h->pref, RA_PREF_MEDIUM);
	assert_int_equal(h->router_lifetime, 1800);
	assert_int_equal(h->reachable_ms, 30000);
	assert_int_equal(h->retrans_ms, 1000);
	assert_false(g_ra.has_pvd);
	assert_ptr_equal(ra_effective_header(&g_ra), h);
	assert_int_equal(g_ra.ignored, 0);
}

static void test_header_flags_and_pref(void **state)
{
	static const struct {
		uint8_t flags;
		bool m, o, h, p;
		enum ra_pref pref;
	} cases[] = {
		{ 0x00, false, false, false, false, RA_PREF_MEDIUM },
		{ 0x80, true, false, false, false, RA_PREF_MEDIUM },
		{ 0x40, false, true, false, false, RA_PREF_MEDIUM },
		{ 0x20, false, false, true, false, RA_PREF_MEDIUM },
		{ 0x04, false, false, false, true, RA_PREF_MEDIUM },
		{ 0x08, false, false, false, false, RA_PREF_HIGH },
		{ 0x18, false, false, false, false, RA_PREF_LOW },
		/* Reserved 10 reads as medium (RFC 4191 2.2). */
		{ 0x10, false, false, false, false, RA_PREF_MEDIUM },
		/* Reserved bits 0x03 are ignored. */
		{ 0xff, true, true, true, true, RA_PREF_LOW },
		{ 0x03, false, false, false, false, RA_PREF_MEDIUM },
	};
	uint8_t m[] = { HDR };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m[5] = cases[i].flags;
		expect_ok(m, sizeof(m));
		assert_int_equal(g_ra.hdr.managed, cases[i].m);
		assert_int_equal(g_ra.hdr.other, cases[i].o);
		assert_int_equal(g_ra.hdr.home_agent, cases[i].h);
		assert_int_equal(g_ra.hdr.proxy, cases[i].p);
		assert_int_equal(g_ra.hdr.pref, cases[i].pref);
	}
}

static void test_bad_type_or_code(void **state)
{
	uint8_t m[] = { HDR };

	(void)state;
	m[0] = 135;
	expect_err(m, sizeof(m), RA_ERR_BAD_CODE);
	m[0] = 134;
	m[1] = 1;
	expect_err(m, sizeof(m), RA_ERR_BAD_CODE);
}

static void test_truncated_header(void **state)
{
	static const uint8_t m[] = { HDR };

	(void)state;
	expect_err(m, 15, RA_ERR_TRUNCATED);
	expect_err(m, 1, RA_ERR_TRUNCATED);
	expect_err(m, 0, RA_ERR_TRUNCATED);
	expect_err(NULL, 0, RA_ERR_TRUNCATED);
	expect_ok(m, 16);
	/* why is optional, out is not. */
	assert_int_equal(ra_parse(m, 15, &g_ra, NULL), -EBADMSG);
	assert_int_equal(ra_parse(m, 16, NULL, NULL), -EINVAL);
}

/* ---- generic option framing ---- */

static void test_truncated_option_header(void **state)
{
	static const uint8_t m[] = { HDR, MTU(1500), 3 };

	(void)state;
	expect_err(m, sizeof(m), RA_ERR_TRUNCATED);
}

static void test_zero_length_top(void **state)
{
	static const uint8_t m[] = { HDR, MTU(1500), 200, 0, 0, 0, 0, 0, 0, 0 };

	(void)state;
	expect_err(m, sizeof(m), RA_ERR_ZERO_LENGTH);
}

static void test_zero_length_nested(void **state)
{
	static const uint8_t m[] = {
		HDR, PVD_HEAD(3, 0),
		5, 0, 0, 0, 0, 0, 0x05, 0xdc,
	};

	(void)state;
	expect_err(m, sizeof(m), RA_ERR_ZERO_LENGTH);
}

static void test_overrun_top(void **state)
{
	static const uint8_t m[] = { HDR, 3, 4, PIO_BODY(64) };

	(void)state;
	expect_ok(m, sizeof(m));
	expect_err(m, sizeof(m) - 1, RA_ERR_OPTION_OVERRUN);
	expect_err(m, sizeof(m) - 8, RA_ERR_OPTION_OVERRUN);
}

static void test_overrun_container(void **state)
{
	/* The nested MTU claims 16 octets; the PvD container has 8 left,
	 * though the message itself has 8 more after the container. */
	static const uint8_t m[] = {
		HDR, PVD_HEAD(3, 0),
		5, 2, 0, 0, 0, 0, 0x05, 0xdc,
		200, 1, 0, 0, 0, 0, 0, 0,
	};

	(void)state;
	expect_err(m, sizeof(m), RA_ERR_OPTION_OVERRUN);
}

static void test_unknown_options_skipped(void **state)
{
	static const uint8_t m[] = {
		HDR, UNKNOWN, 7, 1, 0, 0, 0, 0, 0x27, 0x10, PIO(64),
		0xff, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	};

	(void)state;
	expect_ok(m, sizeof(m));
	assert_int_equal(g_ra.n_prefixes, 1);
	assert_int_equal(g_ra.ignored, 3);
}

static void fill_unknown(struct ra_builder *b, size_t n)
{
	static const uint8_t u[] = { UNKNOWN };

	for (size_t i = 0; i < n; i++)
		ra_build_raw(b, u, sizeof(u));
}

static void test_too_many_options(void **state)
{
	static uint8_t m[16 + 200 * 8];
	struct ra_header h = { .cur_hop_limit = 64 };
	struct ra_builder b;
	int n;

	(void)state;
	ra_build_init(&b, m, sizeof(m));
	ra_build_header(&b, &h);
	fill_unknown(&b, RA_MAX_OPTIONS);
	n = ra_build_finish(&b);
	assert_true(n > 0);
	expect_ok(m, (size_t)n);
	assert_int_equal(g_ra.ignored, RA_MAX_OPTIONS);
	fill_unknown(&b, 1);
	n = ra_build_finish(&b);
	expect_err(m, (size_t)n, RA_ERR_TOO_MANY_OPTIONS);
}

static void test_too_many_options_nested(void **state)
{
	static uint8_t m[16 + 16 + 200 * 8];
	struct ra_header h = { .cur_hop_limit = 64 };
	struct ra_pvd pvd = { .id = "pvd" };
	struct ra_builder b;
	int n;

	(void)state;
	/* The PvD option counts as one; 127 nested make 128. */
	ra_build_init(&b, m, sizeof(m));
	ra_build_header(&b, &h);
	assert_int_equal(ra_build_pvd_begin(&b, &pvd, NULL), 0);
	fill_unknown(&b, RA_MAX_OPTIONS - 1);
	assert_int_equal(ra_build_pvd_end(&b), 0);
	n = ra_build_finish(&b);
	expect_ok(m, (size_t)n);
	ra_build_init(&b, m, sizeof(m));
	ra_build_header(&b, &h);
	assert_int_equal(ra_build_pvd_begin(&b, &pvd, NULL), 0);
	fill_unknown(&b, RA_MAX_OPTIONS);
	assert_int_equal(ra_build_pvd_end(&b), 0);
	n = ra_build_finish(&b);
	expect_err(m, (size_t)n, RA_ERR_TOO_MANY_OPTIONS);
}

/* ---- SLLA, PIO, MTU ---- */

static void test_slla(void **state)
{
	static const uint8_t m[] = { HDR, 1, 1, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t mac[] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

	(void)state;
	expect_ok(m, sizeof(m));
	assert_true(g_ra.has_slla);
	assert_int_equal(g_ra.slla_len, 6);
	assert_memory_equal(g_ra.slla, mac, 6);
}

static void test_slla_long(void **state)
{
	uint8_t m[16 + 24] = { HDR, 1, 3 };

	(void)state;
	for (size_t i = 18; i < sizeof(m); i++)
		m[i] = (uint8_t)i;
	expect_ok(m, sizeof(m));
	assert_int_equal(g_ra.slla_len, 16);   /* capped at the array */
	assert_memory_equal(g_ra.slla, m + 18, 16);
}

static void test_pio(void **state)
{
	static const uint8_t m[] = { HDR, PIO(64) };
	const struct ra_prefix *p = &g_ra.prefixes[0];

	(void)state;
	expect_ok(m, sizeof(m));
	assert_int_equal(g_ra.n_prefixes, 1);
	assert_addr(&p->prefix, "2001:db8:1::");
	assert_int_equal(p->plen, 64);
	assert_true(p->onlink);
	assert_true(p->autonomous);
	assert_false(p->router_addr);
	assert_int_equal(p->valid, 86400);
	assert_int_equal(p->preferred, 14400);
	assert_false(p->nested);
}

static void test_pio_masked(void **state)
{
	uint8_t m[] = { HDR, PIO(29) };
	const struct ra_prefix *p = &g_ra.prefixes[0];

	(void)state;
	memset(m + 16 + 16, 0xff, 16);
	expect_ok(m, sizeof(m));
	assert_int_equal(p->plen, 29);
	assert_addr(&p->prefix, "ffff:fff8::");
	m[18] = 128;
	expect_ok(m, sizeof(m));
	assert_addr(&p->prefix, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	m[18] = 0;
	expect_ok(m, sizeof(m));
	assert_addr(&p->prefix, "::");
}

static void test_pio_plen_129(void **state)
{
	static const uint8_t m[] = { HDR, PIO(129) };
	static const uint8_t nested[] = { HDR, PVD_HEAD(6, 0), PIO(129) };
	static const uint8_t m255[] = { HDR, PIO(255) };

	(void)state;
	expect_err(m, sizeof(m), RA_ERR_BAD_PREFIX_LENGTH);
	expect_err(nested, sizeof(nested), RA_ERR_BAD_PREFIX_LENGTH);
	expect_err(m255, sizeof(m255), RA_ERR_BAD_PREFIX_LENGTH);
}

static void test_pio_wrong_length(void **state)
{
	uint8_t m3[16 + 24] = { HDR, 3, 3, 64 };
	uint8_t m5[16 + 40] = { HDR, 3, 5, 64 };

	(void)state;
	expect_err(m3, sizeof(m3), RA_ERR_BAD_OPTION_LENGTH);
	expect_err(m5, sizeof(m5), RA_ERR_BAD_OPTION_LENGTH);
}

static void test_mtu(void **state)
{
	static const uint8_t two[] = { HDR, MTU(1500), MTU(1480) };
	static const uint8_t bad[] = { HDR, 5, 2, 0, 0, 0, 0, 5, 0xdc, 0, 0, 0, 0, 0, 0, 0, 0 };

	(void)state;
	expect_ok(two, sizeof(two));
	assert_true(g_ra.has_mtu);
	assert_int_equal(g_ra.mtu, 1480);   /* last one wins */
	expect_err(bad, sizeof(bad), RA_ERR_BAD_OPTION_LENGTH);
}

static void test_mtu_nested_overrides(void **state)
{
	/* Nested 1400 wins over outer 1500, before or after the PvD. */
	static const uint8_t before[] = { HDR, MTU(1500), PVD_HEAD(3, 0), MTU(1400) };
	static const uint8_t after[] = { HDR, PVD_HEAD(3, 0), MTU(1400), MTU(1500) };

	(void)state;
	expect_ok(before, sizeof(before));
	assert_int_equal(g_ra.mtu, 1400);
	expect_ok(after, sizeof(after));
	assert_int_equal(g_ra.mtu, 1400);
}

/* ---- RIO (RFC 4191 2.3) ---- */

static void test_rio(void **state)
{
	static const uint8_t m[] = {
		HDR,
		24, 1, 0, 0x18, 0, 0, 0x02, 0x58,   /* ::/0 low, 600 s */
		24, 2, 48, 0x08, 0xff, 0xff, 0xff, 0xff,
		0x20, 0x01, 0x0d, 0xb8, 0, 2, 0xff, 0xff,   /* /48 high, junk past plen */
		24, 3, 128, 0x00, 0, 0, 0, 60,
		0x20, 0x01, 0x0d, 0xb8, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	};
	const struct ra_route *r = g_ra.routes;

	(void)state;
	expect_ok(m, sizeof(m));
	assert_int_equal(g_ra.n_routes, 3);
	assert_int_equal(g_ra.ignored, 0);
	assert_int_equal(r[0].plen, 0);
	assert_int_equal(r[0].pref, RA_PREF_LOW);
	assert_int_equal(r[0].lifetime, 600);
	assert_addr(&r[0].prefix, "::");
	assert_int_equal(r[1].plen, 48);
	assert_int_equal(r[1].pref, RA_PREF_HIGH);
	assert_int_equal(r[1].lifetime, RA_INFINITY);
	assert_addr(&r[1].prefix, "2001:db8:2::");
	assert_int_equal(r[2].plen, 128);
	assert_int_equal(r[2].pref, RA_PREF_MEDIUM);
	assert_addr(&r[2].prefix, "2001:db8:3::1");
}

static void test_rio_prf_reserved_ignored(void **state)
{
	static const uint8_t m[] = { HDR, 24, 1, 0, 0x10, 0, 0, 0x02, 0x58, PIO(64) };

	(void)state;
	expect_ok(m, sizeof(m));
	assert_int_equal(g_ra.n_routes, 0);
	assert_int_equal(g_ra.ignored, 1);
	assert_int_equal(g_ra.n_prefixes, 1);
}

static void test_rio_length_consistency(void **state)
{
	static const struct {
		uint8_t units, plen;
		bool ok;
	} cases[] = {
		{ 1, 0, true }, { 2, 0, true }, { 3, 0, true },
		{ 1, 1, false }, { 1, 64, false }, { 2, 64, true }, { 3, 64, true },
		{ 2, 65, false }, { 3, 65, true }, { 2, 128, false }, { 3, 128, true },
	};
	uint8_t m[16 + 24];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t opt[] = { 24, cases[i].units, cases[i].plen, 0, 0, 0, 1, 0 };
		size_t n = 16 + cases[i].units * 8u;

		memset(m, 0, sizeof(m));
		memcpy(m, (const uint8_t[]){ HDR }, 16);
		memcpy(m + 16, opt, sizeof(opt));
		expect_ok(m, n);
		assert_int_equal(g_ra.n_routes, cases[i].ok ? 1 : 0);
		assert_int_equal(g_ra.ignored, cases[i].ok ? 0 : 1);
	}
}

static void test_rio_fatal(void **state)
{
	uint8_t plen129[16 + 24] = { HDR, 24, 3, 129 };
	uint8_t plen129_short[16 + 8] = { HDR, 24, 1, 129 };
	uint8_t len4[16 + 32] = { HDR, 24, 4, 0 };

	(void)state;
	expect_err(plen129, sizeof(plen129), RA_ERR_BAD_PREFIX_LENGTH);
	expect_err(plen129_short, sizeof(plen129_short), RA_ERR_BAD_PREFIX_LENGTH);
	expect_err(len4, sizeof(len4), RA_ERR_BAD_OPTION_LENGTH);
}

/* ---- RDNSS, DNSSL (RFC 8106) ---- */

static void test_rdnss(void **state)
{
	uint8_t m[16 + 40] = { HDR, 25, 5, 0, 0, 0, 0, 0x0e, 0x10 };

	(void)state;
	m[24] = 0x20, m[25] = 0x01, m[39] = 1;
	m[40] = 0xfd, m[55] = 0x53;
	expect_ok(m, sizeof(m));
	assert_int_equal(g_ra.n_rdnss, 2);
	assert_addr(&g_ra.rdnss[0].addr, "2001::1");
	assert_addr(&g_ra.rdnss[1].addr, "fd00::53");
	assert_int_equal(g_ra.rdnss[0].lifetime, 3600);
	assert_int_equal(g_ra.rdnss[1].lifetime, 3600);
	assert_false(g_ra.rdnss[1].nested);
}

/* RFC 9463 section 6.1: an Encrypted DNS option is kept; a malformed one
 * (ADN Length past the option) is dropped and counted, not the RA. */
#define DNR_OPT(adn_len_lo) 144, 8, 0, 1, 0, 0, 0x0e, 0x10, 0, adn_len_lo, \
	3, 'd', 'n', 's', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0, \
	0, 16, 0x20, 1, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x53, \
	0, 14, 0, 1, 0, 4, 3, 'd', 'o', 't', 0, 3, 0, 2, 0x03, 0x55, 0, 0, 0
static void test_dnr(void **state)
{
	const uint8_t ok[] = { HDR, DNR_OPT(17), MTU(1400) };
	const uint8_t bad[] = { HDR, DNR_OPT(60), MTU(1400) };

	(void)state;
	expect_ok(ok, sizeof(ok));
	assert_int_equal(g_ra.n_dnr, 1);
	assert_string_equal(g_ra.dnr[0].adn, "dns.example.net");
	assert_int_equal(g_ra.dnr[0].lifetime, 3600);
	assert_int_equal(g_ra.dnr[0].port, 853);
	assert_addr(&g_ra.dnr[0].addrs[0], "2001:db8:1::853");
	assert_int_equal(g_ra.mtu, 1400);
	expect_ok(bad, sizeof(bad));
	assert_int_equal(g_ra.n_dnr, 0);
	assert_int_equal(g_ra.ignored, 1);
	assert_int_equal(g_ra.mtu, 1400);
}

static void test_rdnss_bad_length(void **state)
{
	uint8_t even[16 + 32] = { HDR, 25, 4 };
	uint8_t two[16 + 16] = { HDR, 25, 2 };
	uint8_t one[16 + 8] = { HDR, 25, 1 };

	(void)state;
	/* RFC 8106 5.3.1: the option is discarded, the RA is kept. */
	expect_ok(even, sizeof(even));
	assert_int_equal(g_ra.n_rdnss, 0);
	assert_int_equal(g_ra.ignored, 1);
	expect_ok(two, sizeof(two));
	assert_int_equal(g_ra.n_rdnss, 0);
	expect_ok(one, sizeof(one));
	assert_int_equal(g_ra.n_rdnss, 0);
	assert_int_equal(g_ra.ignored, 1);
}

static void test_dnssl(void **state)
{
	static const uint8_t m[] = {
		HDR, 31, 4, 0, 0, 0xff, 0xff, 0xff, 0xff,
		4, 'c', 'o', 'r', 'p', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
		3, 'O', 'r', 'G', 0, 0, 0, 0, 0, 0,
	};

	(void)state;
	expect_ok(m, sizeof(m));
	assert_int_equal(g_ra.n_dnssl, 2);
	assert_string_equal(g_ra.dnssl[0].name, "corp.example");
	assert_string_equal(g_ra.dnssl[1].name, "OrG");
	assert_int_equal(g_ra.dnssl[0].lifetime, RA_INFINITY);
}

static void test_dnssl_bad_name_ignored(void **state)
{
	/* First name good, second a compression pointer: the whole DNSSL
	 * option is dropped, the RA and its PIO are kept. */
	static const uint8_t ptr[] = {
		HDR, 31, 3, 0, 0, 0, 0, 0x02, 0x58,
		4, 'g', 'o', 'o', 'd', 0, 0xc0, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0,
		PIO(64),
	};
	/* A name running past the option end. */
	static const uint8_t past[] = {
		HDR, 31, 2, 0, 0, 0, 0, 0x02, 0x58,
		4, 'g', 'o', 'o', 'd', 9, 'x', 'y', PIO(64),
	};
	/* Non-zero octets after the padding started. */
	static const uint8_t pad[] = {
		HDR, 31, 2, 0, 0, 0, 0, 0x02, 0x58,
		1, 'a', 0, 0, 0, 0, 0, 7, PIO(64),
	};
	/* Bad character in a label. */
	static const uint8_t chr[] = {
		HDR, 31, 2, 0, 0, 0, 0, 0x02, 0x58,
		3, 'a', '/', 'b', 0, 0, 0, 0, PIO(64),
	};
	const uint8_t *cases[] = { ptr, past, pad, chr };
	const size_t sizes[] = { sizeof(ptr), sizeof(past), sizeof(pad), sizeof(chr) };

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		expect_ok(cases[i], sizes[i]);
		assert_int_equal(g_ra.n_dnssl, 0);
		assert_int_equal(g_ra.ignored, 1);
		assert_int_equal(g_ra.n_prefixes, 1);
	}
}

static void test_dnssl_bad_length(void **state)
{
	static const uint8_t m[] = { HDR, 31, 1, 0, 0, 0, 0, 0, 0 };

	(void)state;
	expect_err(m, sizeof(m), RA_ERR_BAD_OPTION_LENGTH);
}

/* ---- captive portal (RFC 8910), PREF64 (RFC 8781) ---- */

static void test_captive_portal(void **state)
{
	/* 15 URI octets + 2 = 17, padded with 7 NULs to 24. */
	static const uint8_t m[] = {
		HDR, 37, 3, 'h', 't', 't', 'p', 's', ':', '/', '/',
		'p', '.', 'e', 'x', '/', 'a', 'p', 0, 0, 0, 0, 0, 0, 0,
	};

	(void)state;
	expect_ok(m, sizeof(m));
	assert_true(g_ra.has_captive_portal);
	assert_string_equal(g_ra.captive_portal, "https://p.ex/ap");
}

static void test_captive_portal_bad(void **state)
{
	uint8_t ctl[] = { HDR, 37, 1, 'a', 'b', 0x01, 'c', 0, 0 };
	uint8_t mid_nul[] = { HDR, 37, 1, 'a', 'b', 0, 'c', 0, 0 };
	uint8_t space[] = { HDR, 37, 1, 'a', ' ', 'c', 0, 0, 0 };
	uint8_t high[] = { HDR, 37, 1, 'a', 0x80, 'c', 0, 0, 0 };
	uint8_t empty[] = { HDR, 37, 1, 0, 0, 0, 0, 0, 0 };
	uint8_t *cases[] = { ctl, mid_nul, space, high, empty };

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		expect_ok(cases[i], sizeof(ctl));
		assert_false(g_ra.has_captive_portal);
		assert_int_equal(g_ra.ignored, 1);
	}
}

static void test_pref64_plc(void **state)
{
	static const uint8_t plens[] = { 96, 64, 56, 48, 40, 32 };
	uint8_t m[] = {
		HDR, 38, 2, 0, 0,
		0x00, 0x64, 0xff, 0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	struct in6_addr want;

	(void)state;
	for (uint8_t plc = 0; plc < 8; plc++) {
		/* Scaled lifetime 75 -> 600 s. */
		m[18] = (uint8_t)((75 << 3) >> 8);
		m[19] = (uint8_t)((75 << 3) | plc);
		expect_ok(m, sizeof(m));
		if (plc >= 6) {
			assert_false(g_ra.has_pref64);
			assert_int_equal(g_ra.ignored, 1);
			continue;
		}
		assert_true(g_ra.has_pref64);
		assert_int_equal(g_ra.pref64_plen, plens[plc]);
		assert_int_equal(g_ra.pref64_lifetime, 600);
		/* Bits past the prefix length are cleared. */
		memset(&want, 0, sizeof(want));
		memcpy(want.s6_addr, m + 20, plens[plc] / 8);
		assert_memory_equal(&g_ra.pref64, &want, sizeof(want));
	}
}

static void test_pref64_lifetime_and_length(void **state)
{
	uint8_t m[] = { HDR, 38, 2, 0xff, 0xf8, 0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t len3[16 + 24] = { HDR, 38, 3, 0, 0, 0, 0x64 };

	(void)state;
	expect_ok(m, sizeof(m));
	assert_int_equal(g_ra.pref64_lifetime, 8191 * 8);
	assert_int_equal(g_ra.pref64_plen, 96);
	assert_addr(&g_ra.pref64, "64:ff9b::");
	/* RFC 8781 4: a Length other than 2 is ignored, not fatal. */
	expect_ok(len3, sizeof(len3));
	assert_false(g_ra.has_pref64);
	assert_int_equal(g_ra.ignored, 1);
}

/* ---- PvD ID option (RFC 8801 3.1) ---- */

static void test_pvd_hand_written(void **state)
{
	/* H and R set, reserved bits set too; octet 3 0xf5: Delay 5, the
	 * high reserved nibble ignored. The nested header has a junk type,
	 * code and checksum, which must be ignored. Padding is not zero,
	 * which must be ignored too. */
	static const uint8_t m[] = {
		HDR,
		21, 9, 0xbf, 0xf5, 0x00, 0x7b,
		3, 'p', 'v', 'd', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
		0xaa, 0xbb, 0xcc, 0xdd, 0xee,
		1, 2, 0xde, 0xad, 32, 0x98, 0x03, 0x84,
		0, 0, 0x13, 0x88, 0, 0, 0x07, 0xd0,
		PIO(64),
	};
	const struct ra_pvd *pvd = &g_ra.pvd;

	(void)state;
	expect_ok(m, sizeof(m));
	assert_true(g_ra.has_pvd);
	assert_string_equal(pvd->id, "pvd.example");
	assert_true(pvd->h_flag);
	assert_false(pvd->l_flag);
	assert_true(pvd->r_flag);
	assert_int_equal(pvd->delay, 5);
	assert_int_equal(pvd->seq, 123);
	assert_int_equal(pvd->hdr.cur_hop_limit, 32);
	assert_true(pvd->hdr.managed);
	assert_int_equal(pvd->hdr.pref, RA_PREF_LOW);
	assert_int_equal(pvd->hdr.router_lifetime, 900);
	assert_int_equal(pvd->hdr.reachable_ms, 5000);
	assert_int_equal(pvd->hdr.retrans_ms, 2000);
	assert_ptr_equal(ra_effective_header(&g_ra), &pvd->hdr);
	assert_int_equal(g_ra.n_prefixes, 1);
	assert_true(g_ra.prefixes[0].nested);
}

static void test_pvd_without_r(void **state)
{
	static const uint8_t m[] = { HDR, PVD_HEAD(2, 0x40) };

	(void)state;
	expect_ok(m, sizeof(m));
	assert_true(g_ra.has_pvd);
	assert_true(g_ra.pvd.l_flag);
	assert_false(g_ra.pvd.r_flag);
	assert_ptr_equal(ra_effective_header(&g_ra), &g_ra.hdr);
}

static void test_pvd_r_header_does_not_fit(void **state)
{
	static const uint8_t m[] = { HDR, PVD_HEAD(2, 0x20) };
	static const uint8_t half[] = { HDR, PVD_HEAD(3, 0x20), 134, 0, 0, 0, 64, 0, 0, 0 };

	(void)state;
	expect_err(m, sizeof(m), RA_ERR_OPTION_OVERRUN);
	expect_err(half, sizeof(half), RA_ERR_OPTION_OVERRUN);
}

static void test_pvd_in_pvd(void **state)
{
	static const uint8_t m[] = {
		HDR, PVD_HEAD(4, 0),
		21, 2, 0, 0, 0, 0, 1, 'a', 0, 0, 0, 0, 0, 0, 0, 0,
	};

	(void)state;
	expect_err(m, sizeof(m), RA_ERR_NESTED_PVD);
}

static void test_pvd_bad_names(void **state)
{
	static const uint8_t ptr[] = { HDR, 21, 2, 0, 0, 0, 0, 3, 'p', 'v', 'd', 0xc0, 0x0c, 0, 0, 0, 0 };
	static const uint8_t ptr_first[] = { HDR, 21, 1, 0, 0, 0, 0, 0xc0, 0x10 };
	static const uint8_t root[] = { HDR, 21, 1, 0, 0, 0, 0, 0, 0 };
	/* Label 5 with one octet left in the option; the message goes on. */
	static const uint8_t past[] = { HDR, 21, 1, 0, 0, 0, 0, 5, 'a', 'b', 'c', 'd', 'e', 0, 0, 0, 0 };
	static const uint8_t chr[] = { HDR, 21, 2, 0, 0, 0, 0, 3, 'p', ' ', 'd', 0, 0, 0, 0, 0, 0 };

	(void)state;
	expect_err(ptr, sizeof(ptr), RA_ERR_BAD_NAME);
	expect_err(ptr_first, sizeof(ptr_first), RA_ERR_BAD_NAME);
	expect_err(root, sizeof(root), RA_ERR_BAD_NAME);
	expect_err(past, sizeof(past), RA_ERR_BAD_NAME);
	expect_err(chr, sizeof(chr), RA_ERR_BAD_NAME);
}

static void test_pvd_long_label(void **state)
{
	/* 6 + 1 + 64 + 1 = 72 octets, 9 units; 64 = 0x40 is also type 01. */
	uint8_t m[16 + 72] = { HDR, 21, 9, 0, 0, 0, 0, 64 };

	(void)state;
	memset(m + 23, 'a', 64);
	expect_err(m, sizeof(m), RA_ERR_BAD_NAME);
	/* 63 is fine. */
	m[22] = 63;
	m[23 + 63] = 0;
	expect_ok(m, sizeof(m));
	assert_int_equal(strlen(g_ra.pvd.id), 63);
}

static void test_pvd_long_name(void **state)
{
	/* Four 63-octet labels: 257 wire octets; 6 + 257 = 263 -> 264. */
	uint8_t m[16 + 264] = { HDR, 21, 33 };
	uint8_t *p = m + 22;

	(void)state;
	for (int i = 0; i < 4; i++) {
		*p++ = 63;
		memset(p, 'a', 63);
		p += 63;
	}
	*p = 0;
	expect_err(m, sizeof(m), RA_ERR_BAD_NAME);
}

static void test_second_pvd_ignored(void **state)
{
	static const uint8_t m[] = {
		HDR,
		21, 2, 0x80, 0, 0, 1, 3, 'o', 'n', 'e', 0, 0, 0, 0, 0, 0,
		/* Second: nested PIO and even a bad name; all skipped. */
		21, 6, 0x20, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, PIO(64),
		MTU(1500),
	};

	(void)state;
	expect_ok(m, sizeof(m));
	assert_string_equal(g_ra.pvd.id, "one");
	assert_true(g_ra.pvd.h_flag);
	assert_int_equal(g_ra.pvd.seq, 1);
	assert_int_equal(g_ra.n_prefixes, 0);
	assert_int_equal(g_ra.ignored, 1);
	assert_int_equal(g_ra.mtu, 1500);
}

static void test_second_pvd_must_fit(void **state)
{
	static const uint8_t m[] = {
		HDR, PVD_HEAD(2, 0), 21, 3, 0, 0, 0, 0, 1, 'b', 0, 0, 0, 0, 0, 0,
	};

	(void)state;
	expect_err(m, sizeof(m), RA_ERR_OPTION_OVERRUN);
}

/* ---- caps ---- */

static void test_caps(void **state)
{
	static uint8_t m[4096];
	static const char *names[RA_MAX_DNSSL + 1];
	struct in6_addr a[RA_MAX_RDNSS + 1] = { 0 };
	struct ra_prefix p = { .plen = 64 };
	struct ra_route r = { .plen = 48 };
	struct ra_header h = { 0 };
	struct ra_builder b;
	int n;

	(void)state;
	for (size_t i = 0; i <= RA_MAX_DNSSL; i++)
		names[i] = "x.example";
	ra_build_init(&b, m, sizeof(m));
	ra_build_header(&b, &h);
	for (size_t i = 0; i <= RA_MAX_PREFIXES; i++)
		ra_build_prefix(&b, &p);
	for (size_t i = 0; i <= RA_MAX_ROUTES; i++)
		ra_build_route(&b, &r);
	ra_build_rdnss(&b, a, RA_MAX_RDNSS + 1, 60);
	assert_int_equal(ra_build_dnssl(&b, names, RA_MAX_DNSSL + 1, 60), 0);
	n = ra_build_finish(&b);
	assert_true(n > 0);
	expect_ok(m, (size_t)n);
	assert_int_equal(g_ra.n_prefixes, RA_MAX_PREFIXES);
	assert_int_equal(g_ra.n_routes, RA_MAX_ROUTES);
	assert_int_equal(g_ra.n_rdnss, RA_MAX_RDNSS);
	assert_int_equal(g_ra.n_dnssl, RA_MAX_DNSSL);
	assert_int_equal(g_ra.ignored, 4);
}

/* ---- full round trip through the builder ---- */

static int build_full(uint8_t *m, size_t cap)
{
	static const uint8_t mac[] = { 0x02, 0, 0, 0, 0, 1 };
	static const char *const dnssl[] = { "corp.example.com", "example.org." };
	static const char *const dnssl_in[] = { "pvd.example.com" };
	struct ra_header h = { .cur_hop_limit = 64, .managed = true, .other = true,
			       .pref = RA_PREF_HIGH, .router_lifetime = 1800,
			       .reachable_ms = 30000, .retrans_ms = 1000 };
	struct ra_header nh = { .cur_hop_limit = 255, .proxy = true, .home_agent = true,
				.pref = RA_PREF_LOW, .router_lifetime = 900 };
	struct ra_prefix p = { .prefix = addr("2001:db8:1::"), .plen = 64, .onlink = true,
			       .autonomous = true, .valid = 86400, .preferred = 14400 };
	struct ra_prefix np = { .prefix = addr("2001:db8:cafe::"), .plen = 56,
				.router_addr = true, .valid = RA_INFINITY, .preferred = 0 };
	struct ra_route r = { .prefix = addr("2001:db8:2::"), .plen = 48,
			      .pref = RA_PREF_HIGH, .lifetime = 600 };
	struct ra_route nr = { .prefix = addr("2001:db8:3::1"), .plen = 128,
			       .pref = RA_PREF_LOW, .lifetime = 60 };
	struct in6_addr dns[2] = { addr("2001:db8::53"), addr("2001:db8::54") };
	struct in6_addr ndns = addr("fd00::53");
	struct in6_addr n64 = addr("64:ff9b::");
	struct ra_pvd pvd = { .id = "pvd.example.com", .h_flag = true, .l_flag = true,
			      .delay = 5, .seq = 123 };
	struct ra_builder b;

	ra_build_init(&b, m, cap);
	ra_build_header(&b, &h);
	ra_build_slla(&b, mac, sizeof(mac));
	ra_build_mtu(&b, 1500);
	ra_build_prefix(&b, &p);
	ra_build_route(&b, &r);
	ra_build_rdnss(&b, dns, 2, 300);
	assert_int_equal(ra_build_dnssl(&b, dnssl, 2, 600), 0);
	ra_build_captive_portal(&b, "https://portal.example.net/api");
	assert_int_equal(ra_build_pref64(&b, &n64, 96, 600), 0);
	assert_int_equal(ra_build_pvd_begin(&b, &pvd, &nh), 0);
	ra_build_prefix(&b, &np);
	ra_build_route(&b, &nr);
	ra_build_mtu(&b, 1400);
	ra_build_rdnss(&b, &ndns, 1, 120);
	assert_int_equal(ra_build_dnssl(&b, dnssl_in, 1, 120), 0);
	assert_int_equal(ra_build_pvd_end(&b), 0);
	return ra_build_finish(&b);
}

static void check_full_outer(void)
{
	const struct ra *ra = &g_ra;

	assert_int_equal(ra->hdr.cur_hop_limit, 64);
	assert_true(ra->hdr.managed && ra->hdr.other);
	assert_int_equal(ra->hdr.pref, RA_PREF_HIGH);
	assert_int_equal(ra->hdr.router_lifetime, 1800);
	assert_true(ra->has_slla);
	assert_int_equal(ra->slla_len, 6);
	assert_int_equal(ra->slla[5], 1);
	assert_true(ra->has_captive_portal);
	assert_string_equal(ra->captive_portal, "https://portal.example.net/api");
	assert_true(ra->has_pref64);
	assert_int_equal(ra->pref64_plen, 96);
	assert_int_equal(ra->pref64_lifetime, 600);
	assert_addr(&ra->pref64, "64:ff9b::");
	assert_int_equal(ra->ignored, 0);
}

static void check_full_pvd(void)
{
	const struct ra_pvd *pvd = &g_ra.pvd;

	assert_true(g_ra.has_pvd);
	assert_string_equal(pvd->id, "pvd.example.com");
	assert_true(pvd->h_flag && pvd->l_flag && pvd->r_flag);
	assert_int_equal(pvd->delay, 5);
	assert_int_equal(pvd->seq, 123);
	assert_int_equal(pvd->hdr.cur_hop_limit, 255);
	assert_true(pvd->hdr.proxy && pvd->hdr.home_agent);
	assert_false(pvd->hdr.managed);
	assert_int_equal(pvd->hdr.pref, RA_PREF_LOW);
	assert_int_equal(pvd->hdr.router_lifetime, 900);
	assert_ptr_equal(ra_effective_header(&g_ra), &pvd->hdr);
	assert_true(g_ra.has_mtu);
	assert_int_equal(g_ra.mtu, 1400);   /* nested overrides outer */
}

static void check_full_lists(void)
{
	const struct ra *ra = &g_ra;

	assert_int_equal(ra->n_prefixes, 2);
	assert_false(ra->prefixes[0].nested);
	assert_true(ra->prefixes[0].onlink && ra->prefixes[0].autonomous);
	assert_true(ra->prefixes[1].nested);
	assert_true(ra->prefixes[1].router_addr);
	assert_int_equal(ra->prefixes[1].plen, 56);
	assert_int_equal(ra->prefixes[1].valid, RA_INFINITY);
	assert_addr(&ra->prefixes[1].prefix, "2001:db8:cafe::");
	assert_int_equal(ra->n_routes, 2);
	assert_false(ra->routes[0].nested);
	assert_int_equal(ra->routes[0].pref, RA_PREF_HIGH);
	assert_true(ra->routes[1].nested);
	assert_int_equal(ra->routes[1].plen, 128);
	assert_addr(&ra->routes[1].prefix, "2001:db8:3::1");
	assert_int_equal(ra->n_rdnss, 3);
	assert_false(ra->rdnss[1].nested);
	assert_addr(&ra->rdnss[1].addr, "2001:db8::54");
	assert_true(ra->rdnss[2].nested);
	assert_int_equal(ra->rdnss[2].lifetime, 120);
	assert_int_equal(ra->n_dnssl, 3);
	assert_string_equal(ra->dnssl[0].name, "corp.example.com");
	assert_string_equal(ra->dnssl[1].name, "example.org");
	assert_false(ra->dnssl[1].nested);
	assert_string_equal(ra->dnssl[2].name, "pvd.example.com");
	assert_true(ra->dnssl[2].nested);
}

static void test_full_round_trip(void **state)
{
	static uint8_t m[1280];
	int n;

	(void)state;
	n = build_full(m, sizeof(m));
	assert_true(n > 0);
	expect_ok(m, (size_t)n);
	check_full_outer();
	check_full_pvd();
	check_full_lists();
	/* Every proper prefix of a valid RA is either a shorter valid RA
	 * (cut on an option boundary) or rejected; never a crash. */
	for (int i = 0; i < n; i++)
		(void)ra_parse(m, (size_t)i, &g_ra, NULL);
}

/* ---- error names ---- */

static void test_error_names(void **state)
{
	static const char *const want[RA_ERR__MAX] = {
		"ok", "truncated", "bad-code", "zero-length", "option-overrun",
		"bad-option-length", "bad-prefix-length", "nested-pvd",
		"bad-name", "too-many-options",
	};

	(void)state;
	for (int e = 0; e < RA_ERR__MAX; e++) {
		assert_non_null(ra_error_name((enum ra_error)e));
		assert_string_equal(ra_error_name((enum ra_error)e), want[e]);
	}
	assert_string_equal(ra_error_name(RA_ERR__MAX), "unknown");
	assert_string_equal(ra_error_name((enum ra_error)-1), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_header_flags_and_pref),
		cmocka_unit_test(test_bad_type_or_code),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_truncated_option_header),
		cmocka_unit_test(test_zero_length_top),
		cmocka_unit_test(test_zero_length_nested),
		cmocka_unit_test(test_overrun_top),
		cmocka_unit_test(test_overrun_container),
		cmocka_unit_test(test_unknown_options_skipped),
		cmocka_unit_test(test_too_many_options),
		cmocka_unit_test(test_too_many_options_nested),
		cmocka_unit_test(test_slla),
		cmocka_unit_test(test_slla_long),
		cmocka_unit_test(test_pio),
		cmocka_unit_test(test_pio_masked),
		cmocka_unit_test(test_pio_plen_129),
		cmocka_unit_test(test_pio_wrong_length),
		cmocka_unit_test(test_mtu),
		cmocka_unit_test(test_mtu_nested_overrides),
		cmocka_unit_test(test_rio),
		cmocka_unit_test(test_rio_prf_reserved_ignored),
		cmocka_unit_test(test_rio_length_consistency),
		cmocka_unit_test(test_rio_fatal),
		cmocka_unit_test(test_rdnss),
		cmocka_unit_test(test_dnr),
		cmocka_unit_test(test_rdnss_bad_length),
		cmocka_unit_test(test_dnssl),
		cmocka_unit_test(test_dnssl_bad_name_ignored),
		cmocka_unit_test(test_dnssl_bad_length),
		cmocka_unit_test(test_captive_portal),
		cmocka_unit_test(test_captive_portal_bad),
		cmocka_unit_test(test_pref64_plc),
		cmocka_unit_test(test_pref64_lifetime_and_length),
		cmocka_unit_test(test_pvd_hand_written),
		cmocka_unit_test(test_pvd_without_r),
		cmocka_unit_test(test_pvd_r_header_does_not_fit),
		cmocka_unit_test(test_pvd_in_pvd),
		cmocka_unit_test(test_pvd_bad_names),
		cmocka_unit_test(test_pvd_long_label),
		cmocka_unit_test(test_pvd_long_name),
		cmocka_unit_test(test_second_pvd_ignored),
		cmocka_unit_test(test_second_pvd_must_fit),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_full_round_trip),
		cmocka_unit_test(test_error_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

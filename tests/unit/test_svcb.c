/* SPDX-License-Identifier: MIT */
/*
 * DDR (RFC 9462, src/proto/svcb.c) from byte vectors: SVCB RDATA (RFC 9460
 * section 2.2) with alpn, port and hints; records a client must not use
 * (AliasMode, the root TargetName, an unknown mandatory key); malformed
 * ones; whole answers to `_dns.resolver.arpa` SVCB with the Additional
 * section's addresses, NODATA, several records by priority, and a record
 * for another name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "proto/dnr.h"
#include "proto/dns.h"
#include "proto/svcb.h"

/* "dns.example.net" in wire form: 17 octets. */
#define TARGET 3, 'd', 'n', 's', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0
/* alpn=dot, port=853, ipv6hint=2001:db8:1::53: 4+4 + 4+2 + 4+16 = 34 octets */
#define PARAMS 0, 1, 0, 4, 3, 'd', 'o', 't', 0, 3, 0, 2, 0x03, 0x55, \
	0, 6, 0, 16, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53

static const uint8_t rd_ok[] = { 0, 1, TARGET, PARAMS };

static void test_rdata(void **state)
{
	struct svcb_resolver r;
	char a[INET6_ADDRSTRLEN];

	(void)state;
	assert_int_equal(svcb_parse_rdata(rd_ok, sizeof(rd_ok), &r), 0);
	assert_int_equal(r.priority, 1);
	assert_string_equal(r.target, "dns.example.net");
	assert_int_equal(r.alpn, DNR_ALPN_DOT);
	assert_int_equal(r.port, 853);
	assert_int_equal(r.n_addrs, 1);
	inet_ntop(AF_INET6, &r.addrs[0], a, sizeof(a));
	assert_string_equal(a, "2001:db8:1::53");
}

static void test_rdata_v4hint_mandatory(void **state)
{
	/* mandatory=alpn, alpn=dot, ipv4hint=192.0.2.53,192.0.2.54 */
	static const uint8_t rd[] = { 0, 2, TARGET, 0, 0, 0, 2, 0, 1, 0, 1, 0, 4, 3, 'd', 'o', 't',
				      0, 4, 0, 8, 192, 0, 2, 53, 192, 0, 2, 54 };
	struct svcb_resolver r;
	char a[INET6_ADDRSTRLEN];

	(void)state;
	assert_int_equal(svcb_parse_rdata(rd, sizeof(rd), &r), 0);
	assert_int_equal(r.n_addrs, 2);
	inet_ntop(AF_INET6, &r.addrs[1], a, sizeof(a));
	assert_string_equal(a, "::ffff:192.0.2.54");
	assert_int_equal(r.port, 0);
}

static void test_rdata_unusable(void **state)
{
	static const uint8_t alias[] = { 0, 0, TARGET };
	static const uint8_t root[] = { 0, 1, 0, 0, 1, 0, 4, 3, 'd', 'o', 't' };
	/* mandatory=key 65000, which is present: well formed, not understood. */
	static const uint8_t mand[] = { 0, 1, TARGET, 0, 0, 0, 2, 0xfd, 0xe8,
					0, 1, 0, 4, 3, 'd', 'o', 't', 0xfd, 0xe8, 0, 0 };
	struct svcb_resolver r = { .priority = 77 };

	(void)state;
	assert_int_equal(svcb_parse_rdata(alias, sizeof(alias), &r), -ENOTSUP);
	assert_int_equal(svcb_parse_rdata(root, sizeof(root), &r), -ENOTSUP);
	assert_int_equal(svcb_parse_rdata(mand, sizeof(mand), &r), -ENOTSUP);
	assert_int_equal(r.priority, 77);
}

static void test_rdata_malformed(void **state)
{
	/* Keys out of order (port before alpn). */
	static const uint8_t order[] = { 0, 1, TARGET, 0, 3, 0, 2, 3, 0x55,
					 0, 1, 0, 4, 3, 'd', 'o', 't' };
	/* ipv6hint of 15 octets. */
	static const uint8_t hint[] = { 0, 1, TARGET, 0, 6, 0, 15, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0,
					0, 0, 0, 0, 0, 0, 0 };
	/* mandatory naming a key the record lacks, and mandatory listing 0. */
	static const uint8_t absent[] = { 0, 1, TARGET, 0, 0, 0, 2, 0, 3,
					  0, 1, 0, 4, 3, 'd', 'o', 't' };
	static const uint8_t self[] = { 0, 1, TARGET, 0, 0, 0, 2, 0, 0 };
	/* A compressed TargetName (RFC 9460 2.2: uncompressed). */
	static const uint8_t comp[] = { 0, 1, 0xc0, 12 };
	struct svcb_resolver r = { .priority = 77 };

	(void)state;
	assert_int_equal(svcb_parse_rdata(order, sizeof(order), &r), -EBADMSG);
	assert_int_equal(svcb_parse_rdata(hint, sizeof(hint), &r), -EBADMSG);
	assert_int_equal(svcb_parse_rdata(absent, sizeof(absent), &r), -EBADMSG);
	assert_int_equal(svcb_parse_rdata(self, sizeof(self), &r), -EBADMSG);
	assert_int_equal(svcb_parse_rdata(comp, sizeof(comp), &r), -EBADMSG);
	assert_int_equal(r.priority, 77);
	/* Every truncation of a good record: malformed, except where it
	 * ends between SvcParams (no params, alpn only, alpn and port). */
	for (size_t n = 0; n < sizeof(rd_ok); n++)
		assert_int_equal(svcb_parse_rdata(rd_ok, n, &r),
				 n == 19 || n == 27 || n == 33 ? 0 : -EBADMSG);
}

/* An answer: header, question _dns.resolver.arpa SVCB, then sections. */
#define HDR(an, ar) 0x12, 0x34, 0x81, 0x80, 0, 1, 0, an, 0, 0, 0, ar
#define QNAME 4, '_', 'd', 'n', 's', 8, 'r', 'e', 's', 'o', 'l', 'v', 'e', 'r', \
	4, 'a', 'r', 'p', 'a', 0
#define QUESTION QNAME, 0, 64, 0, 1
/* The answer's owner as a pointer to the question (offset 12). */
#define SVCB_RR(ttl, len) 0xc0, 12, 0, 64, 0, 1, 0, 0, 0, ttl, 0, len

static void test_answer(void **state)
{
	static const uint8_t m[] = {
		HDR(2, 1), QUESTION,
		/* priority 2: doh only (no "dot"), 2+17+7 = 26 */
		SVCB_RR(60, 26), 0, 2, TARGET, 0, 1, 0, 3, 2, 'h', '2',
		/* priority 1: DoT, 2+17+34 = 53 */
		SVCB_RR(30, 53), 0, 1, TARGET, PARAMS,
		/* Additional: dns.example.net AAAA 2001:db8:1::853 */
		TARGET, 0, 28, 0, 1, 0, 0, 0, 30, 0, 16,
		0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x53,
	};
	struct svcb_resolver r[4];
	size_t n = 9;
	char a[INET6_ADDRSTRLEN];

	(void)state;
	assert_int_equal(ddr_parse_answer(m, sizeof(m), r, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].priority, 1);
	assert_int_equal(r[0].alpn, DNR_ALPN_DOT);
	assert_int_equal(r[0].ttl, 30);
	assert_int_equal(r[0].n_addrs, 2);   /* the hint, then the Additional AAAA */
	inet_ntop(AF_INET6, &r[0].addrs[1], a, sizeof(a));
	assert_string_equal(a, "2001:db8:1::853");
	assert_int_equal(r[1].priority, 2);
	assert_int_equal(r[1].alpn, DNR_ALPN_H2);
	/* A cap of one keeps the lowest priority. */
	assert_int_equal(ddr_parse_answer(m, sizeof(m), r, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].priority, 1);
	/* Cut anywhere: -EBADMSG, never a crash. */
	for (size_t k = 12; k < sizeof(m); k++)
		assert_int_equal(ddr_parse_answer(m, k, r, 4, &n), -EBADMSG);
}

static void test_answer_nodata_other(void **state)
{
	static const uint8_t nodata[] = { HDR(0, 0), QUESTION };
	/* An SVCB record for _dns.example.net: not a designation. */
	static const uint8_t other[] = {
		HDR(1, 0), QUESTION,
		4, '_', 'd', 'n', 's', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0,
		0, 64, 0, 1, 0, 0, 0, 30, 0, 53, 0, 1, TARGET, PARAMS,
	};
	/* One malformed SVCB record spoils the answer. */
	static const uint8_t bad[] = { HDR(1, 0), QUESTION, SVCB_RR(30, 5), 0, 1, 3, 'd', 'n' };
	struct svcb_resolver r[2];
	size_t n = 9;

	(void)state;
	assert_int_equal(ddr_parse_answer(nodata, sizeof(nodata), r, 2, &n), 0);
	assert_int_equal(n, 0);
	n = 9;
	assert_int_equal(ddr_parse_answer(other, sizeof(other), r, 2, &n), 0);
	assert_int_equal(n, 0);
	n = 9;
	assert_int_equal(ddr_parse_answer(bad, sizeof(bad), r, 2, &n), -EBADMSG);
	assert_int_equal(n, 9);
}

static void test_query(void **state)
{
	uint8_t q[128];
	struct dns_question dq;
	int n;

	(void)state;
	n = ddr_build_query(q, sizeof(q), 0x4242);
	assert_true(n > 0);
	assert_int_equal(dns_parse_question(q, (size_t)n, &dq, NULL), 0);
	assert_string_equal(dq.name, "_dns.resolver.arpa");
	assert_int_equal(dq.qtype, SVCB_TYPE);
	assert_true(dns_hdr_rd(q));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rdata),
		cmocka_unit_test(test_rdata_v4hint_mandatory),
		cmocka_unit_test(test_rdata_unusable),
		cmocka_unit_test(test_rdata_malformed),
		cmocka_unit_test(test_answer),
		cmocka_unit_test(test_answer_nodata_other),
		cmocka_unit_test(test_query),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

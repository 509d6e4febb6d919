/* SPDX-License-Identifier: MIT */
/* The per-PvD DNS cache: hits with aged TTLs and the client's ID and case,
 * expiry, negative answers (RFC 2308), what must not be cached, eviction
 * by second chance, and size bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "daemon/dns/dnscache.h"

/* An answer to NAME/A: one A record (TTL ttl), or NXDOMAIN with an SOA in
 * the authority section (TTL ttl, MINIMUM minimum). */
static size_t answer(uint8_t *buf, const char *name, uint16_t id, bool nx, uint32_t ttl,
		     uint32_t minimum, uint8_t flags3)
{
	int n = dns_build_query(buf, 512, id, name, DNS_TYPE_A, true, 0);
	uint8_t *p;

	assert_true(n > 0);
	buf[2] |= 0x80;                          /* QR */
	buf[3] = (uint8_t)(0x80 | (nx ? 3 : 0) | flags3);   /* RA, rcode */
	p = buf + n;
	if (!nx) {
		buf[7] = 1;                      /* ANCOUNT */
		const uint8_t rr[] = { 0xc0, 12, 0, 1, 0, 1, (uint8_t)(ttl >> 24), (uint8_t)(ttl >> 16),
				       (uint8_t)(ttl >> 8), (uint8_t)ttl, 0, 4, 192, 0, 2, 7 };
		memcpy(p, rr, sizeof(rr));
		return (size_t)n + sizeof(rr);
	}
	buf[9] = 1;                              /* NSCOUNT: the SOA */
	const uint8_t soa[] = { 0xc0, 12, 0, 6, 0, 1, (uint8_t)(ttl >> 24), (uint8_t)(ttl >> 16),
				(uint8_t)(ttl >> 8), (uint8_t)ttl, 0, 22,
				0, 0,                  /* MNAME ".", RNAME "." */
				0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4,
				(uint8_t)(minimum >> 24), (uint8_t)(minimum >> 16),
				(uint8_t)(minimum >> 8), (uint8_t)minimum };
	memcpy(p, soa, sizeof(soa));
	return (size_t)n + sizeof(soa);
}

static void question(const uint8_t *msg, size_t len, struct dns_question *q)
{
	assert_int_equal(dns_parse_question(msg, len, q, NULL), 0);
}

static uint32_t ttl_at(const uint8_t *msg, size_t off)
{
	return (uint32_t)msg[off] << 24 | (uint32_t)msg[off + 1] << 16 |
	       (uint32_t)msg[off + 2] << 8 | msg[off + 3];
}

static void test_hit_aged_and_expired(void **state)
{
	struct dns_cache *c = dns_cache_new(16, 1 << 20, 86400, 3600);
	uint8_t a[512], qry[512], out[512];
	size_t n = answer(a, "www.example.com", 1, false, 300, 0, 0);
	int qn = dns_build_query(qry, sizeof(qry), 0xbeef, "WwW.ExAmple.COM", DNS_TYPE_A, true, 0);
	struct dns_question q;
	int r;

	question(a, n, &q);
	assert_int_equal(dns_cache_put(c, &q, a, n, 1000), 0);
	question(qry, (size_t)qn, &q);       /* a 0x20-randomised client query */
	r = dns_cache_get(c, &q, qry, (size_t)qn, 1000, out, sizeof(out));
	assert_int_equal(r, (int)n);
	assert_int_equal(out[0], 0xbe);      /* the client's ID */
	assert_int_equal(out[1], 0xef);
	assert_memory_equal(out + 12, qry + 12, (size_t)qn - 12);   /* and its case */
	assert_int_equal(ttl_at(out, n - 10), 300);
	r = dns_cache_get(c, &q, qry, (size_t)qn, 1100, out, sizeof(out));
	assert_int_equal(ttl_at(out, n - 10), 200);
	assert_int_equal(dns_cache_get(c, &q, qry, (size_t)qn, 1300, out, sizeof(out)), -ENOENT);
	assert_int_equal(dns_cache_stats(c)->hits, 2);
	assert_int_equal(dns_cache_stats(c)->expired, 1);
	assert_int_equal(dns_cache_stats(c)->entries, 0);
	dns_cache_free(c);
}

/* RFC 8767: past its TTL an entry is a miss, but served stale (TTL 30)
 * until max_stale seconds past its expiry, then gone. */
static void test_stale(void **state)
{
	struct dns_cache *c = dns_cache_new(16, 1 << 20, 86400, 3600);
	uint8_t a[512], qry[512], out[512];
	size_t n = answer(a, "www.example.com", 1, false, 300, 0, 0);
	int qn = dns_build_query(qry, sizeof(qry), 0x4242, "WWW.example.com", DNS_TYPE_A, true, 0);
	struct dns_question q;

	(void)state;
	dns_cache_set_max_stale(c, 600);
	question(a, n, &q);
	assert_int_equal(dns_cache_put(c, &q, a, n, 1000), 0);
	question(qry, (size_t)qn, &q);
	/* Fresh: no stale answer. */
	assert_int_equal(dns_cache_get_stale(c, &q, qry, (size_t)qn, 1100, out, sizeof(out)),
			 -ENOENT);
	/* Expired: a miss, still there for stale. */
	assert_int_equal(dns_cache_get(c, &q, qry, (size_t)qn, 1300, out, sizeof(out)), -ENOENT);
	assert_int_equal(dns_cache_stats(c)->entries, 1);
	assert_int_equal(dns_cache_get_stale(c, &q, qry, (size_t)qn, 1300, out, sizeof(out)),
			 (int)n);
	assert_int_equal(ttl_at(out, n - 10), DNS_CACHE_STALE_TTL);
	assert_int_equal(out[0], 0x42);
	assert_memory_equal(out + 12, qry + 12, (size_t)qn - 12);
	assert_int_equal(dns_cache_get_stale(c, &q, qry, (size_t)qn, 1899, out, sizeof(out)),
			 (int)n);
	assert_int_equal(dns_cache_stats(c)->stale, 2);
	/* max_stale past expiry (1300 + 600): gone. */
	assert_int_equal(dns_cache_get_stale(c, &q, qry, (size_t)qn, 1900, out, sizeof(out)),
			 -ENOENT);
	assert_int_equal(dns_cache_stats(c)->entries, 0);
	/* A fresh answer replaces the stale one. */
	question(a, n, &q);
	assert_int_equal(dns_cache_put(c, &q, a, n, 2000), 0);
	question(qry, (size_t)qn, &q);
	assert_int_equal(dns_cache_get(c, &q, qry, (size_t)qn, 2010, out, sizeof(out)), (int)n);
	assert_int_equal(ttl_at(out, n - 10), 290);
	/* Without max_stale: removed at expiry, nothing stale. */
	dns_cache_set_max_stale(c, 0);
	assert_int_equal(dns_cache_get(c, &q, qry, (size_t)qn, 2300, out, sizeof(out)), -ENOENT);
	assert_int_equal(dns_cache_get_stale(c, &q, qry, (size_t)qn, 2300, out, sizeof(out)),
			 -ENOENT);
	assert_int_equal(dns_cache_stats(c)->entries, 0);
	dns_cache_free(c);
}

static void test_keys(void **state)
{
	struct dns_cache *c = dns_cache_new(16, 1 << 20, 86400, 3600);
	uint8_t a[512], qry[512], out[512];
	size_t n = answer(a, "a.example", 1, false, 60, 0, 0);
	struct dns_question q;
	int qn;

	question(a, n, &q);
	assert_int_equal(dns_cache_put(c, &q, a, n, 0), 0);
	qn = dns_build_query(qry, sizeof(qry), 2, "a.example", DNS_TYPE_AAAA, true, 0);
	question(qry, (size_t)qn, &q);
	assert_int_equal(dns_cache_get(c, &q, qry, (size_t)qn, 1, out, sizeof(out)), -ENOENT);
	qn = dns_build_query(qry, sizeof(qry), 2, "b.example", DNS_TYPE_A, true, 0);
	question(qry, (size_t)qn, &q);
	assert_int_equal(dns_cache_get(c, &q, qry, (size_t)qn, 1, out, sizeof(out)), -ENOENT);
	assert_int_equal(dns_cache_stats(c)->misses, 2);
	/* Too small a buffer is not a miss. */
	qn = dns_build_query(qry, sizeof(qry), 2, "a.example", DNS_TYPE_A, true, 0);
	question(qry, (size_t)qn, &q);
	assert_int_equal(dns_cache_get(c, &q, qry, (size_t)qn, 1, out, 10), -ENOSPC);
	/* The same key again replaces, not duplicates. */
	assert_int_equal(dns_cache_put(c, &q, a, n, 5), 0);
	assert_int_equal(dns_cache_stats(c)->entries, 1);
	dns_cache_flush(c);
	assert_int_equal(dns_cache_stats(c)->entries, 0);
	assert_int_equal(dns_cache_stats(c)->bytes, 0);
	dns_cache_free(c);
}

/* RFC 2308 section 5: min(SOA TTL, SOA MINIMUM), then our own cap. */
static void test_negative(void **state)
{
	struct dns_cache *c = dns_cache_new(16, 1 << 20, 86400, 30);
	uint8_t a[512], out[512];
	size_t n = answer(a, "nope.example", 1, true, 900, 60, 0);
	struct dns_question q;

	question(a, n, &q);
	assert_int_equal(dns_cache_put(c, &q, a, n, 0), 0);
	assert_true(dns_cache_get(c, &q, a, n, 29, out, sizeof(out)) > 0);
	assert_int_equal(out[3] & 0x0f, 3);                      /* still NXDOMAIN */
	assert_int_equal(dns_cache_get(c, &q, a, n, 30, out, sizeof(out)), -ENOENT);
	dns_cache_free(c);
}

static void test_uncacheable(void **state)
{
	struct dns_cache *c = dns_cache_new(16, 1 << 20, 86400, 3600);
	uint8_t a[512];
	struct dns_question q;
	size_t n;

	n = answer(a, "tc.example", 1, false, 60, 0, 0);
	question(a, n, &q);
	a[2] |= 0x02;                                            /* TC */
	assert_int_equal(dns_cache_put(c, &q, a, n, 0), -EINVAL);
	n = answer(a, "sf.example", 1, false, 60, 0, 0);
	a[3] = (uint8_t)((a[3] & 0xf0) | 2);                     /* SERVFAIL */
	question(a, n, &q);
	assert_int_equal(dns_cache_put(c, &q, a, n, 0), -EINVAL);
	n = answer(a, "zero.example", 1, false, 0, 0, 0);        /* TTL 0 */
	question(a, n, &q);
	assert_int_equal(dns_cache_put(c, &q, a, n, 0), -EINVAL);
	n = answer(a, "short.example", 1, false, 60, 0, 0);
	question(a, n, &q);
	assert_int_equal(dns_cache_put(c, &q, a, n - 3, 0), -EBADMSG);
	assert_int_equal(dns_cache_stats(c)->uncacheable, 4);
	assert_int_equal(dns_cache_stats(c)->entries, 0);
	dns_cache_free(c);
}

static void test_lru_and_bytes(void **state)
{
	struct dns_cache *c = dns_cache_new(2, 1 << 20, 86400, 3600);
	const char *names[] = { "a.example", "b.example", "c.example" };
	struct dns_question q[3];
	uint8_t a[3][512], out[512];
	size_t n[3];

	for (int i = 0; i < 3; i++) {
		n[i] = answer(a[i], names[i], 1, false, 600, 0, 0);
		question(a[i], n[i], &q[i]);
	}
	assert_int_equal(dns_cache_put(c, &q[0], a[0], n[0], 0), 0);
	assert_int_equal(dns_cache_put(c, &q[1], a[1], n[1], 0), 0);
	assert_true(dns_cache_get(c, &q[0], a[0], n[0], 1, out, sizeof(out)) > 0);   /* a used */
	assert_int_equal(dns_cache_put(c, &q[2], a[2], n[2], 2), 0);                 /* b out */
	assert_int_equal(dns_cache_get(c, &q[1], a[1], n[1], 3, out, sizeof(out)), -ENOENT);
	assert_true(dns_cache_get(c, &q[0], a[0], n[0], 3, out, sizeof(out)) > 0);
	assert_true(dns_cache_get(c, &q[2], a[2], n[2], 3, out, sizeof(out)) > 0);
	assert_int_equal(dns_cache_stats(c)->evictions, 1);
	dns_cache_free(c);
	/* An answer bigger than the whole byte budget is refused. */
	c = dns_cache_new(2, 64, 86400, 3600);
	assert_int_equal(dns_cache_put(c, &q[0], a[0], n[0], 0), -EINVAL);
	dns_cache_free(c);
	assert_null(dns_cache_new(0, 100, 1, 1));
}

/* Second chance: of entries all used since the hand last passed, the
 * oldest goes after one sweep; one not used goes before any used one; a
 * byte budget evicts as many as it takes and never the new entry. */
static void test_second_chance(void **state)
{
	struct dns_cache *c = dns_cache_new(3, 1 << 20, 86400, 3600);
	char names[6][16];
	struct dns_question q[6];
	uint8_t a[6][512], out[512];
	size_t n[6];
	size_t one;

	(void)state;
	for (int i = 0; i < 6; i++) {
		snprintf(names[i], sizeof(names[i]), "n%d.example", i);
		n[i] = answer(a[i], names[i], 1, false, 600, 0, 0);
		question(a[i], n[i], &q[i]);
	}
	for (int i = 0; i < 3; i++)
		assert_int_equal(dns_cache_put(c, &q[i], a[i], n[i], 0), 0);
	for (int i = 0; i < 3; i++)
		assert_true(dns_cache_get(c, &q[i], a[i], n[i], 1, out, sizeof(out)) > 0);
	assert_int_equal(dns_cache_put(c, &q[3], a[3], n[3], 2), 0);       /* n0 out */
	assert_int_equal(dns_cache_get(c, &q[0], a[0], n[0], 2, out, sizeof(out)), -ENOENT);
	/* n1 and n2 had their flags cleared by that sweep; n1 used again. */
	assert_true(dns_cache_get(c, &q[1], a[1], n[1], 2, out, sizeof(out)) > 0);
	assert_int_equal(dns_cache_put(c, &q[4], a[4], n[4], 3), 0);       /* n2 out */
	assert_int_equal(dns_cache_get(c, &q[2], a[2], n[2], 3, out, sizeof(out)), -ENOENT);
	assert_true(dns_cache_get(c, &q[1], a[1], n[1], 3, out, sizeof(out)) > 0);
	assert_true(dns_cache_get(c, &q[3], a[3], n[3], 3, out, sizeof(out)) > 0);
	assert_true(dns_cache_get(c, &q[4], a[4], n[4], 3, out, sizeof(out)) > 0);
	assert_int_equal(dns_cache_stats(c)->evictions, 2);
	one = dns_cache_stats(c)->bytes / 3;
	dns_cache_free(c);
	/* A byte budget of two and a half entries: a third goes in although
	 * both others were used, and the oldest goes out after one sweep. */
	c = dns_cache_new(100, 2 * one + one / 2, 86400, 3600);
	assert_int_equal(dns_cache_put(c, &q[0], a[0], n[0], 0), 0);
	assert_int_equal(dns_cache_put(c, &q[1], a[1], n[1], 0), 0);
	assert_true(dns_cache_get(c, &q[0], a[0], n[0], 0, out, sizeof(out)) > 0);
	assert_true(dns_cache_get(c, &q[1], a[1], n[1], 0, out, sizeof(out)) > 0);
	assert_int_equal(dns_cache_put(c, &q[5], a[5], n[5], 0), 0);
	assert_int_equal(dns_cache_stats(c)->entries, 2);
	assert_true(dns_cache_stats(c)->bytes <= 2 * one + one / 2);
	assert_int_equal(dns_cache_get(c, &q[0], a[0], n[0], 0, out, sizeof(out)), -ENOENT);
	assert_true(dns_cache_get(c, &q[5], a[5], n[5], 0, out, sizeof(out)) > 0);
	dns_cache_free(c);
}

/* RFC 6840 section 5.7: AD goes back only to a query that set it, and
 * is kept from the stored answer whichever query stored it. */
static void test_ad_per_query(void **state)
{
	struct dns_cache *c = dns_cache_new(16, 1 << 20, 86400, 3600);
	uint8_t a[512], qry[512], out[512];
	size_t n = answer(a, "signed.example", 1, false, 300, 0, 0x20);   /* AD */
	struct dns_question q;
	int qn;

	(void)state;
	question(a, n, &q);
	assert_int_equal(dns_cache_put(c, &q, a, n, 0), 0);
	qn = dns_build_query(qry, sizeof(qry), 2, "signed.example", DNS_TYPE_A, true, 0);
	question(qry, (size_t)qn, &q);
	assert_int_equal(dns_cache_get(c, &q, qry, (size_t)qn, 1, out, sizeof(out)), (int)n);
	assert_false(dns_hdr_ad(out));
	dns_hdr_set_ad(qry, true);
	assert_int_equal(dns_cache_get(c, &q, qry, (size_t)qn, 1, out, sizeof(out)), (int)n);
	assert_true(dns_hdr_ad(out));
	/* Stored without AD: a query with AD does not get it. */
	n = answer(a, "signed.example", 1, false, 300, 0, 0);
	assert_int_equal(dns_cache_put(c, &q, a, n, 0), 0);
	assert_int_equal(dns_cache_get(c, &q, qry, (size_t)qn, 1, out, sizeof(out)), (int)n);
	assert_false(dns_hdr_ad(out));
	dns_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_aged_and_expired),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_ad_per_query),
		cmocka_unit_test(test_negative),
		cmocka_unit_test(test_uncacheable),
		cmocka_unit_test(test_lru_and_bytes),
		cmocka_unit_test(test_second_chance),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* Unit tests for proto/addrsel.c: RFC 6724 default address selection with
 * one policy table per PvD, and RFC 7078 OPTION_ADDRSEL payloads. Every
 * rule of sections 5 and 6 is made decisive on its own, then the worked
 * examples of section 10 are run as the RFC writes them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "proto/addrsel.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* An IPv6 address, or an IPv4 one as ::ffff:a.b.c.d. */
static struct in6_addr A(const char *s)
{
	struct in6_addr a;
	struct in_addr v4;

	if (inet_pton(AF_INET6, s, &a) == 1)
		return a;
	assert_int_equal(inet_pton(AF_INET, s, &v4), 1);
	addr_v4_mapped(v4, &a);
	return a;
}

/* A candidate on interface 1: a /64 for IPv6, a /24 for IPv4 (/16 for
 * 169.254), as a host would have them. */
static struct addrsel_source S(const char *s, unsigned flags)
{
	struct addrsel_source x = { .addr = A(s), .plen = 64, .ifindex = 1,
				    .flags = flags };

	if (addrsel_is_v4(&x.addr))
		x.plen = x.addr.s6_addr[12] == 169 ? 112 : 120;
	return x;
}

static struct addrsel_dest D(const char *s)
{
	return (struct addrsel_dest){ .addr = A(s) };
}

static void assert_addr(const struct in6_addr *a, const char *want)
{
	struct in6_addr w = A(want);

	if (memcmp(a, &w, sizeof(w)) != 0) {
		char buf[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, a, buf, sizeof(buf));
		fail_msg("got %s, want %s", buf, want);
	}
}

static struct addrsel_table deftab(void)
{
	struct addrsel_table t;

	addrsel_table_default(&t);
	return t;
}

/* ---- Policy table (RFC 6724 section 2.1) ---- */

static void test_default_table(void **state)
{
	static const struct {
		const char *addr;
		uint32_t prec, label;
	} c[] = {
		{ "::1", 50, 0 },
		{ "2001:db8::1", 40, 1 },          /* not 2001::/32: ::/0 */
		{ "10.1.2.3", 35, 4 },             /* ::ffff:0:0/96 */
		{ "2002:c633:6401::1", 30, 2 },
		{ "2001:0:4136:e378::1", 5, 5 },   /* Teredo */
		{ "fd11:1111:1111::1", 3, 13 },
		{ "fc00::1", 3, 13 },
		{ "::2", 1, 3 },                   /* ::/96, not ::1/128 */
		{ "::10.1.2.3", 1, 3 },            /* IPv4-compatible */
		{ "fec0::1", 1, 11 },
		{ "3ffe::1", 1, 12 },
		{ "fe80::1", 40, 1 },
		{ "ff02::1", 40, 1 },
	};
	struct addrsel_table t = deftab();

	(void)state;
	assert_int_equal(t.n, 9);
	assert_true(t.automatic);
	assert_true(t.prefer_temporary);
	for (size_t i = 0; i < N(c); i++) {
		struct in6_addr a = A(c[i].addr);

		assert_int_equal(addrsel_precedence(&t, &a), c[i].prec);
		assert_int_equal(addrsel_label(&t, &a), c[i].label);
	}
}

static void test_table_add(void **state)
{
	struct addrsel_table t;
	struct in6_addr p = A("2001:db8:1:ffff::"), a = A("2001:db8:1::5");
	const struct addrsel_policy *r;

	(void)state;
	addrsel_table_init(&t);
	assert_null(addrsel_lookup(&t, &a));
	assert_int_equal(addrsel_precedence(&t, &a), 0);
	assert_int_equal(addrsel_label(&t, &a), ADDRSEL_LABEL_NONE);
	assert_int_equal(addrsel_table_add(&t, &p, 129, 1, 1), -EINVAL);
	assert_int_equal(addrsel_table_add(&t, &p, 48, 45, 14), 0);
	r = addrsel_lookup(&t, &a);
	assert_non_null(r);
	assert_addr(&r->prefix, "2001:db8:1::");   /* bits past /48 cleared */
	/* The same prefix again replaces the row. */
	assert_int_equal(addrsel_table_add(&t, &a, 48, 7, 8), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(addrsel_precedence(&t, &a), 7);
	for (unsigned i = 1; i < ADDRSEL_MAX_POLICY; i++) {
		p = A("2001:db8::");
		p.s6_addr[4] = (uint8_t)i;
		assert_int_equal(addrsel_table_add(&t, &p, 40, i, i), 0);
	}
	assert_int_equal(addrsel_table_add(&t, &a, 64, 1, 1), -ENOSPC);
	assert_int_equal(addrsel_table_add(&t, &a, 48, 9, 9), 0);
}

static void test_longest_match(void **state)
{
	struct addrsel_table t = deftab();
	struct in6_addr p = A("2001:db8:1::"), in = A("2001:db8:1:2::3"),
			out = A("2001:db8:2::3");

	(void)state;
	assert_int_equal(addrsel_table_add(&t, &p, 48, 45, 14), 0);
	assert_int_equal(addrsel_label(&t, &in), 14);
	assert_int_equal(addrsel_label(&t, &out), 1);
	/* A /0 row alone matches everything. */
	addrsel_table_init(&t);
	p = A("::");
	assert_int_equal(addrsel_table_add(&t, &p, 0, 40, 1), 0);
	assert_int_equal(addrsel_label(&t, &in), 1);
}

/* ---- Scope, IPv4-mapped addresses, CommonPrefixLen ---- */

static void test_scope(void **state)
{
	static const struct {
		const char *addr;
		unsigned scope;
	} c[] = {
		{ "fe80::1", ADDRSEL_SCOPE_LINK },
		{ "::1", ADDRSEL_SCOPE_LINK },               /* section 3.4 */
		{ "fec0::1", ADDRSEL_SCOPE_SITE },
		{ "2001:db8::1", ADDRSEL_SCOPE_GLOBAL },
		{ "fd11:1111:1111::1", ADDRSEL_SCOPE_GLOBAL }, /* ULAs: global */
		{ "ff01::1", ADDRSEL_SCOPE_INTERFACE },
		{ "ff02::1", ADDRSEL_SCOPE_LINK },
		{ "ff04::1", ADDRSEL_SCOPE_ADMIN },
		{ "ff05::1", ADDRSEL_SCOPE_SITE },
		{ "ff08::1", ADDRSEL_SCOPE_ORG },
		{ "ff1e::1", ADDRSEL_SCOPE_GLOBAL },         /* flags ignored */
		{ "127.0.0.1", ADDRSEL_SCOPE_LINK },         /* section 3.2 */
		{ "127.255.0.9", ADDRSEL_SCOPE_LINK },
		{ "169.254.13.78", ADDRSEL_SCOPE_LINK },
		{ "169.255.0.1", ADDRSEL_SCOPE_GLOBAL },
		{ "10.1.2.3", ADDRSEL_SCOPE_GLOBAL },        /* private: global */
		{ "192.168.1.1", ADDRSEL_SCOPE_GLOBAL },
		{ "198.51.100.121", ADDRSEL_SCOPE_GLOBAL },
	};

	(void)state;
	for (size_t i = 0; i < N(c); i++) {
		struct in6_addr a = A(c[i].addr);

		if (addrsel_scope(&a) != c[i].scope)
			fail_msg("%s: scope %u, want %u", c[i].addr,
				 addrsel_scope(&a), c[i].scope);
	}
}

static void test_v4_mapped(void **state)
{
	struct in_addr v4 = { .s_addr = htonl(0xc6336479) };   /* 198.51.100.121 */
	struct in6_addr a, b = A("2001:db8::1"), c = A("::198.51.100.121");

	(void)state;
	addr_v4_mapped(v4, &a);
	assert_addr(&a, "::ffff:198.51.100.121");
	assert_true(addrsel_is_v4(&a));
	assert_false(addrsel_is_v4(&b));
	assert_false(addrsel_is_v4(&c));       /* IPv4-compatible is IPv6 */
}

static void test_common_prefix_len(void **state)
{
	struct in6_addr f1 = A("fe80::1"), f2 = A("fe80::2");
	struct in6_addr a = A("2001:db8:1::2"), b = A("2001:db8:3::1");
	struct in6_addr c = A("2001:db8:3f44::2"), d = A("2001:db8:3ffe::1");

	(void)state;
	/* Section 2.2: "CommonPrefixLen(fe80::1, fe80::2) is 64." */
	assert_int_equal(addrsel_common_prefix_len(&f1, 64, &f2), 64);
	assert_int_equal(addrsel_common_prefix_len(&f1, 128, &f2), 126);
	assert_int_equal(addrsel_common_prefix_len(&f1, 128, &f1), 128);
	assert_int_equal(addrsel_common_prefix_len(&a, 64, &b), 46);
	assert_int_equal(addrsel_common_prefix_len(&c, 64, &d), 40);
	assert_int_equal(addrsel_common_prefix_len(&c, 36, &d), 36);
	assert_int_equal(addrsel_common_prefix_len(&a, 0, &a), 0);
}

/* ---- Source address selection, section 5: each rule decisive ---- */

/* sa must win over sb by `rule`, and sb lose to sa the other way round. */
static void src_wins(const struct addrsel_table *t, const struct addrsel_dest *d,
		     const struct addrsel_source *sa, const struct addrsel_source *sb,
		     unsigned rule)
{
	unsigned r1 = 99, r2 = 99;

	assert_true(addrsel_source_cmp(t, d, sa, sb, &r1) < 0);
	assert_true(addrsel_source_cmp(t, d, sb, sa, &r2) > 0);
	assert_int_equal(r1, rule);
	assert_int_equal(r2, rule);
}

static void test_src_rule1_same(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest d = D("2001:db8:1::1");
	/* Same address wins over a longer-matching, preferred one. */
	struct addrsel_source sa = S("2001:db8:1::1", ADDRSEL_F_DEPRECATED | ADDRSEL_F_CAREOF);
	struct addrsel_source sb = S("2001:db8:1::2", ADDRSEL_F_HOME);

	(void)state;
	src_wins(&t, &d, &sa, &sb, 1);
}

static void test_src_rule2_scope(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest g = D("2001:db8:1::1"), l = D("fe80::9"), m = D("ff05::1");
	struct addrsel_source gl = S("2001:db8:1::2", ADDRSEL_F_DEPRECATED);
	struct addrsel_source ll = S("fe80::2", 0), site = S("fec0::2", 0);

	(void)state;
	/* Scope(SA) < Scope(SB) and Scope(SA) < Scope(D): prefer SB, even
	 * deprecated. */
	src_wins(&t, &g, &gl, &ll, 2);
	/* Scope(SA) < Scope(SB), Scope(SA) not < Scope(D): prefer SA. */
	gl.flags = 0;
	src_wins(&t, &l, &ll, &gl, 2);
	/* Multicast scope: site-local multicast wants at least site scope,
	 * and the smaller of the two that reaches it. */
	src_wins(&t, &m, &site, &gl, 2);
	src_wins(&t, &m, &site, &ll, 2);
}

static void test_src_rule3_deprecated(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest d = D("2001:db8:1::1");
	struct addrsel_source sa = S("2001:db8:3::2", ADDRSEL_F_CAREOF);
	struct addrsel_source sb = S("2001:db8:1::2", ADDRSEL_F_DEPRECATED | ADDRSEL_F_HOME);

	(void)state;
	src_wins(&t, &d, &sa, &sb, 3);
}

static void test_src_rule4_home(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest d = D("2001:db8:1::1");
	struct addrsel_source both = S("2001:db8:3::2", ADDRSEL_F_HOME | ADDRSEL_F_CAREOF);
	struct addrsel_source home = S("2001:db8:4::2", ADDRSEL_F_HOME);
	struct addrsel_source coa = S("2001:db8:1::2", ADDRSEL_F_CAREOF);
	struct addrsel_source plain = S("2001:db8:1::3", 0);
	unsigned r;

	(void)state;
	src_wins(&t, &d, &both, &home, 4);      /* home and care-of at once */
	src_wins(&t, &d, &both, &plain, 4);
	src_wins(&t, &d, &home, &coa, 4);       /* just home over just care-of */
	/* Home against an address that is neither: the rule says nothing,
	 * and rule 8 decides. */
	assert_true(addrsel_source_cmp(&t, &d, &home, &plain, &r) > 0);
	assert_int_equal(r, 8);
}

static void test_src_rule5_oif(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest d = D("2001:db8:1::1");
	struct addrsel_source sa = S("2001:db8:3::2", 0), sb = S("2001:db8:1::2", 0);
	unsigned r;

	(void)state;
	sa.ifindex = 2;
	sb.ifindex = 1;
	d.oif = 2;
	src_wins(&t, &d, &sa, &sb, 5);
	/* Outgoing interface not known: the rule is skipped. */
	d.oif = 0;
	assert_true(addrsel_source_cmp(&t, &d, &sa, &sb, &r) > 0);
	assert_int_equal(r, 8);
}

static void test_src_rule55_nexthop(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest d = D("2001:db8:1::1");
	struct addrsel_source sa = S("2001:db8:3::2", 0), sb = S("2001:db8:1::2", 0);
	unsigned r;

	(void)state;
	sa.router = 7;
	sb.router = 8;
	d.nexthop = 7;
	src_wins(&t, &d, &sa, &sb, 55);
	sb.router = 0;                          /* not known: another router */
	src_wins(&t, &d, &sa, &sb, 55);
	d.nexthop = 0;
	assert_true(addrsel_source_cmp(&t, &d, &sa, &sb, &r) > 0);
	assert_int_equal(r, 8);
}

static void test_src_rule6_label(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest d = D("2002:c633:6401::1");
	struct addrsel_source sa = S("2002:c633:6402::2", 0);   /* label 2 */
	struct addrsel_source sb = S("2001:db8:1::2", ADDRSEL_F_TEMPORARY);

	(void)state;
	src_wins(&t, &d, &sa, &sb, 6);
}

static void test_src_rule7_temporary(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest d = D("2001:db8:1::1");
	struct addrsel_source tmp = S("2001:db8:3::2", ADDRSEL_F_TEMPORARY);
	struct addrsel_source pub = S("2001:db8:1::2", 0);

	(void)state;
	src_wins(&t, &d, &tmp, &pub, 7);
	/* Reversed sense (RFC 7078 P flag 0): public first. */
	t.prefer_temporary = false;
	src_wins(&t, &d, &pub, &tmp, 7);
}

static void test_src_rule8_prefix(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest d = D("2001:db8:1::1");
	struct addrsel_source sa = S("2001:db8:1::2", 0), sb = S("2001:db8:3::2", 0);
	unsigned r = 99;

	(void)state;
	src_wins(&t, &d, &sa, &sb, 8);
	/* Limited to the source's prefix length: two addresses of the same
	 * /64 tie, however many more bits one shares with D. */
	sb = S("2001:db8:1::1:0:0:2", 0);
	assert_int_equal(addrsel_source_cmp(&t, &d, &sa, &sb, &r), 0);
	assert_int_equal(r, 0);
}

static void test_select_source(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_source c[] = {
		S("ff02::1", 0), S("::", 0), S("10.1.2.4", 0), S("fe80::1", 0),
		S("2001:db8:3::1", 0), S("2001:db8:1::2", 0), S("169.254.13.78", 0),
	};
	struct addrsel_dest d6 = D("2001:db8:1::1"), d4 = D("198.51.100.121");

	(void)state;
	assert_int_equal(addrsel_select_source(&t, &d6, c, N(c)), 5);
	/* IPv4 destination: IPv4 candidates only (section 3.2); then
	 * rule 2 takes the global 10.1.2.4 over 169.254.13.78. */
	assert_int_equal(addrsel_select_source(&t, &d4, c, N(c)), 2);
	assert_int_equal(addrsel_select_source(&t, &d4, c + 3, 2), -ENOENT);
	/* Never a multicast or unspecified source. */
	assert_int_equal(addrsel_select_source(&t, &d6, c, 2), -ENOENT);
	assert_int_equal(addrsel_select_source(&t, &d6, NULL, 0), -ENOENT);
	assert_int_equal(addrsel_select_source(&t, &d6, NULL, 1), -EINVAL);
}

/* ---- Destination address selection, section 6: each rule decisive ---- */

static void dst_wins(const struct addrsel_table *t,
		     const struct addrsel_dest *da, const struct addrsel_source *sa,
		     const struct addrsel_dest *db, const struct addrsel_source *sb,
		     unsigned rule)
{
	unsigned r1 = 99, r2 = 99;

	assert_true(addrsel_dest_cmp(t, da, sa, db, sb, &r1) < 0);
	assert_true(addrsel_dest_cmp(t, db, sb, da, sa, &r2) > 0);
	assert_int_equal(r1, rule);
	assert_int_equal(r2, rule);
}

static void test_dst_rule1_unusable(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest da = D("2001:db8:1::1"), db = D("fe80::1");
	struct addrsel_source sa = S("2001:db8:3::2", ADDRSEL_F_DEPRECATED);
	struct addrsel_source sb = S("fe80::2", 0);
	unsigned r;

	(void)state;
	dst_wins(&t, &da, &sa, &db, NULL, 1);       /* Source(DB) undefined */
	db.unreachable = true;
	dst_wins(&t, &da, &sa, &db, &sb, 1);        /* DB known unreachable */
	assert_int_equal(addrsel_dest_cmp(&t, &db, NULL, &da, NULL, &r), 0);
	assert_int_equal(r, 0);
}

static void test_dst_rule2_scope(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest da = D("198.51.100.121"), db = D("2001:db8:1::1");
	struct addrsel_source sa = S("198.51.100.117", ADDRSEL_F_DEPRECATED);
	struct addrsel_source sb = S("fe80::1", 0);

	(void)state;
	/* Beats deprecation (3) and precedence (6). */
	dst_wins(&t, &da, &sa, &db, &sb, 2);
}

static void test_dst_rule3_deprecated(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest da = D("10.1.2.3"), db = D("2001:db8:1::1");
	struct addrsel_source sa = S("10.1.2.4", 0);
	struct addrsel_source sb = S("2001:db8:1::2", ADDRSEL_F_DEPRECATED);

	(void)state;
	dst_wins(&t, &da, &sa, &db, &sb, 3);
}

static void test_dst_rule4_home(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest da = D("10.1.2.3"), db = D("2001:db8:1::1");
	struct addrsel_source sa = S("10.1.2.4", ADDRSEL_F_HOME);
	struct addrsel_source sb = S("2001:db8:1::2", ADDRSEL_F_CAREOF);

	(void)state;
	dst_wins(&t, &da, &sa, &db, &sb, 4);
	sa.flags |= ADDRSEL_F_CAREOF;
	sb.flags = ADDRSEL_F_HOME;
	dst_wins(&t, &da, &sa, &db, &sb, 4);
}

static void test_dst_rule5_label(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest da = D("2002:c633:6401::1"), db = D("2001:db8:1::1");
	struct addrsel_source s = S("2002:c633:6401::2", 0);

	(void)state;
	/* Precedence would put DB (40) before DA (30). */
	dst_wins(&t, &da, &s, &db, &s, 5);
}

static void test_dst_rule6_precedence(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest da = D("2001:db8:1::1"), db = D("10.1.2.3");
	struct addrsel_source sa = S("2001:db8:1::2", 0), sb = S("10.1.2.4", 0);

	(void)state;
	dst_wins(&t, &da, &sa, &db, &sb, 6);
}

static void test_dst_rule7_native(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest da = D("2001:db8:1::1"), db = D("2001:db8:3ffe::1");
	struct addrsel_source s = S("2001:db8:3f44::2", 0);

	(void)state;
	/* DB is the longer match (rule 9: 40 bits against 34) but goes
	 * through a tunnel. */
	db.encapsulated = true;
	dst_wins(&t, &da, &s, &db, &s, 7);
}

static void test_dst_rule8_smaller_scope(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest da = D("fe80::1"), db = D("2001:db8:1::1");
	struct addrsel_source sa = S("fe80::2", 0), sb = S("2001:db8:1::2", 0);

	(void)state;
	dst_wins(&t, &da, &sa, &db, &sb, 8);
}

static void test_dst_rule9_prefix(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest da = D("2001:db8:1::1"), db = D("2001:db8:3ffe::1");
	struct addrsel_source sa = S("2001:db8:1::2", 0), sb = S("2001:db8:3f44::2", 0);
	struct addrsel_dest d4a = D("10.1.2.3"), d4b = D("198.51.100.121");
	struct addrsel_source s4 = S("10.1.2.4", 0);
	unsigned r = 99;

	(void)state;
	dst_wins(&t, &da, &sa, &db, &sb, 9);
	/* Not between IPv4 destinations. */
	assert_int_equal(addrsel_dest_cmp(&t, &d4b, &s4, &d4a, &s4, &r), 0);
	assert_int_equal(r, 0);
}

static void test_dst_rule10_stable(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_source s[] = { S("2001:db8:1::2", 0) };
	struct addrsel_dest d[] = { D("2001:db8:1::7"), D("2001:db8:1::5"),
				    D("2001:db8:1::6"), D("192.0.2.1") };
	struct addrsel_result out[N(d)];

	(void)state;
	assert_int_equal(addrsel_sort(&t, d, N(d), s, N(s), out), 4);
	assert_addr(&out[0].dst.addr, "2001:db8:1::7");
	assert_addr(&out[1].dst.addr, "2001:db8:1::5");
	assert_addr(&out[2].dst.addr, "2001:db8:1::6");
	assert_addr(&out[3].dst.addr, "192.0.2.1");   /* no source: last */
	assert_int_equal(out[3].src, -1);
	assert_int_equal(out[1].in_index, 1);
	assert_int_equal(out[3].in_index, 3);
}

static void test_sort_limits(void **state)
{
	struct addrsel_table t = deftab();
	struct addrsel_dest d[ADDRSEL_MAX_ADDRS + 1] = { 0 };
	struct addrsel_source s[1] = { S("2001:db8::1", 0) };
	struct addrsel_result out[ADDRSEL_MAX_ADDRS + 1];

	(void)state;
	assert_int_equal(addrsel_sort(&t, d, N(d), s, 1, out), -E2BIG);
	assert_int_equal(addrsel_sort(&t, d, ADDRSEL_MAX_ADDRS, s, 1, out),
			 ADDRSEL_MAX_ADDRS);
	assert_int_equal(addrsel_sort(NULL, d, 1, s, 1, out), -EINVAL);
	assert_int_equal(addrsel_sort(&t, d, 1, s, 1, NULL), -EINVAL);
	assert_int_equal(addrsel_sort(&t, NULL, 0, NULL, 0, NULL), 0);
}

/* ---- RFC 6724 section 10 examples ---- */

struct cand {
	const char *addr;
	unsigned flags;
};

/* Section 10.1, default source address selection: "Destination: ...
 * Candidate Source Addresses: ... Result: ... (reason)". The reason in
 * parentheses is checked as the deciding rule. The RFC's first and fifth
 * results read "2001:db8::1" and "2001:db8:1:::2", typos for the
 * candidates 2001:db8:3::1 and 2001:db8:1::2. */
static void test_rfc_10_1_source(void **state)
{
	static const struct {
		const char *dst;
		struct cand c[2];
		unsigned want, rule;
	} ex[] = {
		{ "2001:db8:1::1", { { "2001:db8:3::1", 0 }, { "fe80::1", 0 } },
		  0, 2 },   /* prefer appropriate scope */
		{ "ff05::1", { { "2001:db8:3::1", 0 }, { "fe80::1", 0 } },
		  0, 2 },   /* prefer appropriate scope */
		{ "2001:db8:1::1", { { "2001:db8:1::1", ADDRSEL_F_DEPRECATED },
				     { "2001:db8:2::1", 0 } },
		  0, 1 },   /* prefer same address */
		{ "fe80::1", { { "fe80::2", ADDRSEL_F_DEPRECATED },
			       { "2001:db8:1::1", 0 } },
		  0, 2 },   /* prefer appropriate scope */
		{ "2001:db8:1::1", { { "2001:db8:1::2", 0 }, { "2001:db8:3::2", 0 } },
		  0, 8 },   /* longest matching prefix */
		{ "2001:db8:1::1", { { "2001:db8:1::2", ADDRSEL_F_CAREOF },
				     { "2001:db8:3::2", ADDRSEL_F_HOME } },
		  1, 4 },   /* prefer home address */
		{ "2002:c633:6401::1",
		  { { "2002:c633:6401::d5e3:7953:13eb:22e8", ADDRSEL_F_TEMPORARY },
		    { "2001:db8:1::2", 0 } },
		  0, 6 },   /* prefer matching label */
		{ "2001:db8:1::d5e3:0:0:1",
		  { { "2001:db8:1::2", 0 },
		    { "2001:db8:1::d5e3:7953:13eb:22e8", ADDRSEL_F_TEMPORARY } },
		  1, 7 },   /* prefer temporary address */
	};
	struct addrsel_table t = deftab();

	(void)state;
	for (size_t i = 0; i < N(ex); i++) {
		struct addrsel_dest d = D(ex[i].dst);
		struct addrsel_source c[2] = { S(ex[i].c[0].addr, ex[i].c[0].flags),
					       S(ex[i].c[1].addr, ex[i].c[1].flags) };
		struct addrsel_source r[2] = { c[1], c[0] };
		unsigned rule = 0;

		if (addrsel_select_source(&t, &d, c, 2) != (int)ex[i].want)
			fail_msg("example %zu: wrong source", i + 1);
		addrsel_source_cmp(&t, &d, &c[0], &c[1], &rule);
		if (rule != ex[i].rule)
			fail_msg("example %zu: rule %u, want %u", i + 1, rule, ex[i].rule);
		/* Candidates the other way round give the same answer. */
		assert_int_equal(addrsel_select_source(&t, &d, r, 2), 1 - (int)ex[i].want);
	}
}

/* A destination example: candidates, destination list, expected order
 * and sources, and the rule deciding between the two. */
struct dex {
	struct cand c[4];            /* up to the first NULL */
	const char *dst[2];
	const char *want[2], *want_src[2];
	unsigned rule;
};

static void run_dex(const struct addrsel_table *t, const struct dex *e, size_t no)
{
	struct addrsel_source c[4];
	struct addrsel_dest d[2];
	struct addrsel_result out[2];
	size_t n = 0;
	unsigned rule = 0;

	for (; n < 4 && e->c[n].addr; n++)
		c[n] = S(e->c[n].addr, e->c[n].flags);
	/* As given, then reversed: the order must not depend on it. */
	for (int rev = 0; rev < 2; rev++) {
		d[0] = D(e->dst[rev]);
		d[1] = D(e->dst[1 - rev]);
		assert_int_equal(addrsel_sort(t, d, 2, c, n, out), 2);
		for (int k = 0; k < 2; k++) {
			if (out[k].src < 0)
				fail_msg("example %zu: no source for %s", no, e->want[k]);
			assert_addr(&out[k].dst.addr, e->want[k]);
			assert_addr(&c[out[k].src].addr, e->want_src[k]);
		}
		addrsel_dest_cmp(t, &out[0].dst, &c[out[0].src], &out[1].dst,
				 &c[out[1].src], &rule);
		if (rule != e->rule)
			fail_msg("example %zu: rule %u, want %u", no, rule, e->rule);
	}
}

/* Section 10.2, default destination address selection. */
static const struct dex rfc_10_2[] = {
	{ { { "2001:db8:1::2", 0 }, { "fe80::1", 0 }, { "169.254.13.78", 0 } },
	  { "2001:db8:1::1", "198.51.100.121" },
	  { "2001:db8:1::1", "198.51.100.121" }, { "2001:db8:1::2", "169.254.13.78" },
	  2 },      /* prefer matching scope */
	{ { { "fe80::1", 0 }, { "198.51.100.117", 0 } },
	  { "2001:db8:1::1", "198.51.100.121" },
	  { "198.51.100.121", "2001:db8:1::1" }, { "198.51.100.117", "fe80::1" },
	  2 },      /* prefer matching scope */
	{ { { "2001:db8:1::2", 0 }, { "fe80::1", 0 }, { "10.1.2.4", 0 } },
	  { "2001:db8:1::1", "10.1.2.3" },
	  { "2001:db8:1::1", "10.1.2.3" }, { "2001:db8:1::2", "10.1.2.4" },
	  6 },      /* prefer higher precedence */
	{ { { "2001:db8:1::2", 0 }, { "fe80::2", 0 } },
	  { "2001:db8:1::1", "fe80::1" },
	  { "fe80::1", "2001:db8:1::1" }, { "fe80::2", "2001:db8:1::2" },
	  8 },      /* prefer smaller scope */
	{ { { "2001:db8:1::2", ADDRSEL_F_CAREOF }, { "2001:db8:3::1", ADDRSEL_F_HOME },
	    { "fe80::2", ADDRSEL_F_CAREOF } },
	  { "2001:db8:1::1", "fe80::1" },
	  { "2001:db8:1::1", "fe80::1" }, { "2001:db8:3::1", "fe80::2" },
	  4 },      /* prefer home address */
	{ { { "2001:db8:1::2", 0 }, { "fe80::2", ADDRSEL_F_DEPRECATED } },
	  { "2001:db8:1::1", "fe80::1" },
	  { "2001:db8:1::1", "fe80::1" }, { "2001:db8:1::2", "fe80::2" },
	  3 },      /* avoid deprecated addresses */
	{ { { "2001:db8:1::2", 0 }, { "2001:db8:3f44::2", 0 }, { "fe80::2", 0 } },
	  { "2001:db8:1::1", "2001:db8:3ffe::1" },
	  { "2001:db8:1::1", "2001:db8:3ffe::1" }, { "2001:db8:1::2", "2001:db8:3f44::2" },
	  9 },      /* longest matching prefix */
	{ { { "2002:c633:6401::2", 0 }, { "fe80::2", 0 } },
	  { "2002:c633:6401::1", "2001:db8:1::1" },
	  { "2002:c633:6401::1", "2001:db8:1::1" },
	  { "2002:c633:6401::2", "2002:c633:6401::2" },
	  5 },      /* prefer matching label */
	{ { { "2002:c633:6401::2", 0 }, { "2001:db8:1::2", 0 }, { "fe80::2", 0 } },
	  { "2002:c633:6401::1", "2001:db8:1::1" },
	  { "2001:db8:1::1", "2002:c633:6401::1" },
	  { "2001:db8:1::2", "2002:c633:6401::2" },
	  6 },      /* prefer higher precedence */
};

static void test_rfc_10_2_destination(void **state)
{
	struct addrsel_table t = deftab();

	(void)state;
	for (size_t i = 0; i < N(rfc_10_2); i++)
		run_dex(&t, &rfc_10_2[i], i + 1);
}

/* Section 10.3: giving ::ffff:0:0/96 precedence 100 prefers IPv4. The
 * first two results are "Unchanged" (matching scope decides before
 * precedence); the third is the "New Result". */
static void test_rfc_10_3_prefer_ipv4(void **state)
{
	static const struct dex ex[] = {
		{ { { "2001:db8::2", 0 }, { "fe80::1", 0 }, { "169.254.13.78", 0 } },
		  { "2001:db8::1", "198.51.100.121" },
		  { "2001:db8::1", "198.51.100.121" }, { "2001:db8::2", "169.254.13.78" },
		  2 },      /* prefer matching scope */
		{ { { "fe80::1", 0 }, { "198.51.100.117", 0 } },
		  { "2001:db8::1", "198.51.100.121" },
		  { "198.51.100.121", "2001:db8::1" }, { "198.51.100.117", "fe80::1" },
		  2 },      /* prefer matching scope */
		{ { { "2001:db8::2", 0 }, { "fe80::1", 0 }, { "10.1.2.4", 0 } },
		  { "2001:db8::1", "10.1.2.3" },
		  { "10.1.2.3", "2001:db8::1" }, { "10.1.2.4", "2001:db8::2" },
		  6 },      /* prefer higher precedence */
	};
	struct addrsel_table t = deftab();
	struct in6_addr v4 = A("::ffff:0:0");

	(void)state;
	assert_int_equal(addrsel_table_add(&t, &v4, 96, 100, 4), 0);
	assert_int_equal(t.n, 9);
	for (size_t i = 0; i < N(ex); i++)
		run_dex(&t, &ex[i], i + 1);
}

/* Section 10.4: the row fe80::/10 33 1 sorts global destinations before
 * link-local ones, by precedence; a deprecated source still loses. */
static void test_rfc_10_4_link_local(void **state)
{
	static const struct dex ex[] = {
		{ { { "2001:db8::2", 0 }, { "fe80::2", 0 } },
		  { "2001:db8::1", "fe80::1" },
		  { "2001:db8::1", "fe80::1" }, { "2001:db8::2", "fe80::2" },
		  6 },      /* prefer higher precedence */
		{ { { "2001:db8::2", ADDRSEL_F_DEPRECATED }, { "fe80::2", 0 } },
		  { "2001:db8::1", "fe80::1" },
		  { "fe80::1", "2001:db8::1" }, { "fe80::2", "2001:db8::2" },
		  3 },      /* avoid deprecated addresses */
	};
	struct addrsel_table t = deftab();
	struct in6_addr ll = A("fe80::");

	(void)state;
	assert_int_equal(addrsel_table_add(&t, &ll, 10, 33, 1), 0);
	for (size_t i = 0; i < N(ex); i++)
		run_dex(&t, &ex[i], i + 1);
}

/* Section 10.5, a multi-homed site: A (2001:db8:1aaa::/48 from the
 * high-performance ISP, 2001:db8:70aa::/48 from its normal one) talks to
 * B (1bbb, 70bb) and to some other site C (1ccc, 6ccc). With the default
 * table the longest match sends B's traffic the normal way and C's the
 * expensive way; the rows 1aaa::/48 and 1bbb::/48 at precedence 43,
 * label 6 turn both round. In the last example both sources are
 * 2001:db8:70aa::a, as the RFC writes: C's addresses have label 1, and so
 * has 70aa::a only. */
static void test_rfc_10_5_multihomed(void **state)
{
#define SITE_A { { "2001:db8:1aaa::a", 0 }, { "2001:db8:70aa::a", 0 }, { "fe80::a", 0 } }
	static const struct dex def[] = {
		{ SITE_A, { "2001:db8:1bbb::b", "2001:db8:70bb::b" },
		  { "2001:db8:70bb::b", "2001:db8:1bbb::b" },
		  { "2001:db8:70aa::a", "2001:db8:1aaa::a" },
		  9 },      /* longest matching prefix */
		{ SITE_A, { "2001:db8:1ccc::c", "2001:db8:6ccc::c" },
		  { "2001:db8:1ccc::c", "2001:db8:6ccc::c" },
		  { "2001:db8:1aaa::a", "2001:db8:70aa::a" },
		  9 },      /* longest matching prefix */
	}, site[] = {
		{ SITE_A, { "2001:db8:1bbb::b", "2001:db8:70bb::b" },
		  { "2001:db8:1bbb::b", "2001:db8:70bb::b" },
		  { "2001:db8:1aaa::a", "2001:db8:70aa::a" },
		  6 },      /* prefer higher precedence */
		{ SITE_A, { "2001:db8:1ccc::c", "2001:db8:6ccc::c" },
		  { "2001:db8:6ccc::c", "2001:db8:1ccc::c" },
		  { "2001:db8:70aa::a", "2001:db8:70aa::a" },
		  9 },      /* longest matching prefix */
	};
#undef SITE_A
	struct addrsel_table d = deftab(), t = deftab();
	struct in6_addr pa = A("2001:db8:1aaa::"), pb = A("2001:db8:1bbb::");

	(void)state;
	assert_int_equal(addrsel_table_add(&t, &pa, 48, 43, 6), 0);
	assert_int_equal(addrsel_table_add(&t, &pb, 48, 43, 6), 0);
	for (size_t i = 0; i < N(def); i++)
		run_dex(&d, &def[i], i + 1);
	for (size_t i = 0; i < N(site); i++)
		run_dex(&t, &site[i], N(def) + i + 1);
}

/* Add the site row the RFC's 10.6 and 10.7 tables add: PREFIX/48 with
 * precedence 45 and label 14, the rest of the default table unchanged. */
static struct addrsel_table site_table(const char *prefix)
{
	struct addrsel_table t = deftab();
	struct in6_addr p = A(prefix);

	assert_int_equal(addrsel_table_add(&t, &p, 48, 45, 14), 0);
	assert_int_equal(t.n, 10);
	return t;
}

/* Section 10.6, ULA preference. */
static void test_rfc_10_6_ula(void **state)
{
	static const struct dex ex1 = {
		{ { "2001:db8:1::1", 0 }, { "fd11:1111:1111:1::1", 0 } },
		{ "2001:db8:2::2", "fd22:2222:2222:2::2" },
		{ "2001:db8:2::2", "fd22:2222:2222:2::2" },
		{ "2001:db8:1::1", "fd11:1111:1111:1::1" },
		6,      /* prefer higher precedence */
	}, ex3 = {
		{ { "2001:db8:1::1", 0 }, { "fd11:1111:1111:1::1", 0 } },
		{ "2001:db8:2::2", "fd11:1111:1111:2::2" },
		{ "fd11:1111:1111:2::2", "2001:db8:2::2" },
		{ "fd11:1111:1111:1::1", "2001:db8:1::1" },
		6,      /* prefer higher precedence */
	};
	/* The RFC writes Example 4's destination as "ff00:1", which is not
	 * an address (a typo); ff00::1 and the global ff0e::1 both give its
	 * result. */
	static const char *const ex4_dst[] = { "ff00::1", "ff0e::1" };
	struct addrsel_table def = deftab(), t = site_table("fd11:1111:1111::");
	struct dex ex2 = ex1;

	(void)state;
	run_dex(&def, &ex1, 1);
	/* Example 2, "Unchanged Result". The RFC repeats "(prefer higher
	 * precedence)", but with fd11:1111:1111::/48 relabelled 14 the ULA
	 * pair no longer matches labels, so rule 5 decides first, the same
	 * way. */
	ex2.rule = 5;
	run_dex(&t, &ex2, 2);
	run_dex(&t, &ex3, 3);
	/* Example 4: the labels, not the longest match (ff00:: shares six
	 * bits with fd11::), keep the ULA off a global destination. */
	for (size_t i = 0; i < N(ex4_dst); i++) {
		struct addrsel_dest d = D(ex4_dst[i]);
		struct addrsel_source c[2] = { S("2001:db8:1::1", 0),
					       S("fd11:1111:1111:1::1", 0) };
		unsigned rule = 0;

		for (int k = 0; k < 2; k++) {
			const struct addrsel_table *tab = k ? &t : &def;

			assert_int_equal(addrsel_select_source(tab, &d, c, 2), 0);
			addrsel_source_cmp(tab, &d, &c[0], &c[1], &rule);
			assert_int_equal(rule, 6);  /* prefer matching label */
		}
	}
}

/* Section 10.7, 6to4 preference. By default NATed IPv4 wins over 6to4;
 * a site row for the 6to4 /48 makes native use of it win again. */
static void test_rfc_10_7_6to4(void **state)
{
	static const struct dex ex1 = {
		{ { "2002:c633:6401::2", 0 }, { "10.1.2.3", 0 } },
		{ "2001:db8:1::1", "203.0.113.1" },
		{ "203.0.113.1", "2001:db8:1::1" },
		{ "10.1.2.3", "2002:c633:6401::2" },
		5,      /* prefer matching label */
	}, ex2 = {
		{ { "2002:c633:6401:1::1", 0 }, { "10.1.2.3", 0 } },
		{ "2002:c633:6401:2::2", "203.0.113.1" },
		{ "2002:c633:6401:2::2", "203.0.113.1" },
		{ "2002:c633:6401:1::1", "10.1.2.3" },
		6,      /* prefer higher precedence */
	};
	struct addrsel_table def = deftab(), t = site_table("2002:c633:6401::");

	(void)state;
	run_dex(&def, &ex1, 1);
	run_dex(&t, &ex2, 2);
	/* The site row changes nothing for Example 1's relayed 6to4. */
	run_dex(&t, &ex1, 1);
}

/* ---- RFC 7078 OPTION_ADDRSEL payloads ---- */

/* Append one OPTION_ADDRSEL_TABLE (85) row with the prefix in exactly
 * (plen + 7) / 8 octets. */
static size_t put_row(uint8_t *p, size_t at, uint8_t label, uint8_t prec,
		      const char *prefix, uint8_t plen)
{
	struct in6_addr a = A(prefix);
	size_t k = ((size_t)plen + 7) / 8;

	p[at++] = 0;
	p[at++] = 85;
	p[at++] = 0;
	p[at++] = (uint8_t)(3 + k);
	p[at++] = label;
	p[at++] = prec;
	p[at++] = plen;
	memcpy(p + at, a.s6_addr, k);
	return at + k;
}

/* The table a second network might send: IPv4 first, and its own
 * 2001:db8:1::/48 matched with the 2001:db8:3::/48 servers by label. */
static size_t corp_option(uint8_t *p)
{
	size_t n = 0;

	p[n++] = 0x00;                                   /* A=0, P=0 */
	n = put_row(p, n, 0, 50, "::1", 128);
	n = put_row(p, n, 1, 40, "::", 0);
	n = put_row(p, n, 4, 100, "::ffff:0:0", 96);
	/* An option nested for another purpose is skipped. */
	p[n++] = 0;
	p[n++] = 23;
	p[n++] = 0;
	p[n++] = 2;
	p[n++] = 0xaa;
	p[n++] = 0xbb;
	n = put_row(p, n, 20, 45, "2001:db8:1::", 48);
	n = put_row(p, n, 20, 45, "2001:db8:3::", 48);
	return n;
}

/* Parse from a heap copy of exactly len octets, so that AddressSanitizer
 * catches any read past the end. */
static int parse_exact(struct addrsel_table *t, const uint8_t *p, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, p, len);
	r = addrsel_table_from_option(t, copy, len);
	free(copy);
	return r;
}

static void test_option_good(void **state)
{
	uint8_t p[256];
	size_t n = corp_option(p);
	struct addrsel_table t;
	struct in6_addr v4 = A("10.0.0.1"), a = A("2001:db8:3::9"), b = A("2001:db8:2::9");

	(void)state;
	assert_int_equal(parse_exact(&t, p, n), 0);
	assert_int_equal(t.n, 5);
	assert_false(t.automatic);
	assert_false(t.prefer_temporary);
	assert_int_equal(addrsel_precedence(&t, &v4), 100);
	assert_int_equal(addrsel_label(&t, &a), 20);
	assert_int_equal(addrsel_label(&t, &b), 1);
	/* Only the rows received: 2002::/16 is not there. */
	a = A("2002:c633:6401::1");
	assert_int_equal(addrsel_label(&t, &a), 1);
}

static void test_option_flags_only(void **state)
{
	static const uint8_t ap[] = { 0x03 }, none[] = { 0x00 }, resv[] = { 0xfc };
	uint8_t p[64];
	size_t n = 0;
	struct addrsel_table t;

	(void)state;
	/* No rows: the default table, and the flags. */
	assert_int_equal(parse_exact(&t, ap, sizeof(ap)), 0);
	assert_int_equal(t.n, 9);
	assert_true(t.automatic);
	assert_true(t.prefer_temporary);
	assert_int_equal(parse_exact(&t, none, sizeof(none)), 0);
	assert_int_equal(t.n, 9);
	assert_false(t.automatic);
	assert_false(t.prefer_temporary);
	assert_int_equal(parse_exact(&t, resv, sizeof(resv)), 0);   /* Reserved ignored */
	assert_false(t.automatic);
	/* With rows, A is "meaningless": no automatic rows. */
	p[n++] = 0x02;
	n = put_row(p, n, 1, 40, "::", 0);
	assert_int_equal(parse_exact(&t, p, n), 0);
	assert_int_equal(t.n, 1);
	assert_false(t.automatic);
}

static void test_option_malformed(void **state)
{
	uint8_t p[64];
	size_t n;
	struct addrsel_table t, before;

	(void)state;
	addrsel_table_default(&t);
	t.rows[0].label = 77;                 /* a sentinel: t must not change */
	before = t;
	assert_int_equal(parse_exact(&t, p, 0), -EBADMSG);       /* no flags */
	assert_int_equal(addrsel_table_from_option(&t, NULL, 0), -EBADMSG);
	assert_int_equal(addrsel_table_from_option(&t, NULL, 3), -EINVAL);
	assert_int_equal(addrsel_table_from_option(NULL, p, 1), -EINVAL);

	n = put_row(p, 1, 4, 100, "::ffff:0:0", 96);
	p[0] = 0;
	p[7] = 129;                                     /* prefix-len > 128 */
	assert_int_equal(parse_exact(&t, p, n), -EBADMSG);
	p[7] = 97;                                      /* needs 13 octets */
	assert_int_equal(parse_exact(&t, p, n), -EBADMSG);
	p[7] = 88;                                      /* needs only 11 */
	assert_int_equal(parse_exact(&t, p, n), -EBADMSG);
	p[7] = 96;
	p[4] = 2;                                       /* shorter than the fixed part */
	assert_int_equal(parse_exact(&t, p, n), -EBADMSG);
	p[4] = 16;                                      /* runs past the end */
	assert_int_equal(parse_exact(&t, p, n), -EBADMSG);
	p[4] = 15;
	assert_int_equal(parse_exact(&t, p, n), 0);     /* the good one */
	t = before;
	/* A bad row after good ones still rejects the whole option. */
	n = put_row(p, n, 1, 40, "::", 0);
	p[n - 1] = 129;
	assert_int_equal(parse_exact(&t, p, n), -EBADMSG);
	assert_memory_equal(&t, &before, sizeof(t));
}

/* Every truncation of a good option: a cut between two nested options
 * is a shorter good option, any other cut is -EBADMSG. */
static void test_option_truncated(void **state)
{
	uint8_t p[256];
	size_t n = corp_option(p), next = 1;
	struct addrsel_table t;

	(void)state;
	for (size_t len = 0; len <= n; len++) {
		int r = parse_exact(&t, p, len);

		if (len == next && len > 0) {
			assert_int_equal(r, 0);
			if (len < n)
				next += 4 + ((size_t)p[len + 2] << 8 | p[len + 3]);
		} else {
			if (r != -EBADMSG)
				fail_msg("length %zu of %zu: %d", len, n, r);
		}
	}
}

static void test_option_too_many_rows(void **state)
{
	uint8_t p[1 + (ADDRSEL_MAX_POLICY + 1) * 9];
	size_t n = 1;
	struct addrsel_table t;

	(void)state;
	p[0] = 0;
	for (unsigned i = 0; i <= ADDRSEL_MAX_POLICY; i++) {
		n = put_row(p, n, 1, 40, "2001::", 16);
		p[n - 1] = (uint8_t)i;                    /* 2001:00ii::/16 */
	}
	assert_int_equal(parse_exact(&t, p, n), -E2BIG);
	assert_int_equal(parse_exact(&t, p, n - 9), 0);
	assert_int_equal(t.n, ADDRSEL_MAX_POLICY);
}

/* ---- One table per PvD (RFC 6418 section 4.3, case 1) ---- */

/* The same destinations and candidates in two PvDs: the home network
 * runs the default table, the corporate one sent corp_option(). Each
 * gives its own order, and neither table is touched by the other. */
static void test_two_pvds(void **state)
{
	uint8_t p[256];
	struct addrsel_table home = deftab(), corp, home_copy;
	struct addrsel_source src[] = { S("2001:db8:1::2", 0), S("2001:db8:2::2", 0),
					S("10.1.2.4", 0) };
	struct addrsel_dest dst[] = { D("2001:db8:3::1"), D("10.1.2.3") };
	struct addrsel_result a[2], b[2];

	(void)state;
	assert_int_equal(parse_exact(&corp, p, corp_option(p)), 0);
	home_copy = home;
	assert_int_equal(addrsel_sort(&home, dst, 2, src, N(src), a), 2);
	assert_int_equal(addrsel_sort(&corp, dst, 2, src, N(src), b), 2);
	/* Home: IPv6 first (precedence 40 over 35), from 2001:db8:2::2,
	 * the longest match (47 bits against 46). */
	assert_addr(&a[0].dst.addr, "2001:db8:3::1");
	assert_addr(&src[a[0].src].addr, "2001:db8:2::2");
	assert_addr(&a[1].dst.addr, "10.1.2.3");
	/* Corporate: IPv4 first (100), and 2001:db8:3::1 from the source
	 * its label pairs it with (rule 6 before rule 8). */
	assert_addr(&b[0].dst.addr, "10.1.2.3");
	assert_addr(&src[b[0].src].addr, "10.1.2.4");
	assert_addr(&b[1].dst.addr, "2001:db8:3::1");
	assert_addr(&src[b[1].src].addr, "2001:db8:1::2");
	assert_memory_equal(&home, &home_copy, sizeof(home));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_table),
		cmocka_unit_test(test_table_add),
		cmocka_unit_test(test_longest_match),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_v4_mapped),
		cmocka_unit_test(test_common_prefix_len),
		cmocka_unit_test(test_src_rule1_same),
		cmocka_unit_test(test_src_rule2_scope),
		cmocka_unit_test(test_src_rule3_deprecated),
		cmocka_unit_test(test_src_rule4_home),
		cmocka_unit_test(test_src_rule5_oif),
		cmocka_unit_test(test_src_rule55_nexthop),
		cmocka_unit_test(test_src_rule6_label),
		cmocka_unit_test(test_src_rule7_temporary),
		cmocka_unit_test(test_src_rule8_prefix),
		cmocka_unit_test(test_select_source),
		cmocka_unit_test(test_dst_rule1_unusable),
		cmocka_unit_test(test_dst_rule2_scope),
		cmocka_unit_test(test_dst_rule3_deprecated),
		cmocka_unit_test(test_dst_rule4_home),
		cmocka_unit_test(test_dst_rule5_label),
		cmocka_unit_test(test_dst_rule6_precedence),
		cmocka_unit_test(test_dst_rule7_native),
		cmocka_unit_test(test_dst_rule8_smaller_scope),
		cmocka_unit_test(test_dst_rule9_prefix),
		cmocka_unit_test(test_dst_rule10_stable),
		cmocka_unit_test(test_sort_limits),
		cmocka_unit_test(test_rfc_10_1_source),
		cmocka_unit_test(test_rfc_10_2_destination),
		cmocka_unit_test(test_rfc_10_3_prefer_ipv4),
		cmocka_unit_test(test_rfc_10_4_link_local),
		cmocka_unit_test(test_rfc_10_5_multihomed),
		cmocka_unit_test(test_rfc_10_6_ula),
		cmocka_unit_test(test_rfc_10_7_6to4),
		cmocka_unit_test(test_option_good),
		cmocka_unit_test(test_option_flags_only),
		cmocka_unit_test(test_option_malformed),
		cmocka_unit_test(test_option_truncated),
		cmocka_unit_test(test_option_too_many_rows),
		cmocka_unit_test(test_two_pvds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

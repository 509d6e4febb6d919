/* SPDX-License-Identifier: MIT */
/*
 * Default address selection (RFC 6724) over one PvD's policy table and
 * source candidates, and the RFC 7078 DHCPv6 option that carries a table.
 *
 * The two algorithms are written as the pairwise rules of RFC 6724
 * sections 5 and 6, in order, each returning as soon as it decides.
 * The option parser walks a bounded cursor (common/buf.h): every length
 * is checked against what is left before anything is read.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/addr.h"
#include "common/buf.h"
#include "proto/addrsel.h"

#define ADDRSEL_OPT_TABLE 85       /* OPTION_ADDRSEL_TABLE, RFC 7078 section 2 */
#define ADDRSEL_FLAG_A 0x02        /* Reserved(6)|A|P */
#define ADDRSEL_FLAG_P 0x01
#define ADDRSEL_ROW_FIXED 3        /* label, precedence, prefix-len */

/* The default policy table, RFC 6724 section 2.1. */
static const struct {
	uint8_t prefix[16];
	uint8_t plen, precedence, label;
} addrsel_default_rows[] = {
	{ { [15] = 1 }, 128, 50, 0 },                    /* ::1/128 */
	{ { 0 }, 0, 40, 1 },                             /* ::/0 */
	{ { [10] = 0xff, [11] = 0xff }, 96, 35, 4 },     /* ::ffff:0:0/96 */
	{ { 0x20, 0x02 }, 16, 30, 2 },                   /* 2002::/16 */
	{ { 0x20, 0x01 }, 32, 5, 5 },                    /* 2001::/32 */
	{ { 0xfc }, 7, 3, 13 },                          /* fc00::/7 */
	{ { 0 }, 96, 1, 3 },                             /* ::/96 */
	{ { 0xfe, 0xc0 }, 10, 1, 11 },                   /* fec0::/10 */
	{ { 0x3f, 0xfe }, 16, 1, 12 },                   /* 3ffe::/16 */
};

bool addrsel_is_v4(const struct in6_addr *a)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a->s6_addr, pfx, sizeof(pfx)) == 0;
}

/* Leading bits a and b have in common, 0..128. */
static unsigned addrsel_common_bits(const struct in6_addr *a, const struct in6_addr *b)
{
	unsigned n = 0;

	for (unsigned i = 0; i < 16; i++) {
		uint8_t x = a->s6_addr[i] ^ b->s6_addr[i];

		if (x == 0) {
			n += 8;
			continue;
		}
		while (!(x & 0x80)) {
			x = (uint8_t)(x << 1);
			n++;
		}
		break;
	}
	return n;
}

void addrsel_table_init(struct addrsel_table *t)
{
	memset(t, 0, sizeof(*t));
	t->automatic = true;
	t->prefer_temporary = true;
}

void addrsel_table_default(struct addrsel_table *t)
{
	size_t n = sizeof(addrsel_default_rows) / sizeof(addrsel_default_rows[0]);

	addrsel_table_init(t);
	for (size_t i = 0; i < n; i++) {
		struct addrsel_policy *r = &t->rows[i];

		memcpy(r->prefix.s6_addr, addrsel_default_rows[i].prefix, 16);
		r->plen = addrsel_default_rows[i].plen;
		r->precedence = addrsel_default_rows[i].precedence;
		r->label = addrsel_default_rows[i].label;
	}
	t->n = n;
}

int addrsel_table_add(struct addrsel_table *t, const struct in6_addr *prefix,
		      unsigned plen, uint32_t precedence, uint32_t label)
{
	struct addrsel_policy r = { .prefix = *prefix, .precedence = precedence,
				    .label = label };
	size_t i;

	if (plen > 128)
		return -EINVAL;
	r.plen = (uint8_t)plen;
	addr_mask(&r.prefix, plen);
	for (i = 0; i < t->n; i++)
		if (t->rows[i].plen == r.plen &&
		    memcmp(&t->rows[i].prefix, &r.prefix, sizeof(r.prefix)) == 0)
			break;
	if (i == t->n && t->n >= ADDRSEL_MAX_POLICY)
		return -ENOSPC;
	t->rows[i] = r;
	if (i == t->n)
		t->n++;
	return 0;
}

/* One OPTION_ADDRSEL_TABLE body (RFC 7078 section 2): label, precedence,
 * prefix-len, then the prefix "padded with zeros up to the nearest octet
 * boundary", (prefix-len + 7) / 8 octets and no more. */
static int addrsel_parse_row(struct buf *s, struct addrsel_table *t)
{
	uint8_t label, prec, plen;
	struct in6_addr prefix = IN6ADDR_ANY_INIT;

	if (buf_u8(s, &label) < 0 || buf_u8(s, &prec) < 0 || buf_u8(s, &plen) < 0)
		return -EBADMSG;
	/* "If an option with a prefix length greater than 128 is included,
	 * the whole Address Selection option MUST be ignored." */
	if (plen > 128)
		return -EBADMSG;
	if (buf_remaining(s) != ((size_t)plen + 7) / 8)
		return -EBADMSG;
	if (buf_read(s, prefix.s6_addr, buf_remaining(s)) < 0)
		return -EBADMSG;
	if (t->n >= ADDRSEL_MAX_POLICY)
		return -E2BIG;
	return addrsel_table_add(t, &prefix, plen, prec, label);
}

int addrsel_table_from_option(struct addrsel_table *t, const uint8_t *p, size_t len)
{
	struct addrsel_table n;
	struct buf b, s;
	uint16_t code, olen;
	uint8_t flags;
	bool rows;
	int r;

	if (!t || (!p && len))
		return -EINVAL;
	buf_init(&b, p, len);
	addrsel_table_init(&n);
	if (buf_u8(&b, &flags) < 0)
		return -EBADMSG;
	while (buf_remaining(&b) > 0) {
		if (buf_be16(&b, &code) < 0 || buf_be16(&b, &olen) < 0)
			return -EBADMSG;
		if (buf_sub(&b, olen, &s) < 0)
			return -EBADMSG;
		if (code != ADDRSEL_OPT_TABLE)
			continue;
		r = addrsel_parse_row(&s, &n);
		if (r < 0)
			return r;
	}
	/* A: "If the option contains a POLICY TABLE option, this flag is
	 * meaningless, and automatic row addition MUST NOT be performed
	 * against the distributed policy table." Without rows the option
	 * only carries the flags, over the default table. */
	rows = n.n > 0;
	if (!rows)
		addrsel_table_default(&n);
	n.automatic = !rows && (flags & ADDRSEL_FLAG_A);
	/* P set: prefer temporary addresses (rule 7); clear: public ones. */
	n.prefer_temporary = flags & ADDRSEL_FLAG_P;
	*t = n;
	return 0;
}

const struct addrsel_policy *addrsel_lookup(const struct addrsel_table *t,
					    const struct in6_addr *a)
{
	const struct addrsel_policy *best = NULL;

	for (size_t i = 0; i < t->n; i++) {
		const struct addrsel_policy *r = &t->rows[i];

		if (addrsel_common_bits(&r->prefix, a) < r->plen)
			continue;
		if (!best || r->plen > best->plen)
			best = r;
	}
	return best;
}

uint32_t addrsel_precedence(const struct addrsel_table *t, const struct in6_addr *a)
{
	const struct addrsel_policy *r = addrsel_lookup(t, a);

	return r ? r->precedence : 0;
}

uint32_t addrsel_label(const struct addrsel_table *t, const struct in6_addr *a)
{
	const struct addrsel_policy *r = addrsel_lookup(t, a);

	return r ? r->label : ADDRSEL_LABEL_NONE;
}

unsigned addrsel_scope(const struct in6_addr *a)
{
	const uint8_t *b = a->s6_addr;

	/* Section 3.2: 169.254/16 and 127/8 are link-local, "Other IPv4
	 * addresses are assigned global scope." */
	if (addrsel_is_v4(a)) {
		if (b[12] == 127 || (b[12] == 169 && b[13] == 254))
			return ADDRSEL_SCOPE_LINK;
		return ADDRSEL_SCOPE_GLOBAL;
	}
	if (b[0] == 0xff)                             /* RFC 4291 2.7 */
		return b[1] & 0x0f;
	if (IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_LOOPBACK(a))  /* 3.4 */
		return ADDRSEL_SCOPE_LINK;
	if (IN6_IS_ADDR_SITELOCAL(a))
		return ADDRSEL_SCOPE_SITE;
	return ADDRSEL_SCOPE_GLOBAL;
}

unsigned addrsel_common_prefix_len(const struct in6_addr *s, unsigned s_plen,
				   const struct in6_addr *d)
{
	unsigned n = addrsel_common_bits(s, d);

	return n < s_plen ? n : s_plen;
}

/* Rule 4 of both algorithms: 2 for home and care-of at once, 1 for home
 * only, 0 otherwise; the higher is preferred. A plain address (neither
 * flag) is compared only by the first sentence of the rule. */
static int addrsel_home_rank(unsigned f)
{
	if ((f & ADDRSEL_F_HOME) && (f & ADDRSEL_F_CAREOF))
		return 2;
	if (f & ADDRSEL_F_HOME)
		return 1;
	return 0;
}

static int addrsel_rule4(unsigned fa, unsigned fb)
{
	int ra = addrsel_home_rank(fa), rb = addrsel_home_rank(fb);

	/* "If SA is simultaneously a home address and care-of address and
	 * SB is not, then prefer SA." */
	if (ra == 2 || rb == 2)
		return rb - ra;
	/* "If SA is just a home address and SB is just a care-of address,
	 * then prefer SA." */
	if (ra == 1 && (fb & ADDRSEL_F_CAREOF))
		return -1;
	if (rb == 1 && (fa & ADDRSEL_F_CAREOF))
		return 1;
	return 0;
}

/* -1 when only a holds, 1 when only b holds, else 0. */
static int addrsel_prefer(bool a, bool b)
{
	return a == b ? 0 : (a ? -1 : 1);
}

#define ADDRSEL_DECIDE(n, expr) do {                    \
		int c_ = (expr);                        \
		if (c_) {                               \
			if (rule)                       \
				*rule = (n);            \
			return c_;                      \
		}                                       \
	} while (0)

/* Source rules 1 to 5.5 (RFC 6724 section 5). */
static int addrsel_source_cmp_1_55(const struct addrsel_dest *d,
				   const struct addrsel_source *sa,
				   const struct addrsel_source *sb, unsigned *rule)
{
	unsigned sd = addrsel_scope(&d->addr);
	unsigned s1 = addrsel_scope(&sa->addr), s2 = addrsel_scope(&sb->addr);

	ADDRSEL_DECIDE(1, addrsel_prefer(IN6_ARE_ADDR_EQUAL(&sa->addr, &d->addr),
					 IN6_ARE_ADDR_EQUAL(&sb->addr, &d->addr)));
	/* "If Scope(SA) < Scope(SB): If Scope(SA) < Scope(D), then prefer
	 * SB and otherwise prefer SA." */
	if (s1 < s2)
		ADDRSEL_DECIDE(2, s1 < sd ? 1 : -1);
	if (s2 < s1)
		ADDRSEL_DECIDE(2, s2 < sd ? -1 : 1);
	ADDRSEL_DECIDE(3, addrsel_prefer(!(sa->flags & ADDRSEL_F_DEPRECATED),
					 !(sb->flags & ADDRSEL_F_DEPRECATED)));
	ADDRSEL_DECIDE(4, addrsel_rule4(sa->flags, sb->flags));
	if (d->oif)
		ADDRSEL_DECIDE(5, addrsel_prefer(sa->ifindex == d->oif,
						 sb->ifindex == d->oif));
	/* 5.5: "If SA or SA's prefix is assigned by the selected next-hop
	 * that will be used to send to D and SB or SB's prefix is assigned
	 * by a different next-hop, then prefer SA." */
	if (d->nexthop)
		ADDRSEL_DECIDE(55, addrsel_prefer(sa->router == d->nexthop,
						  sb->router == d->nexthop));
	return 0;
}

int addrsel_source_cmp(const struct addrsel_table *t, const struct addrsel_dest *d,
		       const struct addrsel_source *sa, const struct addrsel_source *sb,
		       unsigned *rule)
{
	uint32_t ld = addrsel_label(t, &d->addr);
	bool ta = sa->flags & ADDRSEL_F_TEMPORARY, tb = sb->flags & ADDRSEL_F_TEMPORARY;
	unsigned ca, cb;
	int c;

	if (rule)
		*rule = 0;
	c = addrsel_source_cmp_1_55(d, sa, sb, rule);
	if (c)
		return c;
	ADDRSEL_DECIDE(6, addrsel_prefer(addrsel_label(t, &sa->addr) == ld,
					 addrsel_label(t, &sb->addr) == ld));
	/* Rule 7, or its reverse when the policy prefers public addresses
	 * (RFC 6724: an implementation "MUST provide a mechanism" for it). */
	ADDRSEL_DECIDE(7, t->prefer_temporary ? addrsel_prefer(ta, tb)
					      : addrsel_prefer(!ta, !tb));
	ca = addrsel_common_prefix_len(&sa->addr, sa->plen, &d->addr);
	cb = addrsel_common_prefix_len(&sb->addr, sb->plen, &d->addr);
	ADDRSEL_DECIDE(8, ca == cb ? 0 : (ca > cb ? -1 : 1));
	return 0;
}

/* A candidate may serve d: same family, and a unicast address. */
static bool addrsel_source_usable(const struct addrsel_dest *d,
				  const struct addrsel_source *s)
{
	if (addrsel_is_v4(&d->addr) != addrsel_is_v4(&s->addr))
		return false;
	return !IN6_IS_ADDR_MULTICAST(&s->addr) && !IN6_IS_ADDR_UNSPECIFIED(&s->addr);
}

int addrsel_select_source(const struct addrsel_table *t, const struct addrsel_dest *d,
			  const struct addrsel_source *cand, size_t n)
{
	int best = -ENOENT;

	if (!t || !d || (!cand && n))
		return -EINVAL;
	if (n > INT_MAX)
		return -E2BIG;
	for (size_t i = 0; i < n; i++) {
		if (!addrsel_source_usable(d, &cand[i]))
			continue;
		if (best < 0 || addrsel_source_cmp(t, d, &cand[i], &cand[best], NULL) < 0)
			best = (int)i;
	}
	return best;
}

/* Destination rules 1 to 4 (RFC 6724 section 6); sa and sb non-NULL
 * past rule 1. */
static int addrsel_dest_cmp_1_4(const struct addrsel_dest *da,
				const struct addrsel_source *sa,
				const struct addrsel_dest *db,
				const struct addrsel_source *sb, unsigned *rule)
{
	bool ua = sa && !da->unreachable, ub = sb && !db->unreachable;

	ADDRSEL_DECIDE(1, addrsel_prefer(ua, ub));
	if (!ua)
		return 0;
	ADDRSEL_DECIDE(2, addrsel_prefer(
		addrsel_scope(&da->addr) == addrsel_scope(&sa->addr),
		addrsel_scope(&db->addr) == addrsel_scope(&sb->addr)));
	ADDRSEL_DECIDE(3, addrsel_prefer(!(sa->flags & ADDRSEL_F_DEPRECATED),
					 !(sb->flags & ADDRSEL_F_DEPRECATED)));
	ADDRSEL_DECIDE(4, addrsel_rule4(sa->flags, sb->flags));
	return 0;
}

int addrsel_dest_cmp(const struct addrsel_table *t,
		     const struct addrsel_dest *da, const struct addrsel_source *sa,
		     const struct addrsel_dest *db, const struct addrsel_source *sb,
		     unsigned *rule)
{
	uint32_t pa = addrsel_precedence(t, &da->addr), pb = addrsel_precedence(t, &db->addr);
	unsigned ca, cb;
	int c;

	if (rule)
		*rule = 0;
	c = addrsel_dest_cmp_1_4(da, sa, db, sb, rule);
	if (c || !sa || !sb || da->unreachable || db->unreachable)
		return c;
	ADDRSEL_DECIDE(5, addrsel_prefer(
		addrsel_label(t, &sa->addr) == addrsel_label(t, &da->addr),
		addrsel_label(t, &sb->addr) == addrsel_label(t, &db->addr)));
	ADDRSEL_DECIDE(6, pa == pb ? 0 : (pa > pb ? -1 : 1));
	ADDRSEL_DECIDE(7, addrsel_prefer(!da->encapsulated, !db->encapsulated));
	ADDRSEL_DECIDE(8, addrsel_prefer(addrsel_scope(&da->addr) < addrsel_scope(&db->addr),
					 addrsel_scope(&db->addr) < addrsel_scope(&da->addr)));
	/* Rule 9 for IPv6 only: RFC 6724 allows it for two IPv4 addresses
	 * too, where it reads a meaning into prefixes that IPv4 numbering
	 * does not have (as glibc, Go and lwIP, which skip it there). */
	if (addrsel_is_v4(&da->addr) || addrsel_is_v4(&db->addr))
		return 0;
	ca = addrsel_common_prefix_len(&sa->addr, sa->plen, &da->addr);
	cb = addrsel_common_prefix_len(&sb->addr, sb->plen, &db->addr);
	ADDRSEL_DECIDE(9, ca == cb ? 0 : (ca > cb ? -1 : 1));
	return 0;
}

/* Stable insertion sort of out[0..n) by addrsel_dest_cmp() (rule 10). */
static void addrsel_sort_results(const struct addrsel_table *t,
				 const struct addrsel_source *src,
				 struct addrsel_result *out, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct addrsel_result x = out[i];
		const struct addrsel_source *sx = x.src >= 0 ? &src[x.src] : NULL;
		size_t j = i;

		while (j > 0) {
			const struct addrsel_result *y = &out[j - 1];
			const struct addrsel_source *sy = y->src >= 0 ? &src[y->src] : NULL;

			if (addrsel_dest_cmp(t, &x.dst, sx, &y->dst, sy, NULL) >= 0)
				break;
			out[j] = out[j - 1];
			j--;
		}
		out[j] = x;
	}
}

int addrsel_sort(const struct addrsel_table *t, const struct addrsel_dest *dst,
		 size_t ndst, const struct addrsel_source *src, size_t nsrc,
		 struct addrsel_result *out)
{
	if (!t || (!dst && ndst) || (!src && nsrc) || (!out && ndst))
		return -EINVAL;
	if (ndst > ADDRSEL_MAX_ADDRS || nsrc > ADDRSEL_MAX_ADDRS)
		return -E2BIG;
	for (size_t i = 0; i < ndst; i++) {
		int s = addrsel_select_source(t, &dst[i], src, nsrc);

		out[i] = (struct addrsel_result){ .dst = dst[i], .src = s < 0 ? -1 : s,
						  .in_index = i };
	}
	addrsel_sort_results(t, src, out, ndst);
	return (int)ndst;
}

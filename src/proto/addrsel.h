/* SPDX-License-Identifier: MIT */
/*
 * Default address selection (RFC 6724) with one policy table per PvD.
 *
 * RFC 6724 and RFC 7078 section 3 assume one node-wide policy table;
 * merging the tables that two networks send picks a source from one
 * network for packets leaving by the other (RFC 6418 section 4.3, case
 * 1). Here every function takes the table of one PvD and the source
 * candidates of that PvD only, so two tables never meet.
 *
 * IPv4 addresses are IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) all
 * through (RFC 6724 section 3.2). Pure functions: no allocation, no
 * globals, fixed sizes given below.
 */
#ifndef MIF_PROTO_ADDRSEL_H
#define MIF_PROTO_ADDRSEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define ADDRSEL_MAX_POLICY 64      /* rows of one policy table */
#define ADDRSEL_MAX_ADDRS 64       /* destinations, and candidates, per call */
#define ADDRSEL_LABEL_NONE UINT32_MAX  /* Label(A) when no row matches A */

/* Scope values (RFC 4291 section 2.7, compared as in RFC 6724 3.1). */
enum {
	ADDRSEL_SCOPE_INTERFACE = 0x1,
	ADDRSEL_SCOPE_LINK = 0x2,
	ADDRSEL_SCOPE_ADMIN = 0x4,
	ADDRSEL_SCOPE_SITE = 0x5,
	ADDRSEL_SCOPE_ORG = 0x8,
	ADDRSEL_SCOPE_GLOBAL = 0xe,
};

/* One row of a policy table (RFC 6724 section 2.1). */
struct addrsel_policy {
	struct in6_addr prefix;    /* bits past plen are zero */
	uint8_t plen;              /* 0..128 */
	uint32_t precedence;
	uint32_t label;
};

/* The policy of one PvD. */
struct addrsel_table {
	size_t n;
	/* RFC 6724 2.1 "Automatic Row Addition" (RFC 7078 A flag); kept
	 * for the caller, nothing here adds rows. */
	bool automatic;
	/* Source rule 7 prefers temporary addresses when set (RFC 6724
	 * section 5; cleared by an RFC 7078 P flag of 0). */
	bool prefer_temporary;
	struct addrsel_policy rows[ADDRSEL_MAX_POLICY];
};

/* Attributes of a candidate source address. */
enum {
	ADDRSEL_F_DEPRECATED = 1u << 0,  /* RFC 4862 "deprecated" (rule 3) */
	ADDRSEL_F_HOME = 1u << 1,        /* Mobile IPv6 home address (rule 4) */
	ADDRSEL_F_CAREOF = 1u << 2,      /* care-of address (rule 4) */
	ADDRSEL_F_TEMPORARY = 1u << 3,   /* RFC 8981 temporary (rule 7) */
};

struct addrsel_source {
	struct in6_addr addr;      /* IPv4 as ::ffff:a.b.c.d */
	/* Its prefix length, in bits of the 128-bit form (an IPv4 /24 is
	 * 120): CommonPrefixLen stops there (RFC 6724 section 2.2). */
	uint8_t plen;
	int ifindex;               /* the interface it is assigned to */
	/* Whoever advertised its prefix (rule 5.5), e.g. a router's index
	 * in the PvD; 0 = not known. */
	uint32_t router;
	unsigned flags;            /* ADDRSEL_F_* */
};

struct addrsel_dest {
	struct in6_addr addr;      /* IPv4 as ::ffff:a.b.c.d */
	int oif;                   /* interface used to send to it; 0 = not known */
	uint32_t nexthop;          /* next hop used for it (rule 5.5); 0 = not known */
	bool unreachable;          /* known unreachable (destination rule 1) */
	bool encapsulated;         /* reached by a transition tunnel (rule 7) */
};

/* One sorted destination and its chosen source. */
struct addrsel_result {
	struct addrsel_dest dst;
	int src;                   /* index into the candidates; -1: none, unusable */
	size_t in_index;           /* position in the caller's list */
};

/* True if a is ::ffff:a.b.c.d (IPv4 in the 128-bit form of section 3.2,
 * made by addr_v4_mapped() of common/addr.h). */
bool addrsel_is_v4(const struct in6_addr *a);

/* The default table of RFC 6724 section 2.1, Automatic Row Addition
 * allowed, temporary addresses preferred. */
void addrsel_table_default(struct addrsel_table *t);
/* An empty table (nothing matches until rows are added). */
void addrsel_table_init(struct addrsel_table *t);
/* Add a row, or replace the row with the same prefix and length. Bits
 * past plen are cleared. -EINVAL if plen > 128, -ENOSPC when full. */
int addrsel_table_add(struct addrsel_table *t, const struct in6_addr *prefix,
		      unsigned plen, uint32_t precedence, uint32_t label);

/*
 * Build t from the payload of an OPTION_ADDRSEL (84), after its code and
 * length (RFC 7078 section 2): Reserved(6)|A|P, then OPTION_ADDRSEL_TABLE
 * (85) options of label, precedence, prefix-len and the prefix in exactly
 * (prefix-len + 7) / 8 octets. Other nested options are skipped. Rows
 * received make up the whole table; with none, t is the default table
 * and only the flags apply. -EBADMSG on a truncated option, a length that
 * does not match its prefix-len, or a prefix-len over 128 (the whole
 * option "MUST be ignored"); -E2BIG past ADDRSEL_MAX_POLICY rows. t is
 * written only on success.
 */
int addrsel_table_from_option(struct addrsel_table *t, const uint8_t *p, size_t len);

/* The longest matching row for a, NULL if none (a table without ::/0). */
const struct addrsel_policy *addrsel_lookup(const struct addrsel_table *t,
					    const struct in6_addr *a);
/* Precedence(A) and Label(A): 0 and ADDRSEL_LABEL_NONE without a row. */
uint32_t addrsel_precedence(const struct addrsel_table *t, const struct in6_addr *a);
uint32_t addrsel_label(const struct addrsel_table *t, const struct in6_addr *a);

/* Scope(A) (RFC 6724 sections 3.1, 3.2, 3.4): the multicast scope field,
 * link for fe80::/10, ::1, 127/8 and 169.254/16, site for fec0::/10,
 * global otherwise. */
unsigned addrsel_scope(const struct in6_addr *a);

/* CommonPrefixLen(S, D): leading bits in common, at most s_plen (RFC
 * 6724 section 2.2). */
unsigned addrsel_common_prefix_len(const struct in6_addr *s, unsigned s_plen,
				   const struct in6_addr *d);

/*
 * Compare two candidate sources for d (RFC 6724 section 5, rules 1 to 8
 * with 5.5): < 0 prefers sa, > 0 sb, 0 a tie. *rule (may be NULL) is the
 * deciding rule, 55 for rule 5.5, 0 on a tie.
 */
int addrsel_source_cmp(const struct addrsel_table *t, const struct addrsel_dest *d,
		       const struct addrsel_source *sa, const struct addrsel_source *sb,
		       unsigned *rule);

/* The index of the best source for d among cand[0..n), -ENOENT if none
 * is usable: only candidates of d's family (IPv6 or IPv4), never a
 * multicast or unspecified one. Ties keep the earlier candidate.
 * -EINVAL on NULL pointers. */
int addrsel_select_source(const struct addrsel_table *t, const struct addrsel_dest *d,
			  const struct addrsel_source *cand, size_t n);

/*
 * Compare two destinations with their sources (NULL: none) by RFC 6724
 * section 6, rules 1 to 9 (rule 9 for two IPv6 destinations only): < 0
 * prefers da, > 0 db, 0 a tie (rule 10 keeps their order). *rule as in
 * addrsel_source_cmp().
 */
int addrsel_dest_cmp(const struct addrsel_table *t,
		     const struct addrsel_dest *da, const struct addrsel_source *sa,
		     const struct addrsel_dest *db, const struct addrsel_source *sb,
		     unsigned *rule);

/*
 * The entry point: choose a source for every destination among one PvD's
 * candidates with that PvD's table, then sort the destinations (a stable
 * sort, rule 10). out[0..ndst) receives them best first. Returns ndst;
 * -EINVAL on NULL pointers, -E2BIG if ndst or nsrc exceeds
 * ADDRSEL_MAX_ADDRS.
 */
int addrsel_sort(const struct addrsel_table *t, const struct addrsel_dest *dst,
		 size_t ndst, const struct addrsel_source *src, size_t nsrc,
		 struct addrsel_result *out);

#endif

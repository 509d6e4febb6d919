/* SPDX-License-Identifier: MIT */
/*
 * Source-specific routing (RFC 8028): the host's addresses inside a PvD's
 * prefixes, each with a from-rule to the PvD's table, and the one that
 * becomes the source of the PvD's default route. Found through an index
 * of the kernel's addresses built once per plan, the part of the plan that
 * grew with PvDs times addresses (issue 17's figures).
 */
#include "daemon/routing/route_plan_priv.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <stdlib.h>
#include <string.h>

static int rp_addr_cmp(const void *x, const void *y)
{
	const struct rp_addr *a = x, *b = y;

	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	return memcmp(&a->a, &b->a, 16);
}

struct rp_addr *rp_addr_index(const struct view *v)
{
	struct rp_addr *ix = malloc((v->n_addrs ? v->n_addrs : 1) * sizeof(*ix));

	if (!ix)
		return NULL;
	for (size_t i = 0; i < v->n_addrs; i++) {
		const struct nl_addr *na = &v->addrs[i];

		ix[i].ifindex = na->ifindex;
		ix[i].i = i;
		nl_addr_key(na, &ix[i].a);
	}
	qsort(ix, v->n_addrs, sizeof(*ix), rp_addr_cmp);
	return ix;
}

/* The first entry at or after (ifindex, a). */
static size_t rp_addr_lower(const struct rp_addr *ix, size_t n, int ifindex,
			    const struct in6_addr *a)
{
	struct rp_addr key = { .ifindex = ifindex, .a = *a };
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rp_addr_cmp(&ix[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int rp_size_cmp(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	return a < b ? -1 : a > b;
}

#define RP_MAX_PVD_ADDRS 256

/* The host's addresses inside p's prefixes: a from-rule each, and the first
 * usable one (in the kernel's order) per interface and family becomes the
 * source of p's default route (so traffic with no source picks p's own
 * address). */
int rp_addresses(const struct view *v, const struct rp_addr *ix, const struct route_cfg *c,
		 const struct pvd *p, uint32_t table, struct route_plan *out,
		 struct in6_addr src[2], int src_if[2])
{
	size_t found[RP_MAX_PVD_ADDRS], n = 0;
	const struct pvd_prefix *x;

	TAILQ_FOREACH(x, &p->prefixes, e) {
		struct in6_addr lo = x->prefix;

		addr_mask(&lo, x->plen);
		for (size_t k = rp_addr_lower(ix, v->n_addrs, x->ifindex, &lo);
		     k < v->n_addrs && ix[k].ifindex == x->ifindex &&
		     addr_in_prefix(&ix[k].a, &x->prefix, x->plen) && n < RP_MAX_PVD_ADDRS; k++)
			found[n++] = ix[k].i;
	}
	qsort(found, n, sizeof(found[0]), rp_size_cmp);
	for (size_t k = 0; k < n; k++) {
		const struct nl_addr *na = &v->addrs[found[k]];
		struct in6_addr a;
		int fam;

		if (k && found[k] == found[k - 1])
			continue;        /* inside two of p's prefixes: once */
		nl_addr_key(na, &a);
		fam = rp_v4(&a) ? 0 : 1;
		if (rp_rule_from(out, c, 0, table, &a, 128) < 0)
			return -ENOMEM;
		if (!src_if[fam] && !(na->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED |
						   IFA_F_DEPRECATED))) {
			src[fam] = a;
			src_if[fam] = na->ifindex;
		}
	}
	return 0;
}

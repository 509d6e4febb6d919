/* SPDX-License-Identifier: MIT */
#include "daemon/dns/dns_select.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The reason text costs more than the decision: only when asked for. */
#define DS_WHY(out, ...) \
	do { \
		if (!(out)->quiet) \
			snprintf((out)->why, sizeof((out)->why), __VA_ARGS__); \
	} while (0)

static size_t ds_len(const char *n)
{
	size_t l = strlen(n);

	return l && n[l - 1] == '.' ? l - 1 : l;
}

/* Is name equal to domain or under it, on a label boundary (RFC 4343:
 * case-insensitively)? */
static bool ds_under(const char *name, size_t nl, const char *dom)
{
	size_t dl = ds_len(dom);

	if (dl == 0 || dl > nl || strncasecmp(name + nl - dl, dom, dl) != 0)
		return false;
	return dl == nl || name[nl - dl - 1] == '.';
}

static bool ds_has_dns(const struct pvd *p)
{
	return !TAILQ_EMPTY(&p->dns);
}

/* A split-tunnel VPN: configured, and no route to everything. */
static bool ds_route_only(const struct pvd *p)
{
	const struct pvd_route *r;

	if (p->origin != PVD_SRC_STATIC && p->origin != PVD_SRC_API)
		return false;
	TAILQ_FOREACH(r, &p->routes, e)
		if (r->plen == 0 || (IN6_IS_ADDR_V4MAPPED(&r->prefix) && r->plen == 96))
			return false;
	return true;
}

static const struct pvd *ds_by_handle(const struct pvd_store *s, uint64_t h)
{
	return pvd_find_handle(s, h);
}

static bool ds_in_prefix(const struct in6_addr *a, uint8_t alen, const struct pvd_prefix *x)
{
	/* The reverse name must be at least as specific as the prefix. */
	return alen >= x->plen && addr_in_prefix(a, &x->prefix, x->plen);
}

/* Order handles by rank (unranked last, oldest first); keep n <= max. */
static size_t ds_rank_of(const uint64_t *rank, size_t n_rank, uint64_t h)
{
	for (size_t i = 0; i < n_rank; i++)
		if (rank[i] == h)
			return i;
	return n_rank + (size_t)(h & 0xffffffff);
}

static void ds_push(struct dns_choice *c, const uint64_t *rank, size_t n_rank, uint64_t h)
{
	size_t i = c->n;

	if (c->n == DNS_SELECT_MAX)
		return;
	while (i > 0 && ds_rank_of(rank, n_rank, c->pvd[i - 1]) > ds_rank_of(rank, n_rank, h)) {
		c->pvd[i] = c->pvd[i - 1];
		i--;
	}
	c->pvd[i] = h;
	c->n++;
}

static int ds_reverse(const struct pvd_store *s, const char *qname, const uint64_t *rank,
		      size_t n_rank, struct dns_choice *out)
{
	const struct pvd *p;
	const struct pvd_prefix *x;
	struct in6_addr a;
	uint8_t alen;

	if (dns_reverse_prefix(qname, &a, &alen) < 0)
		return -ENOENT;
	TAILQ_FOREACH(p, &s->pvds, e) {
		if (!ds_has_dns(p))
			continue;
		TAILQ_FOREACH(x, &p->prefixes, e) {
			if (ds_in_prefix(&a, alen, x)) {
				ds_push(out, rank, n_rank, p->handle);
				break;
			}
		}
	}
	if (!out->n)
		return -ENOENT;
	out->rule = DNS_SEL_REVERSE;
	DS_WHY(out, "reverse name of an address in PvD %.250s's "
		 "prefixes", ds_by_handle(s, out->pvd[0])->id);
	return 0;
}

/* Longest domain suffix over every PvD; ties keep every PvD of that length. */
static int ds_domain(const struct pvd_store *s, const char *qname, const uint64_t *rank,
		     size_t n_rank, struct dns_choice *out)
{
	size_t nl = ds_len(qname), best = 0;
	const char *dom = NULL;
	const struct pvd *p;
	const struct pvd_domain *d;

	TAILQ_FOREACH(p, &s->pvds, e)
		TAILQ_FOREACH(d, &p->domains, e)
			if (ds_has_dns(p) && ds_under(qname, nl, d->name) && ds_len(d->name) > best)
				best = ds_len(d->name), dom = d->name;
	if (!dom)
		return -ENOENT;
	TAILQ_FOREACH(p, &s->pvds, e) {
		bool hit = false;

		TAILQ_FOREACH(d, &p->domains, e)
			hit |= ds_has_dns(p) && ds_len(d->name) == best && ds_under(qname, nl, d->name);
		if (hit)
			ds_push(out, rank, n_rank, p->handle);
	}
	out->rule = DNS_SEL_DOMAIN;
	DS_WHY(out, "name under %.200s, a domain of PvD %.100s "
		 "(longest match)", dom, ds_by_handle(s, out->pvd[0])->id);
	return 0;
}

static int ds_default(const struct pvd_store *s, const uint64_t *rank, size_t n_rank,
		      struct dns_choice *out)
{
	const struct pvd *p;

	TAILQ_FOREACH(p, &s->pvds, e)
		if (ds_has_dns(p) && !ds_route_only(p))
			ds_push(out, rank, n_rank, p->handle);
	if (!out->n) {
		out->rule = DNS_SEL_NONE;
		DS_WHY(out, "no PvD has DNS servers for general names");
		return -ENOENT;
	}
	out->rule = DNS_SEL_DEFAULT;
	DS_WHY(out, "no PvD claims the name: the default PvD %.250s%s",
		 ds_by_handle(s, out->pvd[0])->id, out->n > 1 ?
		 ", then the others on SERVFAIL or timeout (never on NXDOMAIN)" : "");
	return 0;
}

int dns_select(const struct pvd_store *s, const char *qname, const uint64_t *rank,
	       size_t n_rank, uint64_t asked, struct dns_choice *out)
{
	return dns_select_ex(s, qname, rank, n_rank, asked, true, out);
}

int dns_select_ex(const struct pvd_store *s, const char *qname, const uint64_t *rank,
		  size_t n_rank, uint64_t asked, bool want_why, struct dns_choice *out)
{
	out->rule = DNS_SEL_NONE;
	out->n = 0;
	out->quiet = !want_why;
	out->why[0] = '\0';
	if (asked) {
		const struct pvd *p = ds_by_handle(s, asked);

		if (!p || !ds_has_dns(p)) {
			out->rule = DNS_SEL_NONE;
			DS_WHY(out, "the PvD asked for %s",
				 p ? "has no DNS servers" : "does not exist");
			return -ENOENT;
		}
		out->rule = DNS_SEL_ASKED;
		out->pvd[out->n++] = asked;
		DS_WHY(out, "the client asked for PvD %.250s", p->id);
		return 0;
	}
	if (ds_reverse(s, qname, rank, n_rank, out) == 0 ||
	    ds_domain(s, qname, rank, n_rank, out) == 0)
		return 0;
	return ds_default(s, rank, n_rank, out);
}

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

/* RFC 7556 section 7: when a trusted PvD claims a name (by a domain or a
 * prefix), untrusted PvDs' claims on it are not heard, even longer ones. */
#define DS_UNTRUSTED_NOTE " (an untrusted PvD's claim on it is ignored: RFC 7556 section 7)"

/* Does one of p's prefixes hold the address of a reverse name? */
static bool ds_holds(const struct pvd *p, const struct in6_addr *a, uint8_t alen)
{
	const struct pvd_prefix *x;

	TAILQ_FOREACH(x, &p->prefixes, e)
		if (ds_in_prefix(a, alen, x))
			return true;
	return false;
}

static int ds_reverse(const struct pvd_store *s, const char *qname, const uint64_t *rank,
		      size_t n_rank, struct dns_choice *out)
{
	const struct pvd *p;
	struct in6_addr a;
	uint8_t alen;
	bool ignored = false;

	if (dns_reverse_prefix(qname, &a, &alen) < 0)
		return -ENOENT;
	/* Trusted PvDs first; untrusted ones only if no trusted one holds it. */
	for (int pass = 0; pass < 2 && !out->n; pass++)
		TAILQ_FOREACH(p, &s->pvds, e)
			if (ds_has_dns(p) && pvd_trusted(p) == (pass == 0) && ds_holds(p, &a, alen))
				ds_push(out, rank, n_rank, p->handle);
	if (!out->n)
		return -ENOENT;
	if (pvd_trusted(ds_by_handle(s, out->pvd[0])))
		TAILQ_FOREACH(p, &s->pvds, e)
			ignored |= !pvd_trusted(p) && ds_has_dns(p) && ds_holds(p, &a, alen);
	out->rule = DNS_SEL_REVERSE;
	DS_WHY(out, "reverse name of an address in PvD %.250s's prefixes%s",
	       ds_by_handle(s, out->pvd[0])->id, ignored ? DS_UNTRUSTED_NOTE : "");
	return 0;
}

/* The longest domain of the PvDs of one trust that the name is under:
 * its length, 0 none. */
static size_t ds_best(const struct pvd_store *s, const char *qname, size_t nl, bool trusted,
		      const char **dom)
{
	const struct pvd *p;
	const struct pvd_domain *d;
	size_t best = 0;

	TAILQ_FOREACH(p, &s->pvds, e)
		if (ds_has_dns(p) && pvd_trusted(p) == trusted)
			TAILQ_FOREACH(d, &p->domains, e)
				if (ds_under(qname, nl, d->name) && ds_len(d->name) > best)
					best = ds_len(d->name), *dom = d->name;
	return best;
}

/* p's RFC 6731 preference for its domains of length best that qname is
 * under: the highest given, medium (0) where no option named them. */
static int ds_pref(const struct pvd *p, const char *qname, size_t nl, size_t best)
{
	const struct pvd_domain *d;
	int pref = -2;

	TAILQ_FOREACH(d, &p->domains, e)
		if (ds_len(d->name) == best && ds_under(qname, nl, d->name)) {
			int x = d->has_sel ? d->pref : 0;

			pref = x > pref ? x : pref;
		}
	return pref;
}

/* ds_push() ordered by RFC 6731 preference first (higher first), then by
 * rank; keys[] holds the preference of each pushed PvD. */
static void ds_push_pref(struct dns_choice *c, int *keys, const uint64_t *rank, size_t n_rank,
			 uint64_t h, int pref)
{
	size_t i = c->n;

	if (c->n == DNS_SELECT_MAX)
		return;
	while (i > 0 && (keys[i - 1] < pref ||
			 (keys[i - 1] == pref &&
			  ds_rank_of(rank, n_rank, c->pvd[i - 1]) > ds_rank_of(rank, n_rank, h)))) {
		c->pvd[i] = c->pvd[i - 1];
		keys[i] = keys[i - 1];
		i--;
	}
	c->pvd[i] = h;
	keys[i] = pref;
	c->n++;
}

/* Longest domain suffix; ties keep every PvD of that length, the higher
 * RFC 6731 preference first (section 4.1: the most specific domain, then
 * the preference), then the rank. Trusted PvDs first: a name under a
 * trusted PvD's domain is theirs alone, whatever an untrusted one's
 * preference (RFC 6731 section 4.3, RFC 7556 section 7). */
static int ds_domain(const struct pvd_store *s, const char *qname, const uint64_t *rank,
		     size_t n_rank, struct dns_choice *out)
{
	size_t nl = ds_len(qname), best;
	const char *dom = NULL, *udom = NULL;
	const struct pvd *p;
	const struct pvd_domain *d;
	bool trusted = true, ignored;
	int keys[DNS_SELECT_MAX];

	best = ds_best(s, qname, nl, true, &dom);
	if (!best) {
		trusted = false;
		best = ds_best(s, qname, nl, false, &dom);
	}
	if (!best)
		return -ENOENT;
	ignored = trusted && ds_best(s, qname, nl, false, &udom) > 0;
	TAILQ_FOREACH(p, &s->pvds, e) {
		bool hit = false;

		if (pvd_trusted(p) != trusted)
			continue;
		TAILQ_FOREACH(d, &p->domains, e)
			hit |= ds_has_dns(p) && ds_len(d->name) == best && ds_under(qname, nl, d->name);
		if (hit)
			ds_push_pref(out, keys, rank, n_rank, p->handle,
				     ds_pref(p, qname, nl, best));
	}
	out->rule = DNS_SEL_DOMAIN;
	DS_WHY(out, "name under %.200s, a domain of PvD %.100s (longest match%s)%s", dom,
	       ds_by_handle(s, out->pvd[0])->id,
	       out->n > 1 && keys[0] > keys[1] ? ", higher RFC 6731 preference" : "",
	       ignored ? DS_UNTRUSTED_NOTE : "");
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

size_t dns_select_named(const struct pvd *p, const char *qname, struct in6_addr *out,
			size_t cap)
{
	size_t nl = ds_len(qname), best = 0, n = 0;
	const struct pvd_domain *d;

	TAILQ_FOREACH(d, &p->domains, e)
		if (d->n_sel && ds_len(d->name) > best && ds_under(qname, nl, d->name))
			best = ds_len(d->name);
	if (!best)
		return 0;
	/* Every item of that length (DHCPv4 and DHCPv6 may both name it). */
	TAILQ_FOREACH(d, &p->domains, e) {
		if (!d->n_sel || ds_len(d->name) != best || !ds_under(qname, nl, d->name))
			continue;
		for (size_t i = 0; i < d->n_sel && n < cap; i++) {
			bool dup = false;

			for (size_t j = 0; j < n; j++)
				dup |= IN6_ARE_ADDR_EQUAL(&out[j], &d->sel_servers[i]);
			if (!dup)
				out[n++] = d->sel_servers[i];
		}
	}
	return n;
}

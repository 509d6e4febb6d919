/* SPDX-License-Identifier: MIT */
/*
 * Applying Router Advertisements to the PvD store, and expiring what they
 * taught. RFC 8801 section 3.4: every object belongs to the PvD of the RA
 * that last updated it; RFC 4861 section 6.3.4 and RFC 4191/8106: a zero
 * lifetime withdraws the object at once.
 */
#include "daemon/pvd/pvd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool pvd_same_prefix(const struct in6_addr *a, uint8_t al,
			    const struct in6_addr *b, uint8_t bl)
{
	return al == bl && IN6_ARE_ADDR_EQUAL(a, b);
}

/* Find an object in one PvD; each returns NULL if absent. */
static struct pvd_prefix *pvd_prefix_in(struct pvd *p, int ifindex,
					const struct in6_addr *pfx, uint8_t plen)
{
	struct pvd_prefix *x;

	TAILQ_FOREACH(x, &p->prefixes, e)
		if (x->source == PVD_SRC_RA && x->ifindex == ifindex &&
		    pvd_same_prefix(&x->prefix, x->plen, pfx, plen))
			return x;
	return NULL;
}

static struct pvd_route *pvd_route_in(struct pvd *p, int ifindex, const struct ra_route *r,
				      const struct in6_addr *router)
{
	struct pvd_route *x;

	TAILQ_FOREACH(x, &p->routes, e)
		if (x->source == PVD_SRC_RA && x->ifindex == ifindex &&
		    IN6_ARE_ADDR_EQUAL(&x->router, router) &&
		    pvd_same_prefix(&x->prefix, x->plen, &r->prefix, r->plen))
			return x;
	return NULL;
}

static struct pvd_dns *pvd_dns_in(struct pvd *p, int ifindex, const struct in6_addr *a)
{
	struct pvd_dns *x;

	TAILQ_FOREACH(x, &p->dns, e)
		if (x->source == PVD_SRC_RA && x->ifindex == ifindex &&
		    IN6_ARE_ADDR_EQUAL(&x->addr, a))
			return x;
	return NULL;
}

static struct pvd_dnr *pvd_dnr_in(struct pvd *p, int ifindex, const char *adn)
{
	struct pvd_dnr *x;

	TAILQ_FOREACH(x, &p->dnr, e)
		if (x->source == PVD_SRC_RA && x->ifindex == ifindex && dname_equal(x->d.adn, adn))
			return x;
	return NULL;
}

static struct pvd_domain *pvd_domain_in(struct pvd *p, int ifindex, const char *name)
{
	struct pvd_domain *x;

	TAILQ_FOREACH(x, &p->domains, e)
		if (x->source == PVD_SRC_RA && x->ifindex == ifindex &&
		    strcasecmp(x->name, name) == 0)
			return x;
	return NULL;
}

static struct pvd_router *pvd_router_in(struct pvd *p, int ifindex, const struct in6_addr *a)
{
	struct pvd_router *x;

	TAILQ_FOREACH(x, &p->routers, e)
		if (x->source == PVD_SRC_RA && x->ifindex == ifindex &&
		    IN6_ARE_ADDR_EQUAL(&x->addr, a))
			return x;
	return NULL;
}

/*
 * Take the object out of whichever PvD holds it (the "last updater" rule)
 * and hand it to `to`, or allocate a new one. `find` looks in one PvD.
 */
#define PVD_CLAIM(got_, s, to, list, find_expr)                              \
	do {                                                                 \
		struct pvd *q_;                                              \
		(got_) = NULL;                                               \
		TAILQ_FOREACH(q_, &(s)->pvds, e) {                           \
			struct pvd *p_ = q_;                                 \
			(got_) = (find_expr);                                \
			if (got_) {                                          \
				p_->dirty = true;                            \
				TAILQ_REMOVE(&p_->list, got_, e);            \
				break;                                       \
			}                                                    \
		}                                                            \
		if (!(got_))                                                 \
			(got_) = calloc(1, sizeof(*(got_)));                 \
		if (got_)                                                    \
			TAILQ_INSERT_TAIL(&(to)->list, got_, e);             \
	} while (0)

/* Remove the object from every PvD (a zero lifetime withdraws it). */
#define PVD_WITHDRAW(s, list, type, find_expr)                               \
	do {                                                                 \
		struct pvd *q_;                                              \
		TAILQ_FOREACH(q_, &(s)->pvds, e) {                           \
			struct pvd *p_ = q_;                                 \
			struct type *got_ = (find_expr);                     \
			if (got_) {                                          \
				p_->dirty = true;                            \
				TAILQ_REMOVE(&p_->list, got_, e);            \
				free(got_);                                  \
			}                                                    \
		}                                                            \
	} while (0)

static int pvd_apply_prefix(struct pvd_store *s, struct pvd *p, const struct ra_prefix *in,
			    int ifindex, const struct in6_addr *src, uint64_t now)
{
	struct pvd_prefix *x;

	/* RFC 4861 section 6.3.4: the link-local prefix is ignored. */
	if (in->prefix.s6_addr[0] == 0xfe && (in->prefix.s6_addr[1] & 0xc0) == 0x80)
		return 0;
	if (in->valid == 0) {
		PVD_WITHDRAW(s, prefixes, pvd_prefix,
			     pvd_prefix_in(p_, ifindex, &in->prefix, in->plen));
		return 0;
	}
	PVD_CLAIM(x, s, p, prefixes, pvd_prefix_in(p_, ifindex, &in->prefix, in->plen));
	if (!x)
		return -ENOMEM;
	x->ifindex = ifindex;
	x->prefix = in->prefix;
	x->plen = in->plen;
	x->onlink = in->onlink;
	x->autonomous = in->autonomous;
	x->nested = in->nested;
	x->valid = in->valid;
	x->preferred = in->preferred;
	x->expires = pvd_deadline(now, in->valid);
	x->pref_expires = pvd_deadline(now, in->preferred < in->valid ? in->preferred : in->valid);
	x->router = *src;
	x->source = PVD_SRC_RA;
	return 0;
}

static int pvd_apply_route(struct pvd_store *s, struct pvd *p, const struct ra_route *in,
			   int ifindex, const struct in6_addr *src, uint64_t now)
{
	struct pvd_route *x;

	if (in->lifetime == 0) {
		PVD_WITHDRAW(s, routes, pvd_route, pvd_route_in(p_, ifindex, in, src));
		return 0;
	}
	PVD_CLAIM(x, s, p, routes, pvd_route_in(p_, ifindex, in, src));
	if (!x)
		return -ENOMEM;
	x->ifindex = ifindex;
	x->prefix = in->prefix;
	x->plen = in->plen;
	x->pref = in->pref;
	x->lifetime = in->lifetime;
	x->expires = pvd_deadline(now, in->lifetime);
	x->router = *src;
	x->source = PVD_SRC_RA;
	return 0;
}

static int pvd_apply_dns(struct pvd_store *s, struct pvd *p, const struct ra_rdnss *in,
			 int ifindex, uint64_t now)
{
	struct pvd_dns *x;

	if (in->lifetime == 0) {
		PVD_WITHDRAW(s, dns, pvd_dns, pvd_dns_in(p_, ifindex, &in->addr));
		return 0;
	}
	PVD_CLAIM(x, s, p, dns, pvd_dns_in(p_, ifindex, &in->addr));
	if (!x)
		return -ENOMEM;
	x->ifindex = ifindex;
	x->addr = in->addr;
	x->lifetime = in->lifetime;
	x->expires = pvd_deadline(now, in->lifetime);
	x->source = PVD_SRC_RA;
	return 0;
}

/* RFC 9463 section 6.1: lifetime 0 says the resolver must no longer be
 * used; otherwise it is kept for its lifetime, in the PvD of the RA. */
static int pvd_apply_dnr(struct pvd_store *s, struct pvd *p, const struct dnr *in,
			 int ifindex, uint64_t now)
{
	struct pvd_dnr *x;

	if (in->lifetime == 0) {
		PVD_WITHDRAW(s, dnr, pvd_dnr, pvd_dnr_in(p_, ifindex, in->adn));
		return 0;
	}
	PVD_CLAIM(x, s, p, dnr, pvd_dnr_in(p_, ifindex, in->adn));
	if (!x)
		return -ENOMEM;
	x->ifindex = ifindex;
	x->d = *in;
	x->lifetime = in->lifetime;
	x->expires = pvd_deadline(now, in->lifetime);
	x->source = PVD_SRC_RA;
	return 0;
}

static int pvd_apply_domain(struct pvd_store *s, struct pvd *p, const struct ra_dnssl *in,
			    int ifindex, uint64_t now)
{
	struct pvd_domain *x;

	if (in->lifetime == 0) {
		PVD_WITHDRAW(s, domains, pvd_domain, pvd_domain_in(p_, ifindex, in->name));
		return 0;
	}
	PVD_CLAIM(x, s, p, domains, pvd_domain_in(p_, ifindex, in->name));
	if (!x)
		return -ENOMEM;
	x->ifindex = ifindex;
	memcpy(x->name, in->name, sizeof(x->name));
	x->lifetime = in->lifetime;
	x->expires = pvd_deadline(now, in->lifetime);
	x->source = PVD_SRC_RA;
	return 0;
}

/* A default router lives in the PvD its RA named; lifetime 0 says the
 * router is not (or no longer) a default router (RFC 4861 section 6.3.4). */
static int pvd_apply_router(struct pvd *p, const struct ra_header *h,
			    int ifindex, const struct in6_addr *src, uint64_t now)
{
	struct pvd_router *x = pvd_router_in(p, ifindex, src);

	if (h->router_lifetime == 0) {
		if (x) {
			TAILQ_REMOVE(&p->routers, x, e);
			free(x);
		}
		return 0;
	}
	if (!x) {
		x = calloc(1, sizeof(*x));
		if (!x)
			return -ENOMEM;
		TAILQ_INSERT_TAIL(&p->routers, x, e);
	}
	x->source = PVD_SRC_RA;
	x->ifindex = ifindex;
	x->addr = *src;
	x->pref = h->pref;
	x->lifetime = h->router_lifetime;
	x->expires = pvd_deadline(now, h->router_lifetime);
	return 0;
}

static int pvd_apply_scalars(struct pvd *p, const struct ra *ra, const struct ra_header *h,
			     int ifindex, uint64_t now)
{
	if (ra->has_pvd) {
		p->has_option = true;
		p->seq = ra->pvd.seq;
		p->h_flag = ra->pvd.h_flag;
		p->l_flag = ra->pvd.l_flag;
		p->delay = ra->pvd.delay;
	}
	p->managed = h->managed;
	p->other = h->other;
	p->hop_limit = h->cur_hop_limit;
	p->reachable_ms = h->reachable_ms;
	p->retrans_ms = h->retrans_ms;
	/* RFC 4861 section 6.3.4: an MTU below the IPv6 minimum is ignored. */
	if (ra->has_mtu && ra->mtu >= 1280)
		pvd_set_mtu(p, PVD_SRC_RA, ra->mtu);
	if (ra->has_captive_portal && pvd_set_captive_portal(p, PVD_SRC_RA, ra->captive_portal) < 0)
		return -ENOMEM;
	if (ra->has_pref64) {
		p->has_pref64 = ra->pref64_lifetime != 0;
		p->pref64 = ra->pref64;
		p->pref64_plen = ra->pref64_plen;
		p->pref64_lifetime = ra->pref64_lifetime;
		p->pref64_expires = pvd_deadline(now, ra->pref64_lifetime);
		p->pref64_ifindex = ifindex;
	}
	return 0;
}

int pvd_apply_ra(struct pvd_store *s, struct pvd *p, const struct ra *ra,
		 int ifindex, const struct in6_addr *src, uint64_t now)
{
	const struct ra_header *h = ra_effective_header(ra);
	int r = pvd_apply_scalars(p, ra, h, ifindex, now);

	if (r == 0)
		r = pvd_apply_router(p, h, ifindex, src, now);
	for (size_t i = 0; r == 0 && i < ra->n_prefixes; i++)
		r = pvd_apply_prefix(s, p, &ra->prefixes[i], ifindex, src, now);
	for (size_t i = 0; r == 0 && i < ra->n_routes; i++)
		r = pvd_apply_route(s, p, &ra->routes[i], ifindex, src, now);
	for (size_t i = 0; r == 0 && i < ra->n_rdnss; i++)
		r = pvd_apply_dns(s, p, &ra->rdnss[i], ifindex, now);
	for (size_t i = 0; r == 0 && i < ra->n_dnssl; i++)
		r = pvd_apply_domain(s, p, &ra->dnssl[i], ifindex, now);
	for (size_t i = 0; r == 0 && i < ra->n_dnr; i++)
		r = pvd_apply_dnr(s, p, &ra->dnr[i], ifindex, now);
	return r;
}

/* Drop every element of one list matching `cond` (x is the element). */
/* Drop the items of owner's list that match cond; owner is dirty if any
 * went (engine_sync_dirty publishes it). */
#define PVD_DROP_IF(owner, list, type, cond)                                 \
	do {                                                                 \
		struct type *x, *nx_;                                        \
		for (x = TAILQ_FIRST(list); x; x = nx_) {                    \
			nx_ = TAILQ_NEXT(x, e);                              \
			if (cond) {                                          \
				TAILQ_REMOVE(list, x, e);                    \
				free(x);                                     \
				(owner)->dirty = true;                       \
			}                                                    \
		}                                                            \
	} while (0)

void pvd_forget_ifindex(struct pvd_store *s, int ifindex)
{
	struct pvd *p;

	/* Configured items (static, API) stay: they describe the PvD, not
	 * what the link said, and come back into use with the link. */
#define PVD_LEARNT_ON(x) ((x)->ifindex == ifindex && (x)->source != PVD_SRC_STATIC && \
			  (x)->source != PVD_SRC_API)
	TAILQ_FOREACH(p, &s->pvds, e) {
		PVD_DROP_IF(p, &p->routers, pvd_router, PVD_LEARNT_ON(x));
		PVD_DROP_IF(p, &p->prefixes, pvd_prefix, PVD_LEARNT_ON(x));
		PVD_DROP_IF(p, &p->routes, pvd_route, PVD_LEARNT_ON(x));
		PVD_DROP_IF(p, &p->dns, pvd_dns, PVD_LEARNT_ON(x));
		PVD_DROP_IF(p, &p->domains, pvd_domain, PVD_LEARNT_ON(x));
		PVD_DROP_IF(p, &p->ntp, pvd_dns, PVD_LEARNT_ON(x));
		PVD_DROP_IF(p, &p->dnr, pvd_dnr, PVD_LEARNT_ON(x));
		if (p->pref64_ifindex == ifindex && p->has_pref64) {
			p->has_pref64 = false;
			p->dirty = true;
		}
	}
}

void pvd_expire(struct pvd *p, uint64_t now)
{
	if (pvd_next_expiry(p) > now)
		return;       /* nothing due: the common case, and p unchanged */
	p->dirty = true;
	PVD_DROP_IF(p, &p->routers, pvd_router, x->expires <= now);
	PVD_DROP_IF(p, &p->prefixes, pvd_prefix, x->expires <= now);
	PVD_DROP_IF(p, &p->routes, pvd_route, x->expires <= now);
	PVD_DROP_IF(p, &p->dns, pvd_dns, x->expires <= now);
	PVD_DROP_IF(p, &p->domains, pvd_domain, x->expires <= now);
	PVD_DROP_IF(p, &p->ntp, pvd_dns, x->expires <= now);
	PVD_DROP_IF(p, &p->dnr, pvd_dnr, x->expires <= now);
	if (p->has_pref64 && p->pref64_expires <= now)
		p->has_pref64 = false;
}

bool pvd_is_empty(const struct pvd *p)
{
	return !p->persistent && TAILQ_EMPTY(&p->routers) && TAILQ_EMPTY(&p->prefixes) &&
	       TAILQ_EMPTY(&p->routes) && TAILQ_EMPTY(&p->dns) &&
	       TAILQ_EMPTY(&p->domains) && TAILQ_EMPTY(&p->ntp) && TAILQ_EMPTY(&p->dnr) && !p->has_pref64;
}

#define PVD_MIN_EXPIRY(list, type, field, acc)                                     \
	do {                                                                 \
		const struct type *x;                                        \
		TAILQ_FOREACH(x, list, e)                                    \
			if (x->field < (acc))                                \
				(acc) = x->field;                            \
	} while (0)

uint64_t pvd_next_expiry(const struct pvd *p)
{
	uint64_t t = PVD_NEVER;

	PVD_MIN_EXPIRY(&p->routers, pvd_router, expires, t);
	PVD_MIN_EXPIRY(&p->prefixes, pvd_prefix, expires, t);
	PVD_MIN_EXPIRY(&p->routes, pvd_route, expires, t);
	PVD_MIN_EXPIRY(&p->dns, pvd_dns, expires, t);
	PVD_MIN_EXPIRY(&p->domains, pvd_domain, expires, t);
	PVD_MIN_EXPIRY(&p->ntp, pvd_dns, expires, t);
	PVD_MIN_EXPIRY(&p->dnr, pvd_dnr, expires, t);
	if (p->has_pref64 && p->pref64_expires < t)
		t = p->pref64_expires;
	return t;
}

/* Sets found if any item of list lives on interface idx. */
#define PVD_ANY_ON(found, list, type, idx)                                   \
	do {                                                                 \
		const struct type *x_;                                       \
		TAILQ_FOREACH(x_, list, e)                                   \
			if (x_->ifindex == (idx))                            \
				(found) = true;                              \
	} while (0)

bool pvd_on_ifindex(const struct pvd *p, int ifindex)
{
	bool f = (p->persistent && p->bound_ifindex == ifindex) ||
		 (p->has_pref64 && p->pref64_ifindex == ifindex);

	PVD_ANY_ON(f, &p->routers, pvd_router, ifindex);
	PVD_ANY_ON(f, &p->prefixes, pvd_prefix, ifindex);
	PVD_ANY_ON(f, &p->routes, pvd_route, ifindex);
	PVD_ANY_ON(f, &p->dns, pvd_dns, ifindex);
	PVD_ANY_ON(f, &p->domains, pvd_domain, ifindex);
	PVD_ANY_ON(f, &p->ntp, pvd_dns, ifindex);
	PVD_ANY_ON(f, &p->dnr, pvd_dnr, ifindex);
	return f;
}

void pvd_drop_source_in(struct pvd *p, enum pvd_source src, int ifindex)
{
#define PVD_FROM(x) ((x)->source == src && (ifindex == 0 || (x)->ifindex == ifindex))
	PVD_DROP_IF(p, &p->routers, pvd_router, PVD_FROM(x));
	PVD_DROP_IF(p, &p->prefixes, pvd_prefix, PVD_FROM(x));
	PVD_DROP_IF(p, &p->routes, pvd_route, PVD_FROM(x));
	PVD_DROP_IF(p, &p->dns, pvd_dns, PVD_FROM(x));
	PVD_DROP_IF(p, &p->domains, pvd_domain, PVD_FROM(x));
	PVD_DROP_IF(p, &p->ntp, pvd_dns, PVD_FROM(x));
	PVD_DROP_IF(p, &p->dnr, pvd_dnr, PVD_FROM(x));
#undef PVD_FROM
}

void pvd_drop_source(struct pvd_store *s, enum pvd_source src, int ifindex)
{
	struct pvd *p;

	TAILQ_FOREACH(p, &s->pvds, e)
		pvd_drop_source_in(p, src, ifindex);
}

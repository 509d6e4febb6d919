/* SPDX-License-Identifier: MIT */
/*
 * Adding items from sources other than Router Advertisements (DHCPv4,
 * DHCPv6, static configuration, the API). Those sources state their whole
 * set at once, so the caller drops the source's previous items
 * (pvd_drop_source) and adds the new ones; nothing here moves items
 * between PvDs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto/dname.h"

#include "daemon/pvd/pvd.h"

/* Allocate a zeroed item into x and append it to a list; x is NULL on
 * ENOMEM. A statement, not an expression: ISO C has no statement
 * expressions. */
#define PVD_APPEND(x, head)                                                  \
	do {                                                                 \
		(x) = calloc(1, sizeof(*(x)));                               \
		if (x)                                                       \
			TAILQ_INSERT_TAIL(head, x, e);                       \
	} while (0)

/* Every adder marks its PvD dirty: engine_sync_dirty() publishes what
 * changed without serialising the PvDs nothing touched. */

int pvd_add_router(struct pvd *p, enum pvd_source src, int ifindex, const struct in6_addr *a,
		   uint32_t lifetime, uint64_t expires)
{
	struct pvd_router *x;

	p->dirty = true;
	PVD_APPEND(x, &p->routers);
	if (!x)
		return -ENOMEM;
	x->source = src;
	x->ifindex = ifindex;
	x->addr = *a;
	x->pref = RA_PREF_MEDIUM;
	x->lifetime = lifetime;
	x->expires = expires;
	return 0;
}

int pvd_add_prefix(struct pvd *p, enum pvd_source src, int ifindex, const struct in6_addr *pfx,
		   uint8_t plen, uint32_t lifetime, uint64_t expires)
{
	struct pvd_prefix *x;

	p->dirty = true;
	PVD_APPEND(x, &p->prefixes);
	if (!x)
		return -ENOMEM;
	x->source = src;
	x->ifindex = ifindex;
	x->prefix = *pfx;
	x->plen = plen;
	x->onlink = true;
	x->valid = x->preferred = lifetime;
	x->expires = x->pref_expires = expires;
	return 0;
}

int pvd_add_route(struct pvd *p, enum pvd_source src, int ifindex, const struct in6_addr *pfx,
		  uint8_t plen, const struct in6_addr *gw, uint32_t lifetime, uint64_t expires)
{
	struct pvd_route *x;

	p->dirty = true;
	PVD_APPEND(x, &p->routes);
	if (!x)
		return -ENOMEM;
	x->source = src;
	x->ifindex = ifindex;
	x->prefix = *pfx;
	x->plen = plen;
	x->pref = RA_PREF_MEDIUM;
	if (gw)
		x->router = *gw;
	x->lifetime = lifetime;
	x->expires = expires;
	return 0;
}

static int pvd_add_server(struct pvd_dns_list *l, enum pvd_source src, int ifindex,
			  const struct in6_addr *a, uint32_t lifetime, uint64_t expires)
{
	struct pvd_dns *x;

	PVD_APPEND(x, l);
	if (!x)
		return -ENOMEM;
	x->source = src;
	x->ifindex = ifindex;
	x->addr = *a;
	x->lifetime = lifetime;
	x->expires = expires;
	return 0;
}

int pvd_add_dns(struct pvd *p, enum pvd_source src, int ifindex, const struct in6_addr *a,
		uint32_t lifetime, uint64_t expires)
{
	p->dirty = true;
	return pvd_add_server(&p->dns, src, ifindex, a, lifetime, expires);
}

int pvd_add_dnr(struct pvd *p, enum pvd_source src, int ifindex, const struct dnr *d,
		uint32_t lifetime, uint64_t expires)
{
	struct pvd_dnr *x;

	p->dirty = true;
	PVD_APPEND(x, &p->dnr);
	if (!x)
		return -ENOMEM;
	x->source = src;
	x->ifindex = ifindex;
	x->d = *d;
	x->lifetime = lifetime;
	x->expires = expires;
	return 0;
}

bool pvd_has_dns(const struct pvd *p, const struct in6_addr *a)
{
	const struct pvd_dns *x;

	TAILQ_FOREACH(x, &p->dns, e)
		if (IN6_ARE_ADDR_EQUAL(&x->addr, a))
			return true;
	return false;
}

bool pvd_has_domain(const struct pvd *p, const char *name)
{
	const struct pvd_domain *x;

	TAILQ_FOREACH(x, &p->domains, e)
		if (dname_equal(x->name, name))
			return true;
	return false;
}

int pvd_add_ntp(struct pvd *p, enum pvd_source src, int ifindex, const struct in6_addr *a,
		uint32_t lifetime, uint64_t expires)
{
	p->dirty = true;
	return pvd_add_server(&p->ntp, src, ifindex, a, lifetime, expires);
}

int pvd_add_domain(struct pvd *p, enum pvd_source src, int ifindex, const char *name,
		   uint32_t lifetime, uint64_t expires)
{
	struct pvd_domain *x;

	p->dirty = true;
	if (strlen(name) >= sizeof(x->name))
		return -EINVAL;
	PVD_APPEND(x, &p->domains);
	if (!x)
		return -ENOMEM;
	x->source = src;
	x->ifindex = ifindex;
	strcpy(x->name, name);
	x->lifetime = lifetime;
	x->expires = expires;
	return 0;
}

int pvd_domain_select(struct pvd *p, const char *name, const struct in6_addr *server,
		      int8_t pref)
{
	struct pvd_domain *x;

	TAILQ_FOREACH(x, &p->domains, e) {
		bool known = false;

		if (!dname_equal(x->name, name))
			continue;
		if (!x->has_sel || pref > x->pref)
			x->pref = pref;
		x->has_sel = true;
		for (size_t i = 0; server && i < x->n_sel; i++)
			known |= IN6_ARE_ADDR_EQUAL(&x->sel_servers[i], server);
		if (server && !IN6_IS_ADDR_UNSPECIFIED(server) && !known &&
		    x->n_sel < PVD_DOMAIN_SERVERS)
			x->sel_servers[x->n_sel++] = *server;
		p->dirty = true;
		return 0;
	}
	return -ENOENT;
}

void pvd_set_mtu(struct pvd *p, enum pvd_source src, uint32_t mtu)
{
	uint32_t eff = 0;

	if ((unsigned)src >= PVD_SRC__MAX)
		return;
	if (p->mtu_by[src] != mtu)
		p->dirty = true;
	p->mtu_by[src] = mtu;
	for (size_t i = 0; i < PVD_SRC__MAX; i++)
		if (p->mtu_by[i] && (!eff || p->mtu_by[i] < eff))
			eff = p->mtu_by[i];
	if (p->mtu != eff)
		p->dirty = true;
	p->mtu = eff;
}

bool pvd_mtu_conflict(const struct pvd *p)
{
	for (size_t i = 0; i < PVD_SRC__MAX; i++)
		if (p->mtu_by[i] && p->mtu_by[i] != p->mtu)
			return true;
	return false;
}

void pvd_set_metered_hint(struct pvd *p, enum pvd_source src, bool metered)
{
	uint8_t bit, by;

	if ((unsigned)src >= PVD_SRC__MAX || src >= 8)
		return;
	bit = (uint8_t)(1u << src);
	by = metered ? (uint8_t)(p->metered_by | bit) : (uint8_t)(p->metered_by & ~bit);
	if (by != p->metered_by)
		p->dirty = true;
	p->metered_by = by;
}

int pvd_set_captive_portal(struct pvd *p, enum pvd_source src, const char *uri)
{
	char *c;

	if (!uri) {
		if (p->captive_portal && p->captive_source == src) {
			free(p->captive_portal);
			p->captive_portal = NULL;
			p->dirty = true;
		}
		return 0;
	}
	if (p->captive_portal && strcmp(p->captive_portal, uri) == 0) {
		/* The source is shown with the URI: a change of it is a change. */
		if (p->captive_source != src)
			p->dirty = true;
		p->captive_source = src;
		return 0;
	}
	c = strdup(uri);
	if (!c)
		return -ENOMEM;
	free(p->captive_portal);
	p->captive_portal = c;
	p->captive_source = src;
	p->dirty = true;
	return 0;
}

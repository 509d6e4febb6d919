/* SPDX-License-Identifier: MIT */
#include "daemon/pvd/pvd_digest.h"

#include <linux/if_addr.h>
#include <string.h>

/*
 * Each item is fed in the order pvd_json prints it, each list behind a tag
 * and closed by its count, so that an item moved from one list to another
 * changes the digest. Times left ("expires_in") are not fed: they change
 * every second without the PvD changing. Interfaces are fed by name, as
 * printed: a renamed link changes the published form.
 */
enum {
	PD_ROUTERS = 1, PD_PREFIXES, PD_ADDRESSES, PD_ROUTES, PD_DNS, PD_DOMAINS,
	PD_INTERFACES, PD_NTP, PD_REST, PD_DNR,
};

static void pd_ifname(struct hash2 *h, const struct pvd_json_ctx *c, int ifindex)
{
	char buf[16];

	hash2_str(h, view_ifname(c->view, ifindex, buf, sizeof(buf)));
}

/* As pj_pref prints it: anything else (the reserved value) shows as medium. */
static uint64_t pd_pref(enum ra_pref p)
{
	return p == RA_PREF_HIGH ? 1 : p == RA_PREF_LOW ? 3 : 0;
}

static void pd_addr(struct hash2 *h, const struct in6_addr *a)
{
	hash2_bytes(h, a->s6_addr, 16);
}

static void pd_routers(struct hash2 *h, const struct pvd *p, const struct pvd_json_ctx *c)
{
	const struct pvd_router *x;
	uint64_t n = 0;

	hash2_u64(h, PD_ROUTERS);
	TAILQ_FOREACH(x, &p->routers, e) {
		pd_addr(h, &x->addr);
		pd_ifname(h, c, x->ifindex);
		hash2_u64(h, pd_pref(x->pref) << 8 | x->source);
		hash2_u64(h, x->lifetime);
		n++;
	}
	hash2_u64(h, n);
}

static void pd_prefixes(struct hash2 *h, const struct pvd *p, const struct pvd_json_ctx *c)
{
	const struct pvd_prefix *x;
	uint64_t n = 0;

	hash2_u64(h, PD_PREFIXES);
	TAILQ_FOREACH(x, &p->prefixes, e) {
		pd_addr(h, &x->prefix);
		pd_ifname(h, c, x->ifindex);
		hash2_u64(h, (uint64_t)x->plen | (uint64_t)x->onlink << 8 |
			  (uint64_t)x->autonomous << 9 | (uint64_t)x->nested << 10 |
			  (uint64_t)x->source << 16);
		pd_addr(h, &x->router);
		hash2_u64(h, (uint64_t)x->valid << 32 | x->preferred);
		n++;
	}
	hash2_u64(h, n);
}

/* The state pvd_json prints: the flags that choose it, not all of them. */
static uint64_t pd_addr_state(uint32_t flags)
{
	if (flags & IFA_F_DADFAILED)
		return 1;
	if (flags & IFA_F_TENTATIVE)
		return 2;
	if (flags & IFA_F_DEPRECATED)
		return 3;
	return 4;
}

/* The host's addresses inside the PvD's prefixes, as pj_addresses finds them. */
static void pd_addresses(struct hash2 *h, const struct pvd *p, const struct pvd_json_ctx *c)
{
	uint64_t n = 0;

	hash2_u64(h, PD_ADDRESSES);
	for (size_t i = 0; i < c->view->n_addrs; i++) {
		const struct nl_addr *na = &c->view->addrs[i];
		struct in6_addr key;

		if (!pvd_prefix_holding(p, na, &key))
			continue;
		bool own = c->own_addr && c->own_addr(c->own_ctx, na->ifindex, na->addr);

		pd_addr(h, &key);
		pd_ifname(h, c, na->ifindex);
		hash2_u64(h, (uint64_t)na->plen | pd_addr_state(na->flags) << 8 |
			  (uint64_t)own << 16);
		n++;
	}
	hash2_u64(h, n);
}

static void pd_routes(struct hash2 *h, const struct pvd *p, const struct pvd_json_ctx *c)
{
	const struct pvd_route *x;
	uint64_t n = 0;

	hash2_u64(h, PD_ROUTES);
	TAILQ_FOREACH(x, &p->routes, e) {
		pd_addr(h, &x->prefix);
		pd_ifname(h, c, x->ifindex);
		hash2_u64(h, (uint64_t)x->plen | pd_pref(x->pref) << 8 |
			  (uint64_t)x->source << 16);
		pd_addr(h, &x->router);
		hash2_u64(h, x->lifetime);
		n++;
	}
	hash2_u64(h, n);
}

static void pd_servers(struct hash2 *h, uint64_t tag, const struct pvd_dns_list *l,
		       const struct pvd_json_ctx *c)
{
	const struct pvd_dns *d;
	uint64_t n = 0;

	hash2_u64(h, tag);
	TAILQ_FOREACH(d, l, e) {
		pd_addr(h, &d->addr);
		pd_ifname(h, c, d->ifindex);
		hash2_u64(h, (uint64_t)d->lifetime << 8 | d->source);
		n++;
	}
	hash2_u64(h, n);
}

static void pd_domains(struct hash2 *h, const struct pvd *p, const struct pvd_json_ctx *c)
{
	const struct pvd_domain *d;
	uint64_t n = 0;

	hash2_u64(h, PD_DOMAINS);
	TAILQ_FOREACH(d, &p->domains, e) {
		hash2_str(h, d->name);
		pd_ifname(h, c, d->ifindex);
		hash2_u64(h, (uint64_t)d->lifetime << 8 | d->source);
		n++;
	}
	hash2_u64(h, n);
}

static void pd_dnr(struct hash2 *h, const struct pvd *p, const struct pvd_json_ctx *c)
{
	const struct pvd_dnr *x;
	uint64_t n = 0;

	hash2_u64(h, PD_DNR);
	TAILQ_FOREACH(x, &p->dnr, e) {
		hash2_str(h, x->d.adn);
		hash2_str(h, x->d.dohpath);
		for (size_t i = 0; i < x->d.n_addrs; i++)
			pd_addr(h, &x->d.addrs[i]);
		hash2_u64(h, (uint64_t)x->d.priority << 48 | (uint64_t)x->d.port << 32 |
			  (uint64_t)x->d.alpn << 16 | (uint64_t)x->d.n_addrs << 8 | x->d.adn_only);
		pd_ifname(h, c, x->ifindex);
		hash2_u64(h, (uint64_t)x->lifetime << 8 | x->source);
		n++;
	}
	hash2_u64(h, n);
}

static void pd_interfaces(struct hash2 *h, const struct pvd *p, const struct pvd_json_ctx *c)
{
	uint64_t n = 0;

	hash2_u64(h, PD_INTERFACES);
	for (size_t i = 0; i < c->view->n_links; i++)
		if (pvd_on_ifindex(p, c->view->links[i].link.ifindex)) {
			hash2_str(h, c->view->links[i].link.name);
			n++;
		}
	hash2_u64(h, n);
}

/* The scalar fields: identity, MTU, portal, PREF64, M/O, the PvD option. */
static void pd_rest(struct hash2 *h, const struct pvd *p)
{
	hash2_u64(h, PD_REST);
	hash2_str(h, p->id);
	hash2_u64(h, p->handle);
	hash2_u64(h, (uint64_t)p->explicit_ | (uint64_t)p->origin << 8 |
		  (uint64_t)p->managed << 16 | (uint64_t)p->other << 17);
	hash2_u64(h, (uint64_t)p->mtu << 8 | p->conn);
	if (pvd_mtu_conflict(p))
		for (size_t i = 0; i < PVD_SRC__MAX; i++)
			hash2_u64(h, p->mtu_by[i]);
	hash2_str(h, p->captive_portal);
	hash2_u64(h, p->captive_portal ? p->captive_source : UINT64_MAX);
	hash2_u64(h, p->metered_by);
	if (p->has_pref64) {
		pd_addr(h, &p->pref64);
		hash2_u64(h, (uint64_t)p->pref64_plen << 32 | p->pref64_lifetime);
	} else {
		hash2_u64(h, UINT64_MAX);
	}
	if (p->has_option)
		hash2_u64(h, (uint64_t)p->seq | (uint64_t)p->h_flag << 16 |
			  (uint64_t)p->l_flag << 17 | (uint64_t)p->delay << 24);
	else
		hash2_u64(h, UINT64_MAX);
}

void pvd_digest(const struct pvd *p, const struct pvd_json_ctx *c, uint64_t seed,
		struct hash2 *ret)
{
	struct hash2 h;

	hash2_init(&h, seed);
	pd_rest(&h, p);
	pd_interfaces(&h, p, c);
	pd_routers(&h, p, c);
	pd_prefixes(&h, p, c);
	pd_addresses(&h, p, c);
	pd_routes(&h, p, c);
	pd_servers(&h, PD_DNS, &p->dns, c);
	pd_domains(&h, p, c);
	pd_servers(&h, PD_NTP, &p->ntp, c);
	pd_dnr(&h, p, c);
	if (c->extra_digest)
		c->extra_digest(c->own_ctx, p, &h);
	*ret = h;
}

/* SPDX-License-Identifier: MIT */
#include "daemon/dns/dns_plan.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <string.h>

bool dns_plan_in_prefix(const struct in6_addr *a, const struct in6_addr *prefix, uint8_t plen)
{
	return addr_in_prefix(a, prefix, plen);
}

bool dns_plan_is_dns64(const struct dns_plan_pvd *p, const struct in6_addr *a)
{
	static const struct in6_addr wkp = { { { 0, 0x64, 0xff, 0x9b } } };

	if (p->has_pref64 && dns_plan_in_prefix(a, &p->pref64, p->pref64_plen))
		return true;
	return dns_plan_in_prefix(a, &wkp, 96);
}

/* Is a (an address of v) inside one of p's prefixes, on that prefix's link? */
static bool dp_in_pvd(const struct pvd *p, const struct nl_addr *na, struct in6_addr *a)
{
	return pvd_prefix_holding(p, na, a) != NULL;
}

/* The PvD's own usable address of a's family on ifindex (0: any link):
 * inside its prefixes, not tentative, deprecated or failed. */
static enum dns_src_state dp_source(const struct view *v, const struct pvd *p, int ifindex,
				    const struct in6_addr *server, struct in6_addr *src)
{
	bool v4 = IN6_IS_ADDR_V4MAPPED(server), prefix = false, pending = false;
	const struct pvd_prefix *pf;

	TAILQ_FOREACH(pf, &p->prefixes, e)
		if (IN6_IS_ADDR_V4MAPPED(&pf->prefix) == v4 && (!ifindex || pf->ifindex == ifindex))
			prefix = true;
	for (size_t i = 0; i < v->n_addrs; i++) {
		const struct nl_addr *na = &v->addrs[i];
		struct in6_addr a;

		if ((na->family == AF_INET) != v4 || (ifindex && na->ifindex != ifindex) ||
		    (na->flags & (IFA_F_DADFAILED | IFA_F_DEPRECATED)) || !dp_in_pvd(p, na, &a))
			continue;
		if (na->flags & IFA_F_TENTATIVE) {
			pending = true;
			continue;
		}
		*src = a;
		return DNS_SRC_READY;
	}
	return pending ? DNS_SRC_PENDING : prefix ? DNS_SRC_MISSING : DNS_SRC_ANY;
}

/* The PvD's DoT resolvers (alpn "dot", with an address), lowest Service
 * Priority first (RFC 9463 section 3.1.3, RFC 9460 2.4.1). */
static void dp_tls(const struct pvd *p, const struct view *v, struct dns_plan_pvd *o)
{
	const struct pvd_dnr *x;

	for (;;) {
		const struct pvd_dnr *best = NULL;
		struct dns_plan_tls *t;

		TAILQ_FOREACH(x, &p->dnr, e) {
			bool taken = false;

			if (!(x->d.alpn & DNR_ALPN_DOT) || !x->d.n_addrs)
				continue;
			for (size_t i = 0; i < o->n_tls; i++)
				taken |= !memcmp(&o->tls[i].up.addr, &x->d.addrs[0], 16);
			if (!taken && (!best || x->d.priority < best->d.priority))
				best = x;
		}
		if (!best || o->n_tls == DNS_PLAN_MAX_TLS)
			return;
		t = &o->tls[o->n_tls++];
		memcpy(t->adn, best->d.adn, sizeof(t->adn));
		t->port = best->d.port ? best->d.port : 853;
		t->source = (uint8_t)best->source;
		t->up.addr = best->d.addrs[0];
		t->up.ifindex = best->ifindex ? best->ifindex : p->bound_ifindex;
		t->up.src_state = dp_source(v, p, t->up.ifindex, &t->up.addr, &t->up.src);
	}
}

static void dp_pvd(const struct pvd *p, const struct view *v, const struct route_cfg *c,
		   const struct route_tables *t, struct dns_plan_pvd *o)
{
	const struct pvd_dns *d;

	memset(o, 0, sizeof(*o));
	o->handle = p->handle;
	memcpy(o->id, p->id, sizeof(o->id));
	if (t && c && c->enabled) {
		for (uint32_t i = 0; i < ROUTE_MAX_TABLES && i < c->table_count; i++)
			if (t->handle[i] == p->handle)
				o->mark = route_mark_of(c, t, c->table_base + i);
	}
	TAILQ_FOREACH(d, &p->dns, e) {
		if (o->n_servers == DNS_PLAN_MAX_SERVERS)
			break;
		o->servers[o->n_servers].addr = d->addr;
		/* A static or VPN PvD's servers are reached through its interface. */
		o->servers[o->n_servers].ifindex = d->ifindex ? d->ifindex : p->bound_ifindex;
		o->servers[o->n_servers].src_state =
			dp_source(v, p, o->servers[o->n_servers].ifindex, &d->addr,
				  &o->servers[o->n_servers].src);
		o->n_servers++;
	}
	dp_tls(p, v, o);
	o->has_pref64 = p->has_pref64;
	o->pref64 = p->pref64;
	o->pref64_plen = p->pref64_plen;
}

int dns_plan_build(const struct pvd_store *s, const struct view *v, const struct route_cfg *c,
		   const struct route_tables *tables, struct dns_plan_pvd *out, size_t cap,
		   size_t *n)
{
	const struct pvd *p;

	*n = 0;
	TAILQ_FOREACH(p, &s->pvds, e) {
		if (TAILQ_EMPTY(&p->dns) && TAILQ_EMPTY(&p->dnr))
			continue;
		if (*n == cap)
			return -ENOSPC;
		dp_pvd(p, v, c, tables, &out[(*n)++]);
	}
	return 0;
}

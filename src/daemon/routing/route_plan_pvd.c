/* SPDX-License-Identifier: MIT */
/*
 * One PvD's table and rules: its on-link prefixes, a default route per
 * family through its best router (RFC 4191 preference), its NAT64 prefix,
 * its own routes, fe80::/64 on its links, its MTU on them (issue 20), the
 * from-rules of its prefixes and the rules of its mark. What one PvD puts
 * in the plan, apart from how PvDs are ranked against each other
 * (route_plan_default.c).
 */
#include "daemon/routing/route_plan_priv.h"
#include "common/addr.h"

#include <linux/icmpv6.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

static int rp_route(struct route_plan *p, const struct route_cfg *c, uint32_t table,
		    const struct in6_addr *dst, uint8_t plen, const struct in6_addr *gw, int oif,
		    enum ra_pref pref, const uint8_t *prefsrc)
{
	struct nl_route r = { .family = rp_v4(dst) ? AF_INET : AF_INET6, .table = table,
			      .protocol = c->proto, .type = RTN_UNICAST, .oif = oif };

	r.dst_len = rp_put(dst, plen, r.dst);
	if (gw && !IN6_IS_ADDR_UNSPECIFIED(gw)) {
		if (rp_v4(gw) != rp_v4(dst))
			return 0;            /* a gateway of the other family: not ours to fix */
		r.has_gateway = true;
		rp_put(gw, 128, r.gateway);
	}
	/* The kernel gives IPv6 routes metric 1024 when none is set and
	 * reports it so: plan it explicitly, or our own routes would never
	 * match what a dump shows after a restart. */
	if (r.family == AF_INET6)
		r.priority = 1024;
	if (r.family == AF_INET6)
		r.pref = pref == RA_PREF_HIGH ? ICMPV6_ROUTER_PREF_HIGH :
			 pref == RA_PREF_LOW ? ICMPV6_ROUTER_PREF_LOW : ICMPV6_ROUTER_PREF_MEDIUM;
	if (prefsrc) {
		r.has_prefsrc = true;
		memcpy(r.prefsrc, prefsrc, 16);
	}
	return route_plan_add_route(p, &r);
}

/* fe80::/64 on one interface, in p's table: with the base+250 rule a
 * marked socket reaches nothing outside its table, and link-local routers
 * and DNS servers (RFC 8106 allows them) must stay reachable. The metric
 * carries the ifindex so a PvD on several links keeps one route per link
 * (the kernel's key is table, destination and metric). */
static int rp_route_ll(struct route_plan *p, const struct route_cfg *c, uint32_t table, int oif)
{
	struct nl_route r = { .family = AF_INET6, .table = table, .protocol = c->proto,
			      .type = RTN_UNICAST, .oif = oif, .dst_len = 64,
			      .priority = 1024 + (uint32_t)(oif & 0xffff) };

	if (oif <= 0)
		return 0;
	r.dst[0] = 0xfe;
	r.dst[1] = 0x80;
	return route_plan_add_route(p, &r);
}

/* Every interface where p has IPv6 routers, prefixes or link-local DNS. */
static int rp_link_locals(const struct route_cfg *c, const struct pvd *p, uint32_t table,
			  struct route_plan *out)
{
	const struct pvd_router *rt;
	const struct pvd_prefix *x;
	const struct pvd_dns *d;
	int r = 0;

	TAILQ_FOREACH(rt, &p->routers, e)
		if (r == 0 && !rp_v4(&rt->addr))
			r = rp_route_ll(out, c, table, rt->ifindex);
	TAILQ_FOREACH(x, &p->prefixes, e)
		if (r == 0 && !rp_v4(&x->prefix))
			r = rp_route_ll(out, c, table, x->ifindex);
	TAILQ_FOREACH(d, &p->dns, e)
		if (r == 0 && IN6_IS_ADDR_LINKLOCAL(&d->addr))
			r = rp_route_ll(out, c, table, d->ifindex);
	return r;
}

/* The best router of one family: highest RFC 4191 preference, then first. */
const struct pvd_router *rp_best_router(const struct pvd *p, bool v4)
{
	const struct pvd_router *r, *best = NULL;

	TAILQ_FOREACH(r, &p->routers, e)
		if (rp_v4(&r->addr) == v4 && (!best || r->pref > best->pref))
			best = r;
	return best;
}

/* The PvD's MTU on the routes of its table planned from first on (issue
 * 20): the kernel then sizes packets, and answers "message too long" to a
 * socket that may not fragment, by the route rather than the link. Only
 * where it is below the link's own MTU (RFC 4861 6.3.4: an MTU above it is
 * not used); IPv6 routes never below 1280 (RFC 8200 section 5). */
static void rp_mtu(const struct view *v, const struct pvd *p, uint32_t table,
		   struct route_plan *out, size_t first)
{
	for (size_t i = first; p->mtu && i < out->n_routes; i++) {
		struct nl_route *rt = &out->routes[i];
		const struct view_link *l = view_link(v, rt->oif);
		uint32_t m = rt->family == AF_INET6 && p->mtu < 1280 ? 1280 : p->mtu;

		if (rt->table == table && m >= 68 && (!l || !l->link.mtu || m < l->link.mtu))
			rt->mtu = m;
	}
}

/* The default route of each family through p's best router, and the route
 * to p's NAT64 prefix, with p's own source where it has one on that link. */
static int rp_pvd_defaults(const struct route_cfg *c, const struct pvd *p, uint32_t table,
			   const struct in6_addr src[2], const int src_if[2],
			   struct route_plan *out)
{
	int r = 0;

	for (int fam = 0; r == 0 && fam < 2; fam++) {
		const struct pvd_router *b = rp_best_router(p, fam == 0);
		struct in6_addr any;
		uint8_t s[16];

		if (!b)
			continue;
		if (fam == 0)
			addr_v4_mapped((struct in_addr){ 0 }, &any);
		else
			memset(&any, 0, sizeof(any));
		/* src[fam] is set only when src_if[fam] is (a PvD without an
		 * address of that family has none): read it only then. */
		if (src_if[fam] == b->ifindex)
			rp_put(&src[fam], 128, s);
		r = rp_route(out, c, table, &any, fam == 0 ? 96 : 0, &b->addr, b->ifindex, b->pref,
			     src_if[fam] == b->ifindex ? s : NULL);
		/* RFC 8781: the PvD's NAT64 prefix is reached through the PvD
		 * that advertised it, so addresses its DNS64 synthesised
		 * (dns_plan_is_dns64) are used only on it, whatever the
		 * default (problem statement 4.1 case 6). */
		if (r == 0 && fam == 1 && p->has_pref64 && p->pref64_plen)
			r = rp_route(out, c, table, &p->pref64, p->pref64_plen, &b->addr,
				     b->ifindex, b->pref, src_if[fam] == b->ifindex ? s : NULL);
	}
	return r;
}

/* p's own routes (RFC 4191, DHCP 121, static, API). */
static int rp_pvd_routes(const struct route_cfg *c, const struct pvd *p, uint32_t table,
			 const struct in6_addr src[2], const int src_if[2],
			 struct route_plan *out)
{
	const struct pvd_route *rt;
	int r = 0;

	TAILQ_FOREACH(rt, &p->routes, e) {
		int oif = rt->ifindex ? rt->ifindex : p->bound_ifindex;
		int fam = rp_v4(&rt->prefix) ? 0 : 1;
		bool own = src_if[fam] != 0 && src_if[fam] == oif;
		uint8_t s[16];

		/* Like the default route, a PvD's own routes (RFC 4191, DHCP
		 * 121, static) carry its source: on a link shared with
		 * another PvD the kernel would otherwise pick the other's
		 * address, which this PvD's router filters (RFC 3704;
		 * problem statement 4.5). */
		if (own)
			rp_put(&src[fam], 128, s);
		if (r == 0)
			r = rp_route(out, c, table, &rt->prefix, rt->plen, &rt->router, oif,
				     rt->pref, own ? s : NULL);
	}
	return r;
}

int rp_pvd(const struct view *v, const struct rp_addr *ix, const struct route_cfg *c,
	   const struct pvd *p, uint32_t table, uint32_t mark, struct route_plan *out)
{
	const struct pvd_prefix *x;
	struct in6_addr src[2];
	int src_if[2] = { 0, 0 }, r = 0;
	size_t first = out->n_routes;

	r = rp_addresses(v, ix, c, p, table, out, src, src_if);
	TAILQ_FOREACH(x, &p->prefixes, e) {
		if (r == 0 && (x->onlink || x->source != PVD_SRC_RA))
			r = rp_route(out, c, table, &x->prefix, x->plen, NULL, x->ifindex,
				     RA_PREF_MEDIUM, NULL);
		if (r == 0)
			r = rp_rule_from(out, c, 100, table, &x->prefix, x->plen);
	}
	if (r == 0)
		r = rp_pvd_defaults(c, p, table, src, src_if, out);
	if (r == 0)
		r = rp_pvd_routes(c, p, table, src, src_if, out);
	if (r == 0)
		r = rp_link_locals(c, p, table, out);
	if (r == 0)
		rp_mtu(v, p, table, out, first);
	if (r == 0)
		r = rp_rule_mark(out, c, AF_INET, table, mark);
	if (r == 0)
		r = rp_rule_mark(out, c, AF_INET6, table, mark);
	return r;
}

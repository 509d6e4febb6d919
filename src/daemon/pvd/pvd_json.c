/* SPDX-License-Identifier: MIT */
#include "daemon/pvd/pvd_json.h"

#include "daemon/connectivity/conn.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <stdio.h>
#include <string.h>

#define NS_PER_SEC 1000000000ull

/* IPv4 items are stored IPv4-mapped (pvd.h): addr_ntop() prints them as IPv4. */
static json_t *pj_addr(const struct in6_addr *a)
{
	char s[INET6_ADDRSTRLEN];

	return json_string(addr_ntop(a, s, sizeof(s)));
}

/* A next hop: null when there is none (an on-link route). */
static json_t *pj_gw(const struct in6_addr *a)
{
	return IN6_IS_ADDR_UNSPECIFIED(a) ? json_null() : pj_addr(a);
}

static json_t *pj_prefix(const struct in6_addr *a, uint8_t plen)
{
	char s[ADDR_PREFIX_STRLEN];

	addr_prefix_format(a, plen, s, sizeof(s));
	return json_string(s);
}

static json_t *pj_ifname(const struct pvd_json_ctx *c, int ifindex)
{
	char buf[16];

	return json_string(view_ifname(c->view, ifindex, buf, sizeof(buf)));
}

static const char *pj_pref(enum ra_pref p)
{
	return p == RA_PREF_HIGH ? "high" : p == RA_PREF_LOW ? "low" : "medium";
}

/* Advertised lifetime and, with timers, seconds left (null = infinite). */
static void pj_life(json_t *o, const char *key, uint32_t lifetime, uint64_t expires,
		    const char *left_key, const struct pvd_json_ctx *c)
{
	json_object_set_new(o, key, lifetime == RA_INFINITY ? json_null() : json_integer(lifetime));
	if (!c->timers)
		return;
	if (expires == PVD_NEVER)
		json_object_set_new(o, left_key, json_null());
	else
		json_object_set_new(o, left_key, json_integer(
			expires > c->now ? (json_int_t)((expires - c->now) / NS_PER_SEC) : 0));
}

static json_t *pj_routers(const struct pvd *p, const struct pvd_json_ctx *c)
{
	json_t *a = json_array();
	const struct pvd_router *x;

	TAILQ_FOREACH(x, &p->routers, e) {
		json_t *o = json_pack("{s:o,s:o,s:s,s:s}", "address", pj_addr(&x->addr),
				      "interface", pj_ifname(c, x->ifindex),
				      "preference", pj_pref(x->pref),
				      "source", pvd_source_name(x->source));
		pj_life(o, "lifetime", x->lifetime, x->expires, "expires_in", c);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *pj_prefixes(const struct pvd *p, const struct pvd_json_ctx *c)
{
	json_t *a = json_array();
	const struct pvd_prefix *x;

	TAILQ_FOREACH(x, &p->prefixes, e) {
		json_t *o = json_pack("{s:o,s:o,s:b,s:b,s:b,s:o,s:s}",
				      "prefix", pj_prefix(&x->prefix, x->plen),
				      "interface", pj_ifname(c, x->ifindex),
				      "on_link", x->onlink, "autonomous", x->autonomous,
				      "in_pvd_option", x->nested, "router", pj_gw(&x->router),
				      "source", pvd_source_name(x->source));
		pj_life(o, "valid_lifetime", x->valid, x->expires, "expires_in", c);
		pj_life(o, "preferred_lifetime", x->preferred, x->pref_expires,
			"preferred_expires_in", c);
		json_array_append_new(a, o);
	}
	return a;
}

static const char *pj_addr_state(uint32_t flags)
{
	if (flags & IFA_F_DADFAILED)
		return "duplicate";
	if (flags & IFA_F_TENTATIVE)
		return "tentative";
	if (flags & IFA_F_DEPRECATED)
		return "deprecated";
	return "preferred";
}

static json_t *pj_one_addr(const struct nl_addr *a, const struct in6_addr *key,
			   const struct pvd_json_ctx *c)
{
	bool own = c->own_addr && c->own_addr(c->own_ctx, a->ifindex, a->addr);
	json_t *o = json_pack("{s:o,s:i,s:o,s:s,s:s}",
			      "address", pj_addr(key),
			      "prefix_length", a->plen, "interface", pj_ifname(c, a->ifindex),
			      "state", pj_addr_state(a->flags),
			      "origin", own ? "mifd" : "kernel");

	if (c->timers) {
		json_object_set_new(o, "valid_lifetime", a->valid == NL_LIFETIME_INFINITY ?
				    json_null() : json_integer(a->valid));
		json_object_set_new(o, "preferred_lifetime", a->preferred == NL_LIFETIME_INFINITY ?
				    json_null() : json_integer(a->preferred));
	}
	return o;
}

/* The host's addresses inside this PvD's prefixes, on the prefix's link. */
static json_t *pj_addresses(const struct pvd *p, const struct pvd_json_ctx *c)
{
	json_t *a = json_array();

	for (size_t i = 0; i < c->view->n_addrs; i++) {
		const struct nl_addr *na = &c->view->addrs[i];
		struct in6_addr key;

		if (pvd_prefix_holding(p, na, &key))
			json_array_append_new(a, pj_one_addr(na, &key, c));
	}
	return a;
}

static json_t *pj_routes(const struct pvd *p, const struct pvd_json_ctx *c)
{
	json_t *a = json_array();
	const struct pvd_route *x;

	TAILQ_FOREACH(x, &p->routes, e) {
		json_t *o = json_pack("{s:o,s:o,s:s,s:o,s:s}",
				      "prefix", pj_prefix(&x->prefix, x->plen),
				      "interface", pj_ifname(c, x->ifindex),
				      "preference", pj_pref(x->pref), "router", pj_gw(&x->router),
				      "source", pvd_source_name(x->source));
		pj_life(o, "lifetime", x->lifetime, x->expires, "expires_in", c);
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *pj_servers(const struct pvd_dns_list *l, const struct pvd_json_ctx *c)
{
	json_t *a = json_array();
	const struct pvd_dns *d;

	TAILQ_FOREACH(d, l, e) {
		json_t *o = json_pack("{s:o,s:o,s:s}", "address", pj_addr(&d->addr),
				      "interface", pj_ifname(c, d->ifindex),
				      "source", pvd_source_name(d->source));
		pj_life(o, "lifetime", d->lifetime, d->expires, "expires_in", c);
		json_array_append_new(a, o);
	}
	return a;
}

json_t *pvd_dnr_json(const struct pvd_dnr *x)
{
	json_t *a = json_array();
	char alpn[64];

	for (size_t i = 0; i < x->d.n_addrs; i++)
		json_array_append_new(a, pj_addr(&x->d.addrs[i]));
	return json_pack("{s:s,s:i,s:b,s:o,s:s,s:i,s:s,s:s,s:o}", "adn", x->d.adn,
			 "priority", x->d.priority, "adn_only", x->d.adn_only, "addresses", a,
			 "alpn", dnr_alpn_text(x->d.alpn, alpn, sizeof(alpn)),
			 "port", x->d.port, "dohpath", x->d.dohpath,
			 "source", pvd_source_name(x->source),
			 "lifetime", x->lifetime == DNR_LIFETIME_INFINITE ? json_null() :
			 json_integer(x->lifetime));
}

static json_t *pj_dnr(const struct pvd *p, const struct pvd_json_ctx *c)
{
	json_t *a = json_array();
	const struct pvd_dnr *x;

	TAILQ_FOREACH(x, &p->dnr, e) {
		json_t *o = pvd_dnr_json(x);

		json_object_set_new(o, "interface", pj_ifname(c, x->ifindex));
		pj_life(o, "lifetime", x->lifetime, x->expires, "expires_in", c);
		json_array_append_new(a, o);
	}
	return a;
}

/* RFC 6731: the servers named for a domain and their preference. */
static json_t *pj_domain_sel(const struct pvd_domain *n)
{
	json_t *a = json_array();
	char b[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < n->n_sel; i++)
		json_array_append_new(a, json_string(addr_ntop(&n->sel_servers[i], b,
								 sizeof(b))));
	return json_pack("{s:o,s:s}", "servers", a, "preference",
			 n->pref > 0 ? "high" : n->pref < 0 ? "low" : "medium");
}

static json_t *pj_dns(const struct pvd *p, const struct pvd_json_ctx *c)
{
	json_t *servers = pj_servers(&p->dns, c), *search = json_array();
	const struct pvd_domain *n;

	TAILQ_FOREACH(n, &p->domains, e) {
		json_t *o = json_pack("{s:s,s:o,s:s}", "domain", n->name,
				      "interface", pj_ifname(c, n->ifindex),
				      "source", pvd_source_name(n->source));
		pj_life(o, "lifetime", n->lifetime, n->expires, "expires_in", c);
		if (n->has_sel)
			json_object_set_new(o, "rfc6731", pj_domain_sel(n));
		json_array_append_new(search, o);
	}
	return json_pack("{s:o,s:o,s:o}", "servers", servers, "search", search,
			 "encrypted", pj_dnr(p, c));
}

/* Interfaces the PvD was seen on, in link order. */
static json_t *pj_interfaces(const struct pvd *p, const struct pvd_json_ctx *c)
{
	json_t *a = json_array();

	for (size_t i = 0; i < c->view->n_links; i++) {
		int idx = c->view->links[i].link.ifindex;

		if (pvd_on_ifindex(p, idx))
			json_array_append_new(a, json_string(c->view->links[i].link.name));
	}
	return a;
}

static json_t *pj_pref64(const struct pvd *p, const struct pvd_json_ctx *c)
{
	json_t *o;

	if (!p->has_pref64)
		return json_null();
	o = json_pack("{s:o}", "prefix", pj_prefix(&p->pref64, p->pref64_plen));
	pj_life(o, "lifetime", p->pref64_lifetime, p->pref64_expires, "expires_in", c);
	return o;
}

json_t *pvd_json(const struct pvd *p, const struct pvd_json_ctx *c)
{
	json_t *o = json_pack("{s:s,s:I,s:b,s:s,s:o,s:o,s:o,s:o,s:o,s:o}",
			      "id", p->id, "handle", (json_int_t)p->handle,
			      "explicit", p->explicit_, "source", pvd_source_name(p->origin),
			      "interfaces", pj_interfaces(p, c),
			      "routers", pj_routers(p, c), "prefixes", pj_prefixes(p, c),
			      "addresses", pj_addresses(p, c), "routes", pj_routes(p, c),
			      "dns", pj_dns(p, c));

	json_object_set_new(o, "ntp", pj_servers(&p->ntp, c));
	json_object_set_new(o, "mtu", p->mtu ? json_integer(p->mtu) : json_null());
	if (pvd_mtu_conflict(p)) {
		json_t *m = json_object();

		/* Sources disagree: the smallest is applied; show who said what. */
		for (size_t i = 0; i < PVD_SRC__MAX; i++)
			if (p->mtu_by[i])
				json_object_set_new(m, pvd_source_name((enum pvd_source)i),
						    json_integer(p->mtu_by[i]));
		json_object_set_new(o, "mtu_conflict", m);
	}
	json_object_set_new(o, "captive_portal",
			    p->captive_portal ? json_string(p->captive_portal) : json_null());
	json_object_set_new(o, "captive_portal_source", p->captive_portal ?
			    json_string(pvd_source_name(p->captive_source)) : json_null());
	if (p->metered_by) {
		json_t *m = json_array();

		/* The network's own word (DHCPv4 option 43), for this PvD only. */
		for (size_t i = 0; i < PVD_SRC__MAX && i < 8; i++)
			if (p->metered_by & (1u << i))
				json_array_append_new(m, json_string(
					pvd_source_name((enum pvd_source)i)));
		json_object_set_new(o, "metered_hint", m);
	} else {
		json_object_set_new(o, "metered_hint", json_null());
	}
	json_object_set_new(o, "pref64", pj_pref64(p, c));
	json_object_set_new(o, "connectivity_state",
			    json_string(conn_state_name((enum conn_state)p->conn)));
	json_object_set_new(o, "flags", json_pack("{s:b,s:b}", "managed", p->managed,
						  "other", p->other));
	if (c->extra) {
		json_t *x = c->extra(c->own_ctx, p, c->timers);

		if (x)
			json_object_update(o, x);
		json_decref(x);
	}
	json_object_set_new(o, "pvd_option", p->has_option ?
		json_pack("{s:i,s:b,s:b,s:i}", "sequence", p->seq, "h_flag", p->h_flag,
			  "l_flag", p->l_flag, "delay", p->delay) : json_null());
	return o;
}

json_t *pvd_json_ref(const struct pvd *p)
{
	return json_pack("{s:s,s:I,s:b}", "id", p->id, "handle", (json_int_t)p->handle,
			 "explicit", p->explicit_);
}

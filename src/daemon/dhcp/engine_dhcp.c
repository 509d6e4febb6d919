/* SPDX-License-Identifier: MIT */
/*
 * DHCP glue in the engine: which interfaces run a client, routing of
 * packets and probe results to clients, and where a lease's data goes.
 * RFC 8801 section 3.4.2: DHCPv4 data belongs to the one explicit PvD on
 * the interface whose PvD option has the L flag; with none (or, a
 * misconfiguration, several) to every implicit PvD of the interface; an
 * IPv4-only network with no RA at all gets an implicit PvD of its own,
 * keyed by the DHCP server ("10.0.0.1%eth0").
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/engine/engine_priv.h"

#define NS 1000000000ull

static struct engine_dhcp4 *engine_dhcp4_find(struct engine *e, int ifindex)
{
	for (size_t i = 0; i < e->n_dhcp4; i++)
		if (e->dhcp4[i]->ifindex == ifindex)
			return e->dhcp4[i];
	return NULL;
}

static bool engine_dhcp4_wanted(struct engine *e, const struct view_link *l)
{
	if (!l || !l->up || !l->managed || l->link.hwlen != 6)
		return false;
	for (size_t i = 0; i < e->n_dhcp4_ifaces; i++)
		if (strcmp(e->dhcp4_ifaces[i], l->link.name) == 0)
			return true;
	return false;
}

static void engine_dhcp4_remove(struct engine *e, struct engine_dhcp4 *c, bool release)
{
	for (size_t i = 0; i < e->n_dhcp4; i++)
		if (e->dhcp4[i] == c)
			e->dhcp4[i] = e->dhcp4[--e->n_dhcp4];
	engine_dhcp4_free(c, release);
}

/* Start or stop the client of ifindex to match the link and the config. */
void engine_dhcp_link(struct engine *e, int ifindex)
{
	const struct view_link *l = view_link(&e->view, ifindex);
	struct engine_dhcp4 *c = engine_dhcp4_find(e, ifindex);
	bool want = engine_dhcp4_wanted(e, l);

	if (want && !c && e->n_dhcp4 < VIEW_MAX_LINKS) {
		c = engine_dhcp4_new(e, ifindex, l->link.name, l->link.hwaddr);
		if (c)
			e->dhcp4[e->n_dhcp4++] = c;
		else
			log_err("dhcp4: cannot start a client on %s", l->link.name);
	} else if (!want && c) {
		/* Link down: the server is out of reach, nothing to release. */
		engine_dhcp4_remove(e, c, l != NULL && l->up);
	}
	/* DHCPv6 follows the link too: down, its client stops (the kernel
	 * flushes the addresses); up, the next RA starts it, which Confirms
	 * or Rebinds the lease it kept (RFC 8415 18.2.12). */
	if (!l || !l->up)
		engine_dhcp6_after_ra(e, ifindex);
}

void engine_set_dhcp4_release(struct engine *e, bool on)
{
	e->dhcp4_release = on;
}

int engine_dhcp4_set(struct engine *e, const char *ifname, bool on)
{
	size_t i;

	for (i = 0; i < e->n_dhcp4_ifaces; i++)
		if (strcmp(e->dhcp4_ifaces[i], ifname) == 0)
			break;
	if (on && i == e->n_dhcp4_ifaces) {
		if (i == CORE_MAX_IFACES || strlen(ifname) >= sizeof(e->dhcp4_ifaces[0]))
			return -ENOSPC;
		strcpy(e->dhcp4_ifaces[e->n_dhcp4_ifaces++], ifname);
	} else if (!on && i < e->n_dhcp4_ifaces) {
		memcpy(e->dhcp4_ifaces[i], e->dhcp4_ifaces[--e->n_dhcp4_ifaces],
		       sizeof(e->dhcp4_ifaces[0]));
	}
	for (size_t j = 0; j < e->view.n_links; j++)
		if (strcmp(e->view.links[j].link.name, ifname) == 0)
			engine_dhcp_link(e, e->view.links[j].link.ifindex);
	engine_sync(e);
	return 0;
}

void engine_dhcp_msg(struct engine *e, const struct ipc_msg *m)
{
	if (m->hdr.type == MSG_ARP_RESULT) {
		const struct msg_arp *r = (const struct msg_arp *)m->data;
		struct engine_dhcp4 *c;

		if (ipc_expect(m, sizeof(*r)) < 0) {
			e->ctr.ipc_errors++;
			return;
		}
		c = engine_dhcp4_find(e, r->ifindex);
		if (c)
			engine_dhcp4_arp(e, c, r);
	} else {
		const struct msg_dhcp *h = (const struct msg_dhcp *)m->data;
		struct engine_dhcp4 *c;

		if (m->hdr.len < sizeof(*h) || m->hdr.len > sizeof(*h) + MSG_DHCP_MAX_PAYLOAD) {
			e->ctr.ipc_errors++;
			return;
		}
		c = h->family == AF_INET ? engine_dhcp4_find(e, h->ifindex) : NULL;
		if (c)
			engine_dhcp4_rx(e, c, m->data + sizeof(*h), m->hdr.len - sizeof(*h));
		else if (h->family == AF_INET6)
			engine_dhcp6_rx(e, h->ifindex, &h->peer, m->data + sizeof(*h),
					m->hdr.len - sizeof(*h));
	}
	engine_sync(e);
}

void engine_dhcp_stop_all(struct engine *e, bool release)
{
	while (e->n_dhcp4)
		engine_dhcp4_remove(e, e->dhcp4[0], release);
	engine_dhcp6_stop_all(e);
}

/* The PvDs DHCPv4 data of ifindex belongs to (RFC 8801 3.4.2); creates the
 * IPv4-only implicit PvD if there is nothing else. Returns the count. */
static size_t engine_dhcp4_targets(struct engine *e, struct engine_dhcp4 *c,
				   struct pvd **out, size_t max)
{
	struct pvd *p, *lflag = NULL;
	size_t n = 0, n_l = 0;
	struct in6_addr key;
	char srv[INET_ADDRSTRLEN], ifb[16];

	TAILQ_FOREACH(p, &e->store.pvds, e)
		if (p->origin == PVD_SRC_RA && p->explicit_ && p->has_option && p->l_flag &&
		    pvd_on_ifindex(p, c->ifindex))
			lflag = p, n_l++;
	if (n_l == 1) {
		out[0] = lflag;
		return 1;
	}
	if (n_l > 1)
		log_warn("dhcp4 on %d: %zu explicit PvDs claim DHCPv4 (L flag): using the "
			 "implicit PvDs (RFC 8801 3.4.2)", c->ifindex, n_l);
	TAILQ_FOREACH(p, &e->store.pvds, e)
		if (p->origin == PVD_SRC_RA && !p->explicit_ && p->key_ifindex == c->ifindex &&
		    n < max)
			out[n++] = p;
	if (n)
		return n;
	addr_v4_mapped(c->server, &key);
	p = pvd_find_implicit(&e->store, c->ifindex, &key);
	if (!p) {
		const char *ifname = view_ifname(&e->view, c->ifindex, ifb, sizeof(ifb));

		p = pvd_create_implicit(&e->store, c->ifindex, &key, ifname);
		if (!p)
			return 0;
		p->origin = PVD_SRC_DHCPV4;
		inet_ntop(AF_INET, &c->server, srv, sizeof(srv));
		snprintf(p->id, sizeof(p->id), "%s%%%s", srv, ifname);
	}
	out[0] = p;
	return 1;
}

/* Routers: option 121's default routes if it is there (RFC 3442: then
 * option 3 MUST be ignored), else option 3. */
static int engine_dhcp4_routes(struct pvd *p, const struct dhcp4_msg *m, int ifindex,
			       uint32_t life, uint64_t exp)
{
	struct in6_addr a, g;
	int r = 0;

	for (size_t i = 0; r == 0 && m->has_routes && i < m->n_routes; i++) {
		addr_v4_mapped(m->routes[i].dst, &a);
		addr_v4_mapped(m->routes[i].gw, &g);
		if (m->routes[i].plen == 0)
			r = pvd_add_router(p, PVD_SRC_DHCPV4, ifindex, &g, life, exp);
		if (r == 0)
			r = pvd_add_route(p, PVD_SRC_DHCPV4, ifindex, &a,
					  (uint8_t)(m->routes[i].plen + 96),
					  m->routes[i].gw.s_addr ? &g : NULL, life, exp);
	}
	for (size_t i = 0; r == 0 && !m->has_routes && i < m->n_routers; i++) {
		addr_v4_mapped(m->routers[i], &g);
		r = pvd_add_router(p, PVD_SRC_DHCPV4, ifindex, &g, life, exp);
	}
	return r;
}

/* RFC 6731 section 4.3 (option 146): each entry names domains its
 * resolvers know best. They become the PvD's domains, so that names under
 * them go to this PvD (split DNS), and the entry's resolvers become the
 * PvD's servers if they are not already; each domain remembers its
 * resolvers (asked first for names under it) and the entry's preference
 * (a tie between networks). "." (the default) adds no domain. An
 * untrusted network's claim never beats a configured PvD's
 * (dns_select.c). */
static int engine_dhcp4_dnssel_apply(struct pvd *p, const struct dhcp4_msg *m, int ifindex,
				     uint32_t life, uint64_t exp)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < m->n_dnssel; i++) {
		const struct dhcp4_dnssel *d = &m->dnssel[i];
		struct in6_addr a;

		for (size_t j = 0; r == 0 && j < d->n_domains; j++)
			if (strcmp(d->domains[j], ".") != 0 && !pvd_has_domain(p, d->domains[j]))
				r = pvd_add_domain(p, PVD_SRC_DHCPV4, ifindex, d->domains[j], life, exp);
		for (int k = 0; r == 0 && k < 2; k++) {
			struct in_addr s4 = k ? d->secondary : d->primary;

			addr_v4_mapped(s4, &a);
			if (s4.s_addr && !pvd_has_dns(p, &a))
				r = pvd_add_dns(p, PVD_SRC_DHCPV4, ifindex, &a, life, exp);
			for (size_t j = 0; r == 0 && s4.s_addr && j < d->n_domains; j++)
				if (strcmp(d->domains[j], ".") != 0)
					pvd_domain_select(p, d->domains[j], &a, d->pref);
		}
	}
	return r;
}

static int engine_dhcp4_items(struct pvd *p, struct engine_dhcp4 *c)
{
	const struct dhcp4_msg *m = c->lease;
	uint32_t life = m->has_lease ? m->lease : RA_INFINITY;
	uint64_t exp = c->expire_at;
	struct in6_addr a;
	struct in_addr net = { htonl(ntohl(c->addr.s_addr) & (c->plen ? ~0u << (32 - c->plen) : 0)) };
	int r = engine_dhcp4_routes(p, m, c->ifindex, life, exp);

	addr_v4_mapped(net, &a);
	if (r == 0 && c->plen < 32)
		r = pvd_add_prefix(p, PVD_SRC_DHCPV4, c->ifindex, &a, (uint8_t)(c->plen + 96), life, exp);
	for (size_t i = 0; r == 0 && i < m->n_dns; i++) {
		addr_v4_mapped(m->dns[i], &a);
		r = pvd_add_dns(p, PVD_SRC_DHCPV4, c->ifindex, &a, life, exp);
	}
	for (size_t i = 0; r == 0 && i < m->n_ntp; i++) {
		addr_v4_mapped(m->ntp[i], &a);
		r = pvd_add_ntp(p, PVD_SRC_DHCPV4, c->ifindex, &a, life, exp);
	}
	if (r == 0 && m->has_domain)
		r = pvd_add_domain(p, PVD_SRC_DHCPV4, c->ifindex, m->domain, life, exp);
	for (size_t i = 0; r == 0 && i < m->n_search; i++)
		if (!m->has_domain || !dname_equal(m->search[i], m->domain))
			r = pvd_add_domain(p, PVD_SRC_DHCPV4, c->ifindex, m->search[i], life, exp);
	/* Only this source's MTU: the RA's stays beside it, the smaller is
	 * the PvD's (issue 17e: option 26 used to replace it for good). */
	if (r == 0)
		pvd_set_mtu(p, PVD_SRC_DHCPV4, m->has_mtu ? m->mtu : 0);
	if (r == 0)
		r = engine_dhcp4_dnssel_apply(p, m, c->ifindex, life, exp);
	if (r == 0 && m->has_captive_portal)
		r = pvd_set_captive_portal(p, PVD_SRC_DHCPV4, m->captive_portal);
	/* The metered hint: this lease's PvDs only (an operator fact, never
	 * another PvD's), for as long as the lease. */
	if (r == 0)
		pvd_set_metered_hint(p, PVD_SRC_DHCPV4, m->metered_hint);
	/* RFC 9463 section 5.2: for as long as the lease. */
	for (size_t i = 0; r == 0 && i < m->n_dnr; i++)
		r = pvd_add_dnr(p, PVD_SRC_DHCPV4, c->ifindex, &m->dnr[i], life, exp);
	return r;
}

static bool engine_dhcp4_held(const struct engine_dhcp4 *c, uint64_t handle)
{
	for (size_t i = 0; i < c->n_attached; i++)
		if (c->attached[i] == handle)
			return true;
	return false;
}

void engine_dhcp4_attach(struct engine *e, struct engine_dhcp4 *c)
{
	struct pvd *t[8], *p;
	size_t n;

	pvd_drop_source(&e->store, PVD_SRC_DHCPV4, c->ifindex);
	/* Only this lease's portal goes (RFC 8910 section 2.1: per network):
	 * the PvDs on its interface and those it filed into last time, which
	 * may have nothing left on the interface. Another interface's lease
	 * keeps its own. */
	TAILQ_FOREACH(p, &e->store.pvds, e)
		if (pvd_on_ifindex(p, c->ifindex) || engine_dhcp4_held(c, p->handle)) {
			pvd_set_captive_portal(p, PVD_SRC_DHCPV4, NULL);
			pvd_set_mtu(p, PVD_SRC_DHCPV4, 0);
			pvd_set_metered_hint(p, PVD_SRC_DHCPV4, false);
		}
	c->n_attached = 0;
	if (c->state < D4_BOUND || c->state > D4_REBINDING)
		return;
	n = engine_dhcp4_targets(e, c, t, 8);
	for (size_t i = 0; i < n; i++) {
		if (engine_dhcp4_items(t[i], c) < 0)
			log_err("dhcp4: out of memory filing the lease");
		c->attached[c->n_attached++] = t[i]->handle;
	}
}

void engine_dhcp_after_ra(struct engine *e, int ifindex)
{
	struct engine_dhcp4 *c = engine_dhcp4_find(e, ifindex);

	if (c)
		engine_dhcp4_attach(e, c);
	engine_dhcp6_after_ra(e, ifindex);
}

static json_t *engine_dhcp4_dnssel(const struct dhcp4_msg *m)
{
	json_t *a = json_array();
	char p[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];

	for (size_t i = 0; i < m->n_dnssel; i++) {
		const struct dhcp4_dnssel *d = &m->dnssel[i];
		json_t *doms = json_array();

		for (size_t j = 0; j < d->n_domains; j++)
			json_array_append_new(doms, json_string(d->domains[j]));
		inet_ntop(AF_INET, &d->primary, p, sizeof(p));
		inet_ntop(AF_INET, &d->secondary, s, sizeof(s));
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:o}", "primary", p,
			"secondary", s, "preference", d->pref > 0 ? "high" : d->pref < 0 ? "low" :
			"medium", "domains", doms));
	}
	return a;
}

/* pvd_json extra: the DHCP state of the clients whose data p holds. */
json_t *engine_dhcp_pvd_json(void *ctx, const struct pvd *p, bool timers)
{
	struct engine *e = ctx;
	json_t *o = json_object();

	for (size_t i = 0; i < e->n_dhcp4; i++) {
		struct engine_dhcp4 *c = e->dhcp4[i];

		for (size_t j = 0; j < c->n_attached; j++) {
			if (c->attached[j] != p->handle)
				continue;
			json_t *d = engine_dhcp4_json(c, timers);

			json_object_set_new(d, "dns_selection", engine_dhcp4_dnssel(c->lease));
			json_object_set_new(o, "dhcpv4", d);
		}
	}
	engine_dhcp6_pvd_json(e, p, timers, o);
	return o;
}

/* The digest of what engine_dhcp_pvd_json shows without timers
 * (pvd_digest.h): the last attached client's state, as the JSON keeps. */
void engine_dhcp_pvd_digest(void *ctx, const struct pvd *p, struct hash2 *h)
{
	struct engine *e = ctx;
	const struct engine_dhcp4 *c = NULL;

	for (size_t i = 0; i < e->n_dhcp4; i++)
		for (size_t j = 0; j < e->dhcp4[i]->n_attached; j++)
			if (e->dhcp4[i]->attached[j] == p->handle)
				c = e->dhcp4[i];
	hash2_u64(h, c ? 4 : 0);
	if (c) {
		bool bound = c->state >= D4_BOUND && c->state <= D4_REBINDING;

		hash2_u64(h, bound ? D4_BOUND : c->state);
		if (bound) {
			const struct dhcp4_msg *m = c->lease;

			hash2_u64(h, (uint64_t)c->addr.s_addr << 32 | c->server.s_addr);
			hash2_u64(h, (uint64_t)c->plen << 32 |
				  (m->has_lease && m->lease != DHCP4_INFINITY ? m->lease : UINT32_MAX));
		}
		hash2_u64(h, c->lease->n_dnssel);
		for (size_t i = 0; i < c->lease->n_dnssel; i++) {
			const struct dhcp4_dnssel *d = &c->lease->dnssel[i];

			hash2_u64(h, (uint64_t)d->primary.s_addr << 32 | d->secondary.s_addr);
			hash2_u64(h, (uint64_t)(d->pref > 0 ? 1 : d->pref < 0 ? 2 : 0) << 32 |
				  d->n_domains);
			for (size_t k = 0; k < d->n_domains; k++)
				hash2_str(h, d->domains[k]);
		}
	}
	engine_dhcp6_pvd_digest(e, p, h);
}

json_t *engine_dhcp_status_json(struct engine *e)
{
	json_t *a = json_array();
	char ifb[16];

	for (size_t i = 0; i < e->n_dhcp4; i++) {
		struct engine_dhcp4 *c = e->dhcp4[i];
		json_t *o = engine_dhcp4_json(c, true);

		json_object_set_new(o, "interface", json_string(view_ifname(&e->view, c->ifindex,
									     ifb, sizeof(ifb))));
		json_object_update_new(o, json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:s}",
			"received", (json_int_t)c->rx_ok, "dropped", (json_int_t)c->rx_dropped,
			"acks", (json_int_t)c->acks, "naks", (json_int_t)c->naks,
			"declines", (json_int_t)c->declines, "renewals", (json_int_t)c->renewals,
			"last_nak", c->last_nak));
		json_array_append_new(a, o);
	}
	return json_pack("{s:o,s:o}", "dhcpv4", a, "dhcpv6", engine_dhcp6_status_json(e));
}

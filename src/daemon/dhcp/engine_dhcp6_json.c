/* SPDX-License-Identifier: MIT */
/*
 * The DHCPv6 clients as JSON: in each PvD holding their data (pvd.get,
 * events; its digest, pvd_digest.h) and in status. Stateless: the server,
 * refresh, RFC 6731 and RFC 7078 data. Stateful: the state, T1/T2, each
 * IA_NA address and delegated prefix with its lifetimes and where it is
 * numbered downstream (doc/control-protocol.md).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "daemon/dhcp/engine_dhcp6.h"
#include "daemon/engine/engine_priv.h"
#include "daemon/routing/engine_addrlabel.h"

#define NS D6_NS

static json_t *d6_policy(const struct dhcp6_msg *m)
{
	json_t *rows = json_array();
	char a[INET6_ADDRSTRLEN + 4];

	for (size_t i = 0; i < m->n_policy; i++) {
		inet_ntop(AF_INET6, &m->policy[i].prefix, a, INET6_ADDRSTRLEN);
		snprintf(a + strlen(a), 5, "/%u", m->policy[i].plen);
		json_array_append_new(rows, json_pack("{s:s,s:i,s:i}", "prefix", a,
			"precedence", m->policy[i].precedence, "label", m->policy[i].label));
	}
	return json_pack("{s:b,s:b,s:o}", "automatic", m->policy_automatic,
			 "privacy", m->policy_privacy, "rows", rows);
}

static json_t *d6_dnssel(const struct dhcp6_msg *m)
{
	json_t *a = json_array();
	char s[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < m->n_dnssel; i++) {
		json_t *doms = json_array();

		for (size_t j = 0; j < m->dnssel[i].n_domains; j++)
			json_array_append_new(doms, json_string(m->dnssel[i].domains[j]));
		inet_ntop(AF_INET6, &m->dnssel[i].server, s, sizeof(s));
		json_array_append_new(a, json_pack("{s:s,s:s,s:o}", "server", s, "preference",
			m->dnssel[i].pref > 0 ? "high" : m->dnssel[i].pref < 0 ? "low" : "medium",
			"domains", doms));
	}
	return a;
}

static const char *const d6_state_names[] = {
	[D6_REQUESTING] = "requesting", [D6_DONE] = "done", [D6_SOLICIT] = "soliciting",
	[D6_REQUEST] = "requesting", [D6_BOUND] = "bound", [D6_RENEW] = "renewing",
	[D6_REBIND] = "rebinding", [D6_CONFIRM] = "confirming", [D6_DECLINE] = "declining",
};

static json_t *d6_iaaddr_json(const struct engine_dhcp6 *c, const struct dhcp6_iaaddr *a,
			      bool pd, bool timers, uint64_t now)
{
	char s[INET6_ADDRSTRLEN + 4];
	json_t *o;

	inet_ntop(AF_INET6, &a->addr, s, INET6_ADDRSTRLEN);
	if (pd)
		snprintf(s + strlen(s), 5, "/%u", a->plen);
	o = json_pack("{s:s,s:I,s:I}", pd ? "prefix" : "address", s,
		      "preferred_lifetime", (json_int_t)a->preferred,
		      "valid_lifetime", (json_int_t)a->valid);
	if (timers)
		json_object_update_new(o, json_pack("{s:I,s:I}",
			"preferred_in", (json_int_t)d6s_left(c, a->preferred, now),
			"valid_in", (json_int_t)d6s_left(c, a->valid, now)));
	return o;
}

/* IA_NA addresses and delegated prefixes with their lifetimes (as the
 * server gave them; with timers, what is left), and where each delegated
 * prefix is numbered downstream. */
static void d6_lease_json(const struct engine_dhcp6 *c, bool timers, json_t *o)
{
	uint64_t now = log_now_ns();
	json_t *na = json_array(), *pd = json_array();
	char s[INET6_ADDRSTRLEN + 4], ifb[16];

	for (size_t i = 0; c->bound && i < c->lease.n_na; i++)
		json_array_append_new(na, d6_iaaddr_json(c, &c->lease.na[i], false, timers, now));
	for (size_t i = 0; c->bound && i < c->lease.n_pd; i++) {
		json_t *p = d6_iaaddr_json(c, &c->lease.pd[i], true, timers, now), *d = json_array();

		for (size_t k = 0; i == 0 && k < c->n_down; k++) {
			inet_ntop(AF_INET6, &c->down[k].subnet, s, INET6_ADDRSTRLEN);
			strcat(s, "/64");
			json_array_append_new(d, json_pack("{s:s,s:s}", "interface",
				view_ifname(&c->e->view, c->down[k].ifindex, ifb, sizeof(ifb)),
				"prefix", s));
		}
		json_object_set_new(p, "downstream", d);
		json_array_append_new(pd, p);
	}
	json_object_update_new(o, json_pack("{s:s,s:o,s:o,s:I,s:I}", "mode", "stateful",
		"addresses", na, "delegated_prefixes", pd, "t1", (json_int_t)c->lease.t1,
		"t2", (json_int_t)c->lease.t2));
	if (timers && c->bound)
		json_object_update_new(o, json_pack("{s:I,s:I}",
			"renew_in", (json_int_t)d6s_left(c, c->lease.t1, now),
			"rebind_in", (json_int_t)d6s_left(c, c->lease.t2, now)));
}

static json_t *d6_json_stateless(const struct engine_dhcp6 *c, bool timers)
{
	char s[INET6_ADDRSTRLEN];
	uint64_t now = log_now_ns();
	json_t *o = json_pack("{s:s}", "state", !c->has_data ? "requesting" :
			      timers && c->state == D6_REQUESTING ? "refreshing" : "done");

	if (!c->has_data)
		return o;
	inet_ntop(AF_INET6, &c->server, s, sizeof(s));
	json_object_update_new(o, json_pack("{s:s,s:i,s:o,s:o}", "server", s,
		"refresh", c->refresh, "dns_selection", d6_dnssel(c->reply),
		"address_selection_policy", c->reply->has_policy ? d6_policy(c->reply) : json_null()));
	/* What of that table the kernel holds for this interface. */
	if (c->reply->has_policy && c->reply->n_policy)
		json_object_set_new(o, "address_selection_kernel",
				    engine_addrlabel_json(c->e, c->ifindex));
	if (timers)
		json_object_set_new(o, "refresh_in", json_integer(c->refresh_at > now ?
				    (json_int_t)((c->refresh_at - now) / NS) : 0));
	return o;
}

static json_t *d6_json(const struct engine_dhcp6 *c, bool timers)
{
	if (c->stateful) {
		/* Without timers, only what changes with the lease (the digest). */
		json_t *o = json_pack("{s:s}", "state", !timers ? (c->bound ? "bound" : "unbound") :
				      d6_state_names[c->state]);
		char s[INET6_ADDRSTRLEN];

		d6_lease_json(c, timers, o);
		if (c->bound) {
			inet_ntop(AF_INET6, &c->server, s, sizeof(s));
			json_object_set_new(o, "server", json_string(s));
		}
		return o;
	}
	return d6_json_stateless(c, timers);
}

void engine_dhcp6_pvd_json(struct engine *e, const struct pvd *p, bool timers, json_t *o)
{
	for (size_t i = 0; i < e->n_dhcp6; i++)
		for (size_t j = 0; j < e->dhcp6[i]->n_attached; j++)
			if (e->dhcp6[i]->attached[j] == p->handle)
				json_object_set_new(o, "dhcpv6", d6_json(e->dhcp6[i], timers));
}

void engine_dhcp6_pvd_digest(struct engine *e, const struct pvd *p, struct hash2 *h)
{
	const struct engine_dhcp6 *c = NULL;
	const struct dhcp6_msg *m;

	for (size_t i = 0; i < e->n_dhcp6; i++)
		for (size_t j = 0; j < e->dhcp6[i]->n_attached; j++)
			if (e->dhcp6[i]->attached[j] == p->handle)
				c = e->dhcp6[i];
	hash2_u64(h, !c ? 0 : c->has_data ? 2 : 1);
	if (!c || !c->has_data)
		return;
	hash2_u64(h, (uint64_t)c->stateful << 32 | c->bound);
	if (c->stateful) {
		hash2_bytes(h, &c->lease, sizeof(c->lease));
		hash2_bytes(h, c->down, c->n_down * sizeof(c->down[0]));
	}
	m = c->reply;
	hash2_bytes(h, &c->server, sizeof(c->server));
	hash2_u64(h, (uint64_t)c->refresh << 32 | m->n_dnssel);
	for (size_t i = 0; i < m->n_dnssel; i++) {
		hash2_bytes(h, &m->dnssel[i].server, sizeof(m->dnssel[i].server));
		hash2_u64(h, (uint64_t)(m->dnssel[i].pref > 0 ? 1 : m->dnssel[i].pref < 0 ? 2 : 0)
			  << 32 | m->dnssel[i].n_domains);
		for (size_t k = 0; k < m->dnssel[i].n_domains; k++)
			hash2_str(h, m->dnssel[i].domains[k]);
	}
	if (!m->has_policy) {
		hash2_u64(h, UINT64_MAX);
		return;
	}
	hash2_u64(h, (uint64_t)m->policy_automatic | (uint64_t)m->policy_privacy << 1 |
		  (uint64_t)m->n_policy << 8);
	for (size_t i = 0; i < m->n_policy; i++) {
		hash2_bytes(h, &m->policy[i].prefix, 16);
		hash2_u64(h, (uint64_t)m->policy[i].plen << 16 | (uint64_t)m->policy[i].precedence << 8 |
			  m->policy[i].label);
	}
}

json_t *engine_dhcp6_status_json(struct engine *e)
{
	json_t *a = json_array();
	char ifb[16];

	for (size_t i = 0; i < e->n_dhcp6; i++) {
		struct engine_dhcp6 *c = e->dhcp6[i];
		json_t *o = d6_json(c, true);

		json_object_update_new(o, json_pack("{s:s,s:I,s:I,s:I,s:I}", "interface",
			view_ifname(&e->view, c->ifindex, ifb, sizeof(ifb)),
			"received", (json_int_t)c->rx_ok, "dropped", (json_int_t)c->rx_dropped,
			"replies", (json_int_t)c->replies,
			"inf_max_rt", (json_int_t)(c->mrt_ns / NS)));
		if (c->stateful)
			json_object_set_new(o, "counters", json_pack(
				"{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
				"solicits", (json_int_t)c->solicits,
				"advertises", (json_int_t)c->advertises,
				"requests", (json_int_t)c->requests, "renews", (json_int_t)c->renews,
				"rebinds", (json_int_t)c->rebinds, "confirms", (json_int_t)c->confirms,
				"declines", (json_int_t)c->declines,
				"releases", (json_int_t)c->releases,
				"reconfigure_accepted", (json_int_t)c->reconf_accepted,
				"reconfigure_ignored", (json_int_t)c->reconf_ignored,
				"downstream_ras", (json_int_t)c->ras_sent));
		json_array_append_new(a, o);
	}
	return a;
}

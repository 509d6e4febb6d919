/* SPDX-License-Identifier: MIT */
/*
 * Stateless DHCPv6 (RFC 8415 section 18.2.6): an Information-request on
 * every interface where an RA of some PvD has the O flag, refreshed at the
 * information refresh time (21.23; default 86400 s, at least 600 s). The
 * Reply's data joins every PvD on the interface whose RA had O = 1 (RFC
 * 8801 section 3.4.1). It is kept until the refresh is overdue by a grace
 * period (a refresh that gets no answer lets it lapse), or until no PvD
 * there asks for it any more. An unanswered Information-request is sent
 * again as section 15 says, at most INF_MAX_RT apart (3600 s, or what
 * the server's option 83 says, 21.25). Stateful address assignment
 * (IA_NA) is not implemented.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rand.h"
#include "daemon/engine/engine_priv.h"
#include "proto/dhcp6.h"

#define NS 1000000000ull
#define D6_IRT (1 * NS)              /* INF_TIMEOUT */
#define D6_REFRESH_DEFAULT 86400u    /* IRT_DEFAULT */
#define D6_REFRESH_MIN 600u          /* IRT_MINIMUM */
#define D6_GRACE (120 * NS)

enum d6_state { D6_REQUESTING, D6_DONE };

struct engine_dhcp6 {
	struct engine *e;
	int ifindex;
	uint8_t duid[16];
	size_t duid_len;
	enum d6_state state;
	bool has_data;
	uint32_t xid;
	uint64_t start_ns, rt_ns, valid_until, refresh_at;
	uint64_t mrt_ns;             /* INF_MAX_RT: a server may change it (21.25) */
	uint32_t refresh;
	struct in6_addr server;
	struct event *timer;
	struct dhcp6_msg *reply, *rx;
	uint64_t rx_ok, rx_dropped, replies;
	uint64_t attached[8];
	size_t n_attached;
};

static struct engine_dhcp6 *d6_find(struct engine *e, int ifindex)
{
	for (size_t i = 0; i < e->n_dhcp6; i++)
		if (e->dhcp6[i]->ifindex == ifindex)
			return e->dhcp6[i];
	return NULL;
}

static void d6_arm(struct engine_dhcp6 *c, uint64_t d)
{
	struct timeval tv = { .tv_sec = (time_t)(d / NS), .tv_usec = (suseconds_t)(d % NS / 1000) };

	evtimer_add(c->timer, &tv);
}

/* RFC 8415 15: RT = 2 RTprev + RAND RTprev, RAND in [-0.1, +0.1], capped
 * at INF_MAX_RT. */
static uint64_t d6_next_rt(const struct engine_dhcp6 *c)
{
	return dhcp6_next_rt(c->rt_ns, D6_IRT, c->mrt_ns, (int)(rand_u32() % 201) - 100);
}

/* RFC 8415 21.7: what we ask for; 21.23 and 21.25 say a client MUST ask
 * for the information refresh time and INF_MAX_RT in an
 * Information-request. */
static const uint16_t d6_oro[] = {
	DHCP6_OPT_DNS_SERVERS, DHCP6_OPT_DOMAIN_LIST, DHCP6_OPT_SNTP_SERVERS,
	DHCP6_OPT_NTP_SERVER, DHCP6_OPT_RDNSS_SELECTION, DHCP6_OPT_ADDRSEL,
	DHCP6_OPT_CAPTIVE_PORTAL, DHCP6_OPT_INFO_REFRESH_TIME, DHCP6_OPT_INF_MAX_RT,
	DHCP6_OPT_V6_DNR,
};

static void d6_send(struct engine_dhcp6 *c)
{
	uint8_t buf[sizeof(struct msg_dhcp) + 512];
	struct msg_dhcp *h = (struct msg_dhcp *)buf;
	struct dhcp6_builder b;
	uint64_t el = (log_now_ns() - c->start_ns) / 10000000ull;
	int len;

	dhcp6_build_init(&b, buf + sizeof(*h), sizeof(buf) - sizeof(*h),
			 DHCP6_INFORMATION_REQUEST, c->xid);
	dhcp6_build_option(&b, DHCP6_OPT_CLIENTID, c->duid, c->duid_len);
	dhcp6_build_oro(&b, d6_oro, sizeof(d6_oro) / sizeof(d6_oro[0]));
	dhcp6_build_elapsed(&b, (uint16_t)(el > 0xffff ? 0xffff : el));
	len = dhcp6_build_finish(&b);
	if (len < 0)
		return;
	memset(h, 0, sizeof(*h));
	h->ifindex = c->ifindex;
	h->family = AF_INET6;
	inet_pton(AF_INET6, "ff02::1:2", &h->peer);   /* All_DHCP_Relay_Agents_and_Servers */
	engine_send(c->e, MSG_DHCP_SEND, buf, sizeof(*h) + (size_t)len);
}

/* A new exchange; its clock starts with its first message (d6_timer). */
static void d6_begin(struct engine_dhcp6 *c)
{
	c->state = D6_REQUESTING;
	c->xid = rand_secure_u32() & 0xffffff;
	c->rt_ns = 0;
}

static void d6_timer(evutil_socket_t fd, short what, void *arg)
{
	struct engine_dhcp6 *c = arg;
	uint64_t now = log_now_ns();

	if (c->state == D6_DONE)
		d6_begin(c);             /* refresh time reached */
	if (c->has_data && now >= c->valid_until) {
		log_warn("dhcp6 on %d: no answer to the refresh: dropping its data", c->ifindex);
		c->has_data = false;
		engine_dhcp6_attach(c->e, c);
	}
	/* RFC 8415 21.9: Elapsed Time is 0 in the first message of an
	 * exchange; the random delay before it (18.2.6) does not count. */
	if (c->rt_ns == 0)
		c->start_ns = now;
	d6_send(c);
	c->rt_ns = d6_next_rt(c);
	d6_arm(c, c->rt_ns);
	engine_sync(c->e);
}

static void d6_drop(struct engine_dhcp6 *c, const char *why)
{
	uint64_t sup = 0;

	c->rx_dropped++;
	if (log_ratelimit_ok(&c->e->drop_rl, &sup))
		log_warn("dhcp6 on %d: dropped a reply: %s", c->ifindex, why);
}

void engine_dhcp6_rx(struct engine *e, int ifindex, const struct in6_addr *from,
		     const uint8_t *data, size_t len)
{
	struct engine_dhcp6 *c = d6_find(e, ifindex);
	enum dhcp6_error why = DHCP6_OK;
	uint64_t now = log_now_ns();

	if (!c)
		return;
	if (dhcp6_parse_reply(data, len, c->rx, &why) < 0) {
		d6_drop(c, dhcp6_error_name(why));
		return;
	}
	/* RFC 8415 16.10: our transaction id, and our Client ID (we sent one). */
	if (c->state != D6_REQUESTING ||
	    !dhcp6_reply_matches(c->rx, c->xid, c->duid, c->duid_len)) {
		d6_drop(c, "not a reply to our request");
		return;
	}
	/* RFC 8415 18.2.10: INF_MAX_RT is processed even in a Reply whose
	 * status says it failed; it caps the retransmissions from now on. */
	if (c->rx->has_inf_max_rt)
		c->mrt_ns = (uint64_t)c->rx->inf_max_rt * NS;
	if (c->rx->has_status && c->rx->status != 0) {
		d6_drop(c, "server says it has no information for us");
		return;
	}
	c->rx_ok++;
	c->replies++;
	*c->reply = *c->rx;
	c->server = *from;
	c->refresh = c->rx->has_refresh ? c->rx->refresh : D6_REFRESH_DEFAULT;
	if (c->refresh < D6_REFRESH_MIN)
		c->refresh = D6_REFRESH_MIN;
	c->refresh_at = now + (uint64_t)c->refresh * NS;
	c->valid_until = c->refresh_at + D6_GRACE;
	c->has_data = true;
	c->state = D6_DONE;
	d6_arm(c, (uint64_t)c->refresh * NS);
	engine_dhcp6_attach(e, c);
}

static int d6_items(struct pvd *p, struct engine_dhcp6 *c)
{
	const struct dhcp6_msg *m = c->reply;
	uint32_t life = c->refresh;
	uint64_t exp = c->valid_until;
	int r = 0;

	for (size_t i = 0; r == 0 && i < m->n_dns; i++)
		r = pvd_add_dns(p, PVD_SRC_DHCPV6, c->ifindex, &m->dns[i], life, exp);
	for (size_t i = 0; r == 0 && i < m->n_domains; i++)
		r = pvd_add_domain(p, PVD_SRC_DHCPV6, c->ifindex, m->domains[i], life, exp);
	for (size_t i = 0; r == 0 && i < m->n_ntp; i++)
		r = pvd_add_ntp(p, PVD_SRC_DHCPV6, c->ifindex, &m->ntp[i], life, exp);
	for (size_t i = 0; r == 0 && i < m->n_sntp; i++)
		r = pvd_add_ntp(p, PVD_SRC_DHCPV6, c->ifindex, &m->sntp[i], life, exp);
	/* RFC 9463 section 5.1: as long as the other information. */
	for (size_t i = 0; r == 0 && i < m->n_dnr; i++)
		r = pvd_add_dnr(p, PVD_SRC_DHCPV6, c->ifindex, &m->dnr[i], life, exp);
	/* RFC 6731 section 4.2 (option 74): as DHCPv4's option 146
	 * (engine_dhcp.c): the domains become the PvD's, the server one of
	 * its servers. */
	for (size_t i = 0; r == 0 && i < m->n_dnssel; i++) {
		for (size_t j = 0; r == 0 && j < m->dnssel[i].n_domains; j++)
			if (strcmp(m->dnssel[i].domains[j], ".") != 0 &&
			    !pvd_has_domain(p, m->dnssel[i].domains[j]))
				r = pvd_add_domain(p, PVD_SRC_DHCPV6, c->ifindex,
						   m->dnssel[i].domains[j], life, exp);
		if (r == 0 && !IN6_IS_ADDR_UNSPECIFIED(&m->dnssel[i].server) &&
		    !pvd_has_dns(p, &m->dnssel[i].server))
			r = pvd_add_dns(p, PVD_SRC_DHCPV6, c->ifindex, &m->dnssel[i].server, life,
					exp);
	}
	if (r == 0 && m->has_captive_portal)
		r = pvd_set_captive_portal(p, PVD_SRC_DHCPV6, m->captive_portal);
	return r;
}

/* RFC 8801 3.4.1: every PvD on the interface whose RA had O = 1. */
void engine_dhcp6_attach(struct engine *e, struct engine_dhcp6 *c)
{
	struct pvd *p;

	pvd_drop_source(&e->store, PVD_SRC_DHCPV6, c->ifindex);
	TAILQ_FOREACH(p, &e->store.pvds, e)
		if (pvd_on_ifindex(p, c->ifindex))
			pvd_set_captive_portal(p, PVD_SRC_DHCPV6, NULL);
	c->n_attached = 0;
	if (!c->has_data)
		return;
	TAILQ_FOREACH(p, &e->store.pvds, e) {
		if (p->origin != PVD_SRC_RA || !p->other || !pvd_on_ifindex(p, c->ifindex) ||
		    c->n_attached == 8)
			continue;
		if (d6_items(p, c) < 0)
			log_err("dhcp6: out of memory filing the reply");
		c->attached[c->n_attached++] = p->handle;
	}
}

static bool d6_wanted(struct engine *e, int ifindex)
{
	const struct view_link *l = view_link(&e->view, ifindex);
	struct pvd *p;

	if (!l || !l->up || !l->managed || l->link.hwlen != 6)
		return false;
	TAILQ_FOREACH(p, &e->store.pvds, e)
		if (p->origin == PVD_SRC_RA && p->other && pvd_on_ifindex(p, ifindex))
			return true;
	return false;
}

static struct engine_dhcp6 *d6_new(struct engine *e, int ifindex)
{
	const struct view_link *l = view_link(&e->view, ifindex);
	struct engine_dhcp6 *c = calloc(1, sizeof(*c));
	struct msg_dhcp open = { .ifindex = ifindex, .family = AF_INET6 };

	if (!c)
		return NULL;
	c->e = e;
	c->ifindex = ifindex;
	c->duid_len = dhcp6_duid_ll(c->duid, sizeof(c->duid), l->link.hwaddr, l->link.hwlen);
	c->mrt_ns = (uint64_t)DHCP6_INF_MAX_RT_DEFAULT * NS;
	c->reply = calloc(1, sizeof(*c->reply));
	c->rx = calloc(1, sizeof(*c->rx));
	c->timer = evtimer_new(e->base, d6_timer, c);
	if (!c->reply || !c->rx || !c->timer || !c->duid_len) {
		if (c->timer)
			event_free(c->timer);
		free(c->reply);
		free(c->rx);
		free(c);
		return NULL;
	}
	engine_send(e, MSG_DHCP_OPEN, &open, sizeof(open));
	d6_begin(c);
	/* RFC 8415 18.2.6: a random delay of up to INF_MAX_DELAY (1 s). */
	d6_arm(c, (uint64_t)(rand_u32() % 1000) * 1000000ull);
	return c;
}

static void d6_free(struct engine *e, struct engine_dhcp6 *c)
{
	struct msg_dhcp close_ = { .ifindex = c->ifindex, .family = AF_INET6 };

	for (size_t i = 0; i < e->n_dhcp6; i++)
		if (e->dhcp6[i] == c)
			e->dhcp6[i] = e->dhcp6[--e->n_dhcp6];
	c->has_data = false;
	engine_dhcp6_attach(e, c);
	engine_send(e, MSG_DHCP_CLOSE, &close_, sizeof(close_));
	event_free(c->timer);
	free(c->reply);
	free(c->rx);
	free(c);
}

void engine_dhcp6_after_ra(struct engine *e, int ifindex)
{
	struct engine_dhcp6 *c = d6_find(e, ifindex);
	bool want = d6_wanted(e, ifindex);

	if (want && !c && e->n_dhcp6 < VIEW_MAX_LINKS) {
		c = d6_new(e, ifindex);
		if (c)
			e->dhcp6[e->n_dhcp6++] = c;
	} else if (!want && c) {
		d6_free(e, c);
	} else if (c) {
		engine_dhcp6_attach(e, c);
	}
}

void engine_dhcp6_stop_all(struct engine *e)
{
	while (e->n_dhcp6)
		d6_free(e, e->dhcp6[0]);
}

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

static json_t *d6_json(const struct engine_dhcp6 *c, bool timers)
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
	if (timers)
		json_object_set_new(o, "refresh_in", json_integer(c->refresh_at > now ?
				    (json_int_t)((c->refresh_at - now) / NS) : 0));
	return o;
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
		json_array_append_new(a, o);
	}
	return a;
}

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
 * the server's option 83 says, 21.25). Where an RA has the M flag the
 * client is stateful instead (engine_dhcp6s.c); its Replies' data is filed
 * the same way, into the PvDs whose RA had M or O, with the IA_NA
 * addresses and delegated prefixes as prefixes of those PvDs.
 */
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rand.h"
#include "daemon/dhcp/engine_dhcp6.h"
#include "daemon/engine/engine_priv.h"
#include "proto/dhcp6.h"

#define NS 1000000000ull
#define D6_IRT (1 * NS)              /* INF_TIMEOUT */
#define D6_REFRESH_DEFAULT 86400u    /* IRT_DEFAULT */
#define D6_REFRESH_MIN 600u          /* IRT_MINIMUM */
#define D6_GRACE (120 * NS)

static struct engine_dhcp6 *d6_find(struct engine *e, int ifindex)
{
	for (size_t i = 0; i < e->n_dhcp6; i++)
		if (e->dhcp6[i]->ifindex == ifindex)
			return e->dhcp6[i];
	return NULL;
}

void d6_arm(struct engine_dhcp6 *c, uint64_t d)
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

	(void)fd;
	(void)what;
	if (c->stateful) {
		d6s_timer(c, now);
		engine_sync(c->e);
		return;
	}
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

void d6_drop(struct engine_dhcp6 *c, const char *why)
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
	if (c->stateful) {
		d6s_rx(c, from, data, len);
		return;
	}
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

/* The stateful lease in a PvD (RFC 8801 3.4.1): each IA_NA address as a
 * /128 and each delegated prefix as a prefix of the upstream interface,
 * with their valid lifetimes, and each sub-prefix numbered downstream as
 * an on-link route of that interface, so the PvD's table reaches it. */
static int d6_lease_items(struct pvd *p, struct engine_dhcp6 *c)
{
	uint64_t now = log_now_ns();
	const struct dhcp6_iaaddr *a;
	uint64_t exp;
	uint32_t left;
	int r = 0;

	for (size_t i = 0; r == 0 && i < c->lease.n_na + c->lease.n_pd; i++) {
		a = i < c->lease.n_na ? &c->lease.na[i] : &c->lease.pd[i - c->lease.n_na];
		left = d6s_left(c, a->valid, now);
		exp = left == DHCP6_INFINITY ? PVD_NEVER : now + (uint64_t)left * NS;
		if (left)
			r = pvd_add_prefix(p, PVD_SRC_DHCPV6, c->ifindex, &a->addr, a->plen, left, exp);
	}
	for (size_t i = 0; r == 0 && c->lease.n_pd && i < c->n_down; i++) {
		left = d6s_left(c, c->lease.pd[0].valid, now);
		exp = left == DHCP6_INFINITY ? PVD_NEVER : now + (uint64_t)left * NS;
		if (left)
			r = pvd_add_route(p, PVD_SRC_DHCPV6, c->down[i].ifindex, &c->down[i].subnet,
					  64, NULL, left, exp);
	}
	return r;
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
	 * its servers, asked first for them, with the option's preference. */
	for (size_t i = 0; r == 0 && i < m->n_dnssel; i++) {
		for (size_t j = 0; r == 0 && j < m->dnssel[i].n_domains; j++) {
			const char *dom = m->dnssel[i].domains[j];

			if (strcmp(dom, ".") == 0)
				continue;
			if (!pvd_has_domain(p, dom))
				r = pvd_add_domain(p, PVD_SRC_DHCPV6, c->ifindex, dom, life, exp);
			if (r == 0)
				pvd_domain_select(p, dom, &m->dnssel[i].server, m->dnssel[i].pref);
		}
		if (r == 0 && !IN6_IS_ADDR_UNSPECIFIED(&m->dnssel[i].server) &&
		    !pvd_has_dns(p, &m->dnssel[i].server))
			r = pvd_add_dns(p, PVD_SRC_DHCPV6, c->ifindex, &m->dnssel[i].server, life,
					exp);
	}
	if (r == 0 && m->has_captive_portal)
		r = pvd_set_captive_portal(p, PVD_SRC_DHCPV6, m->captive_portal);
	return r == 0 && c->bound ? d6_lease_items(p, c) : r;
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
		if (p->origin != PVD_SRC_RA || !(p->other || p->managed) ||
		    !pvd_on_ifindex(p, c->ifindex) ||
		    c->n_attached == 8)
			continue;
		if (d6_items(p, c) < 0)
			log_err("dhcp6: out of memory filing the reply");
		c->attached[c->n_attached++] = p->handle;
	}
}

/* 0: no client; 1: stateless (an RA with O only); 2: stateful (an RA
 * with M, RFC 4861 4.2: addresses are available by DHCPv6). Interfaces we
 * number from a delegated prefix are ours to advertise, not clients. */
static int d6_wanted(struct engine *e, int ifindex)
{
	const struct view_link *l = view_link(&e->view, ifindex);
	struct pvd *p;
	int mode = 0;

	if (!l || !l->up || !l->managed || l->link.hwlen != 6 ||
	    d6pd_is_downstream(e, l->link.name))
		return 0;
	TAILQ_FOREACH(p, &e->store.pvds, e)
		if (p->origin == PVD_SRC_RA && pvd_on_ifindex(p, ifindex))
			mode = p->managed ? 2 : p->other && mode == 0 ? 1 : mode;
	return mode;
}

/* RFC 8415 21.4: an IAID stable across restarts: from the interface name. */
static uint32_t d6_iaid(const char *ifname)
{
	uint32_t h = 2166136261u;

	for (const char *p = ifname; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return h;
}

static struct engine_dhcp6 *d6_new(struct engine *e, int ifindex, bool stateful)
{
	const struct view_link *l = view_link(&e->view, ifindex);
	struct engine_dhcp6 *c = calloc(1, sizeof(*c));
	struct msg_dhcp open = { .ifindex = ifindex, .family = AF_INET6 };

	if (!c)
		return NULL;
	c->e = e;
	c->ifindex = ifindex;
	c->stateful = stateful;
	c->want_pd = stateful && e->n_pd_down > 0;
	snprintf(c->ifname, sizeof(c->ifname), "%s", l->link.name);
	c->iaid = d6_iaid(c->ifname);
	c->duid_len = dhcp6_duid_ll(c->duid, sizeof(c->duid), l->link.hwaddr, l->link.hwlen);
	c->mrt_ns = (uint64_t)DHCP6_INF_MAX_RT_DEFAULT * NS;
	c->reply = calloc(1, sizeof(*c->reply));
	c->rx = calloc(1, sizeof(*c->rx));
	c->adv = calloc(1, sizeof(*c->adv));
	c->timer = evtimer_new(e->base, d6_timer, c);
	if (!c->reply || !c->rx || !c->adv || !c->timer || !c->duid_len) {
		if (c->timer)
			event_free(c->timer);
		free(c->reply);
		free(c->rx);
		free(c->adv);
		free(c);
		return NULL;
	}
	engine_send(e, MSG_DHCP_OPEN, &open, sizeof(open));
	if (stateful) {
		d6s_start(c);
		return c;
	}
	d6_begin(c);
	/* RFC 8415 18.2.6: a random delay of up to INF_MAX_DELAY (1 s). */
	d6_arm(c, (uint64_t)(rand_u32() % 1000) * 1000000ull);
	return c;
}

static void d6_free(struct engine *e, struct engine_dhcp6 *c, bool release)
{
	struct msg_dhcp close_ = { .ifindex = c->ifindex, .family = AF_INET6 };

	for (size_t i = 0; i < e->n_dhcp6; i++)
		if (e->dhcp6[i] == c)
			e->dhcp6[i] = e->dhcp6[--e->n_dhcp6];
	if (c->stateful)
		d6s_stop(c, release);
	c->has_data = false;
	engine_dhcp6_attach(e, c);
	engine_send(e, MSG_DHCP_CLOSE, &close_, sizeof(close_));
	event_free(c->timer);
	if (c->ra_timer)
		event_free(c->ra_timer);
	free(c->reply);
	free(c->rx);
	free(c->adv);
	free(c);
}

void engine_dhcp6_after_ra(struct engine *e, int ifindex)
{
	struct engine_dhcp6 *c = d6_find(e, ifindex);
	const struct view_link *l = view_link(&e->view, ifindex);
	int want = d6_wanted(e, ifindex);

	/* M cleared (or set) while the link stays up: the network no longer
	 * offers (or now offers) addresses: Release them (18.2.7). */
	if (c && want && c->stateful != (want == 2)) {
		d6_free(e, c, true);
		c = NULL;
	}
	if (want && !c && e->n_dhcp6 < VIEW_MAX_LINKS) {
		c = d6_new(e, ifindex, want == 2);
		if (c)
			e->dhcp6[e->n_dhcp6++] = c;
	} else if (!want && c) {
		d6_free(e, c, l && l->up);
	} else if (c) {
		engine_dhcp6_attach(e, c);
	}
}

/* mifd stops: no Release, so that the next start Confirms the same lease
 * (the addresses go, as SLAAC's do; the file stays). */
void engine_dhcp6_stop_all(struct engine *e)
{
	while (e->n_dhcp6)
		d6_free(e, e->dhcp6[0], false);
}

void engine_dhcp6_pd_downstream(struct engine *e, const char *ifname)
{
	if (e->n_pd_down < CORE_MAX_IFACES && strlen(ifname) < sizeof(e->pd_down[0]) &&
	    !d6pd_is_downstream(e, ifname))
		strcpy(e->pd_down[e->n_pd_down++], ifname);
}

/* The kernel's word on an IA_NA address: DAD failed when it says so, or
 * when the address goes while still tentative (the kernel deletes a
 * duplicate that has a finite lifetime instead of flagging it). */
void engine_dhcp6_addr(struct engine *e, const struct nl_addr *a, bool gone)
{
	struct engine_dhcp6 *c = a->family == AF_INET6 ? d6_find(e, a->ifindex) : NULL;

	if (c && c->stateful)
		d6s_addr_event(c, (const struct in6_addr *)a->addr, gone,
			       (a->flags & IFA_F_TENTATIVE) != 0, (a->flags & IFA_F_DADFAILED) != 0);
}

bool engine_dhcp6_owns(struct engine *e, int ifindex, const uint8_t addr[16])
{
	for (size_t i = 0; i < e->n_dhcp6; i++)
		if (e->dhcp6[i]->stateful && d6s_owns(e->dhcp6[i], addr) &&
		    (e->dhcp6[i]->ifindex == ifindex || e->dhcp6[i]->n_down))
			return true;
	return false;
}

/* SPDX-License-Identifier: MIT */
/*
 * Delegated prefixes (RFC 8415 IA_PD) numbered downstream, as a CPE does
 * (RFC 7084 L-2, L-9): the n-th interface named in dhcp6_pd_downstream
 * (counting from 0) gets the n-th /64 of the first delegated prefix, the
 * address ::1 in it, and Router Advertisements of our own (RFC 4861 6.2)
 * announcing it with the delegation's remaining lifetimes, every
 * D6PD_RA_INTERVAL. The sub-prefixes are filed as routes of the delegating
 * PvD (engine_dhcp6.c), so its table carries them and the PvD's
 * "from <delegated prefix>" rule (route_plan.h base+100) sends downstream
 * traffic out through that PvD. When the delegation ends, a last RA
 * withdraws the router and the prefix (lifetimes 0) and the address goes.
 * Forwarding itself (net.ipv6.conf.all.forwarding) is the operator's.
 */
#include <arpa/inet.h>
#include <string.h>

#include "daemon/dhcp/engine_dhcp6.h"
#include "daemon/engine/engine_priv.h"
#include "proto/ra_build.h"

#define D6PD_RA_INTERVAL (10 * D6_NS)
#define D6PD_ROUTER_LIFETIME 1800    /* RFC 4861 6.2.1 AdvDefaultLifetime default */

bool d6pd_is_downstream(const struct engine *e, const char *ifname)
{
	for (size_t i = 0; i < e->n_pd_down; i++)
		if (strcmp(e->pd_down[i], ifname) == 0)
			return true;
	return false;
}

/* The k-th /64 of prefix/plen, or -ERANGE if there is none. */
static int d6pd_subnet(const struct dhcp6_iaaddr *p, size_t k, struct in6_addr *out)
{
	unsigned bits = p->plen <= 64 ? 64u - p->plen : 0;

	if (p->plen > 64 || (bits < 32 && k >= (1ull << bits)))
		return -ERANGE;
	*out = p->addr;
	for (unsigned b = 0; b < bits && b < 32; b++)
		if (k & (1ull << b))
			out->s6_addr[7 - b / 8] |= (uint8_t)(1u << (b % 8));
	return 0;
}

static void d6pd_ra(struct engine_dhcp6 *c, const struct d6_downstream *d, bool withdraw,
		    uint64_t now)
{
	const struct dhcp6_iaaddr *p = &c->lease.pd[0];
	struct msg_ra_send m = { .ifindex = d->ifindex };
	struct ra_header h = { .cur_hop_limit = 64,
			       .router_lifetime = withdraw ? 0 : D6PD_ROUTER_LIFETIME };
	struct ra_prefix x = { .prefix = d->subnet, .plen = 64, .onlink = true,
			       .autonomous = true };
	struct ra_builder b;
	int len;

	if (!withdraw) {
		x.valid = d6s_left(c, p->valid, now);
		x.preferred = d6s_left(c, p->preferred, now);
	}
	ra_build_init(&b, m.data, sizeof(m.data));
	ra_build_header(&b, &h);
	ra_build_prefix(&b, &x);
	len = ra_build_finish(&b);
	if (len < 0)
		return;
	m.len = (uint32_t)len;
	engine_send(c->e, MSG_RA_SEND, &m, sizeof(m));
	c->ras_sent++;
}

static void d6pd_address(struct engine_dhcp6 *c, const struct d6_downstream *d, bool add,
			 uint64_t now)
{
	const struct dhcp6_iaaddr *p = &c->lease.pd[0];
	struct nl_addr a = { .ifindex = d->ifindex, .family = AF_INET6, .plen = 64 };

	memcpy(a.addr, &d->subnet, 16);
	a.addr[15] = 1;
	if (add) {
		a.valid = d6s_left(c, p->valid, now);
		a.preferred = d6s_left(c, p->preferred, now);
	}
	engine_send(c->e, add && a.valid ? MSG_ADDR_CONFIGURE : MSG_ADDR_REMOVE, &a, sizeof(a));
}

static void d6pd_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct engine_dhcp6 *c = arg;
	struct timeval tv = { .tv_sec = (time_t)(D6PD_RA_INTERVAL / D6_NS) };
	uint64_t now = log_now_ns();

	(void)fd;
	(void)what;
	for (size_t i = 0; i < c->n_down; i++)
		d6pd_ra(c, &c->down[i], false, now);
	if (c->n_down)
		evtimer_add(c->ra_timer, &tv);
}

void d6pd_withdraw(struct engine_dhcp6 *c)
{
	uint64_t now = log_now_ns();

	for (size_t i = 0; i < c->n_down; i++) {
		d6pd_ra(c, &c->down[i], true, now);
		d6pd_address(c, &c->down[i], false, now);
	}
	c->n_down = 0;
	if (c->ra_timer)
		evtimer_del(c->ra_timer);
}

/* After every Reply: number (or renumber) the downstream interfaces. */
void d6pd_update(struct engine_dhcp6 *c, uint64_t now)
{
	struct d6_downstream want[D6_MAX_DOWNSTREAM];
	size_t n = 0;
	bool same;

	for (size_t k = 0; c->bound && c->lease.n_pd && k < c->e->n_pd_down && n < D6_MAX_DOWNSTREAM;
	     k++) {
		const struct view_link *l = NULL;

		for (size_t j = 0; j < c->e->view.n_links; j++)
			if (strcmp(c->e->view.links[j].link.name, c->e->pd_down[k]) == 0)
				l = &c->e->view.links[j];
		if (!l || !l->up || l->link.ifindex == c->ifindex ||
		    d6pd_subnet(&c->lease.pd[0], k, &want[n].subnet) < 0)
			continue;
		want[n].ifindex = l->link.ifindex;
		want[n++].next_ra = 0;
	}
	same = n == c->n_down && memcmp(want, c->down, n * sizeof(want[0])) == 0;
	if (!same)
		d6pd_withdraw(c);
	memcpy(c->down, want, n * sizeof(want[0]));
	c->n_down = n;
	for (size_t i = 0; i < n; i++)
		d6pd_address(c, &c->down[i], true, now);
	if (!c->ra_timer)
		c->ra_timer = evtimer_new(c->e->base, d6pd_timer_cb, c);
	if (n && c->ra_timer)
		d6pd_timer_cb(-1, 0, c);
}

/* SPDX-License-Identifier: MIT */
/*
 * SLAAC for prefixes nested in a PvD option. The kernel skips the whole
 * PvD option (RFC 8801 section 3.3 backward compatibility), so it never
 * forms these addresses; mifd does, with RFC 4862 rules, and lets the
 * kernel run DAD and expire the address by the lifetimes it is given.
 */
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/engine/engine_priv.h"
#include "daemon/ra/slaac.h"

#define NS_PER_SEC 1000000000ull

static struct slaac_addr *engine_slaac_find(struct engine *e, int ifindex,
					    const struct in6_addr *a)
{
	struct slaac_addr *s;

	LIST_FOREACH(s, &e->slaac, e)
		if (s->ifindex == ifindex && IN6_ARE_ADDR_EQUAL(&s->addr, a))
			return s;
	return NULL;
}

static uint32_t engine_slaac_left(uint64_t until, uint64_t now)
{
	if (until == PVD_NEVER)
		return RA_INFINITY;
	return until > now ? (uint32_t)((until - now) / NS_PER_SEC) : 0;
}

static void engine_slaac_program(struct engine *e, struct slaac_addr *s, uint32_t valid,
				 uint32_t preferred, uint64_t now)
{
	struct nl_addr a = {
		.ifindex = s->ifindex, .family = AF_INET6, .plen = 64,
		.valid = valid, .preferred = preferred,
		/* The on-link route follows the L flag (RFC 4861 section 6.3.4);
		 * per-PvD routing decides the rest. */
		.flags = s->onlink ? 0 : IFA_F_NOPREFIXROUTE,
	};

	memcpy(a.addr, &s->addr, 16);
	s->valid_until = pvd_deadline(now, valid);
	s->pref_until = pvd_deadline(now, preferred);
	engine_send(e, MSG_ADDR_CONFIGURE, &a, sizeof(a));
}

/* RFC 4862 section 5.5.3 for one nested PIO. */
void engine_slaac_prefix(struct engine *e, int ifindex, const struct ra_prefix *p, uint64_t now)
{
	const struct view_link *l = view_link(&e->view, ifindex);
	struct in6_addr addr;
	struct slaac_addr *s;
	uint8_t iid[8];
	uint32_t valid, preferred;

	/* (a) A flag, (c) preferred <= valid, (d) a 64-bit identifier fits. */
	if (!p->autonomous || p->preferred > p->valid || !l)
		return;
	if (slaac_iid(l->link.hwaddr, l->link.hwlen, iid) < 0 ||
	    slaac_address(&p->prefix, p->plen, iid, &addr) < 0)
		return;
	s = engine_slaac_find(e, ifindex, &addr);
	if ((!s && p->valid == 0) || (s && s->dadfailed))
		return;
	valid = slaac_valid_lifetime(s != NULL, p->valid,
				     s ? engine_slaac_left(s->valid_until, now) : 0);
	if (valid == 0)
		return;
	preferred = p->preferred < valid ? p->preferred : valid;
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return;
		s->ifindex = ifindex;
		s->addr = addr;
		LIST_INSERT_HEAD(&e->slaac, s, e);
	}
	s->onlink = p->onlink;
	engine_slaac_program(e, s, valid, preferred, now);
}

/* The kernel removed an address (expiry, DAD failure, someone else). */
void engine_slaac_forget(struct engine *e, int ifindex, const struct nl_addr *gone)
{
	struct slaac_addr *s;

	if (!gone || gone->family != AF_INET6)
		return;
	s = engine_slaac_find(e, ifindex, (const struct in6_addr *)gone->addr);
	if (!s)
		return;
	LIST_REMOVE(s, e);
	free(s);
}

/* Addresses mifd configured itself: SLAAC for nested prefixes, and DHCPv4
 * leases (the kernel reports those with their IPv4 bytes first). */
bool engine_slaac_owns(void *ctx, int ifindex, const uint8_t addr[16])
{
	struct engine *e = ctx;

	for (size_t i = 0; i < e->n_dhcp4; i++) {
		const struct engine_dhcp4 *c = e->dhcp4[i];

		if (c->ifindex == ifindex && c->addr.s_addr &&
		    memcmp(addr, &c->addr, 4) == 0 && c->state >= D4_BOUND && c->state <= D4_REBINDING)
			return true;
	}
	return engine_slaac_find(e, ifindex, (const struct in6_addr *)addr) != NULL ||
	       engine_dhcp6_owns(e, ifindex, addr);
}

/* Remove mifd's addresses on ifindex (0: everywhere): the link went down, or
 * mifd is stopping and nobody would keep them tied to their PvD. */
void engine_slaac_release(struct engine *e, int ifindex)
{
	struct slaac_addr *s, *next;

	for (s = LIST_FIRST(&e->slaac); s; s = next) {
		next = LIST_NEXT(s, e);
		if (ifindex && s->ifindex != ifindex)
			continue;
		struct nl_addr a = { .ifindex = s->ifindex, .family = AF_INET6, .plen = 64 };

		memcpy(a.addr, &s->addr, 16);
		engine_send(e, MSG_ADDR_REMOVE, &a, sizeof(a));
		LIST_REMOVE(s, e);
		free(s);
	}
}

/* RFC 4862 section 5.4.5: a duplicate address must not be used. The kernel
 * marks it; mifd removes it and will not form it again on this link until
 * the link goes down and comes back. */
void engine_slaac_addr_flags(struct engine *e, const struct nl_addr *a)
{
	struct slaac_addr *s;
	char buf[INET6_ADDRSTRLEN];

	if (a->family != AF_INET6 || !(a->flags & IFA_F_DADFAILED))
		return;
	s = engine_slaac_find(e, a->ifindex, (const struct in6_addr *)a->addr);
	if (!s || s->dadfailed)
		return;
	s->dadfailed = true;
	inet_ntop(AF_INET6, a->addr, buf, sizeof(buf));
	log_warn("duplicate address detected for %s: removing it", buf);
	engine_send(e, MSG_ADDR_REMOVE, a, sizeof(*a));
}

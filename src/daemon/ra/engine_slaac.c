/* SPDX-License-Identifier: MIT */
/*
 * SLAAC for prefixes nested in a PvD option. The kernel skips the whole
 * PvD option (RFC 8801 section 3.3 backward compatibility), so it never
 * forms these addresses; mifd does, with RFC 4862 rules, and lets the
 * kernel run DAD and expire the address by the lifetimes it is given.
 * The identifier is RFC 7217's by default (the same on one network across
 * restarts, different on another, never the MAC's); with "temporary" the
 * kernel also makes RFC 8981 temporary addresses from it
 * (IFA_F_MANAGETEMPADDR, the interface's use_tempaddr and temp_*_lft,
 * which kern_nl.c sets); "eui64" keeps the modified EUI-64 identifier.
 */
#include <arpa/inet.h>
#include <errno.h>
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

/* An address mifd holds now (not a duplicate's marker). */
static bool engine_slaac_live(struct engine *e, int ifindex, const struct in6_addr *a)
{
	const struct slaac_addr *s = engine_slaac_find(e, ifindex, a);

	return s && !s->dadfailed;
}

static uint32_t engine_slaac_left(uint64_t until, uint64_t now)
{
	if (until == PVD_NEVER)
		return RA_INFINITY;
	return until > now ? (uint32_t)((until - now) / NS_PER_SEC) : 0;
}

void engine_set_addr_privacy(struct engine *e, int privacy)
{
	e->privacy = privacy;
}

static uint32_t engine_slaac_flags(const struct engine *e)
{
	return e->privacy == SLAAC_TEMPORARY ? IFA_F_MANAGETEMPADDR : 0;
}

static void engine_slaac_program(struct engine *e, struct slaac_addr *s, uint32_t valid,
				 uint32_t preferred, uint64_t now)
{
	struct nl_addr a = {
		.ifindex = s->ifindex, .family = AF_INET6, .plen = 64,
		.valid = valid, .preferred = preferred,
		/* The on-link route follows the L flag (RFC 4861 section 6.3.4);
		 * per-PvD routing decides the rest. */
		.flags = (s->onlink ? 0 : IFA_F_NOPREFIXROUTE) | engine_slaac_flags(e),
	};

	memcpy(a.addr, &s->addr, 16);
	s->valid_until = pvd_deadline(now, valid);
	s->pref_until = pvd_deadline(now, preferred);
	engine_send(e, MSG_ADDR_CONFIGURE, &a, sizeof(a));
}

/* Duplicates found so far in this /64 on ifindex: RFC 7217 section 6's
 * DAD_Counter for the next identifier. */
static unsigned engine_slaac_failures(struct engine *e, int ifindex, const struct in6_addr *pfx)
{
	struct slaac_addr *s;
	unsigned n = 0;

	LIST_FOREACH(s, &e->slaac, e)
		if (s->ifindex == ifindex && s->dadfailed && memcmp(s->prefix, pfx->s6_addr, 8) == 0)
			n++;
	return n;
}

/* The identifier for p on link l: RFC 7217 (a reserved result takes the
 * next DAD_Counter, section 5), or modified EUI-64. */
static int engine_slaac_iid(struct engine *e, const struct view_link *l,
			    const struct ra_prefix *p, const char *network_id, uint8_t iid[8])
{
	char nid[256];
	unsigned counter;
	size_t i;

	if (e->privacy == SLAAC_EUI64)
		return slaac_iid(l->link.hwaddr, l->link.hwlen, iid);
	if (!e->has_secret)
		return -EAGAIN;     /* the parent sends it before any link: never here */
	counter = engine_slaac_failures(e, l->link.ifindex, &p->prefix);
	if (counter > SLAAC_IDGEN_RETRIES)
		return -EADDRINUSE;  /* section 6: give up after IDGEN_RETRIES */
	/* PvD names compare case-insensitively (RFC 8801 3.1). */
	for (i = 0; network_id[i] && i + 1 < sizeof(nid); i++)
		nid[i] = (char)(network_id[i] >= 'A' && network_id[i] <= 'Z' ?
				network_id[i] + 32 : network_id[i]);
	nid[i] = '\0';
	for (; counter <= 255; counter++)
		if (slaac_stable_iid(&p->prefix, l->link.name, nid, (uint8_t)counter, e->secret,
				     iid) == 0)
			return 0;
	return -EADDRNOTAVAIL;
}

/* RFC 4862 section 5.5.3 for one nested PIO. */
void engine_slaac_prefix(struct engine *e, int ifindex, const struct ra_prefix *p,
			 const char *network_id, uint64_t now)
{
	const struct view_link *l = view_link(&e->view, ifindex);
	struct in6_addr addr;
	struct slaac_addr *s;
	uint8_t iid[8];
	uint32_t valid, preferred;

	/* (a) A flag, (c) preferred <= valid, (d) a 64-bit identifier fits. */
	if (!p->autonomous || p->preferred > p->valid || !l || p->plen != 64)
		return;
	if (engine_slaac_iid(e, l, p, network_id, iid) < 0 ||
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
		memcpy(s->prefix, p->prefix.s6_addr, 8);
		LIST_INSERT_HEAD(&e->slaac, s, e);
	}
	s->onlink = p->onlink;
	engine_slaac_program(e, s, valid, preferred, now);
}

/* RFC 4862 5.4.5: a duplicate must not be used; RFC 7217 6: the next
 * identifier takes the next DAD_Counter (at the next RA). */
static void engine_slaac_duplicate(struct engine *e, struct slaac_addr *s)
{
	char buf[INET6_ADDRSTRLEN];

	s->dadfailed = true;
	inet_ntop(AF_INET6, &s->addr, buf, sizeof(buf));
	log_warn("duplicate address detected for %s: removing it%s", buf,
		 e->privacy == SLAAC_EUI64 ? "" : " (the next identifier takes DAD_Counter + 1)");
}

/* The kernel removed an address (expiry, DAD failure, someone else). */
void engine_slaac_forget(struct engine *e, int ifindex, const struct nl_addr *gone)
{
	struct slaac_addr *s;

	if (!gone || gone->family != AF_INET6)
		return;
	s = engine_slaac_find(e, ifindex, (const struct in6_addr *)gone->addr);
	/* A duplicate stays as a marker: not formed again on this link, and
	 * counted as DAD_Counter for the next identifier (RFC 7217 6). */
	if (!s || s->dadfailed)
		return;
	/* The kernel deletes an address with a lifetime whose DAD failed
	 * (addrconf_dad_stop: only permanent ones stay, flagged), and says
	 * so in the deletion's flags. */
	if (gone->flags & IFA_F_DADFAILED) {
		engine_slaac_duplicate(e, s);
		return;
	}
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
	return engine_slaac_live(e, ifindex, (const struct in6_addr *)addr);
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
		struct nl_addr a = { .ifindex = s->ifindex, .family = AF_INET6, .plen = 64,
				     .flags = engine_slaac_flags(e) };

		memcpy(a.addr, &s->addr, 16);
		if (!s->dadfailed)
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

	if (a->family != AF_INET6 || !(a->flags & IFA_F_DADFAILED))
		return;
	s = engine_slaac_find(e, a->ifindex, (const struct in6_addr *)a->addr);
	if (!s || s->dadfailed)
		return;
	engine_slaac_duplicate(e, s);
	engine_send(e, MSG_ADDR_REMOVE, a, sizeof(*a));
}

/* SPDX-License-Identifier: MIT */
/*
 * The mobile-node role's messages (mob_msg.h), checked beyond their size:
 * a receiver (the parent for MSG_MOB_PATHS, the network-facing process
 * for the MOB_WIRE_* messages) indexes arrays with what they carry, so
 * every index is bounded and every string terminated here. Pure.
 */
#include <string.h>

#include "daemon/mobility/mob_msg.h"

#define MOB_MSG_TERMINATED(a) (memchr((a), 0, sizeof(a)) != NULL)

bool mob_msg_path_ok(const struct msg_mob_path *p)
{
	return p->bid >= 1 && p->bid <= MOB_MAX_PATHS && (p->family == 4 || p->family == 6) &&
	       p->ifindex > 0 && p->home < MOB_MAX_HOAS && MOB_MSG_TERMINATED(p->ifname) &&
	       p->ifname[0] && MOB_MSG_TERMINATED(p->pvd) && MOB_MSG_TERMINATED(p->why);
}

bool mob_msg_pairs_ok(const struct mob_pairs *s)
{
	if (s->home >= MOB_MAX_HOAS || s->n > MOB_HOA_COA_MAX)
		return false;
	for (size_t i = 0; i < s->n; i++) {
		const struct msg_mob_pair *e = &s->e[i];

		if (e->verdict > MOB_PAIR_REFUSED || (e->family != 4 && e->family != 6) ||
		    !MOB_MSG_TERMINATED(e->ifname) || !MOB_MSG_TERMINATED(e->why))
			return false;
	}
	return true;
}

/* The home link's part (engine_mob_home.h): home address 0's only; when
 * active, an interface and the BID of one IPv6 path of the set whose
 * care-of address is that home address's (the home path). */
static bool mob_msg_home_link_ok(const struct msg_mob_paths *s)
{
	const struct msg_mob_home *w = &s->home_link;

	if (w->active > 1 || (w->active && s->home != 0) || !MOB_MSG_TERMINATED(w->ifname))
		return false;
	if (!w->active)
		return true;
	/* The router: link-local (RFC 4861 4.2: an RA's source), or none. */
	static const uint8_t none[16];

	if (w->ifindex <= 0 || !w->ifname[0] || w->bid < 1 || w->bid > MOB_MAX_PATHS ||
	    (memcmp(w->gw, none, 16) && (w->gw[0] != 0xfe || (w->gw[1] & 0xc0) != 0x80)))
		return false;
	for (size_t i = 0; i < s->n; i++)
		if (s->p[i].bid == w->bid)
			return s->p[i].family == 6 && s->p[i].ifindex == w->ifindex &&
			       !strcmp(s->p[i].ifname, w->ifname);
	return false;
}

bool mob_msg_paths_ok(const struct msg_mob_paths *s)
{
	unsigned seen = 0;

	if (s->n > MOB_MAX_PATHS || s->home >= MOB_MAX_HOAS || s->flows.n > MOB_FLOW_MAX ||
	    (s->home != 0 && s->flows.n != 0) || s->pairs.home != s->home ||
	    !mob_msg_pairs_ok(&s->pairs))
		return false;
	for (size_t i = 0; i < s->flows.n; i++)
		if (!MOB_MSG_TERMINATED(s->flows.spec[i]))
			return false;
	for (size_t i = 0; i < s->n; i++) {
		const struct msg_mob_path *p = &s->p[i];

		if (!mob_msg_path_ok(p) || p->home != s->home || (seen & 1u << p->bid))
			return false;
		seen |= 1u << p->bid;
	}
	return mob_msg_home_link_ok(s);
}

bool mob_msg_config_ok(const struct mob_wire_config *c)
{
	return c->n_homes >= 1 && c->n_homes <= MOB_MAX_HOAS && c->home < c->n_homes &&
	       MOB_MSG_TERMINATED(c->name) && c->key_len >= 16 && c->key_len <= sizeof(c->key) &&
	       c->interval_ms >= 10 && c->misses && MOB_MSG_TERMINATED(c->tun) &&
	       (c->has_ha6 || c->has_ha4) && c->n_flows <= MOB_FLOW_MAX;
}

bool mob_msg_uplink_ok(const struct mob_wire_uplink *u)
{
	return u->home == 0 && u->home_bid <= MOB_MAX_PATHS;
}

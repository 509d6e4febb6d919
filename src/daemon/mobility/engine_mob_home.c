/* SPDX-License-Identifier: MIT */
/* The home link's path in the engine (engine_mob_home.h). */
#include <stdio.h>
#include <string.h>

#include "daemon/engine/engine_priv.h"
#include "daemon/mobility/engine_mob.h"
#include "daemon/mobility/engine_mob_home.h"
#include "daemon/mobility/mn.h"

static bool emh_is_home(const struct engine_mob *m, const struct msg_mob_path *p)
{
	return p->family == 6 && !memcmp(p->coa, m->hoa[0].addr, 16);
}

/* The home prefix with the candidate's address in it (rule 2 of
 * mob_hoa.h), for an IPv6 care-of address of a home address whose
 * configured length leaves a prefix. */
static bool emh_in_prefix(const struct engine_mob *m, const struct msg_mob_path *p)
{
	unsigned plen = m->hoa[0].plen;

	if (p->family != 6 || plen >= 128 || plen == 0)
		return false;
	if (memcmp(p->coa, m->hoa[0].addr, plen / 8) != 0)
		return false;
	return plen % 8 == 0 ||
	       ((p->coa[plen / 8] ^ m->hoa[0].addr[plen / 8]) & (0xff00u >> (plen % 8)) & 0xff) == 0;
}

bool engine_mob_home_path(const struct engine *e, const struct pvd *p, struct msg_mob_path *m)
{
	(void)p;
	if (!emh_in_prefix(&e->mob, m))
		return false;
	/* RFC 5648 5.6: at home, the BID's care-of address is the home
	 * address (as RFC 6275 11.5.5's home registration). */
	memcpy(m->coa, e->mob.hoa[0].addr, 16);
	return true;
}

void engine_mob_home_pri(const struct engine *e, struct msg_mob_path *m)
{
	char why[sizeof(m->why) * 2];
	size_t n;

	if (e->mob.hoa[0].plen >= 128)
		return;         /* no home link possible: as before */
	if (emh_is_home(&e->mob, m)) {
		m->pri = 0;
		snprintf(why, sizeof(why), "home link (RFC 6275 11.5.5), H flag, first; %s", m->why);
	} else {
		m->pri = (uint8_t)(m->pri + 1 < MN_PRI_DEAD ? m->pri + 1 : MN_PRI_DEAD - 1);
		snprintf(why, sizeof(why), "%s; one above the home link's 0", m->why);
	}
	n = strnlen(why, sizeof(m->why) - 1);   /* cut to fit: it is a reason */
	memcpy(m->why, why, n);
	m->why[n] = '\0';
}

/* The PvD's router on the home interface: its default router there. */
static bool emh_router(const struct engine *e, const struct msg_mob_path *mp, uint8_t gw[16])
{
	const struct pvd *p = pvd_find(&e->store, mp->pvd);
	const struct pvd_router *r;

	if (!p)
		return false;
	TAILQ_FOREACH(r, &p->routers, e)
		if (r->ifindex == mp->ifindex && r->lifetime > 0 &&
		    !IN6_IS_ADDR_UNSPECIFIED(&r->addr)) {
			memcpy(gw, &r->addr, 16);
			return true;
		}
	return false;
}

void engine_mob_home_fill(struct engine *e, struct msg_mob_paths *s)
{
	struct msg_mob_home *h = &s->home_link;
	size_t n = 0;

	memset(h, 0, sizeof(*h));
	/* One home path at a time, the first in the set's order with a
	 * router: only one interface holds the home address natively. When
	 * it goes, the next one (the home link on another interface, analysis
	 * 6.3.3) becomes the home path in the same sync. */
	for (size_t i = 0; i < s->n; i++) {
		const struct msg_mob_path *p = &s->p[i];

		if (emh_is_home(&e->mob, p)) {
			if (h->active || !emh_router(e, p, h->gw))
				continue;
			h->active = 1;
			h->ifindex = p->ifindex;
			h->bid = p->bid;
			snprintf(h->ifname, sizeof(h->ifname), "%s", p->ifname);
		}
		if (n != i)
			s->p[n] = *p;
		n++;
	}
	for (size_t i = n; i < s->n; i++)
		memset(&s->p[i], 0, sizeof(s->p[i]));
	s->n = (uint32_t)n;
	if (!h->active)
		memset(h->gw, 0, sizeof(h->gw));
}

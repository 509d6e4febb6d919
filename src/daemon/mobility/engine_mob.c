/* SPDX-License-Identifier: MIT */
/* Which PvDs give the mobile node its care-of paths (engine_mob.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "daemon/engine/engine_priv.h"
#include "daemon/mobility/engine_mob.h"
#include "daemon/mobility/engine_mob_flow.h"
#include "daemon/mobility/engine_mob_home.h"
#include "daemon/mobility/mn.h"
#include "daemon/routing/route_plan.h"

struct em_cand {
	const struct pvd *p;
	int rank;                /* position in prefer =, n_prefer when none */
	struct msg_mob_path m;
};

void engine_mob_set_config(struct engine *e, const struct mob_config *c)
{
	struct engine_mob *m = &e->mob;

	m->enabled = c->enabled;
	memcpy(m->prefer, c->prefer, sizeof(m->prefer));
	m->n_prefer = c->n_prefer;
	snprintf(m->tun, sizeof(m->tun), "%s", c->tun);
	m->n_homes = mob_config_hoas(c, m->hoa, MOB_MAX_HOAS);
	for (size_t h = 0; h < m->n_homes; h++) {
		m->home[h].want6 = h ? c->homes[h - 1].has_ha6 : c->has_ha6;
		m->home[h].want4 = h ? c->homes[h - 1].has_ha4 : c->has_ha4;
		m->home[h].nested = false;
		for (size_t j = 0; j < m->n_homes; j++)
			for (size_t v = 0; v < m->hoa[h].n_via; v++)
				m->home[h].nested |= !strcmp(m->hoa[h].via[v], m->hoa[j].name);
	}
}

/* The pairing rule of mob_hoa.h (doc/mobility.md "Several home
 * addresses") for home address h and one PvD's care-of address: the
 * home address itself, an address in its home prefix (at home there: no
 * binding, 6.3.3; for [mobility]'s the home path instead,
 * engine_mob_home.h) or an interface its via list does not name gives no
 * path. Rule 4 (ingress safety, analysis 6.1.5) holds by construction:
 * the address is the PvD interface's own and the parent binds its socket
 * to both, so its source is one that network's routers accept. The
 * verdict goes into pairs for mifctl mobility; home: c is the home
 * path (bound, H flag). */
static bool em_paired(const struct engine_mob *m, size_t h, const struct msg_mob_path *p,
		      bool home, struct mob_pairs *pairs)
{
	struct mob_coa c = { .family = p->family, .on_if = true, .pri = p->pri, .home = home };
	struct mob_pair pair;
	size_t n = 0;
	char err[64];

	memcpy(c.addr, p->coa, sizeof(c.addr));
	snprintf(c.ifname, sizeof(c.ifname), "%s", p->ifname);
	if (mob_hoa_plan(&m->hoa[h], 1, &c, 1, &pair, 1, &n, err, sizeof(err)) < 0 || n != 1)
		return false;
	if (pairs->n < MOB_HOA_COA_MAX) {
		struct msg_mob_pair *e = &pairs->e[pairs->n++];

		e->verdict = (uint8_t)pair.verdict;
		e->family = p->family;
		memcpy(e->coa, p->coa, sizeof(e->coa));
		snprintf(e->ifname, sizeof(e->ifname), "%s", p->ifname);
		snprintf(e->why, sizeof(e->why), "%s", pair.why);
	}
	return pair.verdict == MOB_PAIR_BOUND;
}

/* The preference order until the policy engine exists: the first entry
 * of prefer = naming the interface or its class. */
static int em_rank(const struct engine_mob *m, const struct view_link *l, char *why,
		   size_t len)
{
	const char *cls = route_class_name(route_class_of(l));
	static const char *const key[] = { "wired", "wifi", "cellular", "vpn" };
	const char *k = key[route_class_of(l)];

	for (size_t i = 0; i < m->n_prefer; i++)
		if (!strcmp(m->prefer[i], l->link.name) || !strcmp(m->prefer[i], k)) {
			snprintf(why, len, "prefer entry %zu (%s, a %s interface)", i + 1,
				 m->prefer[i], cls);
			return (int)i;
		}
	snprintf(why, len, "not in prefer (a %s interface)", cls);
	return (int)m->n_prefer;
}

/* Whether p gives home address h a path, filled into c; the pairing
 * rule's verdict for its care-of address into pairs. */
static bool em_candidate(struct engine *e, size_t h, const struct pvd *p, struct em_cand *c,
			 struct mob_pairs *pairs)
{
	struct engine_mob *m = &e->mob;
	const struct engine_mob_home *mh = &m->home[h];
	struct msg_probe_start in;
	const struct view_link *l;
	const char *why = NULL;
	char rank[64];
	bool checks = e->conn.cfg.enabled, at_home = false;

	(void)engine_conn_inputs(e, p, &in, &why);   /* its interface and sources */
	if (!in.ifindex || !(l = view_link(&e->view, in.ifindex)) || !l->up ||
	    !strcmp(l->link.name, m->tun))
		return false;
	if (checks && p->conn != CONN_VALID && p->conn != CONN_PARTIAL)
		return false;
	memset(c, 0, sizeof(*c));
	c->p = p;
	if (mh->want6 && !IN6_IS_ADDR_UNSPECIFIED(&in.src6)) {
		c->m.family = 6;
		memcpy(c->m.coa, &in.src6, 16);
	} else if (mh->want4 && !IN6_IS_ADDR_UNSPECIFIED(&in.src4)) {
		c->m.family = 4;
		memcpy(c->m.coa, &in.src4.s6_addr[12], 4);
	} else {
		return false;
	}
	c->rank = em_rank(m, l, rank, sizeof(rank));
	c->m.ifindex = in.ifindex;
	snprintf(c->m.ifname, sizeof(c->m.ifname), "%s", l->link.name);
	c->m.home = (uint32_t)h;
	snprintf(c->m.pvd, sizeof(c->m.pvd), "%s", p->id);
	snprintf(c->m.why, sizeof(c->m.why), "%s; IPv%u; connectivity %s", rank, c->m.family,
		 checks ? conn_state_name((enum conn_state)p->conn) : "checks off");
	/* With routing on, a path waits for its PvD's table: its socket is
	 * marked from the start, never opened again for a late mark. */
	if (e->rt.cfg.enabled) {
		uint32_t t = e->rt.ready ?
			route_table_of(&e->rt.tables, &e->rt.cfg, p->handle, false) : 0;

		if (!t)
			return false;
		c->m.mark = route_mark_of(&e->rt.cfg, &e->rt.tables, t);
	}
	/* BID-PRI from the preference alone, so that it stays when other
	 * paths come and go: two per rank, IPv6 before IPv4; equal ones go
	 * to the lower BID (mn_pick, and the home agent's choice). */
	c->m.pri = (uint8_t)(c->rank * 2 + (c->m.family == 4) < MN_PRI_DEAD - 1 ?
			     c->rank * 2 + (c->m.family == 4) : MN_PRI_DEAD - 1);
	/* At home there (rule 2): for home address 0, the home path with the
	 * home address as care-of address, H flag, BID-PRI 0
	 * (engine_mob_home.h); the others are not bound there. */
	if (h == 0) {
		at_home = engine_mob_home_path(e, p, &c->m);
		engine_mob_home_pri(e, &c->m);
	}
	return em_paired(m, h, &c->m, at_home, pairs);
}

/* Preference rank, then IPv6 (no NAT on the way) before IPv4, then the
 * older interface. */
static int em_cmp(const void *a, const void *b)
{
	const struct em_cand *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->m.family != y->m.family)
		return x->m.family == 6 ? -1 : 1;
	if (x->m.ifindex != y->m.ifindex)
		return x->m.ifindex < y->m.ifindex ? -1 : 1;
	return x->p->handle < y->p->handle ? -1 : 1;
}

/* A PvD keeps its BID while it comes and goes; a new one takes a free
 * slot, else one whose PvD gives no path now. */
static void em_bids(struct engine_mob_home *m, struct msg_mob_paths *s)
{
	bool taken[MOB_MAX_PATHS] = { false };

	for (size_t i = 0; i < s->n; i++)
		for (size_t k = 0; k < MOB_MAX_PATHS; k++)
			if (!strcmp(m->slot[k], s->p[i].pvd)) {
				s->p[i].bid = (uint16_t)(k + 1);
				taken[k] = true;
			}
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < s->n; i++)
			for (size_t k = 0; !s->p[i].bid && k < MOB_MAX_PATHS; k++)
				if (!taken[k] && (pass || !m->slot[k][0])) {
					snprintf(m->slot[k], sizeof(m->slot[k]), "%s", s->p[i].pvd);
					s->p[i].bid = (uint16_t)(k + 1);
					taken[k] = true;
				}
}

/* Nesting (analysis 6.3.1, rule 3 of mob_hoa.h): home address h over
 * home address j named in its via list, a path whose care-of address is
 * j's home address on the TUN device; its packets go through j's tunnel.
 * Given while j has a path and the device is up; the verdict (nested, or
 * refused when j is itself nested) goes into s->pairs. */
static void em_nested(struct engine *e, size_t h, struct msg_mob_paths *s)
{
	struct engine_mob *m = &e->mob;
	struct mob_pair pairs[MOB_HOA_MAX * MOB_HOA_MAX_VIA];
	const struct view_link *tun = NULL;
	size_t n = 0;
	char err[96];

	if (!m->home[h].nested || !m->home[h].want6 ||
	    mob_hoa_plan(m->hoa, m->n_homes, NULL, 0, pairs, sizeof(pairs) / sizeof(pairs[0]), &n,
			 err, sizeof(err)) < 0)
		return;
	for (size_t i = 0; i < e->view.n_links && !tun; i++)
		if (!strcmp(e->view.links[i].link.name, m->tun))
			tun = &e->view.links[i];
	for (size_t k = 0; k < n; k++) {
		size_t j = pairs[k].coa - MOB_HOA_COA_MAX;
		struct msg_mob_pair *q;
		struct msg_mob_path *p;

		if (pairs[k].hoa != h || pairs[k].coa < MOB_HOA_COA_MAX || s->pairs.n == MOB_HOA_COA_MAX)
			continue;
		q = &s->pairs.e[s->pairs.n++];
		q->verdict = (uint8_t)pairs[k].verdict;
		q->family = 6;
		memcpy(q->coa, m->hoa[j].addr, 16);
		snprintf(q->ifname, sizeof(q->ifname), "%s", m->tun);
		snprintf(q->why, sizeof(q->why), "%s", pairs[k].why);
		if (pairs[k].verdict != MOB_PAIR_NESTED || !tun || !tun->up ||
		    !m->home[j].n_sent || s->n == MOB_MAX_PATHS)
			continue;
		p = &s->p[s->n++];
		memset(p, 0, sizeof(*p));
		p->family = 6;
		memcpy(p->coa, m->hoa[j].addr, 16);
		p->ifindex = tun->link.ifindex;
		p->home = (uint32_t)h;
		p->pri = (uint8_t)(m->n_prefer * 2 + 2 < MN_PRI_DEAD - 1 ? m->n_prefer * 2 + 2 :
				   MN_PRI_DEAD - 1);
		snprintf(p->ifname, sizeof(p->ifname), "%s", m->tun);
		/* The BID's slot is kept by this name, as a PvD's by its id. */
		snprintf(p->pvd, sizeof(p->pvd), "home:%s", m->hoa[j].name);
		snprintf(p->why, sizeof(p->why), "nested over %s (analysis 6.3.1), after every "
			 "interface", m->hoa[j].name);
	}
}

/* Home address h's path set, sent when it changed. */
static void em_publish_home(struct engine *e, size_t h, struct em_cand *c)
{
	struct engine_mob_home *mh = &e->mob.home[h];
	struct msg_mob_paths *s;
	const struct pvd *p;
	size_t n = 0;
	uint64_t hv;

	if (!(s = calloc(1, sizeof(*s))))
		return;
	s->home = s->pairs.home = (uint32_t)h;
	TAILQ_FOREACH(p, &e->store.pvds, e)
		if (n < e->store.count && em_candidate(e, h, p, &c[n], &s->pairs))
			n++;
	qsort(c, n, sizeof(*c), em_cmp);
	for (size_t i = 0; i < n && s->n < MOB_MAX_PATHS; i++)
		s->p[s->n++] = c[i].m;
	em_nested(e, h, s);
	em_bids(mh, s);
	if (h == 0) {
		engine_mob_home_fill(e, s);    /* the home link's native uplink */
		engine_mob_flows(e, s);        /* the policy's flow bindings */
	}
	hv = hash_bytes(HASH_SEED, s, sizeof(*s));
	if ((!mh->sent || hv != mh->hash) && engine_send(e, MSG_MOB_PATHS, s, sizeof(*s)) == 0) {
		mh->sent = true;
		mh->hash = hv;
		mh->n_sent = s->n;
		e->mob.sets++;
		log_info("mobility: %s: %u care-of path%s", e->mob.hoa[h].name, s->n,
			 s->n == 1 ? "" : "s");
	}
	free(s);
}

void engine_mob_publish(struct engine *e)
{
	struct engine_mob *m = &e->mob;
	struct em_cand *c;

	if (!m->enabled || !e->view.synced)
		return;
	c = calloc(e->store.count ? e->store.count : 1, sizeof(*c));
	if (!c)
		return;
	/* Home addresses over interfaces first: a nested one's path waits
	 * for a path of the home address it rides on. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t h = 0; h < m->n_homes; h++)
			if (m->home[h].nested == (pass == 1))
				em_publish_home(e, h, c);
	free(c);
}

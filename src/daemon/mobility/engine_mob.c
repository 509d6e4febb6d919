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
	m->want6 = c->has_ha6;
	m->want4 = c->has_ha4;
	memcpy(m->prefer, c->prefer, sizeof(m->prefer));
	m->n_prefer = c->n_prefer;
	snprintf(m->tun, sizeof(m->tun), "%s", c->tun);
	(void)mob_config_hoas(c, &m->hoa, 1);
}

/* The pairing rule of mob_hoa.h (doc/mobility.md "Several home
 * addresses") for [mobility]'s home address: a care-of address that is
 * the home address, lies in its home prefix (at home there: not bound,
 * 6.3.3; the home path instead, engine_mob_home.h) or comes from an
 * interface its via = does not name is no path.
 * Rule 4 holds by construction: the address is the PvD interface's own
 * and the parent binds its socket to both. */
static bool em_paired(const struct engine_mob *m, const struct msg_mob_path *p)
{
	struct mob_coa c = { .family = p->family, .on_if = true, .pri = p->pri };
	struct mob_pair pair;
	size_t n = 0;
	char err[64];

	memcpy(c.addr, p->coa, sizeof(c.addr));
	snprintf(c.ifname, sizeof(c.ifname), "%s", p->ifname);
	return mob_hoa_plan(&m->hoa, 1, &c, 1, &pair, 1, &n, err, sizeof(err)) == 0 &&
	       n == 1 && pair.verdict == MOB_PAIR_BOUND;
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

/* Whether p gives a path, filled into c. */
static bool em_candidate(struct engine *e, const struct pvd *p, struct em_cand *c)
{
	struct engine_mob *m = &e->mob;
	struct msg_probe_start in;
	const struct view_link *l;
	const char *why = NULL;
	char rank[64];
	bool checks = e->conn.cfg.enabled;

	(void)engine_conn_inputs(e, p, &in, &why);   /* its interface and sources */
	if (!in.ifindex || !(l = view_link(&e->view, in.ifindex)) || !l->up ||
	    !strcmp(l->link.name, m->tun))
		return false;
	if (checks && p->conn != CONN_VALID && p->conn != CONN_PARTIAL)
		return false;
	memset(c, 0, sizeof(*c));
	c->p = p;
	if (m->want6 && !IN6_IS_ADDR_UNSPECIFIED(&in.src6)) {
		c->m.family = 6;
		memcpy(c->m.coa, &in.src6, 16);
	} else if (m->want4 && !IN6_IS_ADDR_UNSPECIFIED(&in.src4)) {
		c->m.family = 4;
		memcpy(c->m.coa, &in.src4.s6_addr[12], 4);
	} else {
		return false;
	}
	c->rank = em_rank(m, l, rank, sizeof(rank));
	c->m.ifindex = in.ifindex;
	snprintf(c->m.ifname, sizeof(c->m.ifname), "%s", l->link.name);
	/* At home there (rule 2): the home path, H flag (engine_mob_home.h). */
	if (!em_paired(m, &c->m) && !engine_mob_home_path(e, p, &c->m))
		return false;
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
	engine_mob_home_pri(e, &c->m);
	return true;
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
static void em_bids(struct engine_mob *m, struct msg_mob_paths *s)
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

void engine_mob_publish(struct engine *e)
{
	struct engine_mob *m = &e->mob;
	struct em_cand *c;
	struct msg_mob_paths s;
	const struct pvd *p;
	size_t n = 0;
	uint64_t h;

	if (!m->enabled || !e->view.synced)
		return;
	c = calloc(e->store.count ? e->store.count : 1, sizeof(*c));
	if (!c)
		return;
	TAILQ_FOREACH(p, &e->store.pvds, e)
		if (n < e->store.count && em_candidate(e, p, &c[n]))
			n++;
	qsort(c, n, sizeof(*c), em_cmp);
	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < n && s.n < MOB_MAX_PATHS; i++)
		s.p[s.n++] = c[i].m;
	free(c);
	em_bids(m, &s);
	engine_mob_home_fill(e, &s);    /* the home link's native uplink */
	engine_mob_flows(e, &s);        /* the policy's flow bindings */
	h = hash_bytes(HASH_SEED, &s, sizeof(s));
	if (m->sent && h == m->hash)
		return;
	if (engine_send(e, MSG_MOB_PATHS, &s, sizeof(s)) < 0)
		return;
	m->sent = true;
	m->hash = h;
	m->sets++;
	log_info("mobility: %u care-of path%s", s.n, s.n == 1 ? "" : "s");
}

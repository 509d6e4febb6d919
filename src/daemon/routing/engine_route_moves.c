/* SPDX-License-Identifier: MIT */
/*
 * Why the routing default moved (metrics: failovers). Each time a sync
 * moves the default for a family away from a PvD, the move is counted
 * by the reason the old default lost:
 *   connectivity  its check says partial, portal, no-internet or failed
 *                 (issue 13: a PvD not valid is not the default while
 *                 another is);
 *   quality       the same, because its path quality fell under the
 *                 configured floor (engine_quality.c marks it failed);
 *   route         it has no usable default router any more, or its link
 *                 went down;
 *   gone          the PvD left;
 *   better        it is still usable, and another network ranks above it
 *                 (a wired link came up, a full-tunnel VPN started).
 * The first three are failovers of that PvD, counted on it too
 * (pvd.failovers, shown by pvd.list).
 */
#include "daemon/engine/engine_priv.h"
#include "daemon/connectivity/engine_conn.h"

static const char *const erm_names[ER_MOVE__MAX] = {
	[ER_MOVE_CONNECTIVITY] = "connectivity", [ER_MOVE_QUALITY] = "quality",
	[ER_MOVE_ROUTE] = "route", [ER_MOVE_GONE] = "gone", [ER_MOVE_BETTER] = "better",
};

static enum er_move erm_reason(struct engine *e, struct pvd *p, bool v4)
{
	struct engine_conn_pvd *r;

	if (!p)
		return ER_MOVE_GONE;
	if (!route_plan_can_default(&e->view, &e->rt.cfg, p, v4))
		return ER_MOVE_ROUTE;
	switch ((enum conn_state)p->conn) {
	case CONN_PARTIAL:
	case CONN_PORTAL:
	case CONN_NO_INTERNET:
	case CONN_FAILED:
		r = engine_conn_find(e, p->handle);
		return r && r->q.poor ? ER_MOVE_QUALITY : ER_MOVE_CONNECTIVITY;
	default:
		return ER_MOVE_BETTER;
	}
}

void engine_route_count_moves(struct engine *e, const uint64_t before[2])
{
	for (int fam = 0; fam < 2; fam++) {
		struct pvd *p, *old = NULL;
		enum er_move why;

		if (!before[fam] || before[fam] == e->rt.installed.default_pvd[fam])
			continue;
		TAILQ_FOREACH(p, &e->store.pvds, e)
			if (p->handle == before[fam])
				old = p;
		why = erm_reason(e, old, fam == 0);
		e->rt.moves[why]++;
		if (old && why <= ER_MOVE_ROUTE)
			old->failovers++;
	}
}

void engine_route_moves_json(struct engine *e, json_t *o)
{
	json_t *m = json_object();
	uint64_t failovers = 0;

	for (int i = 0; i < ER_MOVE__MAX; i++) {
		json_object_set_new(m, erm_names[i], json_integer((json_int_t)e->rt.moves[i]));
		if (i <= ER_MOVE_ROUTE)
			failovers += e->rt.moves[i];
	}
	json_object_set_new(o, "default_changes", m);
	json_object_set_new(o, "failovers", json_integer((json_int_t)failovers));
}

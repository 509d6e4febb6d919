/* SPDX-License-Identifier: MIT */
/* Flow bindings in mifd's mobile node (mob_flow_dp.h). */
#include <string.h>

#include "common/log.h"
#include "daemon/mobility/mob_dp.h"
#include "daemon/mobility/mob_flow_dp.h"

static int mob_flow_dp_bid(const char *pvd, void *arg)
{
	const struct mob_net *m = arg;

	for (size_t i = 0; i < m->mn.n_paths; i++)
		if (strcmp(m->io[i].m.pvd, pvd) == 0)
			return m->mn.paths[i].bid;
	return -1;
}

/* The i-th spec: the configured ones, then the policy's. */
static const char *mob_flow_dp_spec(const struct mob_net *m, size_t i)
{
	if (i < m->wc.n_flows && i < MOB_FLOW_MAX)
		return m->wc.flows[i];
	i -= m->wc.n_flows;
	return i < m->pflows.n && i < MOB_FLOW_MAX ? m->pflows.spec[i] : NULL;
}

void mob_flow_dp_refresh(struct mob_net *m)
{
	static struct mob_flow next[MOB_FLOW_MAX];
	size_t n = 0, changed;
	const char *spec;
	char err[128];

	if (!m->wc.n_flows && !m->pflows.n && !m->flows.n)
		return;
	m->mn.flows = &m->flows;
	for (size_t i = 0; n < MOB_FLOW_MAX && (spec = mob_flow_dp_spec(m, i)); i++) {
		/* Checked at start (configuration) or by the engine (policy):
		 * a failure here is a flow whose PvD has no path now; it
		 * waits for one. */
		if (mob_flow_parse(spec, &next[n], err, sizeof(err)) < 0)
			continue;
		if (next[n].via[0] && mob_flow_resolve(&next[n], mob_flow_dp_bid, m) < 0)
			continue;
		n++;
	}
	changed = mob_flow_set(&m->flows, next, n);
	if (!changed)
		return;
	log_info("mobility: %zu flow binding(s), %zu changed", n, changed);
	if (m->mn.n_paths)
		mob_dp_send_bu(m);
}

json_t *mob_flow_dp_json(const struct mob_net *m)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < m->flows.n; i++) {
		const struct mob_flow *e = &m->flows.e[i];
		json_t *bids = json_array();

		for (size_t b = 0; bids && b < e->f.n_bids; b++)
			json_array_append_new(bids, e->f.has_weights ?
					      json_pack("{s:i,s:i}", "bid", e->f.bids[b],
							"weight", e->f.weights[b]) :
					      json_integer(e->f.bids[b]));
		json_array_append_new(a, json_pack(
			"{s:s,s:i,s:i,s:s,s:o,s:s,s:i,s:s,s:I,s:I,s:i,s:b}",
			"name", e->name, "fid", e->f.fid, "fid_pri", e->f.fid_pri,
			"pvd", e->via, "bids", bids,
			"action", e->f.has_weights ? "load-share" : e->f.n_bids > 1 ? "n-cast" :
			"forward", "last_bid", e->last_bid,
			"why", e->why ? e->why : "no packet yet",
			"packets", (json_int_t)e->packets, "ncast_copies", (json_int_t)e->copies,
			"ha_status", e->ha_status == 255 ? -1 : e->ha_status,
			"pending", e->dirty));
	}
	return a;
}

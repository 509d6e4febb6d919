/* SPDX-License-Identifier: MIT */
/* The engine's part of `mifctl status`: interfaces, counts and counters. */
#include "daemon/engine/engine_priv.h"
#include "daemon/ra/slaac.h"

#define NS_PER_SEC 1000000000ull

static json_t *engine_status_links(struct engine *e)
{
	json_t *a = json_array();

	for (size_t i = 0; i < e->view.n_links; i++) {
		const struct view_link *l = &e->view.links[i];

		json_array_append_new(a, json_pack("{s:s,s:i,s:b,s:b}",
			"name", l->link.name, "ifindex", l->link.ifindex,
			"managed", l->managed, "up", l->up));
	}
	return a;
}

static json_t *engine_status_ra(struct engine *e)
{
	json_t *drops = json_object();

	for (unsigned i = 1; i < ENGINE_DROP__MAX; i++)
		json_object_set_new(drops, engine_drop_name(i),
				    json_integer((json_int_t)e->ctr.drops[i]));
	return json_pack("{s:I,s:I,s:I,s:I,s:o,s:I,s:I}",
			 "received", (json_int_t)e->ctr.ra_received,
			 "accepted", (json_int_t)e->ctr.ra_accepted,
			 "dropped", (json_int_t)e->ctr.ra_dropped,
			 "unmanaged_interface", (json_int_t)e->ctr.ra_unmanaged,
			 "drop_reasons", drops,
			 "solicitations_sent", (json_int_t)e->rs.sent,
			 "solicitations_answered", (json_int_t)e->rs.answered);
}

/* Issue 20: which identifiers mifd forms, and the records it holds from
 * the state directory (the parent reads and writes the files). */
static json_t *engine_status_addresses(const struct engine *e)
{
	return json_pack("{s:s,s:b,s:I}", "privacy",
			 slaac_privacy_name((enum slaac_privacy)e->privacy),
			 "secret", e->has_secret, "lease_records", (json_int_t)e->n_leases);
}

/* Issue 20: PvDs whose sources give different MTUs (the smallest applies). */
static json_t *engine_status_mtu_conflicts(const struct engine *e)
{
	json_t *a = json_array();
	const struct pvd *p;

	TAILQ_FOREACH(p, &e->store.pvds, e) {
		json_t *src;

		if (!pvd_mtu_conflict(p))
			continue;
		src = json_object();
		for (size_t i = 0; i < PVD_SRC__MAX; i++)
			if (p->mtu_by[i])
				json_object_set_new(src, pvd_source_name((enum pvd_source)i),
						    json_integer(p->mtu_by[i]));
		json_array_append_new(a, json_pack("{s:s,s:I,s:o}", "pvd", p->id, "mtu",
						   (json_int_t)p->mtu, "sources", src));
	}
	return a;
}

static json_t *engine_status_chan(const struct chan_stats *st)
{
	return json_pack("{s:I,s:I,s:I,s:I}", "dropped", (json_int_t)st->dropped,
			 "paused", (json_int_t)st->pauses, "queued_max", (json_int_t)st->queued_max,
			 "queued", (json_int_t)st->queued);
}

/* The channels between the engine and the kernel side: what was dropped
 * (0 unless the back-pressure failed), how often the sender had to stop
 * reading its input. The kernel side's figures are those it last sent
 * (after each pause). */
static json_t *engine_status_channels(struct engine *e)
{
	struct chan_stats st = { 0 }, net = { 0 };

	if (e->ch)
		chan_get_stats(e->ch, &st);
	if (e->net.ch)
		chan_get_stats(e->net.ch, &net);
	return json_pack("{s:o,s:o,s:o}", "engine_to_kernel", engine_status_chan(&st),
			 "kernel_to_engine", engine_status_chan(&e->kchan),
			 "engine_to_net", engine_status_chan(&net));
}

json_t *engine_status_json(struct engine *e)
{
	json_t *j;
	struct slaac_addr *s;
	json_int_t n_slaac = 0;

	LIST_FOREACH(s, &e->slaac, e)
		n_slaac++;
	j = json_pack("{s:I,s:I,s:o,s:o,s:{s:I,s:I,s:I},s:I,s:I,s:I,s:I,s:I,s:s,s:O,s:o,s:o,s:o,s:o,s:o}",
		"uptime", (json_int_t)((log_now_ns() - e->started_ns) / NS_PER_SEC),
		"pvds", (json_int_t)e->store.count,
		"interfaces", engine_status_links(e),
		"ra", engine_status_ra(e),
		"kernel_view", "links", (json_int_t)e->view.n_links,
		"addresses", (json_int_t)e->view.n_addrs, "routes", (json_int_t)e->view.n_routes,
		"addresses_formed", n_slaac,
		"events", (json_int_t)e->ctr.events,
		"pvd_digests", (json_int_t)e->ctr.digests,
		"ipc_errors", (json_int_t)(e->ctr.ipc_errors + chan_errors(e->ch)),
		"kernel_errors", (json_int_t)e->ctr.kernel_errors,
		"pvd_dir", e->pvd_dir, "static_errors", e->static_errors,
		"dhcp", engine_dhcp_status_json(e), "routing", engine_route_status_json(e),
		"connectivity", engine_conn_status_json(e), "addresses",
		engine_status_addresses(e), "mtu_conflicts", engine_status_mtu_conflicts(e));
	if (j)
		json_object_set_new(j, "channels", engine_status_channels(e));
	return j;
}

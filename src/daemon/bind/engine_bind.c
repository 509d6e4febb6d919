/* SPDX-License-Identifier: MIT */
/*
 * What the bind socket (bindsock.c, in the privileged parent) needs to bind
 * an application's socket to a PvD: the PvD's routing mark (route_mark_of:
 * its table with the "bound" flag, so rule base+250 refuses any fallback)
 * and, when the PvD lives on exactly one interface, that interface. Sent
 * as the bind table (bind/bind_table.h) after each sync that changes it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/hash.h"
#include "daemon/bind/bind_table.h"
#include "daemon/engine/engine_priv.h"

/* The PvD's only interface, or 0 when it spans several (or none). */
static int eb_single_ifindex(const struct engine *e, const struct pvd *p)
{
	int found = 0;

	for (size_t i = 0; i < e->view.n_links; i++) {
		int idx = e->view.links[i].link.ifindex;

		if (!pvd_on_ifindex(p, idx))
			continue;
		if (found)
			return 0;
		found = idx;
	}
	return found;
}

static int eb_entry(struct engine *e, const struct pvd *p, struct bind_info *out)
{
	uint32_t table = e->rt.ready && e->rt.cfg.enabled ?
		route_table_of(&e->rt.tables, &e->rt.cfg, p->handle, false) : 0;

	memset(out, 0, sizeof(*out));
	out->handle = p->handle;
	out->explicit_ = p->explicit_;
	snprintf(out->id, sizeof(out->id), "%s", p->id);
	out->table = table;
	out->mark = table ? route_mark_of(&e->rt.cfg, &e->rt.tables, table) : 0;
	out->ifindex = table ? eb_single_ifindex(e, p) : 0;
	if (table) {
		struct msg_probe_start m;
		const char *why;

		/* A PvD's flows must leave with its own source (RFC 7556
		 * section 3, BCP 38): the same address its checks use, known
		 * even when a check could not run (no DNS server). */
		(void)engine_conn_inputs(e, p, &m, &why);
		out->src_ifindex = m.ifindex;
		out->src4 = m.src4;
		out->src6 = m.src6;
	}
	return 0;
}

/* Send the bind table to the privileged parent (bind/bind_table.h) when
 * it differs from the last one sent. */
void engine_bind_publish(struct engine *e)
{
	struct msg_bind_begin b = { 0 };
	struct bind_info in;
	const struct pvd *p;
	uint64_t h;

	b.routing = e->rt.ready && e->rt.cfg.enabled;
	snprintf(b.error, sizeof(b.error), "%.190s", e->rt.error);
	b.n = e->store.count;
	/* A hash of what would be sent: nothing goes when nothing changed. */
	h = hash_bytes(HASH_SEED, &b, sizeof(b));
	TAILQ_FOREACH(p, &e->store.pvds, e) {
		eb_entry(e, p, &in);
		h = hash_bytes(h, &in, sizeof(in));
	}
	if (e->bind_sent && h == e->bind_hash)
		return;
	if (engine_send(e, MSG_BIND_BEGIN, &b, sizeof(b)) < 0)
		return;
	TAILQ_FOREACH(p, &e->store.pvds, e) {
		eb_entry(e, p, &in);
		if (engine_send(e, MSG_BIND_ENTRY, &in, sizeof(in)) < 0)
			return;   /* the parent drops the unfinished table */
	}
	if (engine_send(e, MSG_BIND_END, NULL, 0) < 0)
		return;
	e->bind_sent = true;
	e->bind_hash = h;
	engine_steer_pvds_changed(e);   /* after the table: the parent needs the marks */
}

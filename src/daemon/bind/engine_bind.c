/* SPDX-License-Identifier: MIT */
/*
 * What the bind socket (bindsock.c) needs to bind an application's socket
 * to a PvD: the PvD's routing mark (route_mark_of: its table with the
 * "bound" flag, so rule base+250 refuses any fallback) and, when the PvD
 * lives on exactly one interface, that interface. Read-only.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

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

int engine_bind_lookup(struct engine *e, const char *id, struct engine_bind_info *out,
		       char *err, size_t errlen)
{
	const struct pvd *p;
	uint32_t table;

	memset(out, 0, sizeof(*out));
	if (!id || !*id || strlen(id) >= PVD_ID_MAX)
		return snprintf(err, errlen, "pvd: a PvD id or handle is required"), -EINVAL;
	p = pvd_find(&e->store, id);
	if (!p)
		return snprintf(err, errlen, "no PvD \"%.200s\"", id), -ENOENT;
	if (!e->rt.ready || !e->rt.cfg.enabled)
		return snprintf(err, errlen, "routing is off%s%.200s", e->rt.error[0] ? ": " : "",
				e->rt.error), -EOPNOTSUPP;
	table = route_table_of(&e->rt.tables, &e->rt.cfg, p->handle, false);
	if (!table)
		return snprintf(err, errlen, "PvD %.200s has no routing table (no routes, "
				"or out of tables)", p->id), -ENETUNREACH;
	out->handle = p->handle;
	snprintf(out->id, sizeof(out->id), "%s", p->id);
	out->table = table;
	out->mark = route_mark_of(&e->rt.cfg, &e->rt.tables, table);
	out->ifindex = eb_single_ifindex(e, p);
	return 0;
}

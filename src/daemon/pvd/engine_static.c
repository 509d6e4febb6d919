/* SPDX-License-Identifier: MIT */
/*
 * PvDs that come from configuration (pvd.d files, read at start-up by the
 * privileged parent and sent as MSG_PVD_FILE: the engine opens no file) or from
 * the control socket (pvd.add/set/del, as a VPN client's up and down
 * scripts would call them). A spec becomes a PvD when its interface exists
 * and goes when the interface goes; a file's spec comes back with the
 * interface, an API spec does not (the tunnel it described is gone).
 * A bad request leaves every existing PvD untouched: everything is
 * validated before anything changes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/engine/engine_priv.h"

static struct engine_spec *engine_spec_find(struct engine *e, const char *id)
{
	for (size_t i = 0; i < e->n_specs; i++)
		if (dname_equal(e->specs[i].spec.id, id))
			return &e->specs[i];
	return NULL;
}

static int engine_ifindex(struct engine *e, const char *name)
{
	for (size_t i = 0; i < e->view.n_links; i++)
		if (strcmp(e->view.links[i].link.name, name) == 0)
			return e->view.links[i].link.ifindex;
	return 0;
}

static int engine_spec_items(struct pvd *p, const struct pvd_spec *s, enum pvd_source src,
			     int ifindex)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < s->n_dns; i++)
		r = pvd_add_dns(p, src, ifindex, &s->dns[i], RA_INFINITY, PVD_NEVER);
	for (size_t i = 0; r == 0 && i < s->n_domains; i++)
		r = pvd_add_domain(p, src, ifindex, s->domains[i], RA_INFINITY, PVD_NEVER);
	for (size_t i = 0; r == 0 && i < s->n_routes; i++)
		r = pvd_add_route(p, src, ifindex, &s->routes[i].prefix, s->routes[i].plen,
				  &s->routes[i].gw, RA_INFINITY, PVD_NEVER);
	for (size_t i = 0; r == 0 && i < s->n_prefixes; i++)
		r = pvd_add_prefix(p, src, ifindex, &s->prefixes[i].prefix, s->prefixes[i].plen,
				   RA_INFINITY, PVD_NEVER);
	/* A configured DoT resolver is kept like a DNR one (alpn dot, its
	 * ADN, one address): the stub uses it the same way, its source
	 * shown as configuration. */
	for (size_t i = 0; r == 0 && i < s->n_dot; i++) {
		struct dnr d = { .priority = (uint16_t)(i + 1), .lifetime = DNR_LIFETIME_INFINITE,
				 .n_addrs = 1, .n_addrs_seen = 1, .alpn = DNR_ALPN_DOT,
				 .port = s->dot[i].port };

		snprintf(d.adn, sizeof(d.adn), "%s", s->dot[i].adn);
		d.addrs[0] = s->dot[i].addr;
		r = pvd_add_dnr(p, src, ifindex, &d, RA_INFINITY, PVD_NEVER);
	}
	pvd_set_mtu(p, src, s->mtu);
	return r;
}

/* Make (or remake) the PvD of a spec whose interface is ifindex. */
static int engine_spec_instantiate(struct engine *e, struct engine_spec *es, int ifindex)
{
	struct pvd *p = pvd_find_explicit(&e->store, es->spec.id);

	if (p && p->origin != es->origin)
		return -EEXIST;
	if (!p)
		p = pvd_create_named(&e->store, es->spec.id, es->origin, ifindex);
	if (!p)
		return -ENOMEM;
	p->persistent = true;
	pvd_drop_source_in(p, es->origin, 0);
	p->bound_ifindex = ifindex;
	es->active = true;
	return engine_spec_items(p, &es->spec, es->origin, ifindex);
}

static void engine_spec_deactivate(struct engine *e, struct engine_spec *es)
{
	struct pvd *p = pvd_find_explicit(&e->store, es->spec.id);

	es->active = false;
	if (p && p->persistent && p->origin == es->origin)
		p->persistent = false;   /* empty it: engine_sync reports the removal */
	if (p && p->origin == es->origin) {
		pvd_drop_source_in(p, es->origin, 0);
		pvd_set_mtu(p, es->origin, 0);
	}
}

static void engine_spec_remove(struct engine *e, struct engine_spec *es)
{
	engine_spec_deactivate(e, es);
	*es = e->specs[--e->n_specs];
}

/* Who owns an id already: explains a refusal. */
/* Who holds a PvD id equal to id (ids compare as names: "BASE" and
 * "base." are "base"), and that PvD's id as it was written. */
static const char *engine_id_owner(struct engine *e, const char *id, const char **ret_id)
{
	struct engine_spec *es = engine_spec_find(e, id);
	struct pvd *p;

	if (es) {
		*ret_id = es->spec.id;
		return es->origin == PVD_SRC_STATIC ? es->file : "the API";
	}
	p = pvd_find_explicit(&e->store, id);
	if (p)
		*ret_id = p->id;
	return p ? "the network (an RA PvD option)" : NULL;
}

int engine_pvd_add(struct engine *e, json_t *params, char *err, size_t errlen)
{
	struct engine_spec es = { .origin = PVD_SRC_API };
	const char *owner, *held = "";
	int ifindex, r;

	r = pvd_spec_from_json(params, false, &es.spec, NULL, err, errlen);
	if (r < 0)
		return r;
	owner = engine_id_owner(e, es.spec.id, &held);
	if (owner) {
		snprintf(err, errlen, "id: a PvD \"%s\" already exists (from %s)", held, owner);
		return -EEXIST;
	}
	ifindex = engine_ifindex(e, es.spec.ifname);
	if (!ifindex) {
		snprintf(err, errlen, "interface: \"%s\" does not exist", es.spec.ifname);
		return -ENODEV;
	}
	if (e->n_specs == ENGINE_MAX_SPECS) {
		snprintf(err, errlen, "too many static and API PvDs (%d)", ENGINE_MAX_SPECS);
		return -ENOSPC;
	}
	e->specs[e->n_specs] = es;
	r = engine_spec_instantiate(e, &e->specs[e->n_specs], ifindex);
	if (r < 0) {
		snprintf(err, errlen, "cannot create the PvD: %s", strerror(-r));
		return r;
	}
	e->n_specs++;
	engine_sync(e);
	return 0;
}

/* The spec an API request may change, or an error naming why not. */
static struct engine_spec *engine_api_spec(struct engine *e, const char *id, int *r,
					   char *err, size_t errlen)
{
	struct engine_spec *es = engine_spec_find(e, id);

	*r = 0;
	if (es && es->origin == PVD_SRC_API)
		return es;
	if (es) {
		snprintf(err, errlen, "PvD \"%s\" is defined in %s: edit that file", id, es->file);
		*r = -EINVAL;
	} else if (pvd_find_explicit(&e->store, id) || pvd_find(&e->store, id)) {
		snprintf(err, errlen, "PvD \"%s\" was learnt from the network; only PvDs "
			 "added with pvd add can be changed", id);
		*r = -EINVAL;
	} else {
		snprintf(err, errlen, "no PvD \"%s\"", id);
		*r = -ENOENT;
	}
	return NULL;
}

int engine_pvd_set(struct engine *e, json_t *params, char *err, size_t errlen)
{
	struct pvd_spec upd, merged;
	struct engine_spec *es;
	unsigned fields;
	int ifindex, r;

	r = pvd_spec_from_json(params, true, &upd, &fields, err, errlen);
	if (r < 0)
		return r;
	es = engine_api_spec(e, upd.id, &r, err, errlen);
	if (!es)
		return r;
	merged = es->spec;
	pvd_spec_merge(&merged, &upd, fields);
	ifindex = engine_ifindex(e, merged.ifname);
	if (!ifindex) {
		snprintf(err, errlen, "interface: \"%s\" does not exist", merged.ifname);
		return -ENODEV;
	}
	es->spec = merged;
	r = engine_spec_instantiate(e, es, ifindex);
	engine_sync(e);
	if (r < 0)
		snprintf(err, errlen, "cannot update the PvD: %s", strerror(-r));
	return r;
}

int engine_pvd_del(struct engine *e, const char *id, char *err, size_t errlen)
{
	struct engine_spec *es;
	int r;

	es = engine_api_spec(e, id, &r, err, errlen);
	if (!es)
		return r;
	engine_spec_remove(e, es);
	engine_sync(e);
	return 0;
}

/* A link appeared, changed or went: bring file PvDs in or out with it, and
 * forget API PvDs whose interface is gone for good. */
void engine_static_link(struct engine *e, int ifindex, const char *ifname, bool present)
{
	for (size_t i = 0; i < e->n_specs;) {
		struct engine_spec *es = &e->specs[i];
		struct pvd *p = es->active ? pvd_find_explicit(&e->store, es->spec.id) : NULL;
		bool mine = strcmp(es->spec.ifname, ifname) == 0 ||
			    (p && p->bound_ifindex == ifindex);

		if (mine && !present && es->origin == PVD_SRC_API) {
			engine_spec_remove(e, es);
			continue;
		}
		if (mine && !present && es->active)
			engine_spec_deactivate(e, es);
		else if (present && !es->active && strcmp(es->spec.ifname, ifname) == 0 &&
			 engine_spec_instantiate(e, es, ifindex) < 0)
			log_warn("PvD %s (%s): id already in use", es->spec.id, es->file);
		i++;
	}
}

static void engine_static_error(struct engine *e, const char *file, const char *msg)
{
	log_err("static PvD %s: %s", file, msg);
	json_array_append_new(e->static_errors, json_pack("{s:o,s:o}", "file", engine_json_text(file),
							  "error", engine_json_text(msg)));
}

/* Validate one file into a new spec slot; errors are logged and listed in
 * `mifctl status`, and the file is skipped. */
static void engine_static_file(struct engine *e, const char *path, const char *text)
{
	struct engine_spec es = { .origin = PVD_SRC_STATIC };
	char err[320];
	const char *owner, *held = "";
	json_t *o = pvd_spec_ini_text_to_json(path, text, err, sizeof(err));

	if (!o) {
		engine_static_error(e, path, err);
		return;
	}
	if (pvd_spec_from_json(o, false, &es.spec, NULL, err, sizeof(err)) < 0) {
		json_decref(o);
		engine_static_error(e, path, err);
		return;
	}
	json_decref(o);
	owner = engine_id_owner(e, es.spec.id, &held);
	if (owner) {
		snprintf(err, sizeof(err), "id \"%.64s\" is already used by %.150s (as \"%.64s\")",
			 es.spec.id, owner, held);
		engine_static_error(e, path, err);
		return;
	}
	if (e->n_specs == ENGINE_MAX_SPECS) {
		engine_static_error(e, path, "too many static PvDs");
		return;
	}
	snprintf(es.file, sizeof(es.file), "%s", path);
	e->specs[e->n_specs++] = es;
	log_info("static PvD %s from %s (interface %s)", es.spec.id, path, es.spec.ifname);
}

/* One file of the PvD directory, from the parent (MSG_PVD_FILE), kept
 * until the kernel view is complete. */
void engine_static_msg(struct engine *e, const struct ipc_msg *m)
{
	struct msg_pvd_file f;
	int r = chan_text_add(&e->static_text, m, sizeof(f));

	if (r < 0)
		e->ctr.ipc_errors++;
	if (r != 1)
		return;
	memcpy(&f, m->data, sizeof(f));
	if (!memchr(f.name, '\0', sizeof(f.name)) || json_array_size(e->static_texts) >= 256) {
		e->ctr.ipc_errors++;
		return;
	}
	json_array_append_new(e->static_texts, engine_file_entry(f.name, e->static_text.buf,
								 e->static_text.len, f.error));
}

/* MSG_PVD_FILES_END: every file has come; load them once the view is. */
void engine_static_end(struct engine *e, const struct ipc_msg *m)
{
	const struct msg_pvd_files_end *end = (const void *)m->data;

	if (ipc_expect(m, sizeof(*end)) < 0 || !memchr(end->dir, '\0', sizeof(end->dir))) {
		e->ctr.ipc_errors++;
		return;
	}
	snprintf(e->pvd_dir, sizeof(e->pvd_dir), "%s", end->dir);
	if (end->error < 0 && end->error != -ENOENT)
		log_warn("static PvDs: cannot read %s: %s", end->dir, strerror(-end->error));
	e->static_files_done = true;
	if (e->view.synced) {
		engine_static_load(e);
		engine_sync(e);
	}
}

/* The files the parent sent, in its (name) order: each validated into a
 * spec, then instantiated where its interface exists. Once, when both the
 * files and the kernel view are complete. */
void engine_static_load(struct engine *e)
{
	size_t i;
	json_t *f;

	if (!e->static_files_done || e->static_loaded)
		return;
	e->static_loaded = true;
	json_decref(e->static_errors);
	e->static_errors = json_array();
	json_array_foreach(e->static_texts, i, f) {
		char path[512];

		const char *bad = json_string_value(json_object_get(f, "error"));

		snprintf(path, sizeof(path), "%s/%s", e->pvd_dir,
			 json_string_value(json_object_get(f, "name")));
		if (bad)
			engine_static_error(e, path, bad);
		else
			engine_static_file(e, path, json_string_value(json_object_get(f, "text")));
	}
	json_array_clear(e->static_texts);
	for (size_t k = 0; k < e->n_specs; k++) {
		int idx = engine_ifindex(e, e->specs[k].spec.ifname);

		if (idx && engine_spec_instantiate(e, &e->specs[k], idx) < 0)
			log_warn("static PvD %s: cannot create it", e->specs[k].spec.id);
	}
}

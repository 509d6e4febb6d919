/* SPDX-License-Identifier: MIT */
/*
 * dns.which: which PvD's servers would answer a name, and why
 * (dns_select.c), with those servers; and dns.list: every PvD's servers and
 * domains. The stub resolver that will act on this is issue 5's; this is
 * the decision it will make, exposed now so it can be checked.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "daemon/dns/dns_plan.h"
#include "daemon/dns/dns_select.h"
#include "daemon/engine/engine_priv.h"
#include "daemon/pvd/pvd_json.h"

static json_t *ed_servers(const struct pvd *p)
{
	json_t *a = json_array();
	const struct pvd_dns *d;
	char s[INET6_ADDRSTRLEN];

	TAILQ_FOREACH(d, &p->dns, e) {
		json_array_append_new(a, json_string(addr_ntop(&d->addr, s, sizeof(s))));
	}
	return a;
}

static json_t *ed_domains(const struct pvd *p)
{
	json_t *a = json_array();
	const struct pvd_domain *d;

	TAILQ_FOREACH(d, &p->domains, e)
		json_array_append_new(a, json_string(d->name));
	return a;
}

static json_t *ed_encrypted(const struct pvd *p)
{
	json_t *a = json_array();
	const struct pvd_dnr *x;

	TAILQ_FOREACH(x, &p->dnr, e)
		json_array_append_new(a, pvd_dnr_json(x));
	return a;
}

static const struct pvd *ed_pvd(struct engine *e, uint64_t h)
{
	return pvd_find_handle(&e->store, h);
}

int engine_dns_which(struct engine *e, json_t *params, json_t **out, char *err, size_t errlen)
{
	const char *name = json_string_value(json_object_get(params, "name"));
	const char *id = json_string_value(json_object_get(params, "pvd"));
	uint64_t rank[2] = { e->rt.installed.default_pvd[1], e->rt.installed.default_pvd[0] };
	const struct pvd *asked = NULL;
	struct dns_choice c;
	json_t *list;

	const char *why = !name ? "a domain name is required" :
			  strcmp(name, ".") == 0 ? NULL : dname_lookup_problem(name);

	if (why)
		return snprintf(err, errlen, "name: %s", why), -EINVAL;
	if (id && !(asked = pvd_find(&e->store, id)))
		return snprintf(err, errlen, "pvd: no PvD \"%s\"", id), -ENOENT;
	if (dns_select(&e->store, name, rank, 2, asked ? asked->handle : 0, &c) < 0)
		return snprintf(err, errlen, "%s", c.why), -ENOENT;
	list = json_array();
	for (size_t i = 0; i < c.n; i++) {
		const struct pvd *p = ed_pvd(e, c.pvd[i]);

		if (p)
			json_array_append_new(list, json_pack("{s:s,s:o}", "pvd", p->id,
							      "servers", ed_servers(p)));
	}
	*out = json_pack("{s:s,s:o,s:s}", "name", name, "pvds", list, "why", c.why);
	return 0;
}

json_t *engine_dns_list(struct engine *e)
{
	json_t *a = json_array();
	const struct pvd *p;

	TAILQ_FOREACH(p, &e->store.pvds, e)
		if (p->published)
			json_array_append_new(a, json_pack("{s:s,s:o,s:o,s:o}", "pvd", p->id,
				"servers", ed_servers(p), "domains", ed_domains(p),
				"encrypted", ed_encrypted(p)));
	return a;
}

const struct pvd_store *engine_store(struct engine *e)
{
	return &e->store;
}

void engine_dns_rank(struct engine *e, uint64_t rank[2])
{
	rank[0] = e->rt.installed.default_pvd[1];
	rank[1] = e->rt.installed.default_pvd[0];
}

int engine_dns_plan(struct engine *e, struct dns_plan_pvd *out, size_t cap, size_t *n)
{
	return dns_plan_build(&e->store, &e->view, &e->rt.cfg, e->rt.ready ? &e->rt.tables : NULL,
			      out, cap, n);
}

size_t engine_dns_search(struct engine *e, char *buf, size_t len)
{
	const struct pvd *p;
	const struct pvd_domain *d;
	size_t off = 0;
	int n = 0;

	if (len < 8)
		return 0;
	TAILQ_FOREACH(p, &e->store.pvds, e) {
		if (TAILQ_EMPTY(&p->dns))
			continue;
		TAILQ_FOREACH(d, &p->domains, e) {
			size_t l = strlen(d->name);

			/* Leave room for "\n" and the NUL. */
			if (off + l + 9 > len)
				break;
			off += (size_t)snprintf(buf + off, len - off, "%s%s", n++ ? " " : "search ",
						d->name);
		}
	}
	if (n)
		off += (size_t)snprintf(buf + off, len - off, "\n");
	return off;
}

void engine_set_sync_cb(struct engine *e, engine_sync_fn cb, void *ctx)
{
	e->sync_cb = cb;
	e->sync_ctx = ctx;
}

uint64_t engine_pvd_handle(struct engine *e, const char *id)
{
	const struct pvd *p = pvd_find(&e->store, id);

	return p ? p->handle : 0;
}

const char *engine_pvd_id(struct engine *e, uint64_t handle)
{
	const struct pvd *p = ed_pvd(e, handle);

	return p ? p->id : "?";
}

/* The search line of resolv.conf, which the privileged parent writes
 * (dns/resolv_conf.c): sent when it changes. */
void engine_dns_resolv_publish(struct engine *e)
{
	struct msg_resolv r;

	memset(&r, 0, sizeof(r));
	engine_dns_search(e, r.search, sizeof(r.search) - 128);
	if (e->resolv_known && strcmp(r.search, e->resolv_sent) == 0)
		return;
	if (engine_send(e, MSG_RESOLV_SEARCH, &r, sizeof(r)) < 0)
		return;
	snprintf(e->resolv_sent, sizeof(e->resolv_sent), "%s", r.search);
	e->resolv_known = true;
}

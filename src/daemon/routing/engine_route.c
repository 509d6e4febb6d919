/* SPDX-License-Identifier: MIT */
/*
 * Per-PvD routing: after every change the engine builds the wanted routes
 * and rules (route_plan.c) and sends the kernel side only the difference
 * with what is installed: adds first (routes before the rules that point at
 * them), then deletes (rules before routes), so no packet meets a gap. At
 * start-up what an earlier mifd left (our protocol id) counts as installed,
 * so a crash leaves no duplicates, and a table range that already holds
 * someone else's routes turns routing off with a clear error instead of
 * half-applying anything.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/engine/engine_priv.h"

static void er_send_route(struct engine *e, bool add, const struct nl_route *r)
{
	e->rt.messages++;
	e->rt.last_messages++;
	engine_send(e, add ? MSG_RT_ROUTE_ADD : MSG_RT_ROUTE_DEL, r, sizeof(*r));
}

static void er_send_rule(struct engine *e, bool add, const struct nl_rule *r)
{
	e->rt.messages++;
	e->rt.last_messages++;
	engine_send(e, add ? MSG_RT_RULE_ADD : MSG_RT_RULE_DEL, r, sizeof(*r));
}

static bool er_has_route(const struct route_plan *p, const struct nl_route *r)
{
	for (size_t i = 0; i < p->n_routes; i++)
		if (route_same(&p->routes[i], r))
			return true;
	return false;
}

static bool er_has_route_key(const struct route_plan *p, const struct nl_route *r)
{
	for (size_t i = 0; i < p->n_routes; i++)
		if (route_key_same(&p->routes[i], r))
			return true;
	return false;
}

static bool er_has_rule(const struct route_plan *p, const struct nl_rule *r)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (rule_same(&p->rules[i], r))
			return true;
	return false;
}

/* Send the difference between installed and desired, then swap. */
static void er_apply(struct engine *e)
{
	struct route_plan *in = &e->rt.installed, *want = &e->rt.desired, tmp;
	uint64_t before = e->rt.messages;

	e->rt.last_messages = 0;
	for (size_t i = 0; i < want->n_routes; i++)
		if (!er_has_route(in, &want->routes[i]))
			er_send_route(e, true, &want->routes[i]);
	for (size_t i = 0; i < want->n_rules; i++)
		if (!er_has_rule(in, &want->rules[i]))
			er_send_rule(e, true, &want->rules[i]);
	for (size_t i = 0; i < in->n_rules; i++)
		if (!er_has_rule(want, &in->rules[i]))
			er_send_rule(e, false, &in->rules[i]);
	/* A route whose key is still wanted was replaced above, not removed. */
	for (size_t i = 0; i < in->n_routes; i++)
		if (!er_has_route_key(want, &in->routes[i]))
			er_send_route(e, false, &in->routes[i]);
	if (e->rt.messages != before)
		e->rt.changes++;
	tmp = *in;
	*in = *want;
	*want = tmp;
}

/* Applications following the default network (libmif events) learn when
 * it moves, per family. */
static void er_default_events(struct engine *e, const uint64_t before[2])
{
	for (int fam = 0; fam < 2; fam++) {
		uint64_t now = e->rt.installed.default_pvd[fam];
		const struct pvd *p;
		const char *id = NULL;

		if (now == before[fam])
			continue;
		TAILQ_FOREACH(p, &e->store.pvds, e)
			if (p->handle == now)
				id = p->id;
		engine_emit(e, ENGINE_DEFAULT_CHANGED, json_pack("{s:s,s:I,s:s?,s:I}",
			    "family", fam ? "ipv6" : "ipv4", "handle", (json_int_t)now, "id", id,
			    "previous", (json_int_t)before[fam]));
	}
}

void engine_route_sync(struct engine *e)
{
	uint64_t before[2] = { e->rt.installed.default_pvd[0], e->rt.installed.default_pvd[1] };

	if (!e->rt.ready || !e->rt.cfg.enabled)
		return;
	if (route_plan_build(&e->store, &e->view, &e->rt.cfg, &e->rt.tables, &e->rt.desired) < 0) {
		log_err("routing: out of memory building the plan; keeping what is installed");
		return;
	}
	er_apply(e);
	er_default_events(e, before);
}

static bool er_in_range(const struct route_cfg *c, uint32_t table)
{
	return table >= c->table_base && table < c->table_base + c->table_count;
}

/*
 * After the initial dump: refuse a table range someone else uses, and
 * adopt what an earlier mifd left behind so the first sync only fixes the
 * difference (exactly one copy of everything after a crash).
 */
void engine_route_start(struct engine *e)
{
	const struct route_cfg *c = &e->rt.cfg;
	const struct view *v = &e->view;

	if (!c->enabled)
		return;
	for (size_t i = 0; i < v->n_routes; i++) {
		if (er_in_range(c, v->routes[i].table) && v->routes[i].protocol != c->proto) {
			snprintf(e->rt.error, sizeof(e->rt.error), "table %u (in the configured range "
				 "%u-%u) already holds routes mifd did not make; choose another "
				 "table_base", v->routes[i].table, c->table_base,
				 c->table_base + c->table_count - 1);
			log_err("routing off: %s", e->rt.error);
			return;
		}
	}
	route_plan_clear(&e->rt.installed);
	for (size_t i = 0; i < v->n_routes; i++)
		if (v->routes[i].protocol == c->proto)
			route_plan_add_route(&e->rt.installed, &v->routes[i]);
	for (size_t i = 0; i < v->n_rules; i++)
		if (v->rules[i].protocol == c->proto)
			route_plan_add_rule(&e->rt.installed, &v->rules[i]);
	if (e->rt.installed.n_routes || e->rt.installed.n_rules)
		log_info("routing: found %zu routes and %zu rules from an earlier run",
			 e->rt.installed.n_routes, e->rt.installed.n_rules);
	e->rt.ready = true;
}

/* Remove everything mifd installed (clean stop). */
void engine_route_stop(struct engine *e)
{
	if (!e->rt.ready)
		return;
	route_plan_clear(&e->rt.desired);
	er_apply(e);
}

void engine_route_free(struct engine *e)
{
	route_plan_free(&e->rt.installed);
	route_plan_free(&e->rt.desired);
}

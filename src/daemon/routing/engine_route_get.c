/* SPDX-License-Identifier: MIT */
/*
 * route.get: ask the kernel's FIB (RTM_GETROUTE through the kernel side)
 * which route a packet would take, with the same source and mark the
 * caller names, then say which PvD that is and which of mifd's rules led
 * there. The answer is the kernel's own, so it is right even where a rule
 * or route added by hand takes part.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "daemon/engine/engine_priv.h"
#include "daemon/pvd/pvd_spec.h"

/* The PvD whose prefixes hold address a on some interface (from-rules). */
static const struct pvd *er_pvd_of_source(struct engine *e, const struct in6_addr *a)
{
	const struct pvd *p;
	const struct pvd_prefix *x;

	TAILQ_FOREACH(p, &e->store.pvds, e)
		TAILQ_FOREACH(x, &p->prefixes, e)
			if (addr_in_prefix(a, &x->prefix, x->plen))
				return p;
	return NULL;
}

static unsigned er_deadline_ms(const struct engine *e)
{
	return e->rt.lookup_deadline_ms ? e->rt.lookup_deadline_ms : ROUTE_LOOKUP_DEADLINE_MS;
}

static const struct pvd *er_pvd_of_table(struct engine *e, uint32_t table)
{
	const struct pvd *p;

	TAILQ_FOREACH(p, &e->store.pvds, e)
		if (route_table_of(&e->rt.tables, &e->rt.cfg, p->handle, false) == table)
			return p;
	return NULL;
}

static void er_bytes(const struct in6_addr *a, uint8_t out[16])
{
	memset(out, 0, 16);
	if (IN6_IS_ADDR_V4MAPPED(a))
		memcpy(out, &a->s6_addr[12], 4);
	else
		memcpy(out, a, 16);
}

/* Explain, before asking the kernel, which rule will decide. */
static void er_explain(struct engine *e, const struct pvd *want, const struct pvd *src_pvd,
		       const char *from, bool has_from, bool v4, char *why, size_t len)
{
	uint32_t base = e->rt.cfg.prio_base;

	if (want)
		snprintf(why, len, "marked for PvD %.200s: rule %u fwmark 0x%x lookup %u, else "
			 "rule %u unreachable (no fallback)", want->id, base + 200,
			 route_mark_of(&e->rt.cfg, &e->rt.tables,
				       route_table_of(&e->rt.tables, &e->rt.cfg, want->handle, false)),
			 route_table_of(&e->rt.tables, &e->rt.cfg, want->handle, false), base + 250);
	else if (has_from && src_pvd)
		snprintf(why, len, "source %s is an address of PvD %.200s: rule %u from %s lookup %u "
			 "(RFC 8028: a source uses its own PvD's routers)", from, src_pvd->id,
			 base, from, route_table_of(&e->rt.tables, &e->rt.cfg, src_pvd->handle, false));
	else if (has_from)
		snprintf(why, len, "source %s belongs to no PvD: the main table, then the default PvD",
			 from);
	else
		snprintf(why, len, "no source and no mark: on-link and hand-made routes from the main "
			 "table (rule %u), then any PvD's more specific route (rules %u+, best PvD "
			 "first), otherwise the default PvD (rule %u): %.300s", base + 300, base + 310,
			 base + 600, e->rt.installed.why[v4 ? 0 : 1][0] ?
			 e->rt.installed.why[v4 ? 0 : 1] : "no PvD has a default route");
}

static int er_slot(struct engine *e)
{
	for (int i = 0; i < ROUTE_MAX_LOOKUPS; i++)
		if (!e->rt.lookups[i].token)
			return i;
	return -1;
}

static void er_lookup_timer_cb(evutil_socket_t fd, short what, void *arg);

/* Wake up at the earliest deadline of the lookups still waiting, if any. */
static void er_arm(struct engine *e)
{
	uint64_t next = UINT64_MAX, now = log_now_ns(), d;
	struct timeval tv;

	if (!e->rt.lookup_timer &&
	    !(e->rt.lookup_timer = evtimer_new(e->base, er_lookup_timer_cb, e))) {
		log_err("routing: cannot create the route.get timer; lookups may wait for good");
		return;
	}
	for (int i = 0; i < ROUTE_MAX_LOOKUPS; i++)
		if (e->rt.lookups[i].token && e->rt.lookups[i].deadline_ns < next)
			next = e->rt.lookups[i].deadline_ns;
	if (next == UINT64_MAX) {
		evtimer_del(e->rt.lookup_timer);
		return;
	}
	d = next > now ? next - now : 0;
	tv.tv_sec = (time_t)(d / 1000000000u);
	tv.tv_usec = (suseconds_t)(d % 1000000000u / 1000) + 1;
	evtimer_add(e->rt.lookup_timer, &tv);
}

/*
 * Answer every lookup whose deadline passed with -ETIMEDOUT and free its
 * slot, so a lost answer costs its requester a clear error and never a
 * slot. A slot is freed before its requester hears, so the callback may
 * start a new lookup at once.
 */
static void er_lookup_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;
	uint64_t now = log_now_ns();
	char msg[700];

	for (int i = 0; i < ROUTE_MAX_LOOKUPS; i++) {
		uint32_t token = e->rt.lookups[i].token;

		if (!token || e->rt.lookups[i].deadline_ns > now)
			continue;
		e->rt.lookups[i].token = 0;
		e->rt.lookups_lapsed++;
		snprintf(msg, sizeof(msg), "no answer about %s from the kernel side within %u ms; "
			 "try again (%.400s)", e->rt.lookups[i].dst, er_deadline_ms(e),
			 e->rt.lookups[i].why);
		log_warn("routing: route.get for %s lapsed after %u ms", e->rt.lookups[i].dst,
			 er_deadline_ms(e));
		if (e->rt_reply)
			e->rt_reply(e->rt_reply_ctx, token, -ETIMEDOUT, NULL, msg);
	}
	er_arm(e);
}

void engine_route_get_free(struct engine *e)
{
	if (e->rt.lookup_timer)
		event_free(e->rt.lookup_timer);
	e->rt.lookup_timer = NULL;
}

int engine_route_get(struct engine *e, json_t *params, uint32_t *token, char *err, size_t errlen)
{
	const char *dst = json_string_value(json_object_get(params, "destination"));
	const char *id = json_string_value(json_object_get(params, "pvd"));
	const char *from = json_string_value(json_object_get(params, "from"));
	struct msg_rt_lookup q = { 0 };
	struct in6_addr d, s;
	const struct pvd *want = NULL;
	int slot;

	if (!e->rt.ready || !e->rt.cfg.enabled)
		return snprintf(err, errlen, "routing is off%s%s", e->rt.error[0] ? ": " : "",
				e->rt.error), -ENOTSUP;
	if (!dst || pvd_spec_parse_addr(dst, &d) < 0)
		return snprintf(err, errlen, "destination: not an IPv4 or IPv6 address"), -EINVAL;
	if (from && (pvd_spec_parse_addr(from, &s) < 0 ||
		     IN6_IS_ADDR_V4MAPPED(&s) != IN6_IS_ADDR_V4MAPPED(&d)))
		return snprintf(err, errlen, "from: not an address of the destination's family"),
		       -EINVAL;
	if (id) {
		want = pvd_find(&e->store, id);
		if (!want || !route_table_of(&e->rt.tables, &e->rt.cfg, want->handle, false))
			return snprintf(err, errlen, "pvd: no PvD \"%s\" with routes", id), -ENOENT;
		q.mark = route_mark_of(&e->rt.cfg, &e->rt.tables,
				       route_table_of(&e->rt.tables, &e->rt.cfg, want->handle, false));
	}
	slot = er_slot(e);
	if (slot < 0)
		return snprintf(err, errlen, "too many lookups in progress"), -EBUSY;
	q.family = IN6_IS_ADDR_V4MAPPED(&d) ? AF_INET : AF_INET6;
	er_bytes(&d, q.dst);
	if (from) {
		q.has_src = 1;
		er_bytes(&s, q.src);
	}
	q.token = ++e->rt.next_token ? e->rt.next_token : ++e->rt.next_token;
	e->rt.lookups[slot].token = q.token;
	e->rt.lookups[slot].pvd = want ? want->handle : 0;
	snprintf(e->rt.lookups[slot].dst, sizeof(e->rt.lookups[slot].dst), "%s", dst);
	e->rt.lookups[slot].deadline_ns = log_now_ns() + (uint64_t)er_deadline_ms(e) * 1000000u;
	er_explain(e, want, from ? er_pvd_of_source(e, &s) : NULL, from, from != NULL,
		   q.family == AF_INET, e->rt.lookups[slot].why, sizeof(e->rt.lookups[slot].why));
	*token = q.token;
	engine_send(e, MSG_RT_LOOKUP, &q, sizeof(q));
	er_arm(e);
	return 0;
}

static json_t *er_addr_json(uint8_t family, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(family, a, s, sizeof(s));
	return json_string(s);
}

void engine_route_lookup_result(struct engine *e, const struct ipc_msg *m)
{
	const struct msg_rt_lookup_result *r = (const struct msg_rt_lookup_result *)m->data;
	const struct nl_route *rt = &r->route;
	const struct pvd *p;
	char ifb[16], msg[640];
	json_t *o;
	int i;

	if (ipc_expect(m, sizeof(*r)) < 0) {
		e->ctr.ipc_errors++;
		return;
	}
	for (i = 0; r->token && i < ROUTE_MAX_LOOKUPS && e->rt.lookups[i].token != r->token; i++)
		;
	/* Already answered (it lapsed) or never asked: nobody waits for it. */
	if (!r->token || i == ROUTE_MAX_LOOKUPS) {
		e->rt.lookups_late++;
		log_debug("routing: ignoring a late route.get answer (token %u)", r->token);
		return;
	}
	e->rt.lookups[i].token = 0;
	er_arm(e);
	if (r->error == -ETIMEDOUT)
		e->rt.lookups_kernel_lapsed++;
	if (!e->rt_reply)
		return;
	if (r->error == -ETIMEDOUT) {
		snprintf(msg, sizeof(msg), "the kernel did not answer the lookup for %s in time; "
			 "try again (%.400s)", e->rt.lookups[i].dst, e->rt.lookups[i].why);
		e->rt_reply(e->rt_reply_ctx, r->token, r->error, NULL, msg);
		return;
	}
	if (r->error < 0) {
		snprintf(msg, sizeof(msg), "no route to %s: %s (%.400s)", e->rt.lookups[i].dst,
			 strerror(-r->error), e->rt.lookups[i].why);
		e->rt_reply(e->rt_reply_ctx, r->token, r->error, NULL, msg);
		return;
	}
	p = er_pvd_of_table(e, rt->table);
	o = json_pack("{s:s,s:o,s:o,s:o,s:s,s:o,s:s}", "destination", e->rt.lookups[i].dst,
		"pvd", p ? json_string(p->id) : json_null(),
		"table", rt->table == RT_TABLE_MAIN ? json_string("main") : json_integer(rt->table),
		"via", rt->has_gateway ? er_addr_json(rt->family, rt->gateway) : json_null(),
		"interface", rt->oif ? view_ifname(&e->view, rt->oif, ifb, sizeof(ifb)) : "",
		"source", rt->has_prefsrc ? er_addr_json(rt->family, rt->prefsrc) : json_null(),
		"why", e->rt.lookups[i].why);
	e->rt_reply(e->rt_reply_ctx, r->token, 0, o, NULL);
}

/* route.get's table: how full it is and how often an answer never came. */
static json_t *er_lookups_json(const struct engine *e)
{
	json_int_t n = 0;

	for (int i = 0; i < ROUTE_MAX_LOOKUPS; i++)
		n += e->rt.lookups[i].token != 0;
	return json_pack("{s:I,s:I,s:I,s:I,s:I}", "pending", n,
			 "deadline_ms", (json_int_t)er_deadline_ms(e),
			 "lapsed", (json_int_t)e->rt.lookups_lapsed,
			 "kernel_lapsed", (json_int_t)e->rt.lookups_kernel_lapsed,
			 "late", (json_int_t)e->rt.lookups_late);
}

json_t *engine_route_status_json(struct engine *e)
{
	json_t *tables = json_array(), *defaults = json_object(), *o;
	const struct pvd *p;

	TAILQ_FOREACH(p, &e->store.pvds, e) {
		uint32_t t = route_table_of(&e->rt.tables, &e->rt.cfg, p->handle, false);

		if (t)
			json_array_append_new(tables, json_pack("{s:i,s:s,s:I}", "table", t, "pvd",
				p->id, "mark", (json_int_t)route_mark_of(&e->rt.cfg, &e->rt.tables, t)));
	}
	for (int f = 0; f < 2; f++)
		json_object_set_new(defaults, f ? "ipv6" : "ipv4", e->rt.installed.why[f][0] ?
				    json_string(e->rt.installed.why[f]) : json_null());
	o = json_pack("{s:b,s:o,s:i,s:i,s:i,s:o,s:o,s:I,s:I,s:I,s:I,s:I}",
		"enabled", e->rt.cfg.enabled && e->rt.ready,
		"error", e->rt.error[0] ? json_string(e->rt.error) : json_null(),
		"table_base", e->rt.cfg.table_base, "priority_base", e->rt.cfg.prio_base,
		"protocol", e->rt.cfg.proto, "tables", tables, "default", defaults,
		"routes", (json_int_t)e->rt.installed.n_routes,
		"rules", (json_int_t)e->rt.installed.n_rules,
		"changes", (json_int_t)e->rt.changes,
		"netlink_messages", (json_int_t)e->rt.messages,
		"last_change_messages", (json_int_t)e->rt.last_messages);
	json_object_set_new(o, "lookups", er_lookups_json(e));
	engine_route_repair_json(e, o);
	return o;
}

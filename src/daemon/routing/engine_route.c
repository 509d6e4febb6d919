/* SPDX-License-Identifier: MIT */
/*
 * Per-PvD routing: after every change the engine builds the wanted routes
 * and rules (route_plan.c) and sends the kernel side only the difference
 * with what is installed: adds first (routes before the rules that point at
 * them), then deletes (rules before routes), so no packet meets a gap.
 *
 * "Installed" is what the kernel confirmed: an ACK to one of our requests
 * (MSG_RT_ACK), or the kernel's own report of an entry with our protocol
 * id (dump or event). A request in flight is remembered (adding, deleting)
 * so it is not sent twice. An entry that is wanted but refused, or that
 * someone removes, is put back with back-off (ROUTE_RETRY_*), and counted.
 *
 * At start-up what an earlier mifd left (our protocol id) counts as
 * installed, so a crash leaves no duplicates, and a table range that
 * already holds someone else's routes turns routing off with a clear error
 * instead of half-applying anything.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/fib_rules.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/engine/engine_priv.h"
#include "daemon/routing/engine_addrlabel.h"

#define ER_MS 1000000ull

/* Append without the planner's de-duplication (route_plan_append_*):
 * requests in flight may hold two versions of one route key. */
static int er_push_route(struct route_plan *p, const struct nl_route *r)
{
	return route_plan_append_route(p, r);
}

static int er_push_rule(struct route_plan *p, const struct nl_rule *r)
{
	return route_plan_append_rule(p, r);
}

/* How long a change waits to be applied while the channel to the kernel
 * side has a backlog (engine_route_sync). */
#define ER_COALESCE_MS 100

static long er_route_idx(const struct route_plan *p, const struct nl_route *r)
{
	for (size_t i = 0; i < p->n_routes; i++)
		if (route_same(&p->routes[i], r))
			return (long)i;
	return -1;
}

static bool er_has_route_key(const struct route_plan *p, const struct nl_route *r)
{
	for (size_t i = 0; i < p->n_routes; i++)
		if (route_key_same(&p->routes[i], r))
			return true;
	return false;
}

static long er_rule_idx(const struct route_plan *p, const struct nl_rule *r)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (rule_same(&p->rules[i], r))
			return (long)i;
	return -1;
}

/*
 * The diff of a sync: membership in installed and desired through a hash
 * index built once per pass (O(n)), instead of scanning a plan for every
 * entry (O(n^2): 30 ms a sync with 256 PvDs). A hash covers exactly the
 * fields its comparison looks at, so equal entries hash alike.
 */
struct er_index {
	const struct route_plan *p;
	bool rule, key;              /* rules; routes by key only (route_key_same) */
	uint32_t *slot;              /* entry index + 1; 0: empty */
	size_t mask;
};

static uint64_t er_index_hash(const struct er_index *x, const void *obj)
{
	return x->rule ? rule_hash(obj) : route_hash(obj, x->key);
}

static bool er_index_same(const struct er_index *x, size_t i, const void *obj)
{
	if (x->rule)
		return rule_same(&x->p->rules[i], obj);
	return x->key ? route_key_same(&x->p->routes[i], obj) : route_same(&x->p->routes[i], obj);
}

/* Index p's rules or routes. -ENOMEM leaves x empty: lookups then scan. */
static int er_index_build(struct er_index *x, const struct route_plan *p, bool rule, bool key)
{
	size_t n = rule ? p->n_rules : p->n_routes, cap = 16;

	while (cap < n * 2)
		cap *= 2;
	*x = (struct er_index){ .p = p, .rule = rule, .key = key, .mask = cap - 1 };
	x->slot = calloc(cap, sizeof(*x->slot));
	if (!x->slot)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const void *obj = rule ? (const void *)&p->rules[i] : (const void *)&p->routes[i];
		size_t s = (size_t)er_index_hash(x, obj) & x->mask;

		while (x->slot[s])
			s = (s + 1) & x->mask;
		x->slot[s] = (uint32_t)i + 1;
	}
	return 0;
}

static bool er_index_has(const struct er_index *x, const void *obj)
{
	size_t s;

	if (!x->slot)   /* no memory for the index: the slow way */
		return x->rule ? er_rule_idx(x->p, obj) >= 0
			       : x->key ? er_has_route_key(x->p, obj) : er_route_idx(x->p, obj) >= 0;
	for (s = (size_t)er_index_hash(x, obj) & x->mask; x->slot[s]; s = (s + 1) & x->mask)
		if (er_index_same(x, x->slot[s] - 1, obj))
			return true;
	return false;
}

static void er_drop_route(struct route_plan *p, long i)
{
	route_plan_index_drop(p);
	if (i >= 0)
		p->routes[i] = p->routes[--p->n_routes];
}

static void er_drop_rule(struct route_plan *p, long i)
{
	route_plan_index_drop(p);
	if (i >= 0)
		p->rules[i] = p->rules[--p->n_rules];
}

static void er_describe(bool rule, const void *obj, char *buf, size_t len)
{
	const struct nl_route *r = obj;
	const struct nl_rule *ru = obj;
	char a[INET6_ADDRSTRLEN] = "?";

	if (rule) {
		inet_ntop(ru->family, ru->src, a, sizeof(a));
		snprintf(buf, len, "rule %u from %s/%u fwmark 0x%x lookup %u", ru->priority, a,
			 ru->src_len, ru->has_fwmark ? ru->fwmark : 0, ru->table);
	} else {
		inet_ntop(r->family, r->dst, a, sizeof(a));
		snprintf(buf, len, "route %s/%u table %u", a, r->dst_len, r->table);
	}
}

static bool er_retry_is(const struct route_retry *t, bool rule, const void *obj)
{
	return t->rule == rule && (rule ? rule_same(&t->u.rule, obj) : route_same(&t->u.route, obj));
}

static struct route_retry *er_retry_find(struct engine *e, bool rule, const void *obj)
{
	for (size_t i = 0; i < e->rt.n_retry; i++)
		if (er_retry_is(&e->rt.retry[i], rule, obj))
			return &e->rt.retry[i];
	return NULL;
}

/* Forget entries quiet for ROUTE_RETRY_FORGET_MS: they start over. */
static void er_retry_gc(struct engine *e, uint64_t now)
{
	for (size_t i = 0; i < e->rt.n_retry;)
		if (now - e->rt.retry[i].last_ns > ROUTE_RETRY_FORGET_MS * ER_MS &&
		    e->rt.retry[i].next_ns <= now)
			e->rt.retry[i] = e->rt.retry[--e->rt.n_retry];
		else
			i++;
}

/*
 * Trouble with an entry (refused, or removed by someone else): when to try
 * again. The first time at once, then doubling from ROUTE_RETRY_MIN_MS up
 * to ROUTE_RETRY_MAX_MS, so a route the kernel keeps refusing costs a
 * request every 30 s, not a loop. Returns the delay in ms.
 */
static uint64_t er_retry_note(struct engine *e, bool rule, const void *obj, bool removed,
			      uint64_t now)
{
	struct route_retry *t = er_retry_find(e, rule, obj);
	uint64_t ms;

	er_retry_gc(e, now);
	if (!t && e->rt.n_retry == ROUTE_MAX_RETRY)
		return ROUTE_RETRY_MAX_MS;   /* unrecorded: retried with the next change */
	if (!t) {
		t = &e->rt.retry[e->rt.n_retry++];
		memset(t, 0, sizeof(*t));
		t->rule = rule;
		memcpy(&t->u, obj, rule ? sizeof(t->u.rule) : sizeof(t->u.route));
	}
	ms = t->attempts ? (uint64_t)ROUTE_RETRY_MIN_MS << (t->attempts - 1) : 0;
	if (ms > ROUTE_RETRY_MAX_MS)
		ms = ROUTE_RETRY_MAX_MS;
	else
		t->attempts++;
	t->removed |= removed;
	t->last_ns = now;
	t->next_ns = now + ms * ER_MS;
	return ms;
}

/* May obj be sent now? If not, *wake gets when it may. */
static bool er_retry_due(struct engine *e, bool rule, const void *obj, uint64_t now,
			 uint64_t *wake)
{
	const struct route_retry *t = er_retry_find(e, rule, obj);

	if (!t || t->next_ns <= now)
		return true;
	if (t->next_ns < *wake)
		*wake = t->next_ns;
	return false;
}

static void er_apply(struct engine *e, bool from_sync);

static void er_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;

	e->rt.retry_at = 0;
	er_apply(e, false);
}

/* Reconcile at `when` (monotonic ns; 0: as soon as the loop is free, after
 * the messages already read, so a burst of events costs one pass). */
static void er_retry_arm(struct engine *e, uint64_t when)
{
	uint64_t now = log_now_ns(), d = when > now ? when - now : 0;
	struct timeval tv = { .tv_sec = (time_t)(d / 1000000000u),
			      .tv_usec = (suseconds_t)(d % 1000000000u / 1000) };

	if (e->rt.retry_at && e->rt.retry_at <= (when > now ? when : now))
		return;
	if (!e->rt.retry_timer && !(e->rt.retry_timer = evtimer_new(e->base, er_retry_cb, e))) {
		log_err("routing: cannot create the repair timer; repairs wait for the next change");
		return;
	}
	e->rt.retry_at = when > now ? when : now;
	evtimer_add(e->rt.retry_timer, &tv);
}

static size_t er_inflight(const struct engine *e)
{
	return e->rt.adding.n_routes + e->rt.adding.n_rules + e->rt.deleting.n_routes +
	       e->rt.deleting.n_rules;
}

static uint64_t er_ack_deadline_ns(const struct engine *e)
{
	return (uint64_t)(e->rt.ack_deadline_ms ? e->rt.ack_deadline_ms : ROUTE_ACK_DEADLINE_MS) *
	       ER_MS;
}

/* A request goes out: the first of a new in-flight set starts its clock. */
static void er_inflight_start(struct engine *e)
{
	uint64_t now;

	if (er_inflight(e) != 0 && e->rt.inflight_since)
		return;
	now = log_now_ns();
	e->rt.inflight_since = now;
	er_retry_arm(e, now + er_ack_deadline_ns(e));
}

/* Past the deadline nothing more will come for what is in flight: forget
 * it so the pass that follows sends it again. Returns true if it did. */
static bool er_inflight_lapse(struct engine *e, uint64_t now)
{
	size_t n = er_inflight(e);

	if (n == 0) {
		e->rt.inflight_since = 0;
		return false;
	}
	if (!e->rt.inflight_since)
		return false;
	/* Requests still in the engine's own queue (back-pressure under fast
	 * churn, issue 17) have not reached the kernel side: their answers
	 * cannot be late yet, and sending them again would only lengthen the
	 * queue (each lapse adding thousands more). The deadline counts from
	 * when the queue is empty. */
	if (engine_queued(e) > 0) {
		e->rt.inflight_since = now;
		er_retry_arm(e, now + er_ack_deadline_ns(e));
		return false;
	}
	if (now - e->rt.inflight_since < er_ack_deadline_ns(e)) {
		er_retry_arm(e, e->rt.inflight_since + er_ack_deadline_ns(e));
		return false;
	}
	log_warn("routing: %zu request(s) to the kernel side unanswered after %u ms; "
		 "sending again", n, (unsigned)(er_ack_deadline_ns(e) / ER_MS));
	e->rt.acks_lost += n;
	e->rt.adding.n_routes = e->rt.adding.n_rules = 0;
	e->rt.deleting.n_routes = e->rt.deleting.n_rules = 0;
	route_plan_index_drop(&e->rt.adding);
	route_plan_index_drop(&e->rt.deleting);
	e->rt.inflight_since = 0;
	return true;
}

static void er_send_route(struct engine *e, bool add, const struct nl_route *r)
{
	if (engine_send(e, add ? MSG_RT_ROUTE_ADD : MSG_RT_ROUTE_DEL, r, sizeof(*r)) < 0)
		return;
	er_inflight_start(e);
	e->rt.messages++;
	e->rt.last_messages++;
	if (er_push_route(add ? &e->rt.adding : &e->rt.deleting, r) < 0)
		log_err("routing: out of memory; a request may be sent twice");
}

static void er_send_rule(struct engine *e, bool add, const struct nl_rule *r)
{
	if (engine_send(e, add ? MSG_RT_RULE_ADD : MSG_RT_RULE_DEL, r, sizeof(*r)) < 0)
		return;
	er_inflight_start(e);
	e->rt.messages++;
	e->rt.last_messages++;
	if (er_push_rule(add ? &e->rt.adding : &e->rt.deleting, r) < 0)
		log_err("routing: out of memory; a request may be sent twice");
}

/* Adds of what is wanted, neither confirmed nor in flight nor backing off.
 * The adds are built before any is sent: sending does not change the
 * plans indexed here (only adding and deleting, scanned as they are). */
static void er_apply_adds(struct engine *e, uint64_t now, uint64_t *wake)
{
	const struct route_plan *in = &e->rt.installed, *want = &e->rt.desired;
	struct er_index routes, rules, fr, fl;

	/* What is in flight, indexed too: thousands of requests wait for
	 * their ACKs under fast churn, and a scan per entry was O(n^2) per
	 * pass (issue 17). Entries sent during this pass are not in the
	 * index; the desired plan holds each entry once, so none is sent
	 * twice. */
	er_index_build(&routes, in, false, false);
	er_index_build(&rules, in, true, false);
	er_index_build(&fr, &e->rt.adding, false, false);
	er_index_build(&fl, &e->rt.adding, true, false);
	for (size_t i = 0; i < want->n_routes; i++) {
		const struct nl_route *r = &want->routes[i];

		if (!er_index_has(&routes, r) && !er_index_has(&fr, r) &&
		    er_retry_due(e, false, r, now, wake))
			er_send_route(e, true, r);
	}
	for (size_t i = 0; i < want->n_rules; i++) {
		const struct nl_rule *r = &want->rules[i];

		if (!er_index_has(&rules, r) && !er_index_has(&fl, r) &&
		    er_retry_due(e, true, r, now, wake))
			er_send_rule(e, true, r);
	}
	free(routes.slot);
	free(rules.slot);
	free(fr.slot);
	free(fl.slot);
}

static void er_apply_dels(struct engine *e, uint64_t now, uint64_t *wake)
{
	const struct route_plan *in = &e->rt.installed, *want = &e->rt.desired;
	struct er_index keys, rules, fr, fl;

	er_index_build(&keys, want, false, true);
	er_index_build(&rules, want, true, false);
	er_index_build(&fr, &e->rt.deleting, false, false);
	er_index_build(&fl, &e->rt.deleting, true, false);
	for (size_t i = 0; i < in->n_rules; i++) {
		const struct nl_rule *r = &in->rules[i];

		if (!er_index_has(&rules, r) && !er_index_has(&fl, r) &&
		    er_retry_due(e, true, r, now, wake))
			er_send_rule(e, false, r);
	}
	/* A route whose key is still wanted is replaced by the add, not removed. */
	for (size_t i = 0; i < in->n_routes; i++) {
		const struct nl_route *r = &in->routes[i];

		if (!er_index_has(&keys, r) && !er_index_has(&fr, r) &&
		    er_retry_due(e, false, r, now, wake))
			er_send_route(e, false, r);
	}
	free(keys.slot);
	free(rules.slot);
	free(fr.slot);
	free(fl.slot);
}

/* Send what it takes to go from installed to desired. */
static void er_apply(struct engine *e, bool from_sync)
{
	uint64_t now = log_now_ns(), wake = UINT64_MAX, before = e->rt.messages;
	uint64_t last = e->rt.last_messages;

	e->rt.last_messages = 0;
	er_inflight_lapse(e, now);
	er_apply_adds(e, now, &wake);
	er_apply_dels(e, now, &wake);
	if (e->rt.messages != before)
		e->rt.changes++;
	else if (!from_sync)
		e->rt.last_messages = last;   /* a repair pass that found nothing */
	if (wake != UINT64_MAX)
		er_retry_arm(e, wake);
}

/* The kernel confirmed obj: count a repair if it had been removed. */
static void er_confirmed(struct engine *e, bool rule, const void *obj)
{
	struct route_retry *t = er_retry_find(e, rule, obj);
	char what[160];

	if (!t || !t->removed)
		return;
	t->removed = false;
	e->rt.repaired++;
	er_describe(rule, obj, what, sizeof(what));
	log_info("routing: put back %s", what);
}

/* Refused: keep counting, try again later, say so now and then. */
static void er_refused(struct engine *e, bool rule, bool add, const void *obj, int err)
{
	uint64_t now = log_now_ns(), ms = er_retry_note(e, rule, obj, false, now), n = 0;
	char what[160];

	e->rt.refused++;
	if (!e->rt.refuse_rl.burst)
		e->rt.refuse_rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(5, 0.2);
	if (log_ratelimit_ok(&e->rt.refuse_rl, &n)) {
		er_describe(rule, obj, what, sizeof(what));
		log_warn("routing: the kernel refused to %s %s: %s; trying again in %llu ms "
			 "(%llu refusals so far, %llu not logged)", add ? "add" : "remove", what,
			 strerror(-err), (unsigned long long)ms, (unsigned long long)e->rt.refused,
			 (unsigned long long)n);
	}
	er_retry_arm(e, now + ms * ER_MS);
}

static void er_ack_route(struct engine *e, bool add, const struct nl_route *r, int err)
{
	struct route_plan *in = &e->rt.installed;
	bool want;

	er_drop_route(add ? &e->rt.adding : &e->rt.deleting,
		      er_route_idx(add ? &e->rt.adding : &e->rt.deleting, r));
	if (!add && (err == -ESRCH || err == -ENOENT))
		err = 0;   /* already gone: that is what we asked */
	if (err < 0) {
		er_refused(e, false, add, r, err);
		return;
	}
	if (add) {
		/* NLM_F_REPLACE: the new route took the place of its key's old one
		 * (er_push_route below drops the plan's index). */
		for (size_t i = 0; i < in->n_routes;)
			if (route_key_same(&in->routes[i], r))
				in->routes[i] = in->routes[--in->n_routes];
			else
				i++;
		if (er_push_route(in, r) < 0)
			log_err("routing: out of memory tracking an installed route");
		er_confirmed(e, false, r);
	} else {
		er_drop_route(in, er_route_idx(in, r));
	}
	want = er_route_idx(&e->rt.desired, r) >= 0;
	if (want != add)
		er_retry_arm(e, 0);   /* the plan moved on while this was in flight */
}

static void er_ack_rule(struct engine *e, bool add, const struct nl_rule *r, int err)
{
	struct route_plan *in = &e->rt.installed;
	bool want;

	er_drop_rule(add ? &e->rt.adding : &e->rt.deleting,
		     er_rule_idx(add ? &e->rt.adding : &e->rt.deleting, r));
	if ((!add && (err == -ESRCH || err == -ENOENT)) || (add && err == -EEXIST))
		err = 0;   /* already as asked (a rule add is NLM_F_EXCL) */
	if (err < 0) {
		er_refused(e, true, add, r, err);
		return;
	}
	if (add) {
		if (er_rule_idx(in, r) < 0 && er_push_rule(in, r) < 0)
			log_err("routing: out of memory tracking an installed rule");
		er_confirmed(e, true, r);
	} else {
		er_drop_rule(in, er_rule_idx(in, r));
	}
	want = er_rule_idx(&e->rt.desired, r) >= 0;
	if (want != add)
		er_retry_arm(e, 0);
}

void engine_route_ack(struct engine *e, const struct ipc_msg *m)
{
	const struct msg_rt_ack *a = (const struct msg_rt_ack *)m->data;

	if (ipc_expect(m, sizeof(*a)) < 0) {
		e->ctr.ipc_errors++;
		return;
	}
	if (!e->rt.ready)
		return;
	switch (a->request) {
	case MSG_RT_ROUTE_ADD:
	case MSG_RT_ROUTE_DEL:
		er_ack_route(e, a->request == MSG_RT_ROUTE_ADD, &a->u.route, a->error);
		return;
	case MSG_RT_RULE_ADD:
	case MSG_RT_RULE_DEL:
		er_ack_rule(e, a->request == MSG_RT_RULE_ADD, &a->u.rule, a->error);
		return;
	case MSG_RT_LABEL_ADD:
	case MSG_RT_LABEL_DEL:
		engine_addrlabel_ack(e, a->request == MSG_RT_LABEL_ADD, &a->u.label, a->error);
		return;
	}
	e->ctr.ipc_errors++;
	log_err("engine: an ACK for unknown request %u", a->request);
}

static bool er_in_range(const struct route_cfg *c, uint32_t table)
{
	return table >= c->table_base && table < c->table_base + c->table_count;
}

/* Someone else removed obj while it is wanted: put it back. */
static void er_removed(struct engine *e, bool rule, const void *obj)
{
	uint64_t now = log_now_ns(), ms = er_retry_note(e, rule, obj, true, now);
	char what[160];

	er_describe(rule, obj, what, sizeof(what));
	log_info("routing: %s was removed by someone else; putting it back in %llu ms", what,
		 (unsigned long long)ms);
	er_retry_arm(e, now + ms * ER_MS);
}

/*
 * The kernel reports a route of ours (event or dump). Our own echo changes
 * nothing and costs no recompute; an unknown one is adopted (and removed if
 * unwanted); one that went away while wanted is put back.
 */
void engine_route_kernel_route(struct engine *e, const struct nl_route *r, bool gone)
{
	struct route_plan *in = &e->rt.installed;
	long i;

	if (!e->rt.ready || !e->rt.cfg.enabled || r->protocol != e->rt.cfg.proto ||
	    !er_in_range(&e->rt.cfg, r->table))
		return;
	i = er_route_idx(in, r);
	if (!gone) {
		/* ACKs say which version of a key is ours; an echo only confirms. */
		if (i >= 0 || er_has_route_key(in, r) || er_has_route_key(&e->rt.adding, r))
			return;
		if (er_push_route(in, r) < 0)
			log_err("routing: out of memory tracking an installed route");
		if (!er_has_route_key(&e->rt.desired, r))
			er_retry_arm(e, 0);
		return;
	}
	if (i < 0)
		return;
	er_drop_route(in, i);
	if (er_route_idx(&e->rt.desired, r) >= 0 && er_route_idx(&e->rt.deleting, r) < 0)
		er_removed(e, false, r);
}

void engine_route_kernel_rule(struct engine *e, const struct nl_rule *r, bool gone)
{
	struct route_plan *in = &e->rt.installed;
	long i;

	if (!e->rt.ready || !e->rt.cfg.enabled || r->protocol != e->rt.cfg.proto)
		return;
	i = er_rule_idx(in, r);
	if (!gone) {
		if (i >= 0 || er_rule_idx(&e->rt.adding, r) >= 0)
			return;
		if (er_push_rule(in, r) < 0)
			log_err("routing: out of memory tracking an installed rule");
		if (er_rule_idx(&e->rt.desired, r) < 0)
			er_retry_arm(e, 0);
		return;
	}
	if (i < 0)
		return;
	er_drop_rule(in, i);
	if (er_rule_idx(&e->rt.desired, r) >= 0 && er_rule_idx(&e->rt.deleting, r) < 0)
		er_removed(e, true, r);
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
	engine_policy_route(e);
	engine_addrlabel_sync(e);
	if (route_plan_build(&e->store, &e->view, &e->rt.cfg, &e->rt.tables, &e->rt.desired) < 0) {
		log_err("routing: out of memory building the plan; keeping what is installed");
		return;
	}
	/* Coalescing (issue 17): while requests still wait in the channel to
	 * the kernel side, a change is not applied at once but in one pass
	 * ER_COALESCE_MS later (or when the queue drains), from the plan as it
	 * is then: a PvD that came and went meanwhile costs nothing, and fast
	 * churn costs a pass per window instead of one per RA. */
	if (engine_queued(e) > 0) {
		e->rt.coalesced++;
		er_retry_arm(e, log_now_ns() + ER_COALESCE_MS * ER_MS);
	} else {
		er_apply(e, true);
	}
	/* The installed plan's default choice is the one last sent (what
	 * route.get, the DNS ranking and the status report). */
	memcpy(e->rt.installed.default_pvd, e->rt.desired.default_pvd,
	       sizeof(e->rt.installed.default_pvd));
	memcpy(e->rt.installed.why, e->rt.desired.why, sizeof(e->rt.installed.why));
	if (e->rt.desired.no_table > e->rt.installed.no_table)
		log_warn("routing: %zu PvD(s) without a table: the range is full, or their router "
			 "or link holds its share", e->rt.desired.no_table);
	e->rt.installed.no_table = e->rt.desired.no_table;
	engine_route_count_moves(e, before);
	er_default_events(e, before);
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

/* Remove everything mifd installed (clean stop), in flight included. */
void engine_route_stop(struct engine *e)
{
	struct route_plan *fl = &e->rt.adding;

	if (!e->rt.ready)
		return;
	route_plan_clear(&e->rt.desired);
	e->rt.n_retry = 0;
	for (size_t i = 0; i < fl->n_rules; i++)
		if (er_rule_idx(&e->rt.installed, &fl->rules[i]) < 0)
			er_push_rule(&e->rt.installed, &fl->rules[i]);
	for (size_t i = 0; i < fl->n_routes; i++)
		if (er_route_idx(&e->rt.installed, &fl->routes[i]) < 0)
			er_push_route(&e->rt.installed, &fl->routes[i]);
	route_plan_clear(fl);
	er_apply(e, true);
}

void engine_route_free(struct engine *e)
{
	if (e->rt.retry_timer)
		event_free(e->rt.retry_timer);
	e->rt.retry_timer = NULL;
	route_plan_free(&e->rt.installed);
	route_plan_free(&e->rt.desired);
	route_plan_free(&e->rt.adding);
	route_plan_free(&e->rt.deleting);
}

/* The repair side of `mifctl status` (.routing): what was put back, what
 * the kernel refused, what is still on its way, and the PvDs left without
 * a table. */
void engine_route_repair_json(struct engine *e, json_t *o)
{
	uint64_t now = log_now_ns();
	size_t waiting = 0;

	for (size_t i = 0; i < e->rt.n_retry; i++)
		if (e->rt.retry[i].next_ns > now)
			waiting++;
	json_object_set_new(o, "repaired", json_integer((json_int_t)e->rt.repaired));
	json_object_set_new(o, "refused", json_integer((json_int_t)e->rt.refused));
	json_object_set_new(o, "acks_lost", json_integer((json_int_t)e->rt.acks_lost));
	json_object_set_new(o, "coalesced", json_integer((json_int_t)e->rt.coalesced));
	json_object_set_new(o, "pvds_without_table",
			    json_integer((json_int_t)e->rt.installed.no_table));
	json_object_set_new(o, "pending", json_pack("{s:I,s:I,s:I}",
		"adds", (json_int_t)(e->rt.adding.n_routes + e->rt.adding.n_rules),
		"deletes", (json_int_t)(e->rt.deleting.n_routes + e->rt.deleting.n_rules),
		"backing_off", (json_int_t)waiting));
	engine_route_moves_json(e, o);
	json_object_set_new(o, "addrlabels", engine_addrlabel_totals_json(e));
}

/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/engine/engine_priv.h"
#include "common/rand.h"
#include "daemon/pvd/pvd_digest.h"
#include "daemon/routing/engine_addrlabel.h"
#include "daemon/pvd/pvd_json.h"

#define NS_PER_SEC 1000000000ull


const char *engine_drop_name(unsigned reason)
{
	switch (reason) {
	case ENGINE_DROP_HOP_LIMIT:
		return "hop-limit-not-255";
	case ENGINE_DROP_SOURCE:
		return "source-not-link-local";
	case ENGINE_DROP_SIZE:
		return "bad-size";
	default:
		return reason < RA_ERR__MAX ? ra_error_name(reason) : "unknown";
	}
}

int engine_send(struct engine *e, uint32_t type, const void *data, size_t len)
{
	int r = chan_send(e->ch, type, data, len);

	if (r < 0)
		log_err("engine: cannot send message %u to the kernel side: %s", type, strerror(-r));
	return r;
}

/* pvd_json extra: DHCP state, and with timers the last connectivity check
 * (its state alone is part of the PvD's own form). */
static json_t *engine_pvd_extra_json(void *ctx, const struct pvd *p, bool timers)
{
	struct engine *e = ctx;
	json_t *o = engine_dhcp_pvd_json(ctx, p, timers), *c;

	if (timers && o && (c = engine_conn_pvd_json(ctx, p)))
		json_object_set_new(o, "connectivity", c);
	/* Counters, so shown with the timers only (never published). */
	if (timers && o) {
		uint64_t bound = 0;

		json_object_set_new(o, "failovers", json_integer((json_int_t)p->failovers));
		for (uint32_t i = 0; i < e->binds.n; i++)
			if (e->binds.pvd[i].handle == p->handle)
				bound = e->binds.pvd[i].bound;
		json_object_set_new(o, "sockets_bound", json_integer((json_int_t)bound));
	}
	return o;
}

static void engine_json_ctx(struct engine *e, struct pvd_json_ctx *c, bool timers)
{
	c->view = &e->view;
	c->now = log_now_ns();
	c->timers = timers;
	c->own_addr = engine_slaac_owns;
	c->own_ctx = e;
	c->extra = engine_pvd_extra_json;
	c->extra_digest = engine_dhcp_pvd_digest;
}

void engine_emit(struct engine *e, enum engine_event ev, json_t *pvd)
{
	e->ctr.events++;
	if (e->cb)
		e->cb(e->cb_ctx, ev, pvd);
	json_decref(pvd);
}

/*
 * Publish p if its content changed since last published: its structural
 * digest is compared with the last one, and only a PvD that changed is
 * serialised, for the event that says so.
 */
static void engine_publish(struct engine *e, struct pvd *p)
{
	struct pvd_json_ctx c;
	struct hash2 d;
	bool added = !p->published;

	e->ctr.digests++;
	engine_json_ctx(e, &c, false);
	pvd_digest(p, &c, e->digest_seed, &d);
	if (p->published && hash2_equal(&d, &p->digest))
		return;
	p->digest = d;
	p->published = true;
	engine_json_ctx(e, &c, true);
	engine_emit(e, added ? ENGINE_PVD_ADDED : ENGINE_PVD_CHANGED, pvd_json(p, &c));
}

static void engine_arm_timer(struct engine *e, uint64_t next, uint64_t now)
{
	struct timeval tv;
	uint64_t d;

	if (next == PVD_NEVER) {
		evtimer_del(e->timer);
		return;
	}
	d = next > now ? next - now : 0;
	tv.tv_sec = (time_t)(d / NS_PER_SEC);
	tv.tv_usec = (suseconds_t)((d % NS_PER_SEC) / 1000) + 1;
	evtimer_add(e->timer, &tv);
}

/*
 * Expire, drop empty PvDs, publish what changed, then routing and the
 * stub. all: every PvD may have changed (links, addresses, DHCP, static
 * specs, timers), so each one's form is compared with what was published;
 * otherwise only PvDs marked dirty are (an RA changes the PvD it belongs
 * to, those it took items from and those on its interface, not the rest).
 */
static void engine_sync_pass(struct engine *e, bool all)
{
	uint64_t now = log_now_ns(), next = PVD_NEVER;
	struct pvd *p, *np;

	for (p = TAILQ_FIRST(&e->store.pvds); p; p = np) {
		np = TAILQ_NEXT(p, e);
		pvd_expire(p, now);
		if (pvd_is_empty(p)) {
			if (p->published)
				engine_emit(e, ENGINE_PVD_REMOVED, pvd_json_ref(p));
			pvd_destroy(&e->store, p);
			continue;
		}
		if (all || p->dirty || !p->published) {
			engine_publish(e, p);
			p->view_stale = true;
		}
		p->dirty = false;
		uint64_t t = pvd_next_expiry(p);

		if (t < next)
			next = t;
	}
	engine_arm_timer(e, next, now);
	engine_conn_sync(e);
	engine_route_sync(e);
	engine_net_publish(e);
	engine_bind_publish(e);
	engine_mob_publish(e);
	engine_dns_resolv_publish(e);
	if (e->sync_cb)
		e->sync_cb(e->sync_ctx);
}

void engine_sync(struct engine *e)
{
	engine_sync_pass(e, true);
}

void engine_sync_dirty(struct engine *e)
{
	engine_sync_pass(e, false);
}

static void engine_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	engine_sync(arg);
}

static void engine_on_link(struct engine *e, const struct ipc_msg *m, bool gone)
{
	const struct msg_link *ml = (const struct msg_link *)m->data;
	const struct view_link *l;

	if (ipc_expect(m, sizeof(*ml)) < 0) {
		e->ctr.ipc_errors++;
		return;
	}
	if (gone) {
		view_link_del(&e->view, ml->link.ifindex);
	} else if (view_link_set(&e->view, ml) < 0) {
		log_warn("too many links: ignoring %s", ml->link.name);
		return;
	}
	l = view_link(&e->view, ml->link.ifindex);
	/* A link that went down or away takes what it taught with it. */
	if (!l || !l->up) {
		pvd_forget_ifindex(&e->store, ml->link.ifindex);
		engine_slaac_release(e, ml->link.ifindex);
	}
	if (e->view.synced) {
		engine_static_link(e, ml->link.ifindex, ml->link.name, l != NULL);
		engine_rs_link(e, ml->link.ifindex);
	}
	engine_dhcp_link(e, ml->link.ifindex);
	engine_sync(e);
}

/*
 * An address came, went or changed state (DAD done, deprecated): only the
 * PvDs with a prefix around it on its interface show it, so only those are
 * compared with what was published; the routing plan and the views are
 * recomputed as after any change (a new address needs its RFC 8028 rule).
 */
static void engine_addr_changed(struct engine *e, const struct nl_addr *na)
{
	struct in6_addr a;
	struct pvd *p;

	nl_addr_key(na, &a);
	TAILQ_FOREACH(p, &e->store.pvds, e) {
		const struct pvd_prefix *x;

		TAILQ_FOREACH(x, &p->prefixes, e)
			if (x->ifindex == na->ifindex && addr_in_prefix(&a, &x->prefix, x->plen))
				p->dirty = true;
	}
	engine_sync_dirty(e);
}

static void engine_on_addr(struct engine *e, const struct ipc_msg *m, bool gone)
{
	const struct nl_addr *a = (const struct nl_addr *)m->data;
	int r;

	if (ipc_expect(m, sizeof(*a)) < 0) {
		e->ctr.ipc_errors++;
		return;
	}
	if (gone) {
		r = view_addr_del(&e->view, a);
		engine_slaac_forget(e, a->ifindex, a);
		engine_dhcp6_addr(e, a, true);
	} else {
		r = view_addr_set(&e->view, a);
		engine_slaac_addr_flags(e, a);
		engine_dhcp6_addr(e, a, false);
	}
	if (r > 0 && e->view.synced)
		engine_addr_changed(e, a);
}

static void engine_on_route(struct engine *e, const struct ipc_msg *m, bool gone)
{
	const struct nl_route *rt = (const struct nl_route *)m->data;

	if (ipc_expect(m, sizeof(*rt)) < 0) {
		e->ctr.ipc_errors++;
		return;
	}
	if (gone)
		view_route_del(&e->view, rt);
	else
		view_route_set(&e->view, rt);
	engine_route_kernel_route(e, rt, gone);
}

static void engine_on_kernel_error(struct engine *e, const struct ipc_msg *m)
{
	const struct msg_kernel_error *ke = (const struct msg_kernel_error *)m->data;

	if (ipc_expect(m, sizeof(*ke)) < 0) {
		e->ctr.ipc_errors++;
		return;
	}
	e->ctr.kernel_errors++;
}

static void engine_dispatch(struct engine *e, const struct ipc_msg *m)
{
	switch (m->hdr.type) {
	case MSG_LINK:
	case MSG_LINK_GONE:
		engine_on_link(e, m, m->hdr.type == MSG_LINK_GONE);
		break;
	case MSG_ADDR:
	case MSG_ADDR_GONE:
		engine_on_addr(e, m, m->hdr.type == MSG_ADDR_GONE);
		break;
	case MSG_ROUTE:
	case MSG_ROUTE_GONE:
		engine_on_route(e, m, m->hdr.type == MSG_ROUTE_GONE);
		break;
	case MSG_RA:
		engine_on_ra(e, m);
		break;
	case MSG_SYNC_DONE:
		if (!e->view.synced) {
			engine_route_start(e);
			engine_static_load(e);
			/* A restarted mifd asks at once (RFC 4861 6.3.7). */
			for (size_t i = 0; i < e->view.n_links; i++)
				engine_rs_link(e, e->view.links[i].link.ifindex);
		}
		e->view.synced = true;
		engine_sync(e);
		break;
	case MSG_KERNEL_ERROR:
		engine_on_kernel_error(e, m);
		break;
	case MSG_PVD_FILE:
		engine_static_msg(e, m);
		break;
	case MSG_LEASE:
	case MSG_SECRET:
		engine_lease_msg(e, m);
		break;
	case MSG_PVD_FILES_END:
		engine_static_end(e, m);
		break;
	case MSG_POLICY_FILE:
		engine_policy_msg(e, m);
		break;
	case MSG_POLICY_FILES_END:
		engine_policy_end(e, m);
		break;
	case MSG_PROC_INFO:
		if (ipc_expect(m, sizeof(e->parent)) < 0 ||
		    !memchr(m->data + offsetof(struct msg_proc_info, caps), '\0',
			    sizeof(e->parent.caps)))
			e->ctr.ipc_errors++;
		else
			memcpy(&e->parent, m->data, sizeof(e->parent));
		break;
	case MSG_BIND_STATS:
		if (ipc_expect(m, sizeof(e->binds)) < 0 ||
		    ((const struct msg_bind_stats *)m->data)->n > MSG_BIND_STATS_PVDS)
			e->ctr.ipc_errors++;
		else
			memcpy(&e->binds, m->data, sizeof(e->binds));
		break;
	case MSG_DHCP_RX:
	case MSG_ARP_RESULT:
		engine_dhcp_msg(e, m);
		break;
	case MSG_RULE:
	case MSG_RULE_GONE:
		if (ipc_expect(m, sizeof(struct nl_rule)) < 0)
			e->ctr.ipc_errors++;
		else if (m->hdr.type == MSG_RULE)
			view_rule_set(&e->view, (const struct nl_rule *)m->data);
		else
			view_rule_del(&e->view, (const struct nl_rule *)m->data);
		if (ipc_expect(m, sizeof(struct nl_rule)) == 0)
			engine_route_kernel_rule(e, (const struct nl_rule *)m->data,
						 m->hdr.type == MSG_RULE_GONE);
		break;
	case MSG_RT_LOOKUP_RESULT:
		engine_route_lookup_result(e, m);
		break;
	case MSG_RT_ACK:
		engine_route_ack(e, m);
		break;
	case MSG_LABEL:
		engine_addrlabel_kernel(e, m);
		break;
	case MSG_STEER_STATS:
		engine_steer_stats(e, m);
		break;
	case MSG_CHAN_STATS:
		if (ipc_expect(m, sizeof(e->kchan)) < 0)
			e->ctr.ipc_errors++;
		else
			memcpy(&e->kchan, m->data, sizeof(e->kchan));
		break;
	default:
		e->ctr.ipc_errors++;
		log_err("engine: unknown message type %u from the kernel side", m->hdr.type);
	}
}

static void engine_msg_cb(void *ctx, const struct ipc_msg *m)
{
	engine_dispatch(ctx, m);
}

/*
 * Back-pressure (issue 17): while more than CHAN_HIGH_WATER bytes of
 * requests wait for the kernel side, the engine reads nothing more from it
 * (the RAs that make the requests); the kernel side never stops reading
 * the engine, so this cannot deadlock, and its own queue then fills and
 * makes it stop reading its sockets in turn.
 */
static void engine_pressure_cb(void *ctx, bool over)
{
	struct engine *e = ctx;

	e->kchan_over = over;
	engine_pressure_update(e);
}

/* The same holds for the channel to the network-facing process (views,
 * answers, events), which never stops reading the engine. */
void engine_pressure_update(struct engine *e)
{
	if (e->ch)
		chan_pause_read(e->ch, e->kchan_over || e->net.over);
}

static void engine_close_cb(void *ctx)
{
	struct engine *e = ctx;

	log_err("engine: the kernel side closed its channel; stopping");
	event_base_loopexit(e->base, NULL);
}

struct engine *engine_new(struct event_base *base, int kernel_fd)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->base = base;
	pvd_store_init(&e->store);
	LIST_INIT(&e->slaac);
	LIST_INIT(&e->leases);
	e->drop_rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 1);
	e->started_ns = log_now_ns();
	snprintf(e->pvd_dir, sizeof(e->pvd_dir), "%s", MIF_SYSCONFDIR "/mif/pvd.d");
	route_cfg_defaults(&e->rt.cfg);
	{
		/* Marks of this run differ from the last mifd's (route_plan.h). */
		uint16_t seed[ROUTE_MAX_TABLES];

		rand_bytes(seed, sizeof(seed));
		route_tables_seed(&e->rt.tables, seed);
	}
	rand_bytes(&e->digest_seed, sizeof(e->digest_seed));
	e->static_errors = json_array();
	e->static_texts = json_array();
	e->net.fd = -1;
	e->ch = chan_new(base, kernel_fd, engine_msg_cb, engine_close_cb, e);
	e->timer = evtimer_new(base, engine_timer_cb, e);
	if (e->ch)
		chan_set_pressure_cb(e->ch, engine_pressure_cb, e);
	if (view_init(&e->view) < 0 || !e->ch || !e->timer || engine_rs_init(e) < 0 ||
	    engine_conn_init(e) < 0) {
		engine_free(e);
		return NULL;
	}
	return e;
}

void engine_free(struct engine *e)
{
	struct slaac_addr *s, *next;

	if (!e)
		return;
	engine_rs_free(e);
	/* Clients still running (the caller did not release them): freed,
	 * nothing sent. */
	engine_dhcp_stop_all(e, false);
	engine_lease_free(e);
	engine_conn_free(e);
	engine_policy_free(e);
	engine_net_free(e);
	chan_free(e->ch);
	if (e->timer)
		event_free(e->timer);
	pvd_store_clear(&e->store);
	/* The whole list goes: free each entry, then empty the head, rather
	 * than unlinking them one by one (gcc 12's -fanalyzer loses
	 * LIST_REMOVE's write through le_prev into the head and reports a
	 * double free). */
	for (s = LIST_FIRST(&e->slaac); s; s = next) {
		next = LIST_NEXT(s, e);
		free(s);
	}
	LIST_INIT(&e->slaac);
	view_free(&e->view);
	engine_route_free(e);
	engine_addrlabel_free(e);
	engine_route_get_free(e);
	engine_steer_free(e);
	json_decref(e->static_errors);
	json_decref(e->static_texts);
	chan_text_free(&e->static_text);
	free(e);
}

size_t engine_queued(const struct engine *e)
{
	return e->ch ? chan_queued(e->ch) : 0;
}

void engine_set_event_cb(struct engine *e, engine_event_cb cb, void *ctx)
{
	e->cb = cb;
	e->cb_ctx = ctx;
}


void engine_set_route_cfg(struct engine *e, const struct route_cfg *c)
{
	e->rt.cfg = *c;
}

void engine_set_route_reply(struct engine *e, engine_route_reply_fn cb, void *ctx)
{
	e->rt_reply = cb;
	e->rt_reply_ctx = ctx;
}

void engine_release_addresses(struct engine *e)
{
	engine_route_stop(e);
	engine_addrlabel_stop(e);
	engine_dhcp_stop_all(e, true);
	engine_slaac_release(e, 0);
}

const struct engine_counters *engine_counters(const struct engine *e)
{
	return &e->ctr;
}

json_t *engine_pvd_list_json(struct engine *e)
{
	struct pvd_json_ctx c;
	json_t *a = json_array();
	struct pvd *p;

	engine_json_ctx(e, &c, true);
	TAILQ_FOREACH(p, &e->store.pvds, e)
		if (p->published)
			json_array_append_new(a, pvd_json(p, &c));
	return a;
}

int engine_pvd_get_json(struct engine *e, const char *id, json_t **out)
{
	struct pvd_json_ctx c;
	struct pvd *p = pvd_find(&e->store, id);

	if (!p || !p->published)
		return -ENOENT;
	engine_json_ctx(e, &c, true);
	*out = pvd_json(p, &c);
	return *out ? 0 : -ENOMEM;
}

/* SPDX-License-Identifier: MIT */
/*
 * The network-facing process's view of the engine (netview.h). The engine
 * is trusted no more than any peer: every message has its exact size
 * checked, every string its terminator, and a view that arrives out of
 * order or malformed is dropped whole while the previous one stays.
 */
#include "daemon/control/netview.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/core/chan.h"
#include "daemon/core/msg.h"
#include "daemon/dns/dns_plan.h"

#define NETVIEW_MAX_PLANS MSG_VIEW_MAX_PLANS

struct nv_view {
	struct pvd_store store;
	uint64_t rank[2];
	struct dns_plan_pvd *plans;
	size_t n_plans;
	char search[1024];
};

struct netview {
	struct chan *ch;
	struct nv_view cur, next;
	bool building;               /* between MSG_VIEW_BEGIN and MSG_VIEW_END */
	uint64_t gen;
	struct pvd *last;            /* the PvD items attach to, in next */
	struct chan_text result, event;
	netview_sync_fn sync_cb;
	void *sync_ctx;
	netview_result_fn result_cb;
	void *result_ctx;
	netview_event_fn event_cb;
	void *event_ctx;
	netview_close_fn close_cb;
	void *close_ctx;
	uint64_t views, bad, calls;
	netview_probe_fn probe_cb;   /* MSG_PROBE_* (connectivity/probe_net.c) */
	netview_probe_fn steer_cb;   /* MSG_STEER_DONE (dns/stub_steer.c) */
	void *steer_ctx;
	void *probe_ctx;
};

static void nv_view_init(struct nv_view *v)
{
	pvd_store_init(&v->store);
	v->rank[0] = v->rank[1] = 0;
	v->n_plans = 0;
	v->search[0] = '\0';
}

static void nv_view_clear(struct nv_view *v)
{
	pvd_store_clear(&v->store);
	v->n_plans = 0;
	v->search[0] = '\0';
}

/* A peer's string: terminated within its field, or refused. */
static bool nv_str_ok(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static int nv_item(struct netview *nv, const struct msg_view_item *it)
{
	struct pvd *p = nv->last;

	if (!p || it->plen > 128 || !nv_str_ok(it->name, sizeof(it->name)))
		return -EBADMSG;
	switch (it->kind) {
	case MSG_VIEW_PREFIX:
		return pvd_add_prefix(p, p->origin, it->ifindex, &it->addr, it->plen, 0, PVD_NEVER);
	case MSG_VIEW_ROUTE:
		return pvd_add_route(p, p->origin, it->ifindex, &it->addr, it->plen, NULL, 0,
				     PVD_NEVER);
	case MSG_VIEW_DNS:
		return pvd_add_dns(p, p->origin, it->ifindex, &it->addr, 0, PVD_NEVER);
	case MSG_VIEW_DOMAIN: {
		int r = 0;

		if (it->sel > 1 || it->pref < -1 || it->pref > 1)
			return -EBADMSG;
		if (!pvd_has_domain(p, it->name))
			r = pvd_add_domain(p, p->origin, it->ifindex, it->name, 0, PVD_NEVER);
		if (r == 0 && it->sel)
			r = pvd_domain_select(p, it->name, &it->addr, it->pref);
		return r;
	}
	}
	return -EBADMSG;
}

static int nv_plan(struct netview *nv, const struct dns_plan_pvd *pl)
{
	if (pl->n_servers > DNS_PLAN_MAX_SERVERS || !nv_str_ok(pl->id, sizeof(pl->id)) ||
	    pl->pref64_plen > 128 || pl->n_tls > DNS_PLAN_MAX_TLS)
		return -EBADMSG;
	for (size_t i = 0; i < pl->n_tls; i++)
		if (!nv_str_ok(pl->tls[i].adn, sizeof(pl->tls[i].adn)))
			return -EBADMSG;
	if (nv->next.n_plans == NETVIEW_MAX_PLANS)
		return -ENOSPC;
	nv->next.plans[nv->next.n_plans++] = *pl;
	return 0;
}

/* MSG_VIEW_END: the new view replaces the old one, whole. */
static void nv_commit(struct netview *nv, const struct msg_view_end *end)
{
	struct dns_plan_pvd *plans = nv->cur.plans;

	nv->building = false;
	nv->last = NULL;
	if (end->gen != nv->gen || !nv_str_ok(end->search, sizeof(end->search))) {
		nv->bad++;
		nv_view_clear(&nv->next);
		return;
	}
	pvd_store_clear(&nv->cur.store);
	TAILQ_CONCAT(&nv->cur.store.pvds, &nv->next.store.pvds, e);
	nv->cur.store.count = nv->next.store.count;
	nv->next.store.count = 0;
	nv->cur.plans = nv->next.plans;
	nv->cur.n_plans = nv->next.n_plans;
	nv->next.plans = plans;
	nv->next.n_plans = 0;
	nv->cur.rank[0] = nv->next.rank[0];
	nv->cur.rank[1] = nv->next.rank[1];
	snprintf(nv->cur.search, sizeof(nv->cur.search), "%s", end->search);
	nv->views++;
	if (nv->sync_cb)
		nv->sync_cb(nv->sync_ctx);
}

static int nv_view_msg(struct netview *nv, const struct ipc_msg *m)
{
	const struct msg_view_pvd *vp;

	switch (m->hdr.type) {
	case MSG_VIEW_BEGIN: {
		const struct msg_view_begin *b = (const void *)m->data;

		if (ipc_expect(m, sizeof(*b)) < 0)
			return -EBADMSG;
		nv_view_clear(&nv->next);
		nv->next.rank[0] = b->rank[0];
		nv->next.rank[1] = b->rank[1];
		nv->gen = b->gen;
		nv->building = true;
		nv->last = NULL;
		return 0;
	}
	case MSG_VIEW_PVD:
		vp = (const void *)m->data;
		/* A handle names one PvD: never 0, never twice in a view. */
		if (!nv->building || ipc_expect(m, sizeof(*vp)) < 0 ||
		    !nv_str_ok(vp->id, sizeof(vp->id)) || !vp->id[0] || !vp->handle ||
		    vp->origin >= PVD_SRC__MAX || pvd_find_handle(&nv->next.store, vp->handle))
			return -EBADMSG;
		nv->last = pvd_create_copy(&nv->next.store, vp->handle, vp->id, vp->explicit_ != 0,
					   (enum pvd_source)vp->origin);
		return nv->last ? 0 : -ENOMEM;
	case MSG_VIEW_ITEM:
		if (!nv->building || ipc_expect(m, sizeof(struct msg_view_item)) < 0)
			return -EBADMSG;
		return nv_item(nv, (const void *)m->data);
	case MSG_VIEW_PLAN:
		if (!nv->building || ipc_expect(m, sizeof(struct dns_plan_pvd)) < 0)
			return -EBADMSG;
		return nv_plan(nv, (const void *)m->data);
	case MSG_VIEW_END:
		if (!nv->building || ipc_expect(m, sizeof(struct msg_view_end)) < 0)
			return -EBADMSG;
		nv_commit(nv, (const void *)m->data);
		return 0;
	}
	return -EBADMSG;
}

static void nv_result(struct netview *nv, const struct ipc_msg *m)
{
	struct msg_ctl_result r;
	const char *msg = NULL;
	json_t *j = NULL;

	if (chan_text_add(&nv->result, m, sizeof(r)) != 1)
		return;
	memcpy(&r, m->data, sizeof(r));
	if (r.error < -4095)             /* not an errno: the peer misbehaves */
		r.error = -EBADMSG;
	if (r.error < 0) {
		msg = nv->result.buf;
	} else if (!(j = json_loadb(nv->result.buf, nv->result.len, JSON_DECODE_ANY, NULL))) {
		nv->bad++;
		r.error = -EBADMSG;
		msg = "malformed answer from the engine";
	}
	if (nv->result_cb)
		nv->result_cb(nv->result_ctx, r.token, r.error, j, msg);
	else
		json_decref(j);
}

static void nv_event(struct netview *nv, const struct ipc_msg *m)
{
	struct msg_ctl_event ev;
	json_t *j;

	if (chan_text_add(&nv->event, m, sizeof(ev)) != 1)
		return;
	memcpy(&ev, m->data, sizeof(ev));
	j = json_loadb(nv->event.buf, nv->event.len, 0, NULL);
	if (!j) {
		nv->bad++;
		return;
	}
	if (nv->event_cb)
		nv->event_cb(nv->event_ctx, ev.event, j);
	json_decref(j);
}

static void nv_msg_cb(void *ctx, const struct ipc_msg *m)
{
	netview_take(ctx, m);
}

void netview_take(struct netview *nv, const struct ipc_msg *m)
{
	switch (m->hdr.type) {
	case MSG_CTL_RESULT:
		nv_result(nv, m);
		return;
	case MSG_CTL_EVENT:
		nv_event(nv, m);
		return;
	case MSG_STEER_DONE:
		if (nv->steer_cb)
			nv->steer_cb(nv->steer_ctx, m);
		return;
	case MSG_PROBE_START:
	case MSG_PROBE_FLUSH:
	case MSG_PVDINFO_FETCH:
	case MSG_QUALITY_START:
		if (nv->probe_cb)
			nv->probe_cb(nv->probe_ctx, m);
		return;
	default:
		if (nv_view_msg(nv, m) < 0) {
			/* Drop the view being built; the last whole one stays. */
			nv->bad++;
			nv->building = false;
			log_warn("netview: bad message %u from the engine; view dropped",
				 m->hdr.type);
		}
	}
}

static void nv_close_cb(void *ctx)
{
	struct netview *nv = ctx;

	if (nv->close_cb)
		nv->close_cb(nv->close_ctx);
}

struct netview *netview_new(struct event_base *base, int fd)
{
	struct netview *nv = calloc(1, sizeof(*nv));

	if (!nv)
		return NULL;
	nv_view_init(&nv->cur);
	nv_view_init(&nv->next);
	nv->cur.plans = calloc(NETVIEW_MAX_PLANS, sizeof(*nv->cur.plans));
	nv->next.plans = calloc(NETVIEW_MAX_PLANS, sizeof(*nv->next.plans));
	nv->ch = chan_new(base, fd, nv_msg_cb, nv_close_cb, nv);
	if (!nv->cur.plans || !nv->next.plans || !nv->ch) {
		netview_free(nv);
		return NULL;
	}
	return nv;
}

void netview_free(struct netview *nv)
{
	if (!nv)
		return;
	chan_free(nv->ch);
	nv_view_clear(&nv->cur);
	nv_view_clear(&nv->next);
	free(nv->cur.plans);
	free(nv->next.plans);
	chan_text_free(&nv->result);
	chan_text_free(&nv->event);
	free(nv);
}

void netview_set_sync_cb(struct netview *nv, netview_sync_fn cb, void *ctx)
{
	nv->sync_cb = cb;
	nv->sync_ctx = ctx;
}

void netview_set_result_cb(struct netview *nv, netview_result_fn cb, void *ctx)
{
	nv->result_cb = cb;
	nv->result_ctx = ctx;
}

void netview_set_event_cb(struct netview *nv, netview_event_fn cb, void *ctx)
{
	nv->event_cb = cb;
	nv->event_ctx = ctx;
}

void netview_set_steer_cb(struct netview *nv, netview_probe_fn cb, void *ctx)
{
	nv->steer_cb = cb;
	nv->steer_ctx = ctx;
}

void netview_set_probe_cb(struct netview *nv, netview_probe_fn cb, void *ctx)
{
	nv->probe_cb = cb;
	nv->probe_ctx = ctx;
}

int netview_send(struct netview *nv, uint32_t type, const void *data, size_t len)
{
	return chan_send(nv->ch, type, data, len);
}

size_t netview_queued(const struct netview *nv)
{
	return nv->ch ? chan_queued(nv->ch) : 0;
}

void netview_set_close_cb(struct netview *nv, netview_close_fn cb, void *ctx)
{
	nv->close_cb = cb;
	nv->close_ctx = ctx;
}

int netview_call(struct netview *nv, uint32_t token, unsigned method, uid_t uid,
		 json_t *params, int client_fd)
{
	struct msg_ctl_call c = { .token = token, .method = method, .uid = (uint32_t)uid };
	char *text = params ? json_dumps(params, JSON_COMPACT) : NULL;
	int r;

	if (params && !text)
		return -ENOMEM;
	r = chan_send_text_fd(nv->ch, MSG_CTL_CALL, &c, sizeof(c), text ? text : "",
			      text ? strlen(text) : 0, client_fd);
	free(text);
	if (r == 0)
		nv->calls++;
	return r;
}

const struct pvd_store *netview_store(const struct netview *nv)
{
	return &nv->cur.store;
}

void netview_dns_rank(const struct netview *nv, uint64_t rank[2])
{
	rank[0] = nv->cur.rank[0];
	rank[1] = nv->cur.rank[1];
}

int netview_dns_plan(const struct netview *nv, struct dns_plan_pvd *out, size_t cap, size_t *n)
{
	size_t k = nv->cur.n_plans < cap ? nv->cur.n_plans : cap;

	memcpy(out, nv->cur.plans, k * sizeof(*out));
	*n = k;
	return k < nv->cur.n_plans ? -ENOSPC : 0;
}

size_t netview_dns_search(const struct netview *nv, char *buf, size_t len)
{
	size_t l = strlen(nv->cur.search);

	if (!len || l >= len)
		return 0;
	memcpy(buf, nv->cur.search, l + 1);
	return l;
}

uint64_t netview_pvd_handle(const struct netview *nv, const char *id)
{
	const struct pvd *p = pvd_find(&nv->cur.store, id);

	return p ? p->handle : 0;
}

const char *netview_pvd_id(const struct netview *nv, uint64_t handle)
{
	const struct pvd *p = pvd_find_handle(&nv->cur.store, handle);

	return p ? p->id : "?";
}

json_t *netview_status_json(const struct netview *nv)
{
	return json_pack("{s:I,s:I,s:I,s:i}", "views", (json_int_t)nv->views,
			 "malformed", (json_int_t)(nv->bad + nv->result.dropped + nv->event.dropped),
			 "calls", (json_int_t)nv->calls, "pvds", (int)nv->cur.store.count);
}

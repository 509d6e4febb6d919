/* SPDX-License-Identifier: MIT */
/*
 * The engine's channel to the network-facing process (the DNS stub and
 * the control socket; control/netview.h is the other end). The engine sends
 * its view after every sync that changed it, and in full whenever a
 * network-facing process attaches (at start, and after the parent has
 * restarted a crashed one); it answers forwarded control requests
 * (control/engine_ctl.c) and publishes PvD events.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/hash.h"
#include "daemon/dns/dns_plan.h"
#include "daemon/engine/engine_priv.h"
#include "proto/ctlmsg.h"

/* One message of a view being built, in a flat buffer. */
struct en_rec {
	uint32_t type, len;
};

static int en_put(struct engine_net *n, uint32_t type, const void *data, size_t len)
{
	struct en_rec r = { type, (uint32_t)len };
	size_t need = n->len + sizeof(r) + len;

	if (need > n->cap) {
		size_t cap = need * 2;
		uint8_t *b = realloc(n->buf, cap);

		if (!b)
			return -ENOMEM;
		n->buf = b;
		n->cap = cap;
	}
	memcpy(n->buf + n->len, &r, sizeof(r));
	memcpy(n->buf + n->len + sizeof(r), data, len);
	n->len = need;
	return 0;
}

/* Records already encoded (a PvD's, from its cache). */
static int en_raw(struct engine_net *n, const uint8_t *rec, size_t len)
{
	if (n->len + len > n->cap) {
		size_t cap = (n->len + len) * 2;
		uint8_t *b = realloc(n->buf, cap);

		if (!b)
			return -ENOMEM;
		n->buf = b;
		n->cap = cap;
	}
	memcpy(n->buf + n->len, rec, len);
	n->len += len;
	return 0;
}

static int en_item(struct engine_net *n, uint32_t kind, int ifindex, const struct in6_addr *a,
		   uint8_t plen, const char *name)
{
	struct msg_view_item it;

	memset(&it, 0, sizeof(it));
	it.kind = kind;
	it.ifindex = ifindex;
	if (a)
		it.addr = *a;
	it.plen = plen;
	if (name)
		snprintf(it.name, sizeof(it.name), "%s", name);
	return en_put(n, MSG_VIEW_ITEM, &it, sizeof(it));
}

/* A domain, and with RFC 6731 data one item per server named for it (or
 * one without a server): the stub asks those first, and the preference
 * breaks ties between PvDs (dns_select.c). */
static int en_domain(struct engine_net *n, const struct pvd_domain *dm)
{
	struct msg_view_item it;
	int err = 0;

	if (!dm->has_sel)
		return en_item(n, MSG_VIEW_DOMAIN, dm->ifindex, NULL, 0, dm->name);
	memset(&it, 0, sizeof(it));
	it.kind = MSG_VIEW_DOMAIN;
	it.ifindex = dm->ifindex;
	it.sel = 1;
	it.pref = dm->pref;
	snprintf(it.name, sizeof(it.name), "%s", dm->name);
	for (size_t i = 0; i < dm->n_sel || (i == 0 && dm->n_sel == 0); i++) {
		if (dm->n_sel)
			it.addr = dm->sel_servers[i];
		err |= en_put(n, MSG_VIEW_ITEM, &it, sizeof(it));
	}
	return err;
}

/* What dns_select() reads of a PvD: its prefixes (reverse names), its
 * default routes (does a VPN carry Internet names), servers and domains. */
static int en_pvd(struct engine_net *n, const struct pvd *p)
{
	struct msg_view_pvd vp;
	const struct pvd_prefix *x;
	const struct pvd_route *r;
	const struct pvd_dns *d;
	const struct pvd_domain *dm;
	int err = 0;

	memset(&vp, 0, sizeof(vp));
	vp.handle = p->handle;
	vp.origin = p->origin;
	vp.explicit_ = p->explicit_;
	snprintf(vp.id, sizeof(vp.id), "%s", p->id);
	err |= en_put(n, MSG_VIEW_PVD, &vp, sizeof(vp));
	TAILQ_FOREACH(x, &p->prefixes, e)
		err |= en_item(n, MSG_VIEW_PREFIX, x->ifindex, &x->prefix, x->plen, NULL);
	TAILQ_FOREACH(r, &p->routes, e)
		if (r->plen == 0 || (IN6_IS_ADDR_V4MAPPED(&r->prefix) && r->plen == 96))
			err |= en_item(n, MSG_VIEW_ROUTE, r->ifindex, &r->prefix, r->plen, NULL);
	TAILQ_FOREACH(d, &p->dns, e)
		err |= en_item(n, MSG_VIEW_DNS, d->ifindex, &d->addr, 0, NULL);
	TAILQ_FOREACH(dm, &p->domains, e)
		err |= en_domain(n, dm);
	return err ? -ENOMEM : 0;
}

/* A PvD's records, from its cache unless it changed since (the RA's PvD,
 * not the 255 others): appended to the view, hash mixed into *h. */
static int en_pvd_cached(struct engine_net *n, struct pvd *p, uint64_t *h)
{
	size_t start = n->len;

	if (!p->view_rec || p->view_stale) {
		uint8_t *rec;

		if (en_pvd(n, p) < 0)
			return -ENOMEM;
		rec = realloc(p->view_rec, n->len - start);
		if (!rec)
			return 0;        /* sent, not cached: built again next time */
		memcpy(rec, n->buf + start, n->len - start);
		p->view_rec = rec;
		p->view_len = n->len - start;
		p->view_hash = hash_bytes(HASH_SEED, rec, p->view_len);
		p->view_stale = false;
	} else if (en_raw(n, p->view_rec, p->view_len) < 0) {
		return -ENOMEM;
	}
	*h = hash_mix(*h, p->view_hash);
	return 0;
}

/* Build the view and its hash (of everything but the generation, which
 * is written in when sent). */
static int en_build(struct engine *e, struct engine_net *n, struct msg_view_end *end,
		    uint64_t *h)
{
	struct msg_view_begin b = { 0 };
	struct dns_plan_pvd *plans = calloc(MSG_VIEW_MAX_PLANS, sizeof(*plans));
	struct pvd *p;
	size_t np = 0, mark;
	int err = 0;

	if (!plans)
		return -ENOMEM;
	n->len = 0;
	engine_dns_rank(e, b.rank);
	err |= en_put(n, MSG_VIEW_BEGIN, &b, sizeof(b));
	*h = hash_bytes(HASH_SEED, n->buf, n->len);
	TAILQ_FOREACH(p, &e->store.pvds, e)
		err |= en_pvd_cached(n, p, h);
	if (engine_dns_plan(e, plans, MSG_VIEW_MAX_PLANS, &np) < 0)
		log_warn("engine: more than %d PvDs with DNS servers: the stub uses the first",
			 MSG_VIEW_MAX_PLANS);
	mark = n->len;
	for (size_t i = 0; i < np; i++)
		err |= en_put(n, MSG_VIEW_PLAN, &plans[i], sizeof(plans[i]));
	free(plans);
	memset(end, 0, sizeof(*end));
	engine_dns_search(e, end->search, sizeof(end->search) - 128);
	err |= en_put(n, MSG_VIEW_END, end, sizeof(*end));
	if (!err)
		*h = hash_bytes(*h, n->buf + mark, n->len - mark);
	return err ? -ENOMEM : 0;
}

static void en_pub_cb(evutil_socket_t fd, short what, void *arg)
{
	engine_net_publish(arg);
}

/*
 * A view is the whole state: while an earlier one still waits in the
 * channel, the next is built EN_COALESCE_MS later, from the state as it is
 * then, rather than queued behind it (issue 17: fast churn queued a view
 * per RA and overflowed the channel).
 */
#define EN_COALESCE_MS 50

static bool en_defer(struct engine *e, struct engine_net *n)
{
	const struct timeval tv = { 0, EN_COALESCE_MS * 1000 };

	if (chan_queued(n->ch) == 0)
		return false;
	if (!n->pub_ev && !(n->pub_ev = evtimer_new(e->base, en_pub_cb, e)))
		return false;
	if (!evtimer_pending(n->pub_ev, NULL)) {
		n->views_coalesced++;
		evtimer_add(n->pub_ev, &tv);
	}
	return true;
}

static void en_pressure_cb(void *ctx, bool over)
{
	struct engine *e = ctx;

	e->net.over = over;
	engine_pressure_update(e);
}

void engine_net_publish(struct engine *e)
{
	struct engine_net *n = &e->net;
	struct msg_view_end end;
	uint64_t h;

	if (!n->ch || en_defer(e, n))
		return;
	if (en_build(e, n, &end, &h) < 0) {
		log_err("engine: out of memory building the view for the network-facing process");
		return;
	}
	if (n->sent_once && h == n->last_hash)
		return;
	n->gen++;
	for (size_t off = 0; off < n->len;) {
		struct en_rec r;
		uint8_t *d = n->buf + off + sizeof(r);

		memcpy(&r, n->buf + off, sizeof(r));
		/* Both begin and end start with the generation. */
		if (r.type == MSG_VIEW_BEGIN || r.type == MSG_VIEW_END)
			memcpy(d, &n->gen, sizeof(n->gen));
		if (chan_send(n->ch, r.type, d, r.len) < 0) {
			/* The peer drops an unfinished view; send it all next time. */
			n->sent_once = false;
			return;
		}
		off += sizeof(r) + r.len;
	}
	n->sent_once = true;
	n->last_hash = h;
	n->views++;
}

void engine_net_result(struct engine *e, uint32_t token, int err, json_t *result,
		       const char *msg)
{
	struct msg_ctl_result r = { .token = token, .error = err < 0 ? err : 0 };
	char *text = err < 0 ? NULL : json_dumps(result, JSON_COMPACT | JSON_ENCODE_ANY);

	json_decref(result);
	if (!e->net.ch || !token) {
		free(text);
		return;
	}
	if (err >= 0 && !text) {
		r.error = -ENOMEM;
		msg = "out of memory";
	}
	if (r.error < 0 && !msg)
		msg = "failed";
	if (chan_send_text(e->net.ch, MSG_CTL_RESULT, &r, sizeof(r), text ? text : msg,
			   strlen(text ? text : msg)) < 0)
		e->net.lost++;
	free(text);
}

static void en_event(void *ctx, enum engine_event ev, json_t *pvd)
{
	struct engine *e = ctx;
	struct msg_ctl_event m = { .event = (uint32_t)ev };
	char *text;

	if (!e->net.ch)
		return;
	text = json_dumps(pvd, JSON_COMPACT);
	if (!text || chan_send_text(e->net.ch, MSG_CTL_EVENT, &m, sizeof(m), text,
				    strlen(text)) < 0)
		e->net.lost++;
	free(text);
}

/* route.get answers with the engine's own token: give back the caller's. */
static void en_route_reply(void *ctx, uint32_t token, int err, json_t *result, const char *msg)
{
	struct engine *e = ctx;

	for (size_t i = 0; i < ENGINE_NET_ROUTE_SLOTS; i++) {
		if (e->net.route[i].ours == token && token) {
			uint32_t theirs = e->net.route[i].theirs;

			e->net.route[i].ours = 0;
			engine_net_result(e, theirs, err, result, msg);
			return;
		}
	}
	json_decref(result);
}

int engine_net_route_token(struct engine *e, uint32_t ours, uint32_t theirs)
{
	for (size_t i = 0; i < ENGINE_NET_ROUTE_SLOTS; i++) {
		if (!e->net.route[i].ours) {
			e->net.route[i].ours = ours;
			e->net.route[i].theirs = theirs;
			return 0;
		}
	}
	return -EBUSY;
}

/* The first piece of a call: who is at the other end of the client socket
 * that came with it (UINT32_MAX: no socket, so nobody we can vouch for). */
static void en_caller(struct engine *e, const struct ipc_msg *m, size_t hlen)
{
	struct chan_part p;
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (m->hdr.len < hlen + sizeof(p))
		return;
	memcpy(&p, m->data + hlen, sizeof(p));
	if (p.seq != 0)
		return;
	e->net.call_uid = UINT32_MAX;
	if (m->fd >= 0 && getsockopt(m->fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 &&
	    len == sizeof(cr))
		e->net.call_uid = (uint32_t)cr.uid;
}

static void en_msg_cb(void *ctx, const struct ipc_msg *m)
{
	struct engine *e = ctx;
	struct msg_ctl_call c;
	json_t *params = NULL;
	int r;

	if (m->hdr.type == MSG_PROBE_RESULT) {
		engine_conn_result(e, m);
		return;
	}
	if (m->hdr.type == MSG_PVDINFO_RESULT) {
		engine_pvdinfo_result(e, m);
		return;
	}
	if (m->hdr.type == MSG_QUALITY_RESULT) {
		engine_quality_result(e, m);
		return;
	}
	if (m->hdr.type == MSG_QUALITY_PASSIVE) {
		engine_quality_passive(e, m);
		return;
	}
	if (m->hdr.type == MSG_STEER_NOTE) {
		engine_steer_note(e, m);
		return;
	}
	if (m->hdr.type == MSG_PROBE_HINT) {
		engine_conn_hint(e, m);
		return;
	}
	if (m->hdr.type != MSG_CTL_CALL) {
		e->net.bad++;
		return;
	}
	en_caller(e, m, sizeof(c));
	r = chan_text_add(&e->net.call, m, sizeof(c));
	if (r < 0)
		e->net.bad++;
	if (r != 1)
		return;
	memcpy(&c, m->data, sizeof(c));
	if (e->net.call.len && !(params = json_loadb(e->net.call.buf, e->net.call.len, 0, NULL))) {
		e->net.bad++;
		engine_net_result(e, c.token, -EBADMSG, NULL, "malformed request");
		return;
	}
	if (c.method >= CTL__METHOD_MAX) {
		engine_net_result(e, c.token, -EOPNOTSUPP, NULL, "unknown method");
	} else if (ctlmsg_method_writes((enum ctl_method)c.method) && e->net.call_uid != 0) {
		e->net.refused++;
		engine_net_result(e, c.token, -EPERM, NULL, "permission denied: this request "
				  "changes mifd and needs root");
	} else {
		e->net.calls++;
		engine_ctl_call(e, c.token, c.method, e->net.call_uid == UINT32_MAX ?
				(uid_t)c.uid : (uid_t)e->net.call_uid, params);
	}
	json_decref(params);
}

static void en_close_cb(void *ctx)
{
	struct engine *e = ctx;

	/* The parent restarts the process and hands us a new channel. */
	log_warn("engine: the network-facing process went away");
	engine_net_detach(e);
}

void engine_net_detach(struct engine *e)
{
	if (!e->net.ch)
		return;
	chan_free(e->net.ch);
	e->net.ch = NULL;
	if (e->net.pub_ev)
		event_free(e->net.pub_ev);
	e->net.pub_ev = NULL;
	e->net.over = false;
	engine_pressure_update(e);
	close(e->net.fd);
	e->net.fd = -1;
	memset(e->net.route, 0, sizeof(e->net.route));
}

int engine_net_attach(struct engine *e, int fd)
{
	engine_net_detach(e);
	e->net.ch = chan_new(e->base, fd, en_msg_cb, en_close_cb, e);
	if (!e->net.ch)
		return -ENOMEM;
	chan_set_pressure_cb(e->net.ch, en_pressure_cb, e);
	e->net.fd = fd;
	e->net.sent_once = false;
	e->net.attached++;
	engine_set_event_cb(e, en_event, e);
	engine_set_route_reply(e, en_route_reply, e);
	engine_net_publish(e);
	return 0;
}

void engine_net_free(struct engine *e)
{
	engine_net_detach(e);
	chan_text_free(&e->net.call);
	free(e->net.buf);
	e->net.buf = NULL;
}

json_t *engine_net_status_json(const struct engine *e)
{
	return json_pack("{s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "attached", e->net.ch != NULL,
			 "views_coalesced", (json_int_t)e->net.views_coalesced,
			 "refused", (json_int_t)e->net.refused,
			 "attachments", (json_int_t)e->net.attached,
			 "views_sent", (json_int_t)e->net.views,
			 "calls", (json_int_t)e->net.calls,
			 "malformed", (json_int_t)(e->net.bad + e->net.call.dropped),
			 "lost", (json_int_t)e->net.lost);
}

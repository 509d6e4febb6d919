/* SPDX-License-Identifier: MIT */
/*
 * Connectivity checks, the engine's side (engine_conn.h): scheduling,
 * deadlines, and what a result does to the PvD. Runs in the engine.
 */
#include <errno.h>
#include <linux/if_addr.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/engine/engine_priv.h"
#include "daemon/connectivity/engine_conn.h"

#define NS 1000000000ull
#define MS 1000000ull

static struct engine_conn_pvd *ec_find(struct engine_conn *c, uint64_t handle)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].handle == handle)
			return &c->v[i];
	return NULL;
}

struct engine_conn_pvd *engine_conn_find(struct engine *e, uint64_t handle)
{
	return ec_find(&e->conn, handle);
}

static struct engine_conn_pvd *ec_add(struct engine_conn *c, uint64_t handle)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct engine_conn_pvd *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		c->v = v;
		c->cap = cap;
	}
	memset(&c->v[c->n], 0, sizeof(c->v[0]));
	c->v[c->n].handle = handle;
	return &c->v[c->n++];
}

/* Records of PvDs that left go; a check in flight for one frees its slot. */
static void ec_gc(struct engine *e)
{
	struct engine_conn *c = &e->conn;

	for (size_t i = 0; i < c->n;) {
		if (pvd_find_handle(&e->store, c->v[i].handle)) {
			i++;
			continue;
		}
		if (c->v[i].token)
			c->inflight--;
		c->v[i] = c->v[--c->n];
	}
}

/* The PvD's usable address of one family on ifindex, inside one of its
 * prefixes: preferred before deprecated, never tentative or duplicate. */
static bool ec_source(struct engine *e, const struct pvd *p, int ifindex, bool v4,
		      struct in6_addr *out)
{
	bool found = false;

	for (size_t i = 0; i < e->view.n_addrs; i++) {
		const struct nl_addr *na = &e->view.addrs[i];
		struct in6_addr a;

		if (na->ifindex != ifindex || (na->family == AF_INET) != v4 ||
		    (na->flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) ||
		    !pvd_prefix_holding(p, na, &a) || (!v4 && IN6_IS_ADDR_LINKLOCAL(&a)))
			continue;
		*out = a;
		found = true;
		if (!(na->flags & IFA_F_DEPRECATED))
			return true;
	}
	return found;
}

/* The servers a check may ask (those with a source of their family), in
 * the PvD's order, each family first taking up to half the places: the
 * round made again over IPv4 after a silent IPv6 (probe_net.c) needs an
 * IPv4 server although the PvD lists four IPv6 ones first. */
static void ec_dns_pick(const struct pvd *p, bool has6, bool has4, struct msg_probe_start *m)
{
	const struct pvd_dns *d;
	unsigned per[2] = { 0, 0 }, i;
	uint64_t taken = 0;

	for (int pass = 0; pass < 2; pass++) {
		i = 0;
		TAILQ_FOREACH(d, &p->dns, e) {
			bool v4 = IN6_IS_ADDR_V4MAPPED(&d->addr);
			uint64_t bit = i < 64 ? 1ull << i : 0;

			i++;
			if (m->n_dns == CONN_MAX_DNS)
				return;
			if ((v4 ? !has4 : !has6) || !bit || (taken & bit) ||
			    (pass == 0 && per[v4] >= CONN_MAX_DNS / 2))
				continue;
			taken |= bit;
			per[v4]++;
			m->dns[m->n_dns] = d->addr;
			m->dns_ifindex[m->n_dns++] = d->ifindex;
		}
	}
}

/* What a check of p goes through; false when it cannot run (*why set). */
bool engine_conn_inputs(struct engine *e, const struct pvd *p, struct msg_probe_start *m,
			const char **why)
{
	const struct pvd_router *r = TAILQ_FIRST(&p->routers);
	const struct pvd_prefix *x = TAILQ_FIRST(&p->prefixes);

	memset(m, 0, sizeof(*m));
	m->handle = p->handle;
	m->ifindex = r ? r->ifindex : p->bound_ifindex ? p->bound_ifindex : x ? x->ifindex : 0;
	if (!m->ifindex)
		return *why = "it has no interface", false;
	bool has6 = ec_source(e, p, m->ifindex, false, &m->src6);
	bool has4 = ec_source(e, p, m->ifindex, true, &m->src4);

	ec_dns_pick(p, has6, has4, m);
	if (p->captive_portal)
		snprintf(m->api_url, sizeof(m->api_url), "%s", p->captive_portal);
	if (!has6 && !has4)
		return *why = "it has no usable address to check from", false;
	if (!m->n_dns)
		return *why = "it has no DNS server reachable from its addresses", false;
	return true;
}

static void ec_hash_inputs(const struct msg_probe_start *m, const struct pvd *p,
			   struct hash2 *h)
{
	const struct pvd_router *r = TAILQ_FIRST(&p->routers);

	hash2_init(h, 0);
	hash2_u64(h, (uint64_t)(uint32_t)m->ifindex << 32 | m->n_dns);
	hash2_bytes(h, &m->src6, 16);
	hash2_bytes(h, &m->src4, 16);
	hash2_bytes(h, m->dns, sizeof(m->dns[0]) * m->n_dns);
	hash2_str(h, m->api_url);
	if (r)
		hash2_bytes(h, &r->addr, 16);
}

void engine_conn_set_state(struct engine *e, struct pvd *p, struct engine_conn_pvd *r,
			   enum conn_state s, const char *why)
{
	r->why = why;
	if (p->conn == s)
		return;
	log_info("connectivity: %s is %s (was %s): %s", p->id, conn_state_name(s),
		 conn_state_name((enum conn_state)p->conn), why);
	/* Portal case b of problem statement 4.1: what the portal's DNS said
	 * before login is not kept for after it. */
	if (p->conn == CONN_PORTAL && e->net.ch) {
		struct msg_probe_flush f = { .handle = p->handle };

		chan_send(e->net.ch, MSG_PROBE_FLUSH, &f, sizeof(f));
	}
	p->conn = (uint8_t)s;
	p->dirty = true;
	r->changed_ns = log_now_ns();
}

/* 1 s, 2 s, 4 s... up to the cap while not valid; interval_s once valid. */
static void ec_schedule(struct engine_conn *c, struct engine_conn_pvd *r, enum conn_state s,
			uint64_t now)
{
	uint64_t wait;

	if (s == CONN_VALID) {
		r->backoff_s = 0;
		wait = (uint64_t)c->cfg.interval_s * NS;
	} else {
		r->backoff_s = r->backoff_s ? r->backoff_s * 2 : 1;
		if (r->backoff_s > c->cfg.backoff_max_s)
			r->backoff_s = c->cfg.backoff_max_s;
		wait = (uint64_t)r->backoff_s * NS;
	}
	/* RFC 8908 section 5: look again before the session runs out. */
	if (s == CONN_VALID && r->last.api_seconds && r->last.api_seconds * NS / 2 < wait)
		wait = (uint64_t)r->last.api_seconds * NS / 2;
	r->next_at = now + wait;
}

static void ec_start(struct engine *e, struct pvd *p, struct engine_conn_pvd *r, uint64_t now)
{
	struct engine_conn *c = &e->conn;
	struct msg_probe_start m;
	const char *why;

	if (!engine_conn_inputs(e, p, &m, &why)) {
		/* A new network's address may still be tentative (DAD, about a
		 * second): that is not yet a failure. */
		if (p->conn <= CONN_VALIDATING && r->waits < ENGINE_CONN_ADDR_WAITS) {
			r->waits++;
			engine_conn_set_state(e, p, r, CONN_VALIDATING,
					      "waiting for a usable address or DNS server");
		} else {
			engine_conn_set_state(e, p, r, CONN_FAILED, why);
		}
		ec_schedule(c, r, CONN_FAILED, now);
		return;
	}
	ec_hash_inputs(&m, p, &r->inputs);
	r->has_inputs = true;
	if (!e->net.ch || c->inflight >= ENGINE_CONN_MAX_INFLIGHT) {
		c->unsent += !e->net.ch;
		r->next_at = now + NS;
		return;
	}
	m.token = ++c->next_token ? c->next_token : ++c->next_token;
	/* After a stall, an answer that takes longer than this is as good as
	 * none: the point is to move new connections within a second. */
	m.timeout_ms = r->stall && c->cfg.timeout_ms > ENGINE_CONN_STALL_MS ?
		       ENGINE_CONN_STALL_MS : c->cfg.timeout_ms;
	r->stall = false;
	if (chan_send(e->net.ch, MSG_PROBE_START, &m, sizeof(m)) < 0) {
		c->unsent++;
		r->next_at = now + NS;
		return;
	}
	r->token = m.token;
	/* Lookups, then requests, each within timeout_ms; twice when IPv6
	 * got no answer and IPv4 is tried (probe_net.c, pn_fallback). */
	r->deadline = now + (uint64_t)m.timeout_ms * MS * 5 + 2 * NS;
	r->checks++;
	c->inflight++;
	c->started++;
	if (p->conn == CONN_UNKNOWN)
		engine_conn_set_state(e, p, r, CONN_VALIDATING, "first check under way");
}

static void ec_arm(struct engine *e, uint64_t now)
{
	struct engine_conn *c = &e->conn;
	uint64_t next = UINT64_MAX;
	struct timeval tv;

	for (size_t i = 0; i < c->n; i++) {
		uint64_t t = c->v[i].token ? c->v[i].deadline : c->v[i].next_at;
		uint64_t ti = engine_pvdinfo_next(&c->v[i]);
		uint64_t tq = engine_quality_next(&c->v[i]);

		if (t < next)
			next = t;
		if (ti < next)
			next = ti;
		if (tq < next)
			next = tq;
	}
	if (next == UINT64_MAX) {
		evtimer_del(c->timer);
		return;
	}
	next = next > now ? next - now : 0;
	tv.tv_sec = (time_t)(next / NS);
	tv.tv_usec = (suseconds_t)(next % NS / 1000) + 1;
	evtimer_add(c->timer, &tv);
}

/* Lapse what is overdue, start what is due. */
static void ec_run(struct engine *e, uint64_t now)
{
	struct engine_conn *c = &e->conn;

	for (size_t i = 0; i < c->n; i++) {
		struct engine_conn_pvd *r = &c->v[i];
		struct pvd *p = pvd_find_handle(&e->store, r->handle);

		if (r->token && now >= r->deadline) {
			/* The network-facing process did not answer (restarted,
			 * or overloaded): the slot is freed, the state kept. */
			r->token = 0;
			r->lapsed++;
			c->lapsed++;
			c->inflight--;
			r->next_at = now + NS;
		}
		if (p && !r->token && now >= r->next_at)
			ec_start(e, p, r, now);
		if (p)
			engine_pvdinfo_run(e, p, r, now);
		if (p)
			engine_quality_run(e, p, r, now);
	}
}

static void ec_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;
	uint64_t now = log_now_ns();

	(void)fd;
	(void)what;
	ec_run(e, now);
	ec_arm(e, now);
	engine_sync_dirty(e);
}

void engine_conn_sync(struct engine *e)
{
	struct engine_conn *c = &e->conn;
	uint64_t now = log_now_ns();
	struct pvd *p;

	if (!c->cfg.enabled)
		return;
	ec_gc(e);
	TAILQ_FOREACH(p, &e->store.pvds, e) {
		struct engine_conn_pvd *r = ec_find(c, p->handle);
		struct msg_probe_start m;
		struct hash2 h;
		const char *why;

		if (!p->published)
			continue;
		if (!r && !(r = ec_add(c, p->handle)))
			continue;
		engine_pvdinfo_sync(e, p, r, now);
		if (!engine_conn_inputs(e, p, &m, &why)) {
			/* Nothing to check through yet: the first attempt says so
			 * now, later ones follow the back-off. */
			if (r->has_inputs) {            /* lost them: say so soon */
				r->has_inputs = false;
				r->backoff_s = 0;
				r->next_at = now;
			} else if (!r->waits && p->conn == CONN_UNKNOWN) {
				r->next_at = now;
			}
			continue;
		}
		ec_hash_inputs(&m, p, &h);
		/* Checked again at once when what it goes through changed. */
		if (!r->has_inputs || !hash2_equal(&h, &r->inputs)) {
			r->next_at = now;
			r->backoff_s = 0;
			/* Another path: its samples start afresh. */
			if (r->has_inputs) {
				memset(&r->q, 0, sizeof(r->q));
				r->q_next_at = now;
				r->q_backoff_s = 0;
			}
		}
	}
	ec_run(e, now);
	ec_arm(e, now);
}

static void ec_rtt(struct engine_conn_pvd *r, uint32_t ms)
{
	/* RFC 6298 section 2.3 weights: 7/8 of the old, 1/8 of the new. */
	r->srtt_ms = r->srtt_ms ? (r->srtt_ms * 7 + ms) / 8 : ms;
}

/* Something is due now (engine_pvdinfo.c dropped items): a sync soon. */
void engine_conn_arm_now(struct engine *e)
{
	struct timeval tv = { 0, 0 };

	evtimer_add(e->conn.timer, &tv);
}

void engine_conn_result(struct engine *e, const struct ipc_msg *m)
{
	struct engine_conn *c = &e->conn;
	struct msg_probe_result res;
	struct engine_conn_pvd *r;
	struct pvd *p;
	const char *why;
	enum conn_state s;
	uint64_t now = log_now_ns();

	if (ipc_expect(m, sizeof(res)) < 0) {
		c->bad++;
		return;
	}
	memcpy(&res, m->data, sizeof(res));
	r = ec_find(c, res.handle);
	if (!r || !r->token || r->token != res.token)
		return;              /* lapsed, or for a PvD that left */
	r->token = 0;
	c->inflight--;
	c->results++;
	res.r.location[sizeof(res.r.location) - 1] = '\0';
	res.r.api_portal_url[sizeof(res.r.api_portal_url) - 1] = '\0';
	r->last = res.r;
	r->has_result = true;
	r->result_ns = now;
	p = pvd_find_handle(&e->store, res.handle);
	if (!p)
		return;
	s = conn_classify(&res.r, &why);
	/* RFC 8801 section 4.3: the network says it gives no Internet. */
	if (r->info_state == INFO_OK && r->info.no_internet) {
		s = CONN_NO_INTERNET;
		why = "its RFC 8801 additional information says noInternet";
	}
	if (res.r.http_err == 0)
		ec_rtt(r, res.r.http_ms);
	r->probe_state = (uint8_t)s;
	r->probe_why = why;
	/* Issue 13 item 4: a path under the quality floor counts as failed. */
	if ((s == CONN_VALID || s == CONN_PARTIAL) && r->q.poor) {
		s = CONN_FAILED;
		why = "its path quality is under the configured floor (connectivity.quality)";
	}
	r->login[0] = '\0';
	if (s == CONN_PORTAL)
		snprintf(r->login, sizeof(r->login), "%s", res.r.api_portal_url[0] ?
			 res.r.api_portal_url : res.r.location[0] ? res.r.location :
			 c->cfg.http_url);
	engine_conn_set_state(e, p, r, s, why);
	ec_schedule(c, r, s, now);
	ec_arm(e, now);
	engine_sync_dirty(e);
}

void engine_conn_hint(struct engine *e, const struct ipc_msg *m)
{
	struct engine_conn *c = &e->conn;
	struct msg_probe_hint h;
	struct engine_conn_pvd *r;
	uint64_t now = log_now_ns();

	if (ipc_expect(m, sizeof(h)) < 0) {
		c->bad++;
		return;
	}
	memcpy(&h, m->data, sizeof(h));
	r = ec_find(c, h.handle);
	if (!c->cfg.enabled || !r || r->token || (r->has_result && now - r->result_ns < NS))
		return;
	c->hints++;
	r->stalls++;
	r->stall = true;
	r->next_at = now;
	ec_run(e, now);
	ec_arm(e, now);
	engine_sync_dirty(e);
}

static json_t *ec_err(int err, int code)
{
	if (err)
		return json_string(strerror(-err));
	return json_integer(code);
}

json_t *engine_conn_pvd_json(struct engine *e, const struct pvd *p)
{
	struct engine_conn_pvd *r = ec_find(&e->conn, p->handle);
	uint64_t now = log_now_ns();
	json_t *o;

	if (!e->conn.cfg.enabled)
		return NULL;
	o = json_pack("{s:s}", "state", conn_state_name((enum conn_state)p->conn));
	if (!r)
		return o;
	json_object_set_new(o, "why", r->why ? json_string(r->why) : json_null());
	json_object_set_new(o, "checking", json_boolean(r->token != 0));
	json_object_set_new(o, "checks", json_integer((json_int_t)r->checks));
	json_object_set_new(o, "stalls", json_integer((json_int_t)r->stalls));
	json_object_set_new(o, "next_check_in", json_integer(r->token || r->next_at <= now ? 0 :
			    (json_int_t)((r->next_at - now) / NS)));
	json_object_set_new(o, "login_url", r->login[0] ? json_string(r->login) : json_null());
	json_object_set_new(o, "pvd_info", engine_pvdinfo_json(r));
	json_object_set_new(o, "quality", engine_quality_json(e, r));
	if (!r->has_result)
		return o;
	json_object_set_new(o, "last", json_pack("{s:I,s:o,s:i,s:b,s:o,s:i,s:o,s:i,s:i}",
		"seconds_ago", (json_int_t)((now - r->result_ns) / NS),
		"dns", ec_err(r->last.dns_err, (int)r->last.dns_answers),
		"dns_ms", (int)r->last.dns_ms, "dns_hijack", r->last.dns_hijack != 0,
		"http", ec_err(r->last.http_err, r->last.http_code), "http_ms", (int)r->last.http_ms,
		"https", ec_err(r->last.https_err, r->last.https_code),
		"https_ms", (int)r->last.https_ms, "rtt_ms", (int)r->srtt_ms));
	if (r->last.api_err != -ENOENT)
		json_object_set_new(o, "portal_api", json_pack("{s:o,s:o,s:o,s:o,s:b}",
			"status", r->last.api_err ? json_string(strerror(-r->last.api_err)) :
				  json_string("ok"),
			"http_status", r->last.api_code ? json_integer(r->last.api_code) : json_null(),
			"captive", r->last.api_captive < 0 ? json_null() :
				   json_boolean(r->last.api_captive),
			"seconds_remaining", r->last.api_seconds ?
				json_integer(r->last.api_seconds) : json_null(),
			"can_extend_session", r->last.api_can_extend != 0));
	json_object_set_new(json_object_get(o, "last"), "family",
			    json_string(r->last.family == 4 ? "ipv4" : "ipv6"));
	if (r->last.v6_tried)
		json_object_set_new(json_object_get(o, "last"), "ipv6_failed",
			json_pack("{s:s,s:s,s:b}", "dns", r->last.v6_dns_err ?
				  strerror(-r->last.v6_dns_err) : "ok", "http",
				  r->last.v6_http_err ? strerror(-r->last.v6_http_err) : "ok",
				  "no_answer", r->last.v6_failed != 0));
	return o;
}

json_t *engine_conn_status_json(const struct engine *e)
{
	const struct engine_conn *c = &e->conn;

	json_t *o = json_pack("{s:b,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:i,s:I}", "enabled", c->cfg.enabled,
			      "http_url", c->cfg.http_url, "https_url", c->cfg.https_url,
			      "checks", (json_int_t)c->started, "results", (json_int_t)c->results,
			      "lapsed", (json_int_t)c->lapsed, "not_sent", (json_int_t)c->unsent,
			      "malformed", (json_int_t)c->bad, "in_flight", (int)c->inflight,
			      "stall_hints", (json_int_t)c->hints);

	if (o)
		json_object_set_new(o, "quality", json_pack("{s:i,s:i,s:i,s:i,s:I,s:I,s:I,s:I}",
			"interval", (int)c->cfg.quality_interval_s,
			"samples", (int)c->cfg.quality_samples,
			"max_loss_pct", (int)c->cfg.max_loss_pct, "max_rtt_ms", (int)c->cfg.max_rtt_ms,
			"rounds", (json_int_t)c->q_rounds, "results", (json_int_t)c->q_results,
			"lapsed", (json_int_t)c->q_lapsed, "passive_alarms", (json_int_t)c->q_alarms));
	return o;
}

int engine_conn_init(struct engine *e)
{
	conn_config_defaults(&e->conn.cfg);
	e->conn.cfg.enabled = false;     /* until the configuration says */
	e->conn.timer = evtimer_new(e->base, ec_timer_cb, e);
	return e->conn.timer ? 0 : -ENOMEM;
}

void engine_conn_free(struct engine *e)
{
	if (e->conn.timer)
		event_free(e->conn.timer);
	free(e->conn.v);
	memset(&e->conn, 0, sizeof(e->conn));
}

void engine_conn_set_config(struct engine *e, const struct conn_config *c)
{
	e->conn.cfg = *c;
	if (e->conn.cfg.backoff_max_s < 1)
		e->conn.cfg.backoff_max_s = 1;
}

/* SPDX-License-Identifier: MIT */
/*
 * Path quality, the engine's side (issue 13, item 4; quality.h): when to
 * sample a PvD, the moving statistics, and what falling under the floor
 * does. A PvD is sampled once its check says it is valid or partial: in
 * rounds back to back until the window is full (a new network is judged
 * within seconds) or while rounds lose samples, then every
 * quality_interval; while it is under the
 * floor, on the checks' back-off (1 s, 2 s, 4 s... capped) so that a
 * recovery is seen. A PvD under the floor is treated like a failed one
 * (problem statement 4.4 case 2): its state is failed, so it is not the
 * default for new connections, with the reason in its state's "why".
 * Each round is a typed message with a deadline; one that does not come
 * back frees its slot and is counted.
 */
#include <errno.h>
#include <string.h>

#include "daemon/engine/engine_priv.h"
#include "daemon/connectivity/engine_conn.h"

#define NS 1000000000ull
#define MS 1000000ull
#define EQ_GAP_MS 200                /* between the samples of a round */
#define EQ_SAMPLE_MS 1000            /* a sample's answer later than this is lost */
#define EQ_WARM_NS (1 * NS)          /* between rounds until the window is full */

static bool eq_checked_ok(const struct engine_conn_pvd *r)
{
	return r->has_result && (r->probe_state == CONN_VALID || r->probe_state == CONN_PARTIAL);
}

static const struct quality_floor *eq_floor(const struct engine *e, struct quality_floor *f)
{
	f->max_loss_pct = e->conn.cfg.max_loss_pct;
	f->max_rtt_ms = e->conn.cfg.max_rtt_ms;
	return f;
}

/* The state the last check and the quality verdict give together. */
void engine_quality_apply(struct engine *e, struct pvd *p, struct engine_conn_pvd *r)
{
	if (!eq_checked_ok(r))
		return;
	if (r->q.poor)
		engine_conn_set_state(e, p, r, CONN_FAILED,
				      "its path quality is under the configured floor "
				      "(connectivity.quality)");
	else
		engine_conn_set_state(e, p, r, (enum conn_state)r->probe_state, r->probe_why);
}

/* The next round after one ended (or could not start). */
static void eq_schedule(struct engine *e, struct engine_conn_pvd *r, uint64_t now)
{
	const struct conn_config *c = &e->conn.cfg;

	if (r->q.poor) {
		r->q_backoff_s = r->q_backoff_s ? r->q_backoff_s * 2 : 1;
		if (r->q_backoff_s > c->backoff_max_s)
			r->q_backoff_s = c->backoff_max_s;
		r->q_next_at = now + (uint64_t)r->q_backoff_s * NS;
		return;
	}
	r->q_backoff_s = 0;
	/* A window not yet full, or a round that lost a sample: look closer
	 * at once (a lossy path is judged within seconds, a clean one costs a
	 * round per interval). */
	r->q_next_at = now + (r->q.n_window < QUALITY_WINDOW || r->q_last_lost ? EQ_WARM_NS :
			      (uint64_t)c->quality_interval_s * NS);
}

uint64_t engine_quality_next(const struct engine_conn_pvd *r)
{
	if (r->q_token)
		return r->q_deadline;
	return r->q_armed ? r->q_next_at : UINT64_MAX;
}

void engine_quality_run(struct engine *e, struct pvd *p, struct engine_conn_pvd *r,
			uint64_t now)
{
	struct engine_conn *c = &e->conn;
	struct msg_quality_start m;
	const char *why;

	if (r->q_token && now >= r->q_deadline) {
		r->q_token = 0;
		c->q_lapsed++;
		r->q_next_at = now + NS;
	}
	r->q_armed = c->cfg.quality_interval_s && c->cfg.quality_samples && eq_checked_ok(r);
	if (!r->q_armed || r->q_token || now < r->q_next_at || !e->net.ch)
		return;
	memset(&m, 0, sizeof(m));
	if (!engine_conn_inputs(e, p, &m.in, &why)) {
		eq_schedule(e, r, now);
		return;
	}
	m.in.token = ++c->next_token ? c->next_token : ++c->next_token;
	m.in.timeout_ms = EQ_SAMPLE_MS;
	m.samples = c->cfg.quality_samples;
	m.gap_ms = EQ_GAP_MS;
	if (chan_send(e->net.ch, MSG_QUALITY_START, &m, sizeof(m)) < 0) {
		r->q_next_at = now + NS;
		return;
	}
	r->q_token = m.in.token;
	r->q_deadline = now + (uint64_t)m.samples * (EQ_SAMPLE_MS + EQ_GAP_MS) * MS + 2 * NS;
	c->q_rounds++;
}

void engine_quality_result(struct engine *e, const struct ipc_msg *m)
{
	struct engine_conn *c = &e->conn;
	struct msg_quality_result res;
	struct engine_conn_pvd *r;
	struct quality_floor f;
	struct pvd *p;
	uint64_t now = log_now_ns();
	bool was;

	if (ipc_expect(m, sizeof(res)) < 0) {
		c->bad++;
		return;
	}
	memcpy(&res, m->data, sizeof(res));
	r = engine_conn_find(e, res.handle);
	if (!r || !r->q_token || r->q_token != res.token)
		return;
	r->q_token = 0;
	c->q_results++;
	if (res.n > CONN_QUALITY_MAX_SAMPLES)
		res.n = CONN_QUALITY_MAX_SAMPLES;
	r->q_last_lost = 0;
	for (uint32_t i = 0; i < res.n; i++) {
		quality_sample(&r->q, res.lost_bits >> i & 1, res.rtt_us[i]);
		r->q_last_lost += res.lost_bits >> i & 1;
	}
	r->q_err = res.err;
	was = r->q.poor;
	quality_judge(&r->q, eq_floor(e, &f), &r->q_why);
	p = pvd_find_handle(&e->store, res.handle);
	if (p && was != r->q.poor) {
		log_info("connectivity: %s: path quality %s the floor: loss %u.%u %% over %u samples, "
			 "RTT %u ms", p->id, r->q.poor ? "under" : "back within",
			 quality_loss_pm(&r->q) / 10, quality_loss_pm(&r->q) % 10,
			 (unsigned)r->q.n_window, r->q.srtt_us / 1000);
		engine_quality_apply(e, p, r);
	}
	eq_schedule(e, r, now);
	engine_conn_arm_now(e);
	engine_sync_dirty(e);
}

void engine_quality_passive(struct engine *e, const struct ipc_msg *m)
{
	struct engine_conn *c = &e->conn;
	struct msg_quality_passive pm;
	struct engine_conn_pvd *r;
	struct quality_floor f;
	uint64_t now = log_now_ns();
	bool made;

	if (ipc_expect(m, sizeof(pm)) < 0) {
		c->bad++;
		return;
	}
	memcpy(&pm, m->data, sizeof(pm));
	r = engine_conn_find(e, pm.handle);
	if (!r)
		return;
	made = quality_passive(&r->q, &(struct quality_report){ .sockets = pm.sockets,
			.rtt_us = pm.rtt_us, .segs = pm.segs, .retrans = pm.retrans,
			.backoff = pm.backoff }, now);
	/* Traffic that loses more than the floor: sample now rather than at
	 * the next interval (at most one round a second, and only on a new
	 * figure). */
	if (made && r->q_armed && !r->q_token && quality_passive_alarm(&r->q, eq_floor(e, &f), now) &&
	    r->q_next_at > now + NS) {
		r->q_next_at = now;
		c->q_alarms++;
		engine_conn_arm_now(e);
	}
}

json_t *engine_quality_json(const struct engine *e, const struct engine_conn_pvd *r)
{
	uint64_t now = log_now_ns();
	uint32_t loss = quality_loss_pm(&r->q);
	bool fresh = quality_passive_fresh(&r->q, now);
	json_t *o = json_pack("{s:o,s:o,s:f,s:i,s:I,s:I,s:b,s:s}",
		"rtt_ms", r->q.srtt_us ? json_real(r->q.srtt_us / 1000.0) : json_null(),
		"rttvar_ms", r->q.srtt_us ? json_real(r->q.rttvar_us / 1000.0) : json_null(),
		"loss_pct", loss / 10.0, "window", (int)r->q.n_window,
		"samples", (json_int_t)r->q.samples, "lost", (json_int_t)r->q.lost,
		"under_floor", r->q.poor, "why", r->q_why ? r->q_why : "no samples yet");

	if (!o)
		return NULL;
	json_object_set_new(o, "sampling", json_boolean(r->q_token != 0));
	json_object_set_new(o, "next_round_in", r->q_armed && !r->q_token ?
			    json_integer(r->q_next_at > now ? (json_int_t)((r->q_next_at - now) / NS) : 0) :
			    json_null());
	if (r->q_err)
		json_object_set_new(o, "error", json_string(strerror(-r->q_err)));
	json_object_set_new(o, "passive", !fresh ? json_null() :
		json_pack("{s:i,s:i,s:f,s:f,s:I}", "sockets", (int)r->q.p_sockets,
			  "backoff", (int)r->q.p_backoff, "rtt_ms", r->q.p_rtt_us / 1000.0,
			  "retrans_pct", r->q.p_loss_pm / 10.0,
			  "seconds_ago", (json_int_t)((now - r->q.p_at_ns) / NS)));
	(void)e;
	return o;
}

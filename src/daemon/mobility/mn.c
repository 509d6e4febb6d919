/* SPDX-License-Identifier: MIT */
/* The mobile node's signalling and path choice (mn.h). */
#include <errno.h>
#include <string.h>

#include "common/addr.h"
#include "daemon/mobility/mn.h"
#include "daemon/mobility/mob_flow.h"

static bool mn_usable(const struct mn_path *p)
{
	return p->link_up && p->live.alive;
}

/* Sign m and wrap it HoA -> HA. */
static int mn_seal(struct mn_state *mn, struct mh_msg *m, uint64_t ts, uint8_t *out,
		   size_t cap, size_t *ret_len)
{
	uint8_t mh[2048];
	size_t len, off;
	int r;

	m->has_ts = true;
	m->ts = ts;
	m->has_auth = true;
	m->spi = mn->spi;
	memset(m->auth, 0, sizeof(m->auth));
	r = mh_build(m, mh, sizeof(mh), &len, &off);
	if (r == 0)
		r = mhtun_sign(mn->key, mn->key_len, mn->hoa.s6_addr, mn->ha.s6_addr, mh, off);
	if (r == 0)
		r = mhtun_build_signal(mn->hoa.s6_addr, mn->ha.s6_addr, mh, len, out, cap,
				       ret_len);
	return r;
}

int mn_build_bu(struct mn_state *mn, uint64_t ts, long long now_ms, uint8_t *out,
		size_t cap, size_t *ret_len)
{
	uint8_t flow_opts[MOB_FLOW_OPTS_MAX];
	struct mh_msg m;
	int r;

	memset(&m, 0, sizeof(m));
	/* Flow bindings ride in every BU that registers (RFC 6089 4.2). */
	if (mn->flows && mn->lifetime &&
	    mob_flow_bu_opts(mn->flows, flow_opts, sizeof(flow_opts), &m.extra_len) == 0)
		m.extra = flow_opts;
	m.type = MH_TYPE_BU;
	m.seq = (uint16_t)(mn->bu_seq + 1);
	m.flags = MH_BU_A | MH_BU_H | MH_BU_F;
	m.lifetime = mn->lifetime;
	for (size_t i = 0; i < mn->n_paths; i++) {
		const struct mn_path *p = &mn->paths[i];
		struct mh_bid *b = &m.bids[m.n_bids++];

		b->bid = p->bid;
		b->pri = mn_usable(p) ? p->pri : MN_PRI_DEAD;
		b->h = p->home;
		b->coa_family = p->coa_family;
		memcpy(b->coa, p->coa, sizeof(b->coa));
	}
	if (mn->has_hoa4) {
		m.has_v4hoa = true;
		memcpy(m.v4hoa, mn->hoa4, 4);
	}
	if (mn->fast_offer) {
		m.has_fast = true;
		m.fast_flags = MH_FAST_ZERO_CSUM;
	}
	r = mn_seal(mn, &m, ts, out, cap, ret_len);
	if (r < 0)
		return r;
	mn->bu_seq = m.seq;
	/* A retransmission doubles the timeout; a new BU starts it again. */
	if (mn->bu_pending && now_ms - mn->bu_sent_ms >= (long long)mn->bu_rtx_ms)
		mn->bu_rtx_ms = mn->bu_rtx_ms * 2 > 32000 ? 32000 : mn->bu_rtx_ms * 2;
	else
		mn->bu_rtx_ms = mn->registered_ms ? 1000 : 1500;
	mn->bu_pending = true;
	mn->bu_sent_ms = now_ms;
	mn->bu_sent++;
	return 0;
}

int mn_build_dereg(struct mn_state *mn, uint64_t ts, long long now_ms, uint8_t *out,
		   size_t cap, size_t *ret_len)
{
	uint16_t lifetime = mn->lifetime;
	int r;

	mn->lifetime = 0;
	r = mn_build_bu(mn, ts, now_ms, out, cap, ret_len);
	mn->lifetime = lifetime;
	if (r == 0)
		mn->registered_ms = 0;
	return r;
}

int mn_build_hb(struct mn_state *mn, size_t i, uint64_t ts, long long now_ms,
		uint8_t *out, size_t cap, size_t *ret_len)
{
	struct mh_msg m;
	int r;

	if (i >= mn->n_paths)
		return -EINVAL;
	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_HB;
	m.hb_seq = ++mn->hb_seq;
	m.n_bids = 1;
	m.bids[0].bid = mn->paths[i].bid;
	r = mn_seal(mn, &m, ts, out, cap, ret_len);
	if (r == 0)
		mhtun_live_sent(&mn->paths[i].live, m.hb_seq, now_ms, mn->hb_misses);
	return r;
}

static enum mn_action mn_ba(struct mn_state *mn, const struct mh_msg *m, long long now_ms)
{
	/* RFC 6275 9.5.1: status 135 carries the last sequence number the
	 * home agent accepted (a mobile node that started again, e.g. a
	 * restarted network-facing process, begins below it). Go on from
	 * there and register again at once: the BA is authenticated and
	 * fresh, so only the home agent could have sent it. */
	/* The agent's last may equal the number just sent (an earlier run
	 * used it, e.g. for its deregistration): go on from it all the same. */
	if (m->status == MH_ST_SEQ_OUT_OF_WINDOW && (m->seq != mn->bu_seq || mn->bu_pending)) {
		mn->bu_seq = m->seq;
		mn->bu_pending = false;
		mn->ba_refused++;
		return MN_REREGISTER;
	}
	if (m->seq != mn->bu_seq) {
		mn->drop_malformed++;   /* an answer to another BU */
		return MN_NONE;
	}
	mn->bu_pending = false;
	if (m->status >= 128) {
		mn->ba_refused++;
		return MN_NONE;
	}
	mn->ba_ok++;
	mn->registered_ms = now_ms;
	mn->ha_fast = m->has_fast && (m->fast_flags & MH_FAST_ZERO_CSUM);
	if (mn->has_hoa4) {
		/* No acknowledgement: a home agent without RFC 5555 support. */
		mn->hoa4_status = m->has_v4ack ? m->v4ack_status : 255;
		mn->hoa4_acked = m->has_v4ack && m->v4ack_status == MH_V4_ACCEPTED &&
				 !memcmp(m->v4ack, mn->hoa4, 4);
	}
	return MN_NONE;
}

static enum mn_action mn_hb(struct mn_state *mn, size_t i, const struct mh_msg *m,
			    uint64_t ntp_now, long long now_ms, uint8_t *out, size_t cap,
			    size_t *ret_len)
{
	struct mn_path *p = &mn->paths[i];
	struct mh_msg r;
	bool was = mn_usable(p);

	if (m->n_bids != 1 || m->bids[0].bid != p->bid) {
		mn->drop_malformed++;
		return MN_NONE;
	}
	if (mhtun_replay_check(m->ts, ntp_now, p->live.last_ts, mn->replay_window_s) < 0) {
		mn->drop_replay++;
		return MN_NONE;
	}
	p->live.last_ts = m->ts;
	if (m->flags & MH_HB_R) {
		mhtun_live_answer(&p->live, m->hb_seq, now_ms);
		/* A path back from the dead re-registers even when the uplink
		 * stays: the home agent holds it at BID-PRI 127 since the last
		 * BU (e.g. every path returns, one by one, after the home agent
		 * died and another took over its address and bindings). */
		if (was || !mn_usable(p))
			return MN_NONE;
		(void)mn_pick(mn);
		return MN_REREGISTER;
	}
	memset(&r, 0, sizeof(r));
	r.type = MH_TYPE_HB;
	r.flags = MH_HB_R;
	r.hb_seq = m->hb_seq;
	r.n_bids = 1;
	r.bids[0].bid = p->bid;
	return mn_seal(mn, &r, ntp_now, out, cap, ret_len) == 0 ? MN_REPLY : MN_NONE;
}

/* RFC 5142 section 6 (mobile node): register with the first address of
 * the list. An empty list asks for home agent discovery, which mif does
 * not have: ignored (counted). Heartbeat state belonged to the old agent:
 * each path starts again alive until the new one's heartbeats say not. */
static enum mn_action mn_has(struct mn_state *mn, const struct mh_msg *m)
{
	if (m->has_n == 0) {
		mn->ba_refused++;
		return MN_NONE;
	}
	memcpy(&mn->ha_next, m->has_addrs[0], 16);
	mn->ha_switches++;
	mn->registered_ms = 0;
	mn->bu_pending = false;
	for (size_t k = 0; k < mn->n_paths; k++) {
		mn->paths[k].live.alive = true;
		mn->paths[k].live.misses = 0;
		mn->paths[k].live.sent_ms = 0;
	}
	(void)mn_pick(mn);
	return MN_SWITCH;
}

bool mn_from_ha(struct mn_state *mn, size_t i, const struct sockaddr_storage *from,
		socklen_t from_len, const struct sockaddr_storage *ha, socklen_t ha_len)
{
	if (addr_sockaddr_same(from, from_len, ha, ha_len))
		return true;
	if (i < mn->n_paths && mn->paths[i].home && ha->ss_family == AF_INET6) {
		struct sockaddr_storage own = *ha;

		((struct sockaddr_in6 *)&own)->sin6_addr = mn->ha;
		if (addr_sockaddr_same(from, from_len, &own, ha_len))
			return true;
	}
	mn->drop_source++;
	return false;
}

enum mn_action mn_input(struct mn_state *mn, size_t i, const uint8_t *p, size_t len,
			uint64_t ntp_now, long long now_ms, uint8_t *out, size_t cap,
			size_t *ret_len)
{
	struct mhtun_pkt t;
	enum mn_action a;
	struct mh_msg m;

	if (i >= mn->n_paths || mhtun_parse(p, len, &t) < 0) {
		mn->drop_malformed++;
		return MN_NONE;
	}
	if (t.kind == MHTUN_DATA6) {
		if (memcmp(t.dst, &mn->hoa, 16) != 0) {
			mn->drop_malformed++;
			return MN_NONE;
		}
		mn->paths[i].rx_packets++;
		/* The second copy of an n-cast flow's packet (mh_dedup.h). */
		if (mn->flows && mob_flow_dup_in(mn->flows, p, len, now_ms))
			return MN_NONE;
		return MN_DATA;
	}
	if (t.kind == MHTUN_DATA4) {
		if (!mn->hoa4_acked || memcmp(t.dst, mn->hoa4, 4) != 0) {
			mn->drop_malformed++;
			return MN_NONE;
		}
		mn->paths[i].rx_packets++;
		if (mn->flows && mob_flow_dup_in(mn->flows, p, len, now_ms))
			return MN_NONE;
		return MN_DATA;
	}
	if (t.kind != MHTUN_SIGNAL || memcmp(t.src, &mn->ha, 16) != 0 ||
	    memcmp(t.dst, &mn->hoa, 16) != 0 || mh_parse(t.mh, t.mh_len, &m) < 0) {
		mn->drop_malformed++;
		return MN_NONE;
	}
	if (!m.has_ts || m.spi != mn->spi ||
	    mhtun_verify(mn->key, mn->key_len, t.src, t.dst, t.mh, t.mh_len, m.auth,
			 m.auth_covered, m.has_auth) < 0) {
		mn->drop_auth++;
		return MN_NONE;
	}
	if (m.type == MH_TYPE_BA || m.type == MH_TYPE_HAS) {
		if (mhtun_replay_check(m.ts, ntp_now, mn->ha_last_ts, mn->replay_window_s) < 0) {
			mn->drop_replay++;
			return MN_NONE;
		}
		mn->ha_last_ts = m.ts;
		if (m.type == MH_TYPE_HAS)
			return mn_has(mn, &m);
		a = mn_ba(mn, &m, now_ms);
		/* The home agent's answer for each flow of an accepted BU. */
		if (a == MN_NONE && mn->flows && m.status < 128 && m.seq == mn->bu_seq &&
		    mob_flow_ba(mn->flows, t.mh, t.mh_len))
			a = MN_REREGISTER;
		return a;
	}
	if (m.type == MH_TYPE_HB)
		return mn_hb(mn, i, &m, ntp_now, now_ms, out, cap, ret_len);
	mn->drop_malformed++;
	return MN_NONE;
}

bool mn_bu_due(const struct mn_state *mn, long long now_ms)
{
	if (mn->bu_pending)
		return now_ms - mn->bu_sent_ms >= (long long)mn->bu_rtx_ms;
	return now_ms - mn->bu_sent_ms >= (long long)mn->lifetime * 2000;
}

bool mn_hb_wanted(const struct mn_state *mn, size_t i)
{
	return i < mn->n_paths && mn->registered_ms != 0 && mn->paths[i].link_up;
}

bool mn_hb_due(const struct mn_state *mn, size_t i, long long now_ms, unsigned interval_ms)
{
	return mn_hb_wanted(mn, i) && now_ms >= mhtun_live_due_ms(&mn->paths[i].live, interval_ms);
}

bool mn_pick(struct mn_state *mn)
{
	int best = -1;

	for (size_t i = 0; i < mn->n_paths; i++) {
		const struct mn_path *p = &mn->paths[i];

		if (!mn_usable(p))
			continue;
		if (best < 0 || p->pri < mn->paths[best].pri ||
		    (p->pri == mn->paths[best].pri && p->bid < mn->paths[best].bid))
			best = (int)i;
	}
	if (best == mn->uplink)
		return false;
	mn->uplink = best;
	mn->switches++;
	return true;
}

/* SPDX-License-Identifier: MIT */
/* mif-had's packet paths: the tunnel's UDP socket and the TUN device. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "ha/ha.h"
#include "ha/ha_fast.h"
#include "ha/ha_nest.h"
#include "ha/ha_flow.h"
#include "ha/ha_store.h"
#include "ha/ha_v4.h"
#include "netlink/tunio.h"
#include "proto/mh.h"
#include "proto/mhtun.h"

static struct log_ratelimit ha_rl = LOG_RATELIMIT_INIT(10, 1);

static bool ha_same_peer(const struct sockaddr_in6 *a, const struct sockaddr_in6 *b)
{
	return a->sin6_port == b->sin6_port &&
	       IN6_ARE_ADDR_EQUAL(&a->sin6_addr, &b->sin6_addr);
}

/* One hash lookup per packet, whatever the number of mobile nodes. */
static struct ha_mn *ha_mn_by_hoa(struct ha_ctx *h, const uint8_t *a)
{
	return ha_index_find(&h->cfg->index, h->cfg->mns, a);
}

const struct in6_addr *ha_src_for(const struct ha_ctx *h, const struct ha_mn *mn,
				  const struct sockaddr_in6 *peer)
{
	const struct ha_store_config *st = &h->cfg->store;
	bool v4 = IN6_IS_ADDR_V4MAPPED(&peer->sin6_addr);

	if (v4 ? mn->has_local4 : mn->has_local6)
		return v4 ? &mn->local4 : &mn->local6;
	/* Not known yet (bindings loaded from the store at a takeover): the
	 * shared address the nodes are configured with, not whichever of
	 * this agent's addresses the kernel would pick (mn.h drops what
	 * does not come from the agent's endpoint). */
	if (st->has_active && IN6_IS_ADDR_V4MAPPED(&st->active) == v4)
		return &st->active;
	return NULL;
}

/* The address an authenticated, fresh message from mn was sent to (after
 * the replay check: a captured message replayed to another address of
 * this agent must not move it): from now on what goes to the node in that
 * family leaves from it. */
static void ha_note_local(struct ha_mn *mn, const struct in6_addr *local)
{
	if (!local)
		return;
	if (IN6_IS_ADDR_V4MAPPED(local)) {
		mn->local4 = *local;
		mn->has_local4 = true;
	} else {
		mn->local6 = *local;
		mn->has_local6 = true;
	}
}

/* sendto(), except toward the home address itself (a BID with the H flag,
 * ha_home.h): out of the home link, where the /128 route that intercepts
 * the address while the node is away would loop it into the tunnel. */
static ssize_t ha_sendto(struct ha_ctx *h, const struct ha_mn *mn, uint8_t *pkt,
			 size_t len, const struct sockaddr_in6 *peer)
{
	union {
		_Alignas(struct cmsghdr) char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cm;
	struct sockaddr_in6 to = *peer;
	struct iovec iov = { pkt, len };
	struct msghdr msg = { .msg_name = &to, .msg_namelen = sizeof(to),
		.msg_iov = &iov, .msg_iovlen = 1 };
	bool home = h->home_ifindex > 0 && memcmp(&peer->sin6_addr, &mn->hoa, 16) == 0;
	/* Toward the home link the kernel picks the source (an address of
	 * the home link, the node accepts it on a home path, mn.h): a source
	 * given with the interface would make the interface a hint only, and
	 * the /128 route would take the packet into the tunnel. */
	const struct in6_addr *src = home ? NULL : ha_src_for(h, mn, peer);

	if (!home && !src)
		return sendto(h->udp, pkt, len, MSG_DONTWAIT, (const struct sockaddr *)peer,
			      sizeof(*peer));
	memset(&cm, 0, sizeof(cm));
	msg.msg_control = cm.b;
	msg.msg_controllen = sizeof(cm.b);
	tunio_cmsg_pktinfo(CMSG_FIRSTHDR(&msg), src, home ? h->home_ifindex : 0);
	return sendmsg(h->udp, &msg, MSG_DONTWAIT);
}

/* Sign m for mn and send it HA -> HoA through the tunnel to peer. */
int ha_send_mh(struct ha_ctx *h, struct ha_mn *mn, struct mh_msg *m,
		      const struct sockaddr_in6 *peer)
{
	uint8_t mh[512], pkt[600];
	size_t len, plen, off;
	int r;

	m->has_ts = true;
	m->ts = clock_ntp_now();
	m->has_auth = true;
	m->spi = mn->spi;
	memset(m->auth, 0, sizeof(m->auth));
	r = mh_build(m, mh, sizeof(mh), &len, &off);
	if (r == 0)
		r = mhtun_sign(mn->key, mn->key_len, h->cfg->address.s6_addr,
			       mn->hoa.s6_addr, mh, off);
	if (r == 0)
		r = mhtun_build_signal(h->cfg->address.s6_addr, mn->hoa.s6_addr, mh, len,
				       pkt, sizeof(pkt), &plen);
	if (r < 0)
		return r;
	if (ha_sendto(h, mn, pkt, plen, peer) < 0)
		return -errno;
	h->n.udp_tx++;
	return 0;
}

/* Write mn's bindings to the store if they changed; a store that is down
 * leaves them dirty for the next tick (the home agent serves from memory). */
static bool ha_store_sync(struct ha_ctx *h, struct ha_mn *mn, long long now_ms)
{
	if (!h->store || !mn->store_dirty)
		return true;
	if (ha_store_put(h->store, mn, now_ms) < 0)
		return false;
	mn->store_dirty = false;
	return true;
}

/* A binding change: to the store now, or counted and retried each tick. */
static void ha_store_changed(struct ha_ctx *h, struct ha_mn *mn, long long now_ms)
{
	mn->store_dirty = true;
	if (!ha_store_sync(h, mn, now_ms))
		h->n.store_deferred++;
}

/* After each downlink choice: the home link's state and the kernel's
 * fast path follow it. */
static void ha_after_pick(struct ha_ctx *h, struct ha_mn *mn)
{
	if (h->home_sync)
		h->home_sync(h, mn);
	ha_fast_sync(h, mn);
}

void ha_set_active(struct ha_ctx *h, bool active, long long now_ms)
{
	if (active == h->active)
		return;
	h->active = active;
	if (active)
		h->n.takeovers++;
	/* Every node due at the next tick (heartbeats on loaded paths). */
	h->tick_cursor = 0;
	h->tick_round_ms = now_ms - h->cfg->hb_interval_ms;
	for (size_t i = 0; i < h->cfg->n_mns; i++) {
		struct ha_mn *mn = &h->cfg->mns[i];

		mn->n_paths = 0;
		mn->active = -1;
		mn->store_dirty = false;
		/* What the node reached belongs to the bindings gone with them
		 * (ha_src_for falls back to the shared address). */
		mn->has_local4 = mn->has_local6 = false;
		ha_flow_clear(mn);
	}
	if (active && h->store) {
		/* Pipelined: one round trip per 512 mobile nodes. */
		long r = ha_store_load_many(h->store, h->cfg->mns, h->cfg->n_mns, now_ms);

		if (r >= 0) {
			h->n.store_loaded += (uint64_t)r;
			log_info("bindings of %ld of %zu mobile node(s) from the store", r,
				 h->cfg->n_mns);
		} else {
			log_warn("bindings not loaded: %s", strerror((int)-r));
		}
	}
	for (size_t i = 0; h->fast && i < h->cfg->n_mns; i++)
		ha_fast_sync(h, &h->cfg->mns[i]);
	log_info("%s", active ? "active: serving the home prefix" : "standby");
}

static void ha_bu(struct ha_ctx *h, struct ha_mn *mn, const struct mh_msg *m,
		  const struct mhtun_pkt *t, const struct sockaddr_in6 *from,
		  const struct in6_addr *local, long long now_ms)
{
	uint8_t st, flow_ba[256];
	struct mh_msg ba;

	if (mhtun_replay_check(m->ts, clock_ntp_now(), mn->last_ts, h->cfg->replay_window_s) < 0) {
		h->n.drop_replay++;
		return;
	}
	mn->last_ts = m->ts;
	ha_note_local(mn, local);
	/* A home address as care-of address whose bindings lead back here:
	 * silently discarded (RFC 6275 9.5.1, analysis 6.3.1). */
	if (ha_nest_loop(h->cfg, mn, m, from)) {
		h->n.drop_loop++;
		if (log_ratelimit_ok(&ha_rl, NULL))
			log_warn("mn %s: binding update refused: its care-of address leads back "
				 "to its home address (a loop)", mn->name);
		return;
	}
	st = ha_cache_apply_bu(mn, m, from, now_ms, &ba);
	ha_v4_bu(h->cfg, mn, m, st, &ba);
	/* The fast path offer (mh_exp.h), answered with this agent's own. */
	if (st < 128)
		mn->fast_ok = m->has_fast && (m->fast_flags & MH_FAST_ZERO_CSUM);
	if (h->fast) {
		ba.has_fast = true;
		ba.fast_flags = MH_FAST_ZERO_CSUM;
	}
	/* Flow bindings (RFC 6089) of an accepted BU, answered in its BA. */
	if (st < 128 && ha_flow_apply(mn, t->mh, t->mh_len, m->seq, m->lifetime, flow_ba,
				      sizeof(flow_ba), &ba.extra_len) == 0)
		ba.extra = flow_ba;
	/* In the store before the BA: a mobile node told "accepted" finds
	 * its bindings on the next agent (unless the store was down). */
	ha_store_changed(h, mn, now_ms);
	ha_after_pick(h, mn);
	if (log_get_level() >= LOG_LVL_INFO)
		log_info("mn %s: binding update seq %u, %zu BID(s), status %u, %zu path(s)",
			 mn->name, m->seq, m->n_bids, st, mn->n_paths);
	if ((m->flags & MH_BU_A) && ha_send_mh(h, mn, &ba, from) == 0)
		h->n.ba_tx++;
}

static void ha_heartbeat(struct ha_ctx *h, struct ha_mn *mn, const struct mh_msg *m,
			 const struct sockaddr_in6 *from, const struct in6_addr *local,
			 long long now_ms)
{
	struct ha_path *p;
	struct mh_msg r;

	/* Each heartbeat names its path by one BID option (mif's use of the
	 * option space RFC 5847 5.1 leaves open). */
	if (m->n_bids != 1 || !(p = ha_cache_path(mn, m->bids[0].bid))) {
		h->n.drop_malformed++;
		return;
	}
	if (mhtun_replay_check(m->ts, clock_ntp_now(), p->live.last_ts, h->cfg->replay_window_s) < 0) {
		h->n.drop_replay++;
		return;
	}
	p->live.last_ts = m->ts;
	h->n.hb_rx++;
	ha_note_local(mn, local);
	/* An authenticated packet from a new endpoint: the NAT rebound. */
	if (!ha_same_peer(&p->peer, from)) {
		p->peer = *from;
		ha_store_changed(h, mn, now_ms);
	}
	if (m->flags & MH_HB_R) {
		mhtun_live_answer(&p->live, m->hb_seq, now_ms);
		if (ha_cache_pick(mn))
			log_info("mn %s: downlink on BID %u", mn->name,
				 mn->active >= 0 ? mn->paths[mn->active].bid : 0);
		if (h->home_sync)
			h->home_sync(h, mn);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.type = MH_TYPE_HB;
	r.flags = MH_HB_R;
	r.hb_seq = m->hb_seq;
	r.n_bids = 1;
	r.bids[0].bid = p->bid;
	if (ha_send_mh(h, mn, &r, from) == 0)
		h->n.hb_tx++;
}

static void ha_signal(struct ha_ctx *h, const struct mhtun_pkt *t,
		      const struct sockaddr_in6 *from, const struct in6_addr *local,
		      long long now_ms)
{
	struct ha_mn *mn;
	struct mh_msg m;

	if (memcmp(t->dst, &h->cfg->address, 16) != 0 || mh_parse(t->mh, t->mh_len, &m) < 0) {
		h->n.drop_malformed++;
		return;
	}
	mn = ha_mn_by_hoa(h, t->src);
	if (!mn) {
		h->n.drop_unknown_mn++;
		return;
	}
	/* Nothing unauthenticated is acted on, not even with an error. */
	if (!m.has_ts || m.spi != mn->spi ||
	    mhtun_verify(mn->key, mn->key_len, t->src, t->dst, t->mh, t->mh_len, m.auth,
			 m.auth_covered, m.has_auth) < 0) {
		h->n.drop_auth++;
		if (log_ratelimit_ok(&ha_rl, NULL))
			log_warn("mn %s: unauthenticated MH type %u dropped", mn->name, m.type);
		return;
	}
	if (m.type == MH_TYPE_BU)
		ha_bu(h, mn, &m, t, from, local, now_ms);
	else if (m.type == MH_TYPE_HB)
		ha_heartbeat(h, mn, &m, from, local, now_ms);
	else
		h->n.drop_malformed++;
}

bool ha_udp_input(struct ha_ctx *h, const uint8_t *p, size_t len,
		  const struct sockaddr_in6 *from, const struct in6_addr *local, long long now_ms)
{
	struct mhtun_pkt t;
	struct ha_mn *mn;

	h->n.udp_rx++;
	if (!h->active) {
		h->n.drop_passive++;
		return false;
	}
	if (mhtun_parse(p, len, &t) < 0) {
		h->n.drop_malformed++;
		return false;
	}
	if (t.kind == MHTUN_SIGNAL) {
		ha_signal(h, &t, from, local, now_ms);
		return false;
	}
	/* Data: accepted only from an endpoint registered for the home
	 * address it claims as source (the tunnel's ingress filter). */
	mn = t.kind == MHTUN_DATA6 ? ha_mn_by_hoa(h, t.src) : ha_v4_mn(h->cfg, t.src);
	for (size_t i = 0; mn && i < mn->n_paths; i++) {
		if (!ha_same_peer(&mn->paths[i].peer, from))
			continue;
		mn->paths[i].rx_packets++;
		/* The second copy of an n-cast flow's packet (mh_dedup.h). */
		return !(mn->flows && ha_flow_dup_in(mn, p, len, now_ms));
	}
	h->n.drop_spoofed++;
	return false;
}

struct ha_path *ha_tun_route(struct ha_ctx *h, const uint8_t *p, size_t len,
			     const struct in6_addr **ret_src)
{
	struct ha_path *fp;
	struct ha_mn *mn;

	h->n.tun_rx++;
	h->dup = NULL;
	h->dup_src = NULL;
	if (len >= 20 && p[0] >> 4 == 4)
		mn = ha_v4_mn(h->cfg, p + 16);  /* inner IPv4, RFC 5555 */
	else if (len >= 40 && p[0] >> 4 == 6)
		mn = ha_mn_by_hoa(h, p + 24);
	else
		mn = NULL;
	/* A node whose kernel decapsulates (the fast path, both ends) gets
	 * full inner checksums: no user space there to finish them. */
	h->route_complete = mn && mn->fast_ok && h->fast;
	/* A flow binding first (ha_flow.h); n-cast leaves its copy in h->dup. */
	if (mn && mn->flows && (fp = ha_flow_route(mn, p, len, &h->dup))) {
		if (h->dup)
			h->dup_src = ha_src_for(h, mn, &h->dup->peer);
		*ret_src = ha_src_for(h, mn, &fp->peer);
		return fp;
	}
	if (!mn || mn->active < 0) {
		h->n.drop_no_binding++;
		return NULL;
	}
	*ret_src = ha_src_for(h, mn, &mn->paths[mn->active].peer);
	return &mn->paths[mn->active];
}

/* One mobile node's share of a tick: expiry, store, heartbeats on every
 * path, downlink choice. */
static void ha_tick_mn(struct ha_ctx *h, struct ha_mn *mn, long long now_ms)
{
	size_t had = mn->n_paths;

	ha_cache_expire(mn, now_ms);
	if (mn->n_paths != had)
		ha_store_changed(h, mn, now_ms);
	else
		(void)ha_store_sync(h, mn, now_ms);
	for (size_t k = 0; k < mn->n_paths; k++) {
		struct ha_path *p = &mn->paths[k];
		struct mh_msg m;

		memset(&m, 0, sizeof(m));
		m.type = MH_TYPE_HB;
		m.hb_seq = ++h->hb_seq;
		m.n_bids = 1;
		m.bids[0].bid = p->bid;
		mhtun_live_sent(&p->live, m.hb_seq, now_ms, h->cfg->hb_misses);
		if (ha_send_mh(h, mn, &m, &p->peer) == 0)
			h->n.hb_tx++;
	}
	if (ha_cache_pick(mn))
		log_info("mn %s: downlink %s BID %u", mn->name,
			 mn->active >= 0 ? "on" : "lost, was",
			 mn->active >= 0 ? mn->paths[mn->active].bid : 0);
	ha_after_pick(h, mn);
}

/*
 * Each mobile node once per heartbeat interval, spread over it: the node
 * at position i of a round is due i / n of the interval after the round
 * began (issue 16 item 4: 100,000 signatures at once would stall the
 * packet loop for a third of a second every interval). The caller ticks
 * every HA_TICK_MS (mif-had.c); up to HA_TICK_SPREAD_MIN nodes all go at
 * the round's start, ticked once per interval as before.
 */
void ha_tick(struct ha_ctx *h, long long now_ms)
{
	long long iv = h->cfg->hb_interval_ms, due;
	size_t n = h->cfg->n_mns;

	if (!h->active)
		return;
	if (h->tick_cursor >= n && now_ms - h->tick_round_ms >= iv) {
		h->tick_cursor = 0;
		h->tick_round_ms = now_ms;
	}
	due = (now_ms - h->tick_round_ms) * (long long)n / iv + 1;
	if (due > (long long)n || n <= HA_TICK_SPREAD_MIN)
		due = (long long)n;
	for (; h->tick_cursor < (size_t)due; h->tick_cursor++)
		ha_tick_mn(h, &h->cfg->mns[h->tick_cursor], now_ms);
}

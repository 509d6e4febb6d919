/* SPDX-License-Identifier: MIT */
/* mif-had's kernel fast path: the bindings it carries (ha_fast.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ha/ha_fast.h"
#include "netlink/tunfast.h"

/* What is in the kernel for one mobile node, and the kernel's counts
 * already added to its paths' counters (bases). */
struct ha_fast_mn {
	bool out_on;
	uint16_t out_bid;
	struct tunfast_out out;
	uint64_t out_base;
	size_t n_in;
	struct {
		struct tunfast_in_key k;
		struct tunfast_in v;
		uint16_t bid;
		uint64_t base;
	} in[MH_MAX_BIDS];
};

/* A refused entry is tried again at the node's next tick: its warning
 * at most 10 times a second (a full map would say it every tick). */
static struct log_ratelimit ha_fast_rl = LOG_RATELIMIT_INIT(10, 1);

static bool ha_fast_v6(const struct sockaddr_in6 *a)
{
	return !IN6_IS_ADDR_V4MAPPED(&a->sin6_addr);
}

void ha_fast_open(struct ha_ctx *h, int tun_ifindex)
{
	struct if_nameindex *ifs;
	int r;

	if (!h->cfg->fast_path) {
		snprintf(h->fast_why, sizeof(h->fast_why), "off (fast_path = no)");
		return;
	}
	/* Each node's downlink entry and one per path (BID). */
	if ((r = tunfast_open(TUNFAST_HA, tun_ifindex, h->cfg->n_mns, MH_MAX_BIDS, &h->fast)) < 0) {
		snprintf(h->fast_why, sizeof(h->fast_why), "not loaded: %s", strerror(-r));
		log_warn("fast path %s: the tunnel's packets go through this process", h->fast_why);
		return;
	}
	/* The paths may arrive on any interface: all of them but lo and
	 * the tunnel, as they are at start. */
	ifs = if_nameindex();
	for (size_t i = 0; ifs && ifs[i].if_index; i++) {
		if ((int)ifs[i].if_index == tun_ifindex || strcmp(ifs[i].if_name, "lo") == 0)
			continue;
		if ((r = tunfast_uplink(h->fast, (int)ifs[i].if_index)) < 0)
			log_warn("fast path: not on %s: %s", ifs[i].if_name, strerror(-r));
	}
	if_freenameindex(ifs);
	h->fast_mn = calloc(h->cfg->n_mns ? h->cfg->n_mns : 1, sizeof(*h->fast_mn));
	if (!h->fast_mn) {
		tunfast_close(h->fast);
		h->fast = NULL;
		snprintf(h->fast_why, sizeof(h->fast_why), "not loaded: out of memory");
		return;
	}
	h->tun_ifindex = tun_ifindex;
	snprintf(h->fast_why, sizeof(h->fast_why), "on");
	log_info("fast path on: data packets of simple bindings stay in the kernel");
}

/* What a node without entries reads as its state. */
static const struct ha_fast_mn ha_fast_none;

static const struct ha_fast_mn *ha_fast_of(const struct ha_ctx *h, const struct ha_mn *mn)
{
	const struct ha_fast_mn *s = h->fast_mn[mn - h->cfg->mns];

	return s ? s : &ha_fast_none;
}

static struct ha_path *ha_fast_bid(struct ha_mn *mn, uint16_t bid)
{
	for (size_t i = 0; i < mn->n_paths; i++)
		if (mn->paths[i].bid == bid)
			return &mn->paths[i];
	return NULL;
}

/* The downlink entry mn asks for, or false for none. */
static bool ha_fast_want_out(const struct ha_ctx *h, const struct ha_mn *mn,
			     struct tunfast_out *o, uint16_t *ret_bid)
{
	const struct ha_path *p;

	/* The node must have offered it: it decapsulates in its kernel and
	 * takes checksum 0 (mh_exp.h). */
	if (!h->active || !mn->fast_ok || mn->active < 0 || mn->flows || !mn->has_local6)
		return false;
	p = &mn->paths[mn->active];
	if (p->home || !ha_fast_v6(&p->peer))
		return false;
	memset(o, 0, sizeof(*o));
	memcpy(o->src, &mn->local6, 16);
	memcpy(o->dst, &p->peer.sin6_addr, 16);
	o->sport = htons(h->cfg->port);
	o->dport = p->peer.sin6_port;
	*ret_bid = p->bid;
	return true;
}

static void ha_fast_sync_out(struct ha_ctx *h, struct ha_mn *mn, struct ha_fast_mn *s)
{
	struct tunfast_out want, now;
	uint16_t bid = 0;
	bool on = ha_fast_want_out(h, mn, &want, &bid);
	struct ha_path *old;
	int r;

	if (on == s->out_on && (!on || (bid == s->out_bid && memcmp(&want, &s->out, sizeof(want)) == 0)))
		return;
	/* Fold what the kernel carried on the old path into its counter. */
	if (s->out_on && tunfast_out_get(h->fast, mn->hoa.s6_addr, &now) == 0) {
		if ((old = ha_fast_bid(mn, s->out_bid)))
			old->tx_packets += now.packets - s->out_base;
		s->out_base = now.packets;
	}
	r = tunfast_out_set(h->fast, mn->hoa.s6_addr, on ? &want : NULL);
	if (!on || r < 0) {
		if (s->out_on && r < 0 && r != -ENOENT && log_ratelimit_ok(&ha_fast_rl, NULL))
			log_warn("mn %s: fast path entry not removed: %s", mn->name, strerror(-r));
		if (on && log_ratelimit_ok(&ha_fast_rl, NULL))
			log_warn("mn %s: fast path entry not set: %s", mn->name, strerror(-r));
		s->out_on = false;
		s->out_base = 0;
		return;
	}
	s->out_on = true;
	s->out_bid = bid;
	s->out = want;
}

/* The uplink entries mn asks for: one per IPv6 path. */
static size_t ha_fast_want_in(const struct ha_ctx *h, const struct ha_mn *mn,
			      struct tunfast_in_key *k, struct tunfast_in *v, uint16_t *bid)
{
	size_t n = 0;

	/* Only a node that offered it sends full inner checksums from its
	 * user space (what the kernel then delivers unchecked by anyone). */
	if (!h->active || !mn->fast_ok || mn->flows || !mn->has_local6)
		return 0;
	for (size_t i = 0; i < mn->n_paths; i++) {
		const struct ha_path *p = &mn->paths[i];

		if (p->home || !ha_fast_v6(&p->peer))
			continue;
		memset(&k[n], 0, sizeof(k[n]));
		memset(&v[n], 0, sizeof(v[n]));
		memcpy(k[n].src, &p->peer.sin6_addr, 16);
		memcpy(k[n].dst, &mn->local6, 16);
		k[n].sport = p->peer.sin6_port;
		k[n].dport = htons(h->cfg->port);
		memcpy(v[n].hoa6, &mn->hoa, 16);
		if (mn->hoa4_bound)
			memcpy(v[n].hoa4, &mn->hoa4, 4);
		v[n].tun_ifindex = (uint32_t)h->tun_ifindex;
		v[n].check = TUNFAST_CHECK_SRC;
		bid[n++] = p->bid;
	}
	return n;
}

static bool ha_fast_has_in(const struct tunfast_in_key *k, const struct tunfast_in *v,
			   const uint16_t *bid, size_t n, const struct tunfast_in_key *ek,
			   const struct tunfast_in *ev, uint16_t ebid)
{
	for (size_t i = 0; i < n; i++)
		if (bid[i] == ebid && !memcmp(&k[i], ek, sizeof(*ek)) && !memcmp(&v[i], ev, sizeof(*ev)))
			return true;
	return false;
}

static void ha_fast_sync_in(struct ha_ctx *h, struct ha_mn *mn, struct ha_fast_mn *s)
{
	struct tunfast_in_key k[MH_MAX_BIDS];
	struct tunfast_in v[MH_MAX_BIDS], now;
	uint16_t bid[MH_MAX_BIDS];
	size_t n = ha_fast_want_in(h, mn, k, v, bid), kept = 0;
	struct ha_path *p;
	int r;

	/* Entries no longer asked for: their counts go to their path. */
	for (size_t i = 0; i < s->n_in; i++) {
		if (ha_fast_has_in(k, v, bid, n, &s->in[i].k, &s->in[i].v, s->in[i].bid)) {
			s->in[kept++] = s->in[i];
			continue;
		}
		if (tunfast_in_get(h->fast, &s->in[i].k, &now) == 0 &&
		    (p = ha_fast_bid(mn, s->in[i].bid)))
			p->rx_packets += now.packets - s->in[i].base;
		(void)tunfast_in_set(h->fast, &s->in[i].k, NULL);
	}
	s->n_in = kept;
	for (size_t i = 0; i < n; i++) {
		bool have = false;

		for (size_t j = 0; j < s->n_in && !have; j++)
			have = s->in[j].bid == bid[i] && !memcmp(&s->in[j].k, &k[i], sizeof(k[i]));
		if (have || s->n_in == MH_MAX_BIDS)
			continue;
		if ((r = tunfast_in_set(h->fast, &k[i], &v[i])) < 0) {
			if (log_ratelimit_ok(&ha_fast_rl, NULL))
				log_warn("mn %s: fast path entry for BID %u not set: %s", mn->name,
					 bid[i], strerror(-r));
			continue;
		}
		s->in[s->n_in].k = k[i];
		s->in[s->n_in].v = v[i];
		s->in[s->n_in].bid = bid[i];
		s->in[s->n_in++].base = 0;
	}
}

void ha_fast_sync(struct ha_ctx *h, struct ha_mn *mn)
{
	struct ha_fast_mn **slot, *s;

	if (!h->fast)
		return;
	slot = &h->fast_mn[mn - h->cfg->mns];
	if (!(s = *slot)) {
		struct tunfast_in_key k[MH_MAX_BIDS];
		struct tunfast_in v[MH_MAX_BIDS];
		struct tunfast_out o;
		uint16_t bid[MH_MAX_BIDS], b;

		if (!ha_fast_want_out(h, mn, &o, &b) && ha_fast_want_in(h, mn, k, v, bid) == 0)
			return;
		/* Out of memory: the node stays on the user-space path. */
		if (!(s = calloc(1, sizeof(*s))))
			return;
		*slot = s;
	}
	ha_fast_sync_out(h, mn, s);
	ha_fast_sync_in(h, mn, s);
	if (!s->out_on && s->n_in == 0) {
		free(s);
		*slot = NULL;
	}
}

void ha_fast_path_counts(const struct ha_ctx *h, const struct ha_mn *mn, const struct ha_path *p,
			 uint64_t *ret_tx, uint64_t *ret_rx)
{
	const struct ha_fast_mn *s;
	struct tunfast_out o;
	struct tunfast_in in;

	*ret_tx = *ret_rx = 0;
	if (!h->fast)
		return;
	s = ha_fast_of(h, mn);
	if (s->out_on && s->out_bid == p->bid && tunfast_out_get(h->fast, mn->hoa.s6_addr, &o) == 0)
		*ret_tx = o.packets - s->out_base;
	for (size_t i = 0; i < s->n_in; i++)
		if (s->in[i].bid == p->bid && tunfast_in_get(h->fast, &s->in[i].k, &in) == 0)
			*ret_rx += in.packets - s->in[i].base;
}

json_t *ha_fast_status(const struct ha_ctx *h)
{
	return json_pack("{s:b, s:s}", "on", h->fast != NULL, "state", h->fast_why);
}

json_t *ha_fast_status_mn(const struct ha_ctx *h, const struct ha_mn *mn)
{
	const struct ha_fast_mn *s;
	struct tunfast_out o = { 0 };
	struct tunfast_in in;
	uint64_t rx = 0, rxb = 0;

	if (!h->fast)
		return NULL;
	s = ha_fast_of(h, mn);
	if (s->out_on)
		(void)tunfast_out_get(h->fast, mn->hoa.s6_addr, &o);
	for (size_t i = 0; i < s->n_in; i++)
		if (tunfast_in_get(h->fast, &s->in[i].k, &in) == 0) {
			rx += in.packets;
			rxb += in.bytes;
		}
	/* The counts are those of the entries in the kernel now: an entry
	 * replaced by another path's starts again from 0. */
	return json_pack("{s:b, s:b, s:I, s:I, s:I, s:I, s:I}", "node_offers", mn->fast_ok,
			 "downlink", s->out_on,
			 "uplink_paths", (json_int_t)s->n_in,
			 "tx_packets", (json_int_t)o.packets, "tx_bytes", (json_int_t)o.bytes,
			 "rx_packets", (json_int_t)rx, "rx_bytes", (json_int_t)rxb);
}

void ha_fast_close(struct ha_ctx *h)
{
	tunfast_close(h->fast);
	h->fast = NULL;
	for (size_t i = 0; h->fast_mn && i < h->cfg->n_mns; i++)
		free(h->fast_mn[i]);
	free(h->fast_mn);
	h->fast_mn = NULL;
}

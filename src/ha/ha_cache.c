/* SPDX-License-Identifier: MIT */
/* The home agent's binding cache (ha_cache.h). */
#include <arpa/inet.h>
#include <string.h>

#include "common/addr.h"
#include "ha/ha_cache.h"

struct ha_path *ha_cache_path(struct ha_mn *mn, uint16_t bid)
{
	for (size_t i = 0; i < mn->n_paths; i++)
		if (mn->paths[i].bid == bid)
			return &mn->paths[i];
	return NULL;
}

static void ha_cache_remove(struct ha_mn *mn, size_t i)
{
	mn->paths[i] = mn->paths[mn->n_paths - 1];
	mn->n_paths--;
	mn->active = -1;
}

/* RFC 6275 9.5.1: "greater than" modulo 2^16, within half the space. */
static bool ha_seq_newer(uint16_t s, uint16_t last)
{
	return s != last && (uint16_t)(s - last) < 0x8000u;
}

static void ha_peer_of(const struct mh_bid *b, const struct sockaddr_in6 *from,
		       struct sockaddr_in6 *ret)
{
	*ret = *from;
	if (b && b->coa_family == 6) {
		memcpy(&ret->sin6_addr, b->coa, 16);
	} else if (b && b->coa_family == 4) {
		memset(&ret->sin6_addr, 0, 16);
		ret->sin6_addr.s6_addr[10] = ret->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&ret->sin6_addr.s6_addr[12], b->coa, 4);
	}
}

/* Whether from, the BU's outer source, is the endpoint of a path of mn
 * other than p: the BU demonstrably travelled by another path. */
static bool ha_cache_came_by_other(const struct ha_mn *mn, const struct ha_path *p,
				   const struct sockaddr_in6 *from)
{
	for (size_t i = 0; i < mn->n_paths; i++) {
		const struct ha_path *o = &mn->paths[i];

		if (o != p && o->peer.sin6_port == from->sin6_port &&
		    IN6_ARE_ADDR_EQUAL(&o->peer.sin6_addr, &from->sin6_addr))
			return true;
	}
	return false;
}

static uint8_t ha_cache_bid(struct ha_mn *mn, const struct mh_bid *b, uint16_t lifetime,
			    const struct sockaddr_in6 *from, long long now_ms)
{
	struct ha_path *p = ha_cache_path(mn, b->bid);

	if (lifetime == 0) {
		if (!p)
			return MH_ST_NOT_HA_FOR_MN;     /* unknown BID (RFC 5648 6.3) */
		ha_cache_remove(mn, (size_t)(p - mn->paths));
		return MH_ST_ACCEPTED;
	}
	bool keep_peer = p && p->coa_family == b->coa_family && b->coa_family &&
			 memcmp(p->coa, b->coa, sizeof(p->coa)) == 0 &&
			 ha_cache_came_by_other(mn, p, from);

	if (!p) {
		if (mn->n_paths == MH_MAX_BIDS)
			return MH_ST_NO_RESOURCES;
		p = &mn->paths[mn->n_paths++];
		memset(p, 0, sizeof(*p));
		p->bid = b->bid;
		p->live.alive = true;   /* until its heartbeats say otherwise */
	}
	/* The BU's timestamp is a floor for the path's heartbeats: one
	 * captured before it cannot be replayed to move a path that was
	 * added or moved since (RFC 4285 5; ha_store_rec.c does the same). */
	if (!keep_peer && p->live.last_ts < mn->last_ts)
		p->live.last_ts = mn->last_ts;
	p->pri = b->pri;
	p->home = b->h;
	p->coa_family = b->coa_family;
	memcpy(p->coa, b->coa, sizeof(p->coa));
	/* A refresh naming the same care-of address, that travelled by
	 * another of the node's paths, keeps the endpoint this path's
	 * authenticated heartbeats taught (behind a NAT, the public address,
	 * RFC 5555 4.1): it would otherwise reset it to the private address
	 * it names, and the downlink on that BID would go nowhere until the
	 * next heartbeat. A BU that came by this path itself (a new socket,
	 * a NAT rebinding) sets it again. */
	if (!keep_peer)
		ha_peer_of(b, from, &p->peer);
	p->expires_ms = now_ms + (long long)lifetime * 4000;
	return MH_ST_ACCEPTED;
}

uint8_t ha_cache_apply_bu(struct ha_mn *mn, const struct mh_msg *bu,
			  const struct sockaddr_in6 *from, long long now_ms,
			  struct mh_msg *ba)
{
	memset(ba, 0, sizeof(*ba));
	ba->type = MH_TYPE_BA;
	ba->seq = bu->seq;
	ba->lifetime = bu->lifetime;
	ba->has_nat = true;     /* RFC 5555 3.1.1: UDP encapsulation always */
	ba->nat_f = true;
	ba->nat_refresh = 110;
	if (mn->has_seq && !ha_seq_newer(bu->seq, mn->last_seq)) {
		ba->status = MH_ST_SEQ_OUT_OF_WINDOW;
		ba->seq = mn->last_seq;
		mn->bu_rejected++;
		return ba->status;
	}
	mn->last_seq = bu->seq;
	mn->has_seq = true;
	if (bu->n_bids == 0) {
		struct mh_bid whole;
		bool had = mn->n_paths > 0;

		memset(&whole, 0, sizeof(whole));
		mn->n_paths = 0;
		mn->active = -1;
		/* RFC 6275 10.3.2: a deregistration of a node that had
		 * bindings is accepted; 133 only when there were none. */
		ba->status = bu->lifetime == 0 ? (had ? MH_ST_ACCEPTED : MH_ST_NOT_HA_FOR_MN) :
			     ha_cache_bid(mn, &whole, bu->lifetime, from, now_ms);
	}
	for (size_t i = 0; i < bu->n_bids; i++) {
		ba->bids[i] = bu->bids[i];
		ba->bids[i].coa_family = 0;
		ba->bids[i].status = ha_cache_bid(mn, &bu->bids[i], bu->lifetime, from, now_ms);
	}
	ba->n_bids = bu->n_bids;
	mn->bu_ok++;
	ha_cache_pick(mn);
	return ba->status;
}

bool ha_cache_pick(struct ha_mn *mn)
{
	int best = -1;

	for (size_t i = 0; i < mn->n_paths; i++) {
		const struct ha_path *p = &mn->paths[i];

		if (!p->live.alive)
			continue;
		if (best < 0 || p->pri < mn->paths[best].pri ||
		    (p->pri == mn->paths[best].pri && p->bid < mn->paths[best].bid))
			best = (int)i;
	}
	if (best == mn->active)
		return false;
	if (mn->active >= 0 || best >= 0)
		mn->switches++;
	mn->active = best;
	return true;
}

void ha_cache_expire(struct ha_mn *mn, long long now_ms)
{
	for (size_t i = mn->n_paths; i-- > 0;)
		if (mn->paths[i].expires_ms <= now_ms)
			ha_cache_remove(mn, i);
}

void ha_cache_coa_text(const struct ha_path *p, char *buf, size_t cap)
{
	struct in6_addr c;

	if (cap == 0)
		return;
	buf[0] = '\0';
	if (p->coa_family == 6) {
		memcpy(&c, p->coa, sizeof(c));
		addr_ntop(&c, buf, cap);
	} else if (p->coa_family == 4 && !inet_ntop(AF_INET, p->coa, buf, (socklen_t)cap)) {
		buf[0] = '\0';
	}
}

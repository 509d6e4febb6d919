/* SPDX-License-Identifier: MIT */
/* The home agent's flow bindings (ha_flow.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ha/ha_cache.h"
#include "ha/ha_flow.h"

static struct ha_flow *ha_flow_find(struct ha_flows *t, uint16_t fid)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->e[i].f.fid == fid)
			return &t->e[i];
	return NULL;
}

/* A path the downlink may use: alive, and not marked dead by the mobile
 * node (BID-PRI 127, mn.h). */
/* A home BID (H flag) is never a flow's tunnel: its peer is the home
 * address itself, which the agent intercepts into its own TUN device
 * while the node is away, so an encapsulated copy would come back in. */
static bool ha_flow_usable(const struct ha_path *p)
{
	return p && p->live.alive && p->pri < 127 && !p->home;
}

static void ha_flow_sort(struct ha_flows *t)
{
	for (size_t i = 1; i < t->n; i++)
		for (size_t k = i; k > 0 && t->e[k].f.fid_pri < t->e[k - 1].f.fid_pri; k--) {
			struct ha_flow x = t->e[k];

			t->e[k] = t->e[k - 1];
			t->e[k - 1] = x;
		}
}

/* Check one Flow Identification option against the table being built
 * (RFC 6089 4.2 statuses); on success apply it. */
static uint8_t ha_flow_one(struct ha_mn *mn, struct ha_flows *t, const struct mh_flows *all,
			   size_t idx, uint16_t seq)
{
	const struct mh_flow *in = &all->f[idx];
	struct ha_flow *e = ha_flow_find(t, in->fid);

	if (in->bad)
		return in->bad;
	for (size_t i = 0; i < idx; i++)
		if (all->f[i].fid == in->fid)
			return MH_FLOW_MALFORMED;       /* the same FID twice in one BU */
	/* A new FID needs a selector and BIDs; BIDs alone move a FID, which
	 * must exist (RFC 6089 4.2: FID not found). */
	if (!e && !in->has_ts)
		return MH_FLOW_FID_NOT_FOUND;
	if (!e && in->n_bids == 0)
		return MH_FLOW_MALFORMED;
	for (size_t i = 0; i < in->n_bids; i++)
		if (!ha_cache_path(mn, in->bids[i]))
			return MH_FLOW_BID_NOT_FOUND;
	/* FID-PRI orders the table: two flows with one priority would make
	 * the match order undefined, so the second is refused. */
	for (size_t i = 0; i < t->n; i++)
		if (&t->e[i] != e && t->e[i].f.fid_pri == in->fid_pri)
			return MH_FLOW_REJECTED;
	if (!e) {
		if (t->n == HA_FLOW_MAX)
			return MH_FLOW_REJECTED;
		e = &t->e[t->n++];
		memset(e, 0, sizeof(*e));
		e->f.fid = in->fid;
	}
	e->f.fid_pri = in->fid_pri;
	if (in->has_ts) {
		e->f.has_ts = true;
		e->f.ts = in->ts;
	}
	if (in->n_bids) {
		e->f.n_bids = in->n_bids;
		memcpy(e->f.bids, in->bids, sizeof(e->f.bids));
		e->f.has_weights = in->has_weights;
		memcpy(e->f.weights, in->weights, sizeof(e->f.weights));
	}
	e->since_seq = seq;
	return MH_FLOW_OK;
}

static void ha_flow_answer(struct mh_flows *ba, const struct mh_flow *in, uint8_t st,
			   struct ha_flow_counters *c)
{
	if (st == MH_FLOW_OK)
		c->accepted++;
	else if (st >= 128 && st <= 133)
		c->refused[st - 128]++;
	if (ba->n == MH_FLOW_MAX)
		return;
	memset(&ba->f[ba->n], 0, sizeof(ba->f[0]));
	ba->f[ba->n].fid = in->fid;
	ba->f[ba->n].fid_pri = in->fid_pri;
	ba->f[ba->n].status = st;
	ba->n++;
}

static bool ha_flow_named(const struct mh_flows *in, uint16_t fid)
{
	for (size_t i = 0; i < in->n; i++)
		if (in->f[i].fid == fid)
			return true;
	for (size_t i = 0; i < in->n_summary; i++)
		if (in->summary[i] == fid)
			return true;
	return false;
}

/* Drop the flows neither named nor summarised (RFC 6089: a BU refreshes
 * the flow bindings it carries; the others go), before the options are
 * applied, so a new flow may take the FID-PRI of one the BU drops. A
 * named flow whose change is refused keeps its old binding. */
static void ha_flow_prune(struct ha_flows *t, const struct mh_flows *in)
{
	size_t k = 0;

	for (size_t i = 0; i < t->n; i++) {
		if (ha_flow_named(in, t->e[i].f.fid))
			t->e[k++] = t->e[i];
		else
			t->c.removed++;
	}
	t->n = k;
}

/* A deregistration (RFC 6089 5.2: flow bindings go with the bindings they
 * refer to): a flow naming a BID the BU removed goes; the flows of BIDs
 * still registered stay. A BU that removed every BID removes every flow. */
static void ha_flow_drop_gone(struct ha_mn *mn, struct ha_flows *t)
{
	size_t k = 0;

	for (size_t i = 0; i < t->n; i++) {
		bool keep = mn->n_paths > 0;

		for (size_t j = 0; keep && j < t->e[i].f.n_bids; j++)
			keep = ha_cache_path(mn, t->e[i].f.bids[j]) != NULL;
		if (keep)
			t->e[k++] = t->e[i];
		else
			t->c.removed++;
	}
	t->n = k;
}

int ha_flow_apply(struct ha_mn *mn, const uint8_t *mh, size_t len, uint16_t seq,
		  uint16_t lifetime, uint8_t *out, size_t cap, size_t *ret_len)
{
	struct ha_flows *t = mn->flows;
	struct mh_flows in, ba;
	int r;

	r = mh_flow_parse(mh, len, &in);
	if (!t && (r < 0 || in.n || in.has_summary)) {
		t = calloc(1, sizeof(*t));
		if (!t)
			return -ENOMEM;
		mn->flows = t;
	}
	*ret_len = 0;
	if (!t)
		return 0;
	if (r < 0) {
		t->c.bad_options++;
		return 0;               /* the table stays as it was */
	}
	if (lifetime == 0) {
		ha_flow_drop_gone(mn, t);
		return 0;
	}
	memset(&ba, 0, sizeof(ba));
	for (size_t i = 0; i < in.n_summary; i++) {
		struct mh_flow unknown = { .fid = in.summary[i] };

		if (!ha_flow_find(t, in.summary[i]))
			ha_flow_answer(&ba, &unknown, MH_FLOW_FID_NOT_FOUND, &t->c);
	}
	ha_flow_prune(t, &in);
	for (size_t i = 0; i < in.n; i++)
		ha_flow_answer(&ba, &in.f[i], ha_flow_one(mn, t, &in, i, seq), &t->c);
	ha_flow_sort(t);
	return ba.n ? mh_flow_build(&ba, out, cap, ret_len) : 0;
}

struct ha_path *ha_flow_route(struct ha_mn *mn, const uint8_t *p, size_t len,
			      struct ha_path **ret_dup)
{
	struct ha_flows *t = mn->flows;
	struct mh_pkt_key k;

	if (!t || t->n == 0 || mh_pkt_key(p, len, &k) < 0)
		return NULL;
	for (size_t i = 0; i < t->n; i++) {
		struct ha_flow *e = &t->e[i];
		struct ha_path *paths[MH_FLOW_MAX_BIDS];
		bool usable[MH_FLOW_MAX_BIDS];
		size_t nu = 0;
		int pick = -1;

		if (!mh_ts_match(&e->f.ts, &k, true))
			continue;
		for (size_t b = 0; b < e->f.n_bids; b++) {
			paths[b] = ha_cache_path(mn, e->f.bids[b]);
			usable[b] = ha_flow_usable(paths[b]);
			nu += usable[b];
			if (usable[b] && pick < 0)
				pick = (int)b;
		}
		if (nu == 0) {
			e->why = "its BIDs are down: default downlink";
			return NULL;
		}
		e->packets++;
		if (e->f.has_weights) {
			pick = mh_flow_weighted(&e->f, mh_pkt_flow_hash(&k), usable);
			e->why = "load sharing by weight";
		} else if (e->f.n_bids > 1) {
			e->why = nu > 1 ? "n-cast" : "n-cast, one BID left";
			for (size_t b = (size_t)pick + 1; ret_dup && b < e->f.n_bids; b++)
				if (usable[b]) {
					*ret_dup = paths[b];
					e->dups_sent++;
					break;
				}
		} else {
			e->why = "flow binding";
		}
		e->last_bid = e->f.bids[pick];
		e->by_bid[pick]++;
		return paths[pick];
	}
	return NULL;
}

bool ha_flow_dup_in(struct ha_mn *mn, const uint8_t *p, size_t len, long long now_ms)
{
	struct ha_flows *t = mn->flows;
	struct mh_pkt_key k;

	if (!t || t->n == 0 || mh_pkt_key(p, len, &k) < 0)
		return false;
	for (size_t i = 0; i < t->n; i++) {
		const struct ha_flow *e = &t->e[i];

		if (!mh_ts_match(&e->f.ts, &k, false))
			continue;
		if (e->f.n_bids < 2 || e->f.has_weights)
			return false;
		if (!t->dedup) {
			struct mh_dedup *d = calloc(1, sizeof(*d));

			if (!d)
				return false;   /* no memory: delivered, as a copy may be */
			t->dedup = d;
		}
		if (!mh_dedup_seen(t->dedup, p, len, now_ms))
			return false;
		t->c.dup_dropped++;
		return true;
	}
	return false;
}

void ha_flow_clear(struct ha_mn *mn)
{
	if (mn->flows)
		mn->flows->n = 0;
}

void ha_flow_free(struct ha_mn *mn)
{
	if (!mn->flows)
		return;
	free(mn->flows->dedup);
	free(mn->flows);
	mn->flows = NULL;
}

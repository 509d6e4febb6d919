/* SPDX-License-Identifier: MIT */
/* The flow bindings in mif-had's status (ha_flow.h): for each flow its
 * selector, its BIDs, the BID its last packet took and why. */
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "ha/ha_cache.h"
#include "ha/ha_flow.h"
#include "ha/ha_flow_status.h"

/* The selector in a short text: "src=... sport=5201 proto=6". */
static void ha_flow_ts_text(const struct mh_ts *ts, char *out, size_t cap)
{
	static const char *const name[8] = { "src", "dst", "spi", "flowlabel", "sport",
					     "dport", "ds", "proto" };
	int af = ts->format == MH_TS_IPV6 ? AF_INET6 : AF_INET;
	size_t at = 0;

	out[0] = 0;
	for (unsigned f = 0; f < 16 && at < cap; f += 2) {
		char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
		unsigned long v[2] = { 0, 0 };
		bool end = ts->fields & (1u << (f + 1));

		if (!(ts->fields & (1u << f)))
			continue;
		if (f < 4) {
			const uint8_t (*r)[16] = f == 0 ? ts->src : ts->dst;

			inet_ntop(af, r[0], a, sizeof(a));
			inet_ntop(af, r[1], b, sizeof(b));
			at += (size_t)snprintf(out + at, cap - at, "%s%s=%s%s%s", at ? " " : "",
					       name[f / 2], a, end ? "-" : "", end ? b : "");
			continue;
		}
		for (unsigned e = 0; e < 2; e++)
			v[e] = f == 4 ? ts->spi[e] : f == 6 ? ts->fl[e] : f == 8 ? ts->sport[e] :
			       f == 10 ? ts->dport[e] : f == 12 ? ts->ds[e] : ts->proto[e];
		if (end)
			at += (size_t)snprintf(out + at, cap - at, "%s%s=%lu-%lu", at ? " " : "",
					       name[f / 2], v[0], v[1]);
		else
			at += (size_t)snprintf(out + at, cap - at, "%s%s=%lu", at ? " " : "",
					       name[f / 2], v[0]);
	}
}

static json_t *ha_flow_entry(const struct ha_flow *e)
{
	json_t *bids = json_array();
	char ts[256];

	for (size_t b = 0; bids && b < e->f.n_bids; b++)
		json_array_append_new(bids, e->f.has_weights ?
				      json_pack("{s:i, s:i, s:I}", "bid", e->f.bids[b],
						"weight", e->f.weights[b],
						"packets", (json_int_t)e->by_bid[b]) :
				      json_integer(e->f.bids[b]));
	ha_flow_ts_text(&e->f.ts, ts, sizeof(ts));
	return json_pack("{s:i, s:i, s:s, s:o, s:s, s:i, s:s, s:i, s:I, s:I}",
			 "fid", e->f.fid, "fid_pri", e->f.fid_pri, "selector", ts,
			 "bids", bids,
			 "action", e->f.has_weights ? "load-share" :
			 e->f.n_bids > 1 ? "n-cast" : "forward",
			 "last_bid", e->last_bid, "why", e->why ? e->why : "no packet yet",
			 "since_bu_seq", e->since_seq, "packets", (json_int_t)e->packets,
			 "ncast_copies_sent", (json_int_t)e->dups_sent);
}

json_t *ha_flow_status(const struct ha_mn *mn)
{
	const struct ha_flows *t = mn->flows;
	const struct ha_flow_counters *c;
	json_t *flows = json_array(), *o;

	if (!t)
		return json_pack("{s:o}", "flows", flows);
	c = &t->c;
	for (size_t i = 0; flows && i < t->n; i++)
		json_array_append_new(flows, ha_flow_entry(&t->e[i]));
	o = json_pack("{s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}}",
		      "flows", flows, "flow_counters",
		      "accepted", (json_int_t)c->accepted,
		      "refused_prohibited", (json_int_t)c->refused[0],
		      "refused_rejected", (json_int_t)c->refused[1],
		      "refused_malformed", (json_int_t)c->refused[2],
		      "refused_bid_not_found", (json_int_t)c->refused[3],
		      "refused_fid_not_found", (json_int_t)c->refused[4],
		      "refused_ts_unsupported", (json_int_t)c->refused[5],
		      "bad_options", (json_int_t)c->bad_options,
		      "removed", (json_int_t)c->removed,
		      "ncast_dup_dropped", (json_int_t)c->dup_dropped);
	return o;
}

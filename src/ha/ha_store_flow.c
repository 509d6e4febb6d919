/* SPDX-License-Identifier: MIT */
/*
 * The flow bindings in the store record (ha_store_flow.h), pure. Each flow
 * is kept as the RFC 6089 4.2 Flow Identification option that would
 * register it (FID, FID-PRI, BID Reference, RFC 6088 traffic selector,
 * mif's weights sub-option), in hex, with the sequence number of the BU
 * that set it:
 *   "flows":[{"seq":7,"opt":"2d1c0001000a00..."}]
 * so the option codec (src/proto/mh_flow.c) that checks a mobile node's
 * options also checks what another agent or a damaged store holds.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ha/ha_cache.h"
#include "ha/ha_store_flow.h"
#include "proto/mh.h"

/* An option is at most 2 + 255 octets (RFC 6275 6.2.1). */
#define HA_SF_OPT_MAX 257

static json_t *ha_sf_one(const struct ha_flow *e)
{
	struct mh_flows one = { .n = 1 };
	uint8_t opt[HA_SF_OPT_MAX + 8];
	char hex[2 * sizeof(opt) + 1];
	size_t len;

	one.f[0] = e->f;
	one.f[0].status = 0;
	one.f[0].bad = 0;
	if (mh_flow_build(&one, opt, sizeof(opt), &len) < 0)
		return NULL;
	for (size_t i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", opt[i]);
	hex[2 * len] = '\0';
	return json_pack("{s:i, s:s}", "seq", e->since_seq, "opt", hex);
}

int ha_store_flows_encode(const struct ha_flows *t, json_t **ret)
{
	json_t *a = json_array();

	for (size_t i = 0; a && t && i < t->n; i++)
		if (json_array_append_new(a, ha_sf_one(&t->e[i])) < 0) {
			json_decref(a);
			return -ENOMEM;         /* or a flow the codec refuses */
		}
	if (!a)
		return -ENOMEM;
	*ret = a;
	return 0;
}

static int ha_sf_unhex(const char *s, uint8_t *out, size_t cap, size_t *ret_len)
{
	size_t n = strlen(s);

	if (n == 0 || n % 2 || n / 2 > cap || strspn(s, "0123456789abcdef") != n)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		out[i] = (uint8_t)v;
	}
	*ret_len = n / 2;
	return 0;
}

/* One element into e: exactly one Flow Identification option that a BU
 * could have registered as a new flow (selector and BIDs, nothing the
 * codec refuses). */
static int ha_sf_read(json_t *o, struct ha_flow *e)
{
	uint8_t mh[12 + HA_SF_OPT_MAX] = { [2] = MH_TYPE_BU };
	struct mh_flows fl;
	json_int_t seq;
	const char *opt;
	size_t len;

	if (json_unpack(o, "{s:I, s:s !}", "seq", &seq, "opt", &opt) < 0 || seq < 0 ||
	    seq > 0xffff || ha_sf_unhex(opt, mh + 12, HA_SF_OPT_MAX, &len) < 0 ||
	    mh_flow_parse(mh, 12 + len, &fl) < 0 || fl.n != 1 || fl.has_summary ||
	    fl.f[0].bad || !fl.f[0].has_ts || fl.f[0].n_bids == 0)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	e->f = fl.f[0];
	e->f.status = 0;
	e->since_seq = (uint16_t)seq;
	return 0;
}

int ha_store_flows_decode(json_t *a, struct ha_flow *e, size_t *ret_n)
{
	json_t *o;
	size_t i;

	if (!json_is_array(a) || json_array_size(a) > HA_FLOW_MAX)
		return -EINVAL;
	json_array_foreach(a, i, o) {
		if (ha_sf_read(o, &e[i]) < 0)
			return -EINVAL;
		/* Kept in FID-PRI order (ha_flow.h), one FID-PRI and one FID
		 * each, as ha_flow_apply() keeps the table. */
		if (i > 0 && e[i].f.fid_pri <= e[i - 1].f.fid_pri)
			return -EINVAL;
		for (size_t k = 0; k < i; k++)
			if (e[k].f.fid == e[i].f.fid)
				return -EINVAL;
	}
	*ret_n = i;
	return 0;
}

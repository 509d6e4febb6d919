/* SPDX-License-Identifier: MIT */
/* Flow options builder and the packet side of traffic selectors (mh_flow.h). */
#include <errno.h>
#include <string.h>

#include "common/buf.h"
#include "proto/mh_flow.h"

static const uint8_t mh_ts_w6[16] = { 16, 16, 16, 16, 4, 4, 4, 4, 2, 2, 2, 2, 1, 1, 1, 1 };
static const uint8_t mh_ts_w4[16] = { 4, 4, 4, 4, 4, 4, 0, 0, 2, 2, 2, 2, 1, 1, 1, 1 };

static void mh_ts_put_field(struct wbuf *w, const struct mh_ts *ts, unsigned f, size_t width)
{
	unsigned e = f & 1u;
	uint32_t v;

	switch (f >> 1) {
	case 0: wbuf_put(w, ts->src[e], width); return;
	case 1: wbuf_put(w, ts->dst[e], width); return;
	case 2: v = ts->spi[e]; break;
	case 3: v = ts->fl[e] & 0xfffffu; break;
	case 4: v = ts->sport[e]; break;
	case 5: v = ts->dport[e]; break;
	case 6: v = ts->ds[e]; break;
	default: v = ts->proto[e]; break;
	}
	for (size_t i = width; i > 0; i--)
		wbuf_u8(w, (uint8_t)(v >> (8 * (i - 1))));
}

/* TS Format, Reserved, flags word, then the fields present (RFC 6088 3). */
static int mh_ts_build(const struct mh_ts *ts, struct wbuf *w)
{
	const uint8_t *wd = ts->format == MH_TS_IPV6 ? mh_ts_w6 : mh_ts_w4;
	uint32_t flags = 0;
	unsigned bit = 31;

	if (ts->format != MH_TS_IPV4 && ts->format != MH_TS_IPV6)
		return -EINVAL;
	if (ts->format == MH_TS_IPV4 && (ts->fields & (MH_TS_FL | MH_TS_FL_END)))
		return -EINVAL;
	for (unsigned f = 0; f < 16; f++, bit--) {
		if (wd[f] == 0) {
			bit++;          /* IPv4: no flow label flags */
			continue;
		}
		if (ts->fields & (1u << f))
			flags |= 1u << bit;
	}
	wbuf_u8(w, ts->format);
	wbuf_u8(w, 0);
	wbuf_be32(w, flags);
	for (unsigned f = 0; f < 16; f++)
		if ((ts->fields & (1u << f)) && wd[f])
			mh_ts_put_field(w, ts, f, wd[f]);
	return 0;
}

static int mh_flow_put(const struct mh_flow *f, struct wbuf *out)
{
	uint8_t body[255];
	struct wbuf w;
	size_t ts_at;

	if (f->n_bids > MH_FLOW_MAX_BIDS || (f->has_weights && f->n_bids == 0))
		return -EINVAL;
	wbuf_init(&w, body, sizeof(body));
	wbuf_be16(&w, f->fid);
	wbuf_be16(&w, f->fid_pri);
	wbuf_u8(&w, 0);
	wbuf_u8(&w, f->status);
	if (f->n_bids) {
		wbuf_u8(&w, MH_FLOW_SUB_BIDREF);
		wbuf_u8(&w, (uint8_t)(2 * f->n_bids));
		for (size_t i = 0; i < f->n_bids; i++)
			wbuf_be16(&w, f->bids[i]);
	}
	if (f->has_ts) {
		wbuf_u8(&w, MH_FLOW_SUB_TS);
		wbuf_u8(&w, 0);         /* length, below */
		ts_at = w.len;
		if (mh_ts_build(&f->ts, &w) < 0)
			return -EINVAL;
		if (!w.overflow)
			body[ts_at - 1] = (uint8_t)(w.len - ts_at);
	}
	if (f->has_weights) {
		wbuf_u8(&w, MH_FLOW_SUB_MIF_WEIGHTS);
		wbuf_u8(&w, (uint8_t)f->n_bids);
		wbuf_put(&w, f->weights, f->n_bids);
	}
	if (w.overflow)
		return -EINVAL;         /* does not fit one option */
	wbuf_u8(out, MH_OPT_FLOW_ID);
	wbuf_u8(out, (uint8_t)w.len);
	wbuf_put(out, body, w.len);
	return 0;
}

int mh_flow_build(const struct mh_flows *fl, uint8_t *out, size_t cap, size_t *ret_len)
{
	struct wbuf w;

	if (fl->n > MH_FLOW_MAX || fl->n_summary > 127)
		return -EINVAL;
	wbuf_init(&w, out, cap);
	for (size_t i = 0; i < fl->n; i++)
		if (mh_flow_put(&fl->f[i], &w) < 0)
			return -EINVAL;
	if (fl->has_summary && fl->n_summary) {
		wbuf_u8(&w, MH_OPT_FLOW_SUMMARY);
		wbuf_u8(&w, (uint8_t)(2 * fl->n_summary));
		for (size_t i = 0; i < fl->n_summary; i++)
			wbuf_be16(&w, fl->summary[i]);
	}
	if (w.overflow)
		return -ENOSPC;
	*ret_len = w.len;
	return 0;
}

int mh_pkt_key(const uint8_t *p, size_t len, struct mh_pkt_key *ret)
{
	struct mh_pkt_key k;
	size_t l4;

	memset(&k, 0, sizeof(k));
	if (len >= 40 && p[0] >> 4 == 6) {
		k.family = 6;
		k.ds = (uint8_t)((p[0] & 0x0f) << 4 | p[1] >> 4);
		k.fl = (uint32_t)(p[1] & 0x0f) << 16 | (uint32_t)p[2] << 8 | p[3];
		k.proto = p[6];
		memcpy(k.src, p + 8, 16);
		memcpy(k.dst, p + 24, 16);
		l4 = 40;
	} else if (len >= 20 && p[0] >> 4 == 4 && (size_t)(p[0] & 0x0f) * 4 >= 20) {
		k.family = 4;
		k.ds = p[1] >> 2;
		k.proto = p[9];
		memcpy(k.src, p + 12, 4);
		memcpy(k.dst, p + 16, 4);
		l4 = (size_t)(p[0] & 0x0f) * 4;
		if ((p[6] & 0x1f) || p[7])
			l4 = len;       /* a later fragment: no ports */
	} else {
		return -EBADMSG;
	}
	if ((k.proto == 6 || k.proto == 17 || k.proto == 132) && len >= l4 + 4) {
		k.sport = (uint16_t)(p[l4] << 8 | p[l4 + 1]);
		k.dport = (uint16_t)(p[l4 + 2] << 8 | p[l4 + 3]);
		k.has_ports = true;
	}
	*ret = k;
	return 0;
}

static bool mh_in(uint16_t fields, unsigned f, uint32_t v, uint32_t start, uint32_t end)
{
	if (!(fields & (1u << f)))
		return true;
	if (fields & (1u << (f + 1)))
		return v >= start && v <= end;
	return v == start;
}

static bool mh_in_addr(uint16_t fields, unsigned f, const uint8_t *a, const uint8_t r[2][16],
		       size_t alen)
{
	if (!(fields & (1u << f)))
		return true;
	if (fields & (1u << (f + 1)))
		return memcmp(a, r[0], alen) >= 0 && memcmp(a, r[1], alen) <= 0;
	return memcmp(a, r[0], alen) == 0;
}

bool mh_ts_match(const struct mh_ts *ts, const struct mh_pkt_key *k, bool inbound)
{
	size_t alen = k->family == 6 ? 16 : 4;
	const uint8_t *cn = inbound ? k->src : k->dst, *home = inbound ? k->dst : k->src;
	uint16_t cport = inbound ? k->sport : k->dport, hport = inbound ? k->dport : k->sport;
	uint16_t f = ts->fields;

	if ((ts->format == MH_TS_IPV6) != (k->family == 6))
		return false;
	/* mif does not look into ESP: a selector on SPIs never matches. */
	if (f & MH_TS_SPI)
		return false;
	if ((f & (MH_TS_SPORT | MH_TS_DPORT)) && !k->has_ports)
		return false;
	return mh_in_addr(f, 0, cn, ts->src, alen) && mh_in_addr(f, 2, home, ts->dst, alen) &&
	       mh_in(f, 6, k->fl, ts->fl[0], ts->fl[1]) &&
	       mh_in(f, 8, cport, ts->sport[0], ts->sport[1]) &&
	       mh_in(f, 10, hport, ts->dport[0], ts->dport[1]) &&
	       mh_in(f, 12, k->ds, ts->ds[0], ts->ds[1]) &&
	       mh_in(f, 14, k->proto, ts->proto[0], ts->proto[1]);
}

static uint32_t mh_fnv(uint32_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

uint32_t mh_pkt_flow_hash(const struct mh_pkt_key *k)
{
	uint8_t a[18], b[18];
	size_t alen = k->family == 6 ? 16 : 4;
	uint32_t h = 2166136261u;

	memcpy(a, k->src, alen);
	a[alen] = (uint8_t)(k->sport >> 8);
	a[alen + 1] = (uint8_t)k->sport;
	memcpy(b, k->dst, alen);
	b[alen] = (uint8_t)(k->dport >> 8);
	b[alen + 1] = (uint8_t)k->dport;
	/* The lower endpoint first: the same hash in both directions. */
	if (memcmp(a, b, alen + 2) > 0) {
		h = mh_fnv(h, b, alen + 2);
		h = mh_fnv(h, a, alen + 2);
	} else {
		h = mh_fnv(h, a, alen + 2);
		h = mh_fnv(h, b, alen + 2);
	}
	h = mh_fnv(h, &k->proto, 1);
	return h ^ (h >> 16);
}

int mh_flow_weighted(const struct mh_flow *f, uint32_t h, const bool *usable)
{
	uint32_t total = 0, x;

	for (size_t i = 0; i < f->n_bids; i++)
		if (usable[i])
			total += f->has_weights ? f->weights[i] : 1;
	if (total == 0)
		return -1;
	x = h % total;
	for (size_t i = 0; i < f->n_bids; i++) {
		uint32_t w = f->has_weights ? f->weights[i] : 1;

		if (!usable[i])
			continue;
		if (x < w)
			return (int)i;
		x -= w;
	}
	return -1;
}

/* SPDX-License-Identifier: MIT */
/* Flow Identification, Flow Summary and binary traffic selectors (mh_flow.h). */
#include <errno.h>
#include <string.h>

#include "common/buf.h"
#include "proto/mh.h"
#include "proto/mh_flow.h"

/* Octets of each selector field, in wire order, by format. IPv4 (RFC 6088
 * 3.1): flags A..N are our fields except the flow label. IPv6 (3.2): A..P.
 * The flow label fields are taken as 4 octets each (the 20-bit label in
 * the low bits; doc/mobility.md notes this layout as not checked against
 * the RFC text). */
static size_t mh_ts_width(uint8_t format, unsigned field)
{
	static const uint8_t w6[16] = { 16, 16, 16, 16, 4, 4, 4, 4, 2, 2, 2, 2, 1, 1, 1, 1 };
	static const uint8_t w4[16] = { 4, 4, 4, 4, 4, 4, 0, 0, 2, 2, 2, 2, 1, 1, 1, 1 };

	return format == MH_TS_IPV6 ? w6[field] : w4[field];
}

/* The wire flag bit of our field: the first flag is the word's top bit. */
static int mh_ts_wire_bit(uint8_t format, unsigned field)
{
	if (format == MH_TS_IPV6)
		return 31 - (int)field;
	if (field == 6 || field == 7)
		return -1;
	return 31 - (int)(field < 6 ? field : field - 2);
}

static void mh_ts_read_field(struct mh_ts *ts, unsigned field, const uint8_t *p, size_t w)
{
	unsigned e = field & 1u;
	uint32_t v = 0;

	for (size_t i = 0; w <= 4 && i < w; i++)
		v = v << 8 | p[i];
	switch (field >> 1) {
	case 0: memcpy(ts->src[e], p, w); break;
	case 1: memcpy(ts->dst[e], p, w); break;
	case 2: ts->spi[e] = v; break;
	case 3: ts->fl[e] = v & 0xfffffu; break;
	case 4: ts->sport[e] = (uint16_t)v; break;
	case 5: ts->dport[e] = (uint16_t)v; break;
	case 6: ts->ds[e] = (uint8_t)v; break;
	default: ts->proto[e] = (uint8_t)v; break;
	}
}

/* A range whose end is before its start is contradictory (RFC 6088 3:
 * start and end bound a range); an end without its start, too. */
static bool mh_ts_ranges_ok(const struct mh_ts *ts)
{
	size_t alen = ts->format == MH_TS_IPV6 ? 16 : 4;

	for (unsigned f = 0; f < 16; f += 2)
		if ((ts->fields & (1u << (f + 1))) && !(ts->fields & (1u << f)))
			return false;
	if ((ts->fields & MH_TS_SRC_END) && memcmp(ts->src[0], ts->src[1], alen) > 0)
		return false;
	if ((ts->fields & MH_TS_DST_END) && memcmp(ts->dst[0], ts->dst[1], alen) > 0)
		return false;
	return !(((ts->fields & MH_TS_SPI_END) && ts->spi[0] > ts->spi[1]) ||
		 ((ts->fields & MH_TS_FL_END) && ts->fl[0] > ts->fl[1]) ||
		 ((ts->fields & MH_TS_SPORT_END) && ts->sport[0] > ts->sport[1]) ||
		 ((ts->fields & MH_TS_DPORT_END) && ts->dport[0] > ts->dport[1]) ||
		 ((ts->fields & MH_TS_DS_END) && ts->ds[0] > ts->ds[1]) ||
		 ((ts->fields & MH_TS_PROTO_END) && ts->proto[0] > ts->proto[1]));
}

uint8_t mh_ts_parse(const uint8_t *p, size_t len, struct mh_ts *ret)
{
	struct mh_ts ts;
	struct buf b;
	uint8_t fmt, rsv;
	uint32_t flags;

	memset(&ts, 0, sizeof(ts));
	buf_init(&b, p, len);
	if (buf_u8(&b, &fmt) || buf_u8(&b, &rsv))
		return MH_FLOW_MALFORMED;
	if (fmt != MH_TS_IPV4 && fmt != MH_TS_IPV6)
		return MH_FLOW_TS_UNSUPPORTED;
	if (buf_be32(&b, &flags))
		return MH_FLOW_MALFORMED;
	ts.format = fmt;
	for (unsigned f = 0; f < 16; f++) {
		int bit = mh_ts_wire_bit(fmt, f);
		size_t w = mh_ts_width(fmt, f);
		uint8_t v[16];

		if (bit < 0 || !(flags & (1u << bit)))
			continue;
		if (buf_read(&b, v, w))
			return MH_FLOW_MALFORMED;
		mh_ts_read_field(&ts, f, v, w);
		ts.fields |= (uint16_t)(1u << f);
	}
	/* Octets after the last field, or a selector that selects nothing
	 * in particular, are refused rather than guessed at. */
	if (buf_remaining(&b) != 0 || ts.fields == 0 || !mh_ts_ranges_ok(&ts))
		return MH_FLOW_MALFORMED;
	*ret = ts;
	return MH_FLOW_OK;
}

static uint8_t mh_flow_bidref(struct buf *s, size_t slen, struct mh_flow *f)
{
	if (slen == 0 || slen % 2 || slen / 2 > MH_FLOW_MAX_BIDS || f->n_bids)
		return MH_FLOW_MALFORMED;
	for (size_t i = 0; i < slen / 2; i++) {
		uint16_t bid;

		if (buf_be16(s, &bid) || bid == 0)
			return MH_FLOW_MALFORMED;
		for (size_t k = 0; k < f->n_bids; k++)
			if (f->bids[k] == bid)
				return MH_FLOW_MALFORMED;       /* twice: contradictory */
		f->bids[f->n_bids++] = bid;
	}
	return MH_FLOW_OK;
}

static uint8_t mh_flow_sub(struct mh_flow *f, uint8_t type, struct buf *s, size_t slen)
{
	uint8_t st;

	switch (type) {
	case MH_FLOW_SUB_BIDREF:
		return mh_flow_bidref(s, slen, f);
	case MH_FLOW_SUB_TS:
		if (f->has_ts)
			return MH_FLOW_MALFORMED;
		st = mh_ts_parse(s->p, slen, &f->ts);
		f->has_ts = st == MH_FLOW_OK;
		return st;
	case MH_FLOW_SUB_MIF_WEIGHTS:
		/* Checked against the BID count once all sub-options are read. */
		if (f->has_weights || slen == 0 || slen > MH_FLOW_MAX_BIDS ||
		    buf_read(s, f->weights, slen))
			return MH_FLOW_MALFORMED;
		for (size_t i = 0; i < slen; i++)
			if (f->weights[i] == 0)
				return MH_FLOW_MALFORMED;
		f->has_weights = true;
		return MH_FLOW_OK;
	default:
		return MH_FLOW_OK;      /* unknown sub-options are skipped */
	}
}

/* One Flow Identification option's body. */
static int mh_flow_one(struct buf *o, size_t olen, struct mh_flow *f)
{
	uint8_t rsv, nweights = 0;

	memset(f, 0, sizeof(*f));
	if (olen < 6 || buf_be16(o, &f->fid) || buf_be16(o, &f->fid_pri) ||
	    buf_u8(o, &rsv) || buf_u8(o, &f->status))
		return -EBADMSG;
	while (buf_remaining(o) > 0 && !f->bad) {
		uint8_t type, slen;
		struct buf s;

		if (buf_u8(o, &type) == 0 && type == MH_FLOW_SUB_PAD1)
			continue;
		if (buf_u8(o, &slen) || buf_sub(o, slen, &s)) {
			f->bad = MH_FLOW_MALFORMED;
			break;
		}
		if (type == MH_FLOW_SUB_MIF_WEIGHTS)
			nweights = slen;
		f->bad = mh_flow_sub(f, type, &s, slen);
	}
	if (!f->bad && f->has_weights && nweights != f->n_bids)
		f->bad = MH_FLOW_MALFORMED;
	return 0;
}

static int mh_flow_summary(struct buf *o, size_t olen, struct mh_flows *fl)
{
	if (olen < 2 || olen % 2 || fl->has_summary ||
	    olen / 2 > sizeof(fl->summary) / sizeof(fl->summary[0]))
		return -EBADMSG;
	for (size_t i = 0; i < olen / 2; i++)
		if (buf_be16(o, &fl->summary[fl->n_summary++]))
			return -EBADMSG;
	fl->has_summary = true;
	return 0;
}

int mh_flow_parse(const uint8_t *mh, size_t len, struct mh_flows *ret)
{
	struct mh_flows fl;
	struct buf b;

	memset(&fl, 0, sizeof(fl));
	if (len < 12 || (mh[2] != MH_TYPE_BU && mh[2] != MH_TYPE_BA))
		return -EBADMSG;
	buf_init(&b, mh + 12, len - 12);
	while (buf_remaining(&b) > 0) {
		uint8_t type, olen;
		struct buf o;
		int r = 0;

		if (buf_u8(&b, &type))
			return -EBADMSG;
		if (type == MH_OPT_PAD1)
			continue;
		if (buf_u8(&b, &olen) || buf_sub(&b, olen, &o))
			return -EBADMSG;
		if (type == MH_OPT_FLOW_ID) {
			if (fl.n == MH_FLOW_MAX)
				return -EBADMSG;
			r = mh_flow_one(&o, olen, &fl.f[fl.n++]);
		} else if (type == MH_OPT_FLOW_SUMMARY) {
			r = mh_flow_summary(&o, olen, &fl);
		}
		if (r < 0)
			return r;
	}
	*ret = fl;
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* Mobility Header messages and options (mh.h). */
#include <errno.h>
#include <string.h>

#include "common/buf.h"
#include "proto/mh.h"
#include "proto/mh_exp.h"
#include "proto/mh_v4.h"

/* Octets of each message's fixed part after the 6-octet MH header. */
static int mh_fixed_len(uint8_t type, size_t *ret)
{
	switch (type) {
	case MH_TYPE_BU:
	case MH_TYPE_BA:
	case MH_TYPE_HB:
		*ret = 6;
		return 0;
	case MH_TYPE_BE:
		*ret = 18;
		return 0;
	case MH_TYPE_HAS:
		*ret = 2;       /* then 16 octets per address (mh_parse_fixed) */
		return 0;
	default:
		return -ENOTSUP;
	}
}

static int mh_parse_fixed(struct buf *b, struct mh_msg *m)
{
	uint8_t u8;
	int r = 0;

	switch (m->type) {
	case MH_TYPE_BU:
		r |= buf_be16(b, &m->seq);
		r |= buf_be16(b, &m->flags);
		r |= buf_be16(b, &m->lifetime);
		break;
	case MH_TYPE_BA:
		r |= buf_u8(b, &m->status);
		r |= buf_u8(b, &u8);
		m->flags = u8;
		r |= buf_be16(b, &m->seq);
		r |= buf_be16(b, &m->lifetime);
		break;
	case MH_TYPE_HB:
		r |= buf_skip(b, 1);
		r |= buf_u8(b, &u8);
		m->flags = u8;
		r |= buf_be32(b, &m->hb_seq);
		break;
	case MH_TYPE_BE:
		r |= buf_u8(b, &m->status);
		r |= buf_skip(b, 1);
		r |= buf_read(b, m->be_hoa, 16);
		break;
	case MH_TYPE_HAS:
		/* RFC 5142 5.1: # of Addresses, Reserved, the addresses. */
		r |= buf_u8(b, &m->has_n);
		r |= buf_skip(b, 1);
		for (unsigned i = 0; !r && i < m->has_n; i++)
			r |= i < MH_MAX_HAS_ADDRS ? buf_read(b, m->has_addrs[i], 16) :
						     buf_skip(b, 16);
		break;
	}
	return r ? -EBADMSG : 0;
}

/* RFC 5648 section 6.2: Length 4 (no CoA), 8 (IPv4) or 20 (IPv6). */
static int mh_parse_bid(struct buf *o, uint8_t olen, struct mh_msg *m)
{
	struct mh_bid *bd;
	uint8_t hp;

	if (olen != 4 && olen != 8 && olen != 20)
		return -EBADMSG;
	if (m->n_bids == MH_MAX_BIDS)
		return -EBADMSG;
	bd = &m->bids[m->n_bids];
	memset(bd, 0, sizeof(*bd));
	if (buf_be16(o, &bd->bid) || buf_u8(o, &bd->status) || buf_u8(o, &hp))
		return -EBADMSG;
	if (bd->bid == 0)
		return -EBADMSG;
	bd->h = (hp & MH_BID_H) != 0;
	bd->pri = hp & 0x7f;
	if (olen > 4) {
		bd->coa_family = olen == 8 ? 4 : 6;
		if (buf_read(o, bd->coa, olen - 4u))
			return -EBADMSG;
	}
	m->n_bids++;
	return 0;
}

static int mh_parse_opt(struct buf *o, uint8_t type, uint8_t olen, struct mh_msg *m)
{
	uint16_t f;
	uint8_t sub;
	uint32_t hi, lo;

	switch (type) {
	case MH_OPT_BID:
		return mh_parse_bid(o, olen, m);
	case MH_OPT_V4HOA:
	case MH_OPT_V4ACK:
		return mh_v4_parse(o, type, olen, m);
	case MH_OPT_EXPERIMENTAL:
		return mh_exp_parse(o, olen, m);
	case MH_OPT_NAT_DETECT:
		if (olen != 6 || m->has_nat)
			return -EBADMSG;
		if (buf_be16(o, &f) || buf_be32(o, &m->nat_refresh))
			return -EBADMSG;
		m->nat_f = (f & 0x8000u) != 0;
		m->has_nat = true;
		return 0;
	case MH_OPT_MESG_ID:
		if (olen != 8 || m->has_ts)
			return -EBADMSG;
		if (buf_be32(o, &hi) || buf_be32(o, &lo))
			return -EBADMSG;
		m->ts = (uint64_t)hi << 32 | lo;
		m->has_ts = true;
		return 0;
	case MH_OPT_AUTH:
		/* Subtype, SPI, then our HMAC-SHA-256 authenticator. */
		if (olen != 5 + MH_AUTH_LEN)
			return -EBADMSG;
		if (buf_u8(o, &sub) || sub != MH_AUTH_SUBTYPE_MN_HA || buf_be32(o, &m->spi))
			return -EBADMSG;
		return buf_read(o, m->auth, MH_AUTH_LEN) ? -EBADMSG : 1;
	default:
		return 0;       /* unknown options are skipped (RFC 6275 6.2.1) */
	}
}

static int mh_parse_opts(struct buf *b, const uint8_t *start, struct mh_msg *m)
{
	while (buf_remaining(b) > 0) {
		uint8_t type, olen;
		struct buf o;
		int r;

		if (m->has_auth)
			return -EBADMSG;        /* nothing may follow it */
		if (buf_u8(b, &type))
			return -EBADMSG;
		if (type == MH_OPT_PAD1)
			continue;
		if (buf_u8(b, &olen) || buf_sub(b, olen, &o))
			return -EBADMSG;
		if (type == MH_OPT_AUTH)
			m->auth_covered = (size_t)(o.p - start) + 5;
		r = mh_parse_opt(&o, type, olen, m);
		if (r < 0)
			return r;
		if (r == 1)
			m->has_auth = true;
	}
	return 0;
}

int mh_parse(const uint8_t *p, size_t len, struct mh_msg *ret)
{
	struct mh_msg m;
	struct buf b;
	uint8_t proto, hlen, rsv;
	size_t fixed;
	int r;

	memset(&m, 0, sizeof(m));
	buf_init(&b, p, len);
	if (buf_u8(&b, &proto) || buf_u8(&b, &hlen) || buf_u8(&b, &m.type) ||
	    buf_u8(&b, &rsv) || buf_skip(&b, 2))
		return -EBADMSG;
	/* Header Len counts 8-octet units after the first 8 (RFC 6275 6.1). */
	if (proto != MH_PAYLOAD_NONE || ((size_t)hlen + 1) * 8 != len)
		return -EBADMSG;
	r = mh_fixed_len(m.type, &fixed);
	if (r < 0)
		return r;
	if (buf_remaining(&b) < fixed)
		return -EBADMSG;
	r = mh_parse_fixed(&b, &m);
	if (r < 0)
		return r;
	r = mh_parse_opts(&b, p, &m);
	if (r < 0)
		return r;
	*ret = m;
	return 0;
}

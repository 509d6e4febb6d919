/* SPDX-License-Identifier: MIT */
/* Mobility Header builder (mh.h). */
#include <errno.h>
#include <string.h>

#include "common/buf.h"
#include "proto/mh.h"
#include "proto/mh_exp.h"
#include "proto/mh_v4.h"

static void mh_put_fixed(struct wbuf *w, const struct mh_msg *m)
{
	switch (m->type) {
	case MH_TYPE_BU:
		wbuf_be16(w, m->seq);
		wbuf_be16(w, m->flags);
		wbuf_be16(w, m->lifetime);
		break;
	case MH_TYPE_BA:
		wbuf_u8(w, m->status);
		wbuf_u8(w, (uint8_t)m->flags);
		wbuf_be16(w, m->seq);
		wbuf_be16(w, m->lifetime);
		break;
	case MH_TYPE_HB:
		wbuf_u8(w, 0);
		wbuf_u8(w, (uint8_t)m->flags);
		wbuf_be32(w, m->hb_seq);
		break;
	case MH_TYPE_BE:
		wbuf_u8(w, m->status);
		wbuf_u8(w, 0);
		wbuf_put(w, m->be_hoa, 16);
		break;
	case MH_TYPE_HAS:
		wbuf_u8(w, m->has_n);
		wbuf_u8(w, 0);
		for (unsigned i = 0; i < m->has_n; i++)
			wbuf_put(w, m->has_addrs[i], 16);
		break;
	}
}

static int mh_put_bid(struct wbuf *w, const struct mh_bid *bd)
{
	uint8_t clen;

	if (bd->bid == 0 || bd->pri > 0x7f)
		return -EINVAL;
	if (bd->coa_family == 0)
		clen = 0;
	else if (bd->coa_family == 4)
		clen = 4;
	else if (bd->coa_family == 6)
		clen = 16;
	else
		return -EINVAL;
	wbuf_u8(w, MH_OPT_BID);
	wbuf_u8(w, (uint8_t)(4 + clen));
	wbuf_be16(w, bd->bid);
	wbuf_u8(w, bd->status);
	wbuf_u8(w, (uint8_t)((bd->h ? MH_BID_H : 0) | bd->pri));
	if (clen)
		wbuf_put(w, bd->coa, clen);
	return 0;
}

/* Pad1 for one octet, PadN otherwise (RFC 6275 6.2.2, 6.2.3). */
static void mh_put_pad(struct wbuf *w, size_t n)
{
	if (n == 0)
		return;
	if (n == 1) {
		wbuf_u8(w, MH_OPT_PAD1);
		return;
	}
	wbuf_u8(w, MH_OPT_PADN);
	wbuf_u8(w, (uint8_t)(n - 2));
	wbuf_put(w, NULL, n - 2);
}

int mh_build(const struct mh_msg *m, uint8_t *out, size_t cap, size_t *ret_len,
	     size_t *ret_auth_off)
{
	const size_t auth_opt = 2 + 5 + MH_AUTH_LEN;
	struct wbuf w;
	size_t tail, auth_off = 0;

	if (m->type != MH_TYPE_BU && m->type != MH_TYPE_BA && m->type != MH_TYPE_BE &&
	    m->type != MH_TYPE_HB && m->type != MH_TYPE_HAS)
		return -EINVAL;
	if (m->n_bids > MH_MAX_BIDS || m->has_n > MH_MAX_HAS_ADDRS)
		return -EINVAL;
	wbuf_init(&w, out, cap);
	wbuf_u8(&w, MH_PAYLOAD_NONE);
	wbuf_u8(&w, 0);                 /* Header Len, below */
	wbuf_u8(&w, m->type);
	wbuf_u8(&w, 0);
	wbuf_be16(&w, 0);               /* checksum: mhtun_build() */
	mh_put_fixed(&w, m);
	for (size_t i = 0; i < m->n_bids; i++)
		if (mh_put_bid(&w, &m->bids[i]) < 0)
			return -EINVAL;
	mh_exp_put(&w, m);
	if (mh_v4_put(&w, m) < 0)
		return -EINVAL;
	if (m->has_nat) {
		wbuf_u8(&w, MH_OPT_NAT_DETECT);
		wbuf_u8(&w, 6);
		wbuf_be16(&w, m->nat_f ? 0x8000u : 0);
		wbuf_be32(&w, m->nat_refresh);
	}
	if (m->extra_len)
		wbuf_put(&w, m->extra, m->extra_len);
	if (m->has_ts) {
		wbuf_u8(&w, MH_OPT_MESG_ID);
		wbuf_u8(&w, 8);
		wbuf_be32(&w, (uint32_t)(m->ts >> 32));
		wbuf_be32(&w, (uint32_t)m->ts);
	}
	/* Padding goes before the authentication option, which must end the
	 * header (RFC 4285 section 5). */
	tail = m->has_auth ? auth_opt : 0;
	mh_put_pad(&w, (8 - (w.len + tail) % 8) % 8);
	if (m->has_auth) {
		wbuf_u8(&w, MH_OPT_AUTH);
		wbuf_u8(&w, 5 + MH_AUTH_LEN);
		wbuf_u8(&w, MH_AUTH_SUBTYPE_MN_HA);
		wbuf_be32(&w, m->spi);
		auth_off = w.len;
		wbuf_put(&w, m->auth, MH_AUTH_LEN);
	}
	if (w.overflow)
		return -ENOSPC;
	if (w.len / 8 - 1 > 0xff)
		return -EINVAL;
	out[1] = (uint8_t)(w.len / 8 - 1);
	*ret_len = w.len;
	if (ret_auth_off)
		*ret_auth_off = auth_off;
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* RFC 5555 IPv4 Home Address and IPv4 Address Acknowledgement (mh_v4.h). */
#include <errno.h>

#include "proto/mh_v4.h"

int mh_v4_parse(struct buf *o, uint8_t type, uint8_t olen, struct mh_msg *m)
{
	uint8_t a, b;

	if (olen != MH_V4_OPT_LEN)
		return -EBADMSG;
	if (buf_u8(o, &a) || buf_u8(o, &b))
		return -EBADMSG;
	if (type == MH_OPT_V4HOA) {
		if (m->has_v4hoa || buf_read(o, m->v4hoa, 4))
			return -EBADMSG;
		/* Prefix-len is the top 6 bits, P the next one (3.1.1). */
		m->v4hoa_plen = a >> 2;
		m->v4hoa_p = (a & 0x02) != 0;
		if (m->v4hoa_plen > 32)
			return -EBADMSG;        /* no IPv4 prefix is longer */
		m->has_v4hoa = true;
		return 0;
	}
	if (m->has_v4ack || buf_read(o, m->v4ack, 4))
		return -EBADMSG;
	m->v4ack_status = a;
	m->v4ack_plen = b >> 2;
	if (m->v4ack_plen > 32)
		return -EBADMSG;
	m->has_v4ack = true;
	return 0;
}

int mh_v4_put(struct wbuf *w, const struct mh_msg *m)
{
	if ((m->has_v4hoa && m->v4hoa_plen > 32) || (m->has_v4ack && m->v4ack_plen > 32))
		return -EINVAL;
	if (m->has_v4hoa) {
		wbuf_u8(w, MH_OPT_V4HOA);
		wbuf_u8(w, MH_V4_OPT_LEN);
		wbuf_u8(w, (uint8_t)(m->v4hoa_plen << 2 | (m->v4hoa_p ? 0x02 : 0)));
		wbuf_u8(w, 0);
		wbuf_put(w, m->v4hoa, 4);
	}
	if (m->has_v4ack) {
		wbuf_u8(w, MH_OPT_V4ACK);
		wbuf_u8(w, MH_V4_OPT_LEN);
		wbuf_u8(w, m->v4ack_status);
		wbuf_u8(w, (uint8_t)(m->v4ack_plen << 2));
		wbuf_put(w, m->v4ack, 4);
	}
	return 0;
}

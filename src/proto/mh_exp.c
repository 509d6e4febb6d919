/* SPDX-License-Identifier: MIT */
/* mif's Experimental Mobility Option: the fast path offer (mh_exp.h). */
#include <errno.h>
#include <string.h>

#include "proto/mh_exp.h"

static const uint8_t mh_exp_tag[3] = { 'm', 'i', 'f' };

int mh_exp_parse(struct buf *o, uint8_t olen, struct mh_msg *m)
{
	uint8_t tag[3], kind, flags;

	/* RFC 5096 section 4 leaves the data to the experiment: another
	 * one's option is not ours to judge. */
	if (olen != MH_EXP_FAST_LEN || buf_read(o, tag, 3) || memcmp(tag, mh_exp_tag, 3) ||
	    buf_u8(o, &kind) || kind != MH_EXP_KIND_FAST || buf_u8(o, &flags))
		return 0;
	if (m->has_fast)
		return -EBADMSG;
	m->has_fast = true;
	m->fast_flags = flags;
	return 0;
}

void mh_exp_put(struct wbuf *w, const struct mh_msg *m)
{
	if (!m->has_fast)
		return;
	wbuf_u8(w, MH_OPT_EXPERIMENTAL);
	wbuf_u8(w, MH_EXP_FAST_LEN);
	wbuf_put(w, mh_exp_tag, 3);
	wbuf_u8(w, MH_EXP_KIND_FAST);
	wbuf_u8(w, m->fast_flags);
}

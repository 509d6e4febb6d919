/* SPDX-License-Identifier: MIT */
/* libFuzzer: a UDP payload of the mobility tunnel (mhtun.h) as the home
 * agent and the mobile node receive it, then the MH inside a signalling
 * packet, then its authenticator checked as mn.c and ha_io.c check it
 * (a forged one is refused; the same MH signed with the key verifies) and
 * its timestamp against the replay window. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/mh.h"
#include "proto/mhtun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t fm_key[32] = "mif fuzz key, 32 octets long...";

/* Whatever a peer puts in the Authenticator is refused unless it is the
 * HMAC; and once signed with the key, the same octets verify. */
static void fm_auth(const struct mhtun_pkt *t, const struct mh_msg *m)
{
	uint8_t *mh;
	int r = mhtun_verify(fm_key, sizeof(fm_key), t->src, t->dst, t->mh, t->mh_len, m->auth,
			     m->auth_covered, m->has_auth);

	if (r != 0 && r != -EPERM)
		__builtin_trap();
	if (!m->has_auth || m->auth_covered < 6 || m->auth_covered + MH_AUTH_LEN > t->mh_len)
		return;
	mh = malloc(t->mh_len);
	if (!mh)
		return;
	memcpy(mh, t->mh, t->mh_len);
	if (mhtun_sign(fm_key, sizeof(fm_key), t->src, t->dst, mh, m->auth_covered) != 0 ||
	    mhtun_verify(fm_key, sizeof(fm_key), t->src, t->dst, mh, t->mh_len,
			 mh + m->auth_covered, m->auth_covered, true) != 0)
		__builtin_trap();
	free(mh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mhtun_pkt t;
	struct mh_msg m;
	int r;

	if (mhtun_parse(data, size, &t) != 0)
		return 0;
	if (t.kind != MHTUN_SIGNAL)
		return 0;
	if (t.mh < data || t.mh + t.mh_len > data + size)
		__builtin_trap();
	if (mh_parse(t.mh, t.mh_len, &m) != 0)
		return 0;
	fm_auth(&t, &m);
	r = mhtun_replay_check(m.ts, m.ts + 1, 0, 30);
	if (r != 0 && r != -EPERM)
		__builtin_trap();
	return 0;
}

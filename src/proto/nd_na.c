/* SPDX-License-Identifier: MIT */
/* A Neighbor Advertisement (nd_na.h). */
#include <errno.h>
#include <string.h>

#include "proto/nd_na.h"

int nd_na_build(const uint8_t target[16], uint8_t flags, const uint8_t *lladdr, size_t lllen,
		uint8_t *out, size_t cap, size_t *ret_len)
{
	/* RFC 4861 4.6: an option's length is in units of 8 octets, the
	 * link-layer address padded up to it. */
	size_t opt = lllen ? (2 + lllen + 7) / 8 * 8 : 0;
	size_t len = 24 + opt;

	if (lllen > 38 || (lllen && !lladdr) || (flags & 0x1f))
		return -EINVAL;
	if (cap < len)
		return -ENOSPC;
	memset(out, 0, len);
	out[0] = 136;            /* Neighbor Advertisement */
	out[4] = flags;
	memcpy(out + 8, target, 16);
	if (opt) {
		out[24] = 2;     /* Target Link-Layer Address */
		out[25] = (uint8_t)(opt / 8);
		memcpy(out + 26, lladdr, lllen);
	}
	*ret_len = len;
	return 0;
}

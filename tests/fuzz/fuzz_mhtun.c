/* SPDX-License-Identifier: MIT */
/* libFuzzer: a UDP payload of the mobility tunnel (mhtun.h) as the home
 * agent and the mobile node receive it, then the MH inside a signalling
 * packet. */
#include <stddef.h>
#include <stdint.h>

#include "proto/mh.h"
#include "proto/mhtun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mhtun_pkt t;
	struct mh_msg m;

	if (mhtun_parse(data, size, &t) != 0)
		return 0;
	if (t.kind != MHTUN_SIGNAL)
		return 0;
	if (t.mh < data || t.mh + t.mh_len > data + size)
		__builtin_trap();
	(void)mh_parse(t.mh, t.mh_len, &m);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* n-cast duplicate suppression (mh_dedup.h). */
#include "proto/mh_dedup.h"

static uint64_t mh_dedup_digest(const uint8_t *p, size_t len)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h ^ len;
}

bool mh_dedup_seen(struct mh_dedup *d, const uint8_t *p, size_t len, long long now_ms)
{
	uint64_t h = mh_dedup_digest(p, len);
	size_t set = (size_t)(h % MH_DEDUP_SETS), old = 0;

	if (now_ms <= 0)
		now_ms = 1;     /* 0 marks an empty way */
	for (size_t w = 0; w < MH_DEDUP_WAYS; w++) {
		long long at = d->at_ms[set][w];

		if (at && d->digest[set][w] == h && now_ms - at <= MH_DEDUP_WINDOW_MS)
			return true;
		if (at < d->at_ms[set][old])
			old = w;
	}
	/* Replace the oldest (or an empty) way. */
	d->digest[set][old] = h;
	d->at_ms[set][old] = now_ms;
	return false;
}

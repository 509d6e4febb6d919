/* SPDX-License-Identifier: MIT */
/* mif-had's home address table (ha_index.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "ha/ha_cache.h"
#include "ha/ha_index.h"

static size_t ha_index_hash(uint64_t seed, const uint8_t *a)
{
	uint64_t w0, w1;

	uint64_t h;

	memcpy(&w0, a, 8);
	memcpy(&w1, a + 8, 8);
	h = hash_mix(hash_mix(seed, w0), w1);
	/* hash_mix ends with a multiply, whose low bits see only the low bits
	 * of its input; the table takes low bits: fold the high ones in
	 * (MurmurHash3's 64-bit finaliser). */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return (size_t)(h ^ (h >> 33));
}

int ha_index_build(struct ha_index *ix, const struct ha_mn *mns, size_t n, uint64_t seed)
{
	size_t slots = 16, mask, longest = 0;
	uint32_t *slot;

	if (n >= UINT32_MAX / 4)
		return -ENOMEM;
	/* At most a quarter full: short probe runs (4 octets a slot, 2 MiB
	 * for 100,000 mobile nodes). */
	while (slots < 4 * n)
		slots *= 2;
	slot = calloc(slots, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	mask = slots - 1;
	for (size_t i = 0; i < n; i++) {
		size_t k = ha_index_hash(seed, mns[i].hoa.s6_addr) & mask, run = 1;

		for (; slot[k]; k = (k + 1) & mask, run++) {
			if (memcmp(&mns[slot[k] - 1].hoa, &mns[i].hoa, 16) == 0) {
				free(slot);
				return -EEXIST;
			}
		}
		slot[k] = (uint32_t)i + 1;
		if (run > longest)
			longest = run;
	}
	ix->slot = slot;
	ix->mask = mask;
	ix->seed = seed;
	ix->max_probe = longest;
	return 0;
}

void ha_index_free(struct ha_index *ix)
{
	free(ix->slot);
	memset(ix, 0, sizeof(*ix));
}

struct ha_mn *ha_index_find(const struct ha_index *ix, struct ha_mn *mns, const uint8_t *a)
{
	size_t k;

	if (!ix->slot)
		return NULL;
	/* Empty slots are most: one ends every search soon. */
	for (k = ha_index_hash(ix->seed, a) & ix->mask; ix->slot[k]; k = (k + 1) & ix->mask) {
		struct ha_mn *mn = &mns[ix->slot[k] - 1];

		if (memcmp(&mn->hoa, a, 16) == 0)
			return mn;
	}
	return NULL;
}

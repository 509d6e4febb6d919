/* SPDX-License-Identifier: MIT */
/*
 * A fast non-cryptographic hash for change detection (is what would be
 * sent the same as last time?): eight bytes at a time, each word mixed in
 * with a multiply and a rotation. Not for tables a peer can fill.
 */
#ifndef MIF_COMMON_HASH_H
#define MIF_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HASH_SEED 0xcbf29ce484222325ull

static inline uint64_t hash_mix(uint64_t h, uint64_t w)
{
	h ^= w * 0x9e3779b97f4a7c15ull;
	h = (h << 31) | (h >> 33);
	return h * 0xff51afd7ed558ccdull;
}

static inline uint64_t hash_bytes(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = hash_mix(h, w);
	}
	w = 0;
	memcpy(&w, p, len);
	return hash_mix(h, w ^ (uint64_t)len << 56);
}

#endif

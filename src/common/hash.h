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

/*
 * Two independent lanes, 128 bits in all, fed field by field: a digest of
 * a structure whose fields have padding between them. Seed it from
 * rand_bytes() where a peer chooses the input, so that a collision cannot be
 * prepared in advance.
 */
struct hash2 {
	uint64_t a, b;
};

static inline void hash2_init(struct hash2 *h, uint64_t seed)
{
	h->a = HASH_SEED ^ seed;
	h->b = hash_mix(~HASH_SEED, seed ^ 0x6a09e667f3bcc909ull);
}

static inline void hash2_bytes(struct hash2 *h, const void *data, size_t len)
{
	h->a = hash_bytes(h->a, data, len);
	h->b = hash_bytes(h->b ^ 0x3c6ef372fe94f82bull, data, len);
}

static inline void hash2_u64(struct hash2 *h, uint64_t v)
{
	h->a = hash_mix(h->a, v);
	h->b = hash_mix(h->b ^ 0xbb67ae8584caa73bull, v);
}

/* A string with its length, so that ("ab","c") and ("a","bc") differ;
 * NULL differs from "". */
static inline void hash2_str(struct hash2 *h, const char *s)
{
	if (!s) {
		hash2_u64(h, UINT64_MAX);
		return;
	}
	size_t n = strlen(s);

	hash2_u64(h, n);
	hash2_bytes(h, s, n);
}

static inline int hash2_equal(const struct hash2 *x, const struct hash2 *y)
{
	return x->a == y->a && x->b == y->b;
}

#endif

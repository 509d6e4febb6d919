/* SPDX-License-Identifier: MIT */
/* SHA-256 (FIPS 180-4), for RFC 7217 stable interface identifiers: the
 * pseudorandom function F of its section 5 (SHA-256 is one it names). */
#ifndef MIF_COMMON_SHA256_H
#define MIF_COMMON_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

struct sha256 {
	uint32_t h[8];
	uint64_t len;                /* bytes hashed */
	uint8_t buf[64];
	size_t n;                    /* bytes in buf */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);
/* One call: out = SHA-256(data). */
void sha256(const void *data, size_t len, uint8_t out[SHA256_LEN]);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * MD5 (RFC 1321) and HMAC-MD5 (RFC 2104), only because RFC 8415 20.4 (the
 * DHCPv6 reconfigure key protocol) specifies HMAC-MD5. Not for anything
 * that needs collision resistance.
 */
#ifndef MIF_COMMON_MD5_H
#define MIF_COMMON_MD5_H

#include <stddef.h>
#include <stdint.h>

#define MD5_LEN 16
#define MD5_BLOCK 64

struct md5 {
	uint32_t h[4];
	uint64_t len;                /* octets so far */
	uint8_t buf[MD5_BLOCK];
	size_t n;                    /* octets in buf */
};

void md5_init(struct md5 *c);
void md5_update(struct md5 *c, const void *data, size_t len);
void md5_final(struct md5 *c, uint8_t out[MD5_LEN]);

struct hmac_md5 {
	struct md5 inner;
	uint8_t opad[MD5_BLOCK];
};

void hmac_md5_init(struct hmac_md5 *h, const uint8_t *key, size_t key_len);
void hmac_md5_update(struct hmac_md5 *h, const void *data, size_t len);
void hmac_md5_final(struct hmac_md5 *h, uint8_t out[MD5_LEN]);

#endif

/* SPDX-License-Identifier: MIT */
/* MD5 (RFC 1321 section 3) and HMAC-MD5 (RFC 2104 section 2). */
#include <string.h>

#include "common/md5.h"

/* RFC 1321 3.4: T[i] = floor(2^32 * abs(sin(i + 1))), and the shifts. */
static const uint32_t md5_t[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
	0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
	0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
	0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
	0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
	0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
	0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
	0xeb86d391,
};
static const uint8_t md5_s[16] = { 7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21 };

static uint32_t md5_rol(uint32_t x, unsigned n)
{
	return x << n | x >> (32 - n);
}

static void md5_block(struct md5 *c, const uint8_t *p)
{
	uint32_t x[16], a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3], f, t;
	unsigned g;

	for (int i = 0; i < 16; i++)
		x[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
		       (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
	for (unsigned i = 0; i < 64; i++) {
		if (i < 16) {
			f = (b & cc) | (~b & d);
			g = i;
		} else if (i < 32) {
			f = (d & b) | (~d & cc);
			g = (5 * i + 1) % 16;
		} else if (i < 48) {
			f = b ^ cc ^ d;
			g = (3 * i + 5) % 16;
		} else {
			f = cc ^ (b | ~d);
			g = (7 * i) % 16;
		}
		t = d;
		d = cc;
		cc = b;
		b = b + md5_rol(a + f + md5_t[i] + x[g], md5_s[(i / 16) * 4 + i % 4]);
		a = t;
	}
	c->h[0] += a;
	c->h[1] += b;
	c->h[2] += cc;
	c->h[3] += d;
}

void md5_init(struct md5 *c)
{
	memset(c, 0, sizeof(*c));
	c->h[0] = 0x67452301;
	c->h[1] = 0xefcdab89;
	c->h[2] = 0x98badcfe;
	c->h[3] = 0x10325476;
}

void md5_update(struct md5 *c, const void *data, size_t len)
{
	const uint8_t *p = data;

	c->len += len;
	while (len > 0) {
		size_t k = MD5_BLOCK - c->n < len ? MD5_BLOCK - c->n : len;

		memcpy(c->buf + c->n, p, k);
		c->n += k;
		p += k;
		len -= k;
		if (c->n == MD5_BLOCK) {
			md5_block(c, c->buf);
			c->n = 0;
		}
	}
}

/* 3.1, 3.2: a 1 bit, zeros to 56 mod 64, the bit length little-endian. */
void md5_final(struct md5 *c, uint8_t out[MD5_LEN])
{
	uint64_t bits = c->len * 8;
	uint8_t pad = 0x80, zero = 0, len8[8];

	md5_update(c, &pad, 1);
	while (c->n != 56)
		md5_update(c, &zero, 1);
	for (int i = 0; i < 8; i++)
		len8[i] = (uint8_t)(bits >> (8 * i));
	md5_update(c, len8, 8);
	for (int i = 0; i < 16; i++)
		out[i] = (uint8_t)(c->h[i / 4] >> (8 * (i % 4)));
}

/* RFC 2104: H(K ^ opad, H(K ^ ipad, text)); keys longer than a block are
 * hashed first. */
void hmac_md5_init(struct hmac_md5 *h, const uint8_t *key, size_t key_len)
{
	uint8_t k[MD5_BLOCK] = { 0 }, ipad[MD5_BLOCK];
	struct md5 t;

	if (key_len > MD5_BLOCK) {
		md5_init(&t);
		md5_update(&t, key, key_len);
		md5_final(&t, k);
	} else if (key_len > 0) {
		memcpy(k, key, key_len);
	}
	for (int i = 0; i < MD5_BLOCK; i++) {
		ipad[i] = k[i] ^ 0x36;
		h->opad[i] = k[i] ^ 0x5c;
	}
	md5_init(&h->inner);
	md5_update(&h->inner, ipad, MD5_BLOCK);
}

void hmac_md5_update(struct hmac_md5 *h, const void *data, size_t len)
{
	md5_update(&h->inner, data, len);
}

void hmac_md5_final(struct hmac_md5 *h, uint8_t out[MD5_LEN])
{
	uint8_t in[MD5_LEN];
	struct md5 o;

	md5_final(&h->inner, in);
	md5_init(&o);
	md5_update(&o, h->opad, MD5_BLOCK);
	md5_update(&o, in, MD5_LEN);
	md5_final(&o, out);
}

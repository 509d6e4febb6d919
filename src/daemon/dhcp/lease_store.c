/* SPDX-License-Identifier: MIT */
/* The lease store's file format (lease_store.h): pure, no I/O. */
#include <errno.h>
#include <string.h>

#include "daemon/dhcp/lease_store.h"

static const char lease_magic[8] = { 'M', 'I', 'F', 'L', 'E', 'A', 'S', 'E' };

/* CRC-32 of IEEE 802.3 (reflected, polynomial 0xEDB88320), bit by bit:
 * records are small and written seldom. It catches a torn or damaged
 * file; it is no defence against someone who can write the directory
 * (root-only, 0700). */
uint32_t lease_crc32(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

int lease_key_ok(const char *key)
{
	size_t n = key ? strlen(key) : 0;

	if (n == 0 || n > LEASE_KEY_MAX || key[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char ch = key[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
			return 0;
	}
	return 1;
}

static void lease_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t lease_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int lease_encode(const char *key, const void *payload, size_t len, uint8_t *out, size_t outlen)
{
	size_t kl, total, o = 0;

	if (!lease_key_ok(key) || len > LEASE_PAYLOAD_MAX || (len && !payload))
		return -EINVAL;
	kl = strlen(key);
	total = sizeof(lease_magic) + 4 + 1 + kl + 4 + len + 4;
	if (outlen < total)
		return -ENOSPC;
	memcpy(out, lease_magic, sizeof(lease_magic));
	o += sizeof(lease_magic);
	lease_put32(out + o, LEASE_VERSION);
	o += 4;
	out[o++] = (uint8_t)kl;
	memcpy(out + o, key, kl);
	o += kl;
	lease_put32(out + o, (uint32_t)len);
	o += 4;
	if (len)
		memcpy(out + o, payload, len);
	o += len;
	lease_put32(out + o, lease_crc32(out, o));
	return (int)(o + 4);
}

int lease_decode(const uint8_t *in, size_t inlen, const char *key, void *out, size_t outlen,
		 size_t *ret_len, char *ret_key)
{
	size_t o = sizeof(lease_magic), kl, len;
	char k[LEASE_KEY_MAX + 1];

	/* The smallest record: magic, version, a one-byte key, length, CRC. */
	if (inlen < o + 4 + 1 + 1 + 4 + 4 || inlen > LEASE_FILE_MAX ||
	    memcmp(in, lease_magic, sizeof(lease_magic)) != 0)
		return -EBADMSG;
	if (lease_get32(in + inlen - 4) != lease_crc32(in, inlen - 4))
		return -EBADMSG;
	if (lease_get32(in + o) != LEASE_VERSION)
		return -EBADMSG;
	o += 4;
	kl = in[o++];
	if (kl == 0 || kl > LEASE_KEY_MAX || o + kl + 4 + 4 > inlen)
		return -EBADMSG;
	memcpy(k, in + o, kl);
	k[kl] = '\0';
	o += kl;
	len = lease_get32(in + o);
	o += 4;
	if (!lease_key_ok(k) || strlen(k) != kl || len > LEASE_PAYLOAD_MAX || o + len + 4 != inlen)
		return -EBADMSG;
	if (key && strcmp(key, k) != 0)
		return -ENOENT;
	if (len > outlen)
		return -ENOSPC;
	if (len)
		memcpy(out, in + o, len);
	*ret_len = len;
	if (ret_key)
		memcpy(ret_key, k, kl + 1);
	return 0;
}

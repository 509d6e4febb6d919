/* SPDX-License-Identifier: MIT */
/* Derived mobile-node keys (ha_keys.h). */
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#include "ha/ha_keys.h"

#define HA_KEY_LABEL "mif-had mn key v1"

int ha_key_derive(const uint8_t *master, size_t master_len, const struct in6_addr *hoa,
		  uint32_t spi, uint8_t out[HA_KEY_DERIVED_LEN])
{
	uint8_t msg[sizeof(HA_KEY_LABEL) - 1 + 16 + 4], md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	size_t off = sizeof(HA_KEY_LABEL) - 1;

	if (!master || master_len == 0 || master_len > 1024)
		return -EINVAL;
	memcpy(msg, HA_KEY_LABEL, off);
	memcpy(msg + off, hoa->s6_addr, 16);
	msg[off + 16] = (uint8_t)(spi >> 24);
	msg[off + 17] = (uint8_t)(spi >> 16);
	msg[off + 18] = (uint8_t)(spi >> 8);
	msg[off + 19] = (uint8_t)spi;
	if (!HMAC(EVP_sha256(), master, (int)master_len, msg, sizeof(msg), md, &mdlen) ||
	    mdlen != HA_KEY_DERIVED_LEN)
		return -EIO;
	memcpy(out, md, HA_KEY_DERIVED_LEN);
	return 0;
}

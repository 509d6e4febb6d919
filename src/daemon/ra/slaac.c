/* SPDX-License-Identifier: MIT */
#include "daemon/ra/slaac.h"

#include <errno.h>
#include <string.h>

#include <nettle/sha2.h>

int slaac_iid(const uint8_t *hw, size_t hwlen, uint8_t iid[8])
{
	static const uint8_t zero[8];

	if ((hwlen != 6 && hwlen != 8) || memcmp(hw, zero, hwlen) == 0)
		return -EINVAL;
	if (hwlen == 6) {
		iid[0] = hw[0];
		iid[1] = hw[1];
		iid[2] = hw[2];
		iid[3] = 0xff;
		iid[4] = 0xfe;
		iid[5] = hw[3];
		iid[6] = hw[4];
		iid[7] = hw[5];
	} else {
		memcpy(iid, hw, 8);
	}
	/* Invert the universal/local bit (RFC 4291 appendix A). */
	iid[0] ^= 0x02;
	return 0;
}

const char *slaac_privacy_name(enum slaac_privacy p)
{
	return p == SLAAC_TEMPORARY ? "temporary" : p == SLAAC_EUI64 ? "eui64" : "stable";
}

bool slaac_iid_reserved(const uint8_t iid[8])
{
	static const uint8_t zero[8];
	static const uint8_t eth[5] = { 0x02, 0x00, 0x5e, 0xff, 0xfe };
	static const uint8_t anycast[7] = { 0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	return memcmp(iid, zero, 8) == 0 || memcmp(iid, eth, 5) == 0 ||
	       (memcmp(iid, anycast, 7) == 0 && iid[7] >= 0x80);
}

int slaac_stable_iid(const struct in6_addr *prefix, const char *net_iface,
		     const char *network_id, uint8_t dad_counter,
		     const uint8_t secret[SLAAC_SECRET_LEN], uint8_t iid[8])
{
	static const uint8_t nul;
	uint8_t rid[SHA256_DIGEST_SIZE];
	struct sha256_ctx s;

	/* RFC 7217 section 5: F() is SHA-256 (libnettle, GnuTLS's own
	 * primitives: pure computation, fit for the engine's seccomp list) */
	sha256_init(&s);
	sha256_update(&s, 8, prefix->s6_addr);
	sha256_update(&s, strlen(net_iface), (const uint8_t *)net_iface);
	sha256_update(&s, 1, &nul);
	if (network_id)
		sha256_update(&s, strlen(network_id), (const uint8_t *)network_id);
	sha256_update(&s, 1, &nul);
	sha256_update(&s, 1, &dad_counter);
	sha256_update(&s, SLAAC_SECRET_LEN, secret);
	sha256_digest(&s, sizeof(rid), rid);
	if (slaac_iid_reserved(rid))
		return -EINVAL;
	memcpy(iid, rid, 8);
	return 0;
}

int slaac_address(const struct in6_addr *prefix, uint8_t plen, const uint8_t iid[8],
		  struct in6_addr *out)
{
	if (plen != 64)
		return -EINVAL;
	memcpy(out->s6_addr, prefix->s6_addr, 8);
	memcpy(out->s6_addr + 8, iid, 8);
	return 0;
}

uint32_t slaac_valid_lifetime(bool exists, uint32_t received, uint32_t remaining)
{
	if (!exists)
		return received;
	if (received > SLAAC_TWO_HOURS || received > remaining)
		return received;
	if (remaining <= SLAAC_TWO_HOURS)
		return remaining;
	return SLAAC_TWO_HOURS;
}

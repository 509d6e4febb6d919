/* SPDX-License-Identifier: MIT */
#include "daemon/ra/slaac.h"

#include <errno.h>
#include <string.h>

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

/* SPDX-License-Identifier: MIT */
/* libFuzzer: IPv4/UDP unwrapping, then the DHCPv4 parser on what is inside,
 * as the client's receive path does. */
#include <stddef.h>
#include <stdint.h>

#include "proto/dhcp4.h"
#include "proto/ipudp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp4_msg m;
	const uint8_t *pl;
	struct in_addr src;
	uint16_t sport;
	size_t plen;
	enum dhcp4_error why;

	for (int csum = 0; csum < 2; csum++) {
		int r = csum ? ipudp4_parse(data, size, 68, &src, &sport, &pl, &plen) :
			       ipudp4_parse_nocsum(data, size, 68, &src, &sport, &pl, &plen);

		if (r != 0)
			continue;
		if (pl < data || plen > size || pl + plen > data + size)
			__builtin_trap();
		dhcp4_parse_reply(pl, plen, &m, &why);
	}
	return 0;
}

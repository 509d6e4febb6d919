/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for lease6_parse(): no crash, and what parses formats
 * and parses back to the same lease. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/lease6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lease6 l, again;
	static char buf[LEASE6_TEXT_MAX * 2];
	int line = -1, n;

	if (lease6_parse((const char *)data, size, &l, &line) != 0)
		return 0;
	if (l.n_na > DHCP6_MAX_IA_ADDRS || l.n_pd > DHCP6_MAX_IA_ADDRS || l.n_na + l.n_pd == 0)
		__builtin_trap();
	n = lease6_format(&l, buf, sizeof(buf));
	if (n < 0 || lease6_parse(buf, (size_t)n, &again, &line) != 0 ||
	    memcmp(&l, &again, sizeof(l)) != 0)
		__builtin_trap();
	return 0;
}

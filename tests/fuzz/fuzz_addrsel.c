/* SPDX-License-Identifier: MIT */
/*
 * RFC 7078 option 84 (peer data from a DHCPv6 server) into a policy table,
 * then a sort with that table: never a read past the input, never a crash,
 * and every result a permutation of the input with a valid source index.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "proto/addrsel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addrsel_table t;
	struct addrsel_dest d[4];
	struct addrsel_source s[3];
	struct addrsel_result out[4];
	bool seen[4] = { false };
	int r = addrsel_table_from_option(&t, data, size);

	if (r < 0) {
		if (r != -EBADMSG && r != -E2BIG)
			__builtin_trap();
		return 0;
	}
	if (t.n > ADDRSEL_MAX_POLICY)
		__builtin_trap();
	/* Addresses from the table's own rows, so lookups hit them. */
	memset(d, 0, sizeof(d));
	memset(s, 0, sizeof(s));
	for (size_t i = 0; i < 4; i++)
		d[i].addr = t.n ? t.rows[i % t.n].prefix : (struct in6_addr){ { { 0x20, 1 } } };
	for (size_t i = 0; i < 3; i++) {
		s[i].addr = d[i].addr;
		s[i].addr.s6_addr[15] ^= (uint8_t)(i + 1);
		s[i].plen = 64;
	}
	if (addrsel_sort(&t, d, 4, s, 3, out) < 0)
		return 0;
	for (size_t i = 0; i < 4; i++) {
		if (out[i].in_index >= 4 || seen[out[i].in_index] || out[i].src >= 3 ||
		    out[i].src < -1)
			__builtin_trap();
		seen[out[i].in_index] = true;
	}
	return 0;
}

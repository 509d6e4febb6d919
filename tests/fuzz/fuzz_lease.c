/* SPDX-License-Identifier: MIT */
/* The lease store's file format (src/daemon/dhcp/lease_store.c): a file
 * on disk may be torn or damaged; decoding it must never read outside it,
 * and what decodes must encode back to the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "daemon/dhcp/lease_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[LEASE_PAYLOAD_MAX], again[LEASE_FILE_MAX];
	char key[LEASE_KEY_MAX + 1];
	size_t len = 0;
	int n;

	if (lease_decode(data, size, NULL, out, sizeof(out), &len, key) != 0)
		return 0;
	n = lease_encode(key, out, len, again, sizeof(again));
	if (n < 0 || (size_t)n != size || memcmp(again, data, size) != 0)
		__builtin_trap();
	return 0;
}

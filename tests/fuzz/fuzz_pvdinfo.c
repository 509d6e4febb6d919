/* SPDX-License-Identifier: MIT */
/*
 * RFC 8801 PvD Additional Information as a hostile server may send it:
 * never a crash; an error is -EBADMSG with a reason; a success has a
 * terminated identifier and zones and prefixes within their caps; a
 * date-time read back is stable.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "proto/pvdinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pvdinfo c;
	enum pvdinfo_error why = PVDINFO_OK;
	int r = pvdinfo_parse((const char *)data, size, &c, &why);
	char s[64];
	int64_t t;

	if (r < 0) {
		if (r != -EBADMSG || why == PVDINFO_OK)
			__builtin_trap();
	} else if (!memchr(c.identifier, '\0', sizeof(c.identifier)) || !c.n_prefixes ||
		   c.n_prefixes > PVDINFO_MAX_PREFIXES || c.n_zones > PVDINFO_MAX_ZONES) {
		__builtin_trap();
	}
	/* The date parser alone, on a terminated copy of the input. */
	if (size < sizeof(s)) {
		memcpy(s, data, size);
		s[size] = '\0';
		(void)pvdinfo_time(s, &t);
	}
	return 0;
}

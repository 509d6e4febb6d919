/* SPDX-License-Identifier: MIT */
/*
 * The "vendor-mif" member of RFC 8801 additional information as a hostile
 * network may send it (src/proto/pvdpolicy.c): never a crash; what comes
 * out always passes pvdpol_check (the engine's check of the same struct
 * after the process boundary), with counts within their caps.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "proto/pvdpolicy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pvdpol p;
	int r = pvdpol_parse_text((const char *)data, size, "n1.example", &p);

	if (r < 0) {
		if (r != -EBADMSG)
			__builtin_trap();
		return 0;
	}
	if (!p.present || !pvdpol_check(&p) || p.n_rules > PVDPOL_MAX_RULES ||
	    p.n_refused > PVDPOL_MAX_REFUSED || p.n_refused > p.n_refused_total)
		__builtin_trap();
	return 0;
}

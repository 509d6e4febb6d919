/* SPDX-License-Identifier: MIT */
/*
 * DDR answers (RFC 9462) as a hostile clear-text resolver may send them:
 * the first octet picks the parser (one SVCB RDATA, or a whole answer to
 * `_dns.resolver.arpa` SVCB), the rest is the input. Never a crash; a
 * success has a terminated non-empty TargetName, a non-zero priority and
 * addresses within the cap, and answers sorted by priority.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "proto/svcb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fs_check(const struct svcb_resolver *r)
{
	if (!memchr(r->target, '\0', sizeof(r->target)) || !r->target[0] || !r->priority ||
	    r->n_addrs > DDR_MAX_ADDRS)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svcb_resolver r[4];
	size_t n = 0;

	if (size < 1)
		return 0;
	memset(r, 0, sizeof(r));
	if (data[0] & 1) {
		if (svcb_parse_rdata(data + 1, size - 1, &r[0]) == 0)
			fs_check(&r[0]);
		return 0;
	}
	if (ddr_parse_answer(data + 1, size - 1, r, 4, &n) < 0)
		return 0;
	if (n > 4)
		__builtin_trap();
	for (size_t i = 0; i < n; i++) {
		fs_check(&r[i]);
		if (i && r[i].priority < r[i - 1].priority)
			__builtin_trap();
	}
	return 0;
}

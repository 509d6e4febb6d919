/* SPDX-License-Identifier: MIT */
/* libFuzzer: the Mobility Header parser (mh.h), then the builder on what
 * it accepted: a parsed message must build again, and its authenticator
 * check must not read past the input. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/mh.h"
#include "proto/mhtun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t a[16], key[8] = "fuzzkey";
	uint8_t out[4096];
	struct mh_msg m;
	size_t len;

	if (mh_parse(data, size, &m) != 0)
		return 0;
	if (m.n_bids > MH_MAX_BIDS || (m.has_auth && m.auth_covered + MH_AUTH_LEN > size))
		__builtin_trap();
	(void)mhtun_verify(key, sizeof(key), a, a, data, size, m.auth, m.auth_covered,
			   m.has_auth);
	if (mh_build(&m, out, sizeof(out), &len, NULL) == 0 && (len % 8 != 0 || len > sizeof(out)))
		__builtin_trap();
	return 0;
}

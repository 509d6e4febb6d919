/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for ra_parse(): no crash, no out-of-bounds read, and on
 * success every invariant a consumer relies on holds. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto/ra.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_ra_terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static int fuzz_ra_ok(const struct ra *ra)
{
	int ok = ra->n_prefixes <= RA_MAX_PREFIXES && ra->n_routes <= RA_MAX_ROUTES &&
		 ra->n_rdnss <= RA_MAX_RDNSS && ra->n_dnssl <= RA_MAX_DNSSL &&
		 ra->slla_len <= sizeof(ra->slla) &&
		 fuzz_ra_terminated(ra->pvd.id, sizeof(ra->pvd.id)) &&
		 fuzz_ra_terminated(ra->captive_portal, sizeof(ra->captive_portal)) &&
		 (!ra->has_pvd || ra->pvd.id[0] != '\0') && ra->pvd.delay <= 15 &&
		 (!ra->has_pref64 || (ra->pref64_plen >= 32 && ra->pref64_plen <= 96)) &&
		 ra_effective_header(ra) != NULL;

	for (size_t i = 0; ok && i < ra->n_prefixes; i++)
		ok = ra->prefixes[i].plen <= 128;
	for (size_t i = 0; ok && i < ra->n_routes; i++)
		ok = ra->routes[i].plen <= 128 && ra->routes[i].pref >= RA_PREF_LOW &&
		     ra->routes[i].pref <= RA_PREF_HIGH;
	for (size_t i = 0; ok && i < ra->n_dnssl; i++)
		ok = fuzz_ra_terminated(ra->dnssl[i].name, sizeof(ra->dnssl[i].name)) &&
		     ra->dnssl[i].name[0] != '\0';
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ra ra;
	enum ra_error why = RA_ERR__MAX;
	int r = ra_parse(data, size, &ra, &why);

	if ((r == 0) != (why == RA_OK) || (unsigned)why >= RA_ERR__MAX)
		__builtin_trap();
	if (r == 0 && !fuzz_ra_ok(&ra))
		__builtin_trap();
	return 0;
}

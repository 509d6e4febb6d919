/* SPDX-License-Identifier: MIT */
/*
 * Static PvD files (pvd/pvd_spec.c: INI text, read by the parent from the
 * PvD directory, parsed by the engine) and the same specification as JSON
 * (pvd.add's parameters from a control client), as a hostile local user
 * may write them (issue 17, item 2). The first byte chooses the form.
 * Never a crash; a failure leaves a terminated reason; a success has a
 * terminated identifier and its lists within their caps.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/pvd/pvd_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check(json_t *o)
{
	static struct pvd_spec spec;
	char err[256] = "";
	unsigned fields = 0;

	if (pvd_spec_from_json(o, false, &spec, &fields, err, sizeof(err)) < 0) {
		if (!memchr(err, '\0', sizeof(err)))
			__builtin_trap();
		return;
	}
	if (!memchr(spec.id, '\0', sizeof(spec.id)) || spec.n_dns > PVD_SPEC_MAX_ITEMS ||
	    spec.n_domains > PVD_SPEC_MAX_ITEMS || spec.n_routes > PVD_SPEC_MAX_ITEMS ||
	    spec.n_prefixes > PVD_SPEC_MAX_ITEMS)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256] = "";
	char *text;
	json_t *o;

	if (size < 1 || size > 65536)
		return 0;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (data[0] & 1)
		o = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	else
		o = pvd_spec_ini_text_to_json("fuzz", text, err, sizeof(err));
	if (o)
		fuzz_check(o);
	else if (!(data[0] & 1) && !memchr(err, '\0', sizeof(err)))
		__builtin_trap();
	json_decref(o);
	free(text);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * mifctl resolve NAME [--type T] [--pvd ID]: ask mifd's stub resolver, and
 * say which PvD answered, through which server, and why that PvD.
 */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

static void ctl_resolve_rrs(json_t *a)
{
	json_t *rr;
	size_t i;

	json_array_foreach(a, i, rr)
		printf("  %s %lld IN %s %s\n", ctl_str(rr, "name"),
		       (long long)json_integer_value(json_object_get(rr, "ttl")),
		       ctl_str(rr, "type"), ctl_str(rr, "data"));
}

static void ctl_resolve_print(json_t *r)
{
	json_t *a;
	size_t i;

	printf("%s %s: %s from PvD %s (%s%s, %.1f ms)%s\n", ctl_str(r, "name"), ctl_str(r, "type"),
	       ctl_str(r, "rcode"), ctl_str(r, "pvd"),
	       json_is_true(json_object_get(r, "cached")) ? "" : "server ", ctl_str(r, "server"),
	       json_real_value(json_object_get(r, "ms")),
	       json_is_true(json_object_get(r, "dns64")) ?
	       " [DNS64: usable only through this PvD]" : "");
	printf("why: %s\n", ctl_str(r, "why"));
	ctl_resolve_rrs(json_object_get(r, "answers"));
	if (json_array_size(json_object_get(r, "answers")) == 0) {
		printf("  (no records)\n");
		ctl_resolve_rrs(json_object_get(r, "authority"));
	}
	json_array_foreach(json_object_get(r, "attempts"), i, a)
		printf("  attempt %zu: PvD %s, server %s: %s\n", i + 1, ctl_str(a, "pvd"),
		       ctl_str(a, "server"), ctl_str(a, "result"));
}

int ctl_resolve(struct ctl *c, int argc, char **argv)
{
	const char *name = NULL, *type = NULL, *pvd = NULL;
	json_t *params, *r;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--type") == 0 && i + 1 < argc)
			type = argv[++i];
		else if (strcmp(argv[i], "--pvd") == 0 && i + 1 < argc)
			pvd = argv[++i];
		else if (argv[i][0] != '-' && !name)
			name = argv[i];
		else
			name = NULL, argc = 0;
	}
	if (!name) {
		fprintf(stderr, "mifctl: usage: mifctl resolve NAME [--type TYPE] [--pvd ID]\n");
		return CTL_USAGE;
	}
	params = json_pack("{s:s}", "name", name);
	if (type)
		json_object_set_new(params, "type", json_string(type));
	if (pvd)
		json_object_set_new(params, "pvd", json_string(pvd));
	r = ctl_call(c, "dns.resolve", params, &rc);
	if (!r)
		return rc;
	if (c->json)
		ctl_print_json(r);
	else
		ctl_resolve_print(r);
	json_decref(r);
	return CTL_OK;
}

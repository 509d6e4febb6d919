/* SPDX-License-Identifier: MIT */
/* mifctl route get DEST [--pvd ID] [--from ADDR]: which PvD, table, next hop
 * and source a packet would use, and why (the kernel's own answer). */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

int ctl_route(struct ctl *c, int argc, char **argv)
{
	json_t *params, *r;
	int rc, i;

	if (argc < 3 || strcmp(argv[1], "get") != 0)
		goto usage;
	params = json_pack("{s:s}", "destination", argv[2]);
	for (i = 3; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--pvd") == 0)
			json_object_set_new(params, "pvd", json_string(argv[i + 1]));
		else if (strcmp(argv[i], "--from") == 0)
			json_object_set_new(params, "from", json_string(argv[i + 1]));
		else
			break;
	}
	if (i != argc) {
		json_decref(params);
		goto usage;
	}
	r = ctl_call(c, "route.get", params, &rc);
	if (!r)
		return rc;
	if (c->json) {
		ctl_print_json(r);
	} else {
		json_t *t = json_object_get(r, "table");

		printf("%s via %s dev %s src %s\n", ctl_str(r, "destination"),
		       json_is_string(json_object_get(r, "via")) ? ctl_str(r, "via") : "(on-link)",
		       ctl_str(r, "interface"),
		       json_is_string(json_object_get(r, "source")) ? ctl_str(r, "source") : "-");
		char tb[24];

		if (json_is_integer(t))
			snprintf(tb, sizeof(tb), "%lld", (long long)json_integer_value(t));
		else
			snprintf(tb, sizeof(tb), "%s", json_is_string(t) ? json_string_value(t) : "?");
		printf("  PvD: %s, table %s\n", json_is_string(json_object_get(r, "pvd")) ?
		       ctl_str(r, "pvd") : "(none)", tb);
		printf("  why: %s\n", ctl_str(r, "why"));
	}
	json_decref(r);
	return CTL_OK;
usage:
	fprintf(stderr, "mifctl: usage: mifctl route get DEST [--pvd ID] [--from ADDR]\n");
	return CTL_USAGE;
}

/* SPDX-License-Identifier: MIT */
/* mifctl portal: the PvDs behind a captive portal and where to log in
 * (RFC 8908 user-portal-url, or the page the HTTP probe was sent to). */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

int ctl_portal(struct ctl *c, int argc, char **argv)
{
	json_t *r, *pvds, *p, *out;
	size_t i;
	int rc;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: mifctl portal\n");
		return CTL_USAGE;
	}
	if (!(r = ctl_call(c, "pvd.list", NULL, &rc)))
		return rc;
	pvds = json_object_get(r, "pvds");
	out = json_array();
	json_array_foreach(pvds, i, p) {
		json_t *conn = json_object_get(p, "connectivity");

		if (strcmp(ctl_str(p, "connectivity_state"), "portal"))
			continue;
		json_array_append_new(out, json_pack("{s:s,s:O?,s:O?}", "pvd", ctl_str(p, "id"),
			"login_url", json_object_get(conn, "login_url"),
			"why", json_object_get(conn, "why")));
	}
	if (c->json) {
		ctl_print_json(out);
	} else if (json_array_size(out) == 0) {
		printf("No network is behind a captive portal.\n");
	} else {
		json_array_foreach(out, i, p)
			printf("%s: log in at %s\n  (%s)\n", ctl_str(p, "pvd"),
			       ctl_str(p, "login_url")[0] ? ctl_str(p, "login_url") : "(unknown)",
			       ctl_str(p, "why"));
	}
	json_decref(out);
	json_decref(r);
	return CTL_OK;
}

/* SPDX-License-Identifier: MIT */
/* mifctl log-level LEVEL (root only: it changes mifd). */
#include <stdio.h>

#include "ctl/ctl.h"

int ctl_log_level(struct ctl *c, int argc, char **argv)
{
	int rc;
	json_t *r;

	if (argc != 2) {
		fprintf(stderr, "mifctl: usage: mifctl log-level error|warning|info|debug\n");
		return CTL_USAGE;
	}
	r = ctl_call(c, "log.set", json_pack("{s:s}", "level", argv[1]), &rc);
	if (!r)
		return rc;
	if (c->json)
		ctl_print_json(r);
	else
		printf("mifd log level is now %s\n", argv[1]);
	json_decref(r);
	return CTL_OK;
}

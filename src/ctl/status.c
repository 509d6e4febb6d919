/* SPDX-License-Identifier: MIT */
/* mifctl status */
#include <stdio.h>

#include "ctl/ctl.h"

static void ctl_status_print(json_t *s)
{
	json_t *ra = json_object_get(s, "ra"), *drops = json_object_get(ra, "drop_reasons");
	json_t *ifs = json_object_get(s, "interfaces"), *v;
	const char *k;
	char caps[256];
	size_t i;

	ctl_join(json_object_get(s, "capabilities"), NULL, caps, sizeof(caps));
	printf("mifd %s, pid %lld, up %llds, log level %s\n", ctl_str(s, "version"),
	       (long long)json_integer_value(json_object_get(s, "pid")),
	       (long long)json_integer_value(json_object_get(s, "uptime")),
	       ctl_str(s, "log_level"));
	printf("capabilities: %s\n", caps);
	printf("provisioning domains: %lld\n", (long long)json_integer_value(json_object_get(s, "pvds")));
	printf("interfaces:\n");
	json_array_foreach(ifs, i, v)
		printf("  %-16s %-4s %s\n", ctl_str(v, "name"),
		       json_is_true(json_object_get(v, "up")) ? "up" : "down",
		       json_is_true(json_object_get(v, "managed")) ? "managed" : "not managed");
	printf("router advertisements: %lld received, %lld accepted, %lld dropped\n",
	       (long long)json_integer_value(json_object_get(ra, "received")),
	       (long long)json_integer_value(json_object_get(ra, "accepted")),
	       (long long)json_integer_value(json_object_get(ra, "dropped")));
	json_object_foreach(drops, k, v)
		if (json_integer_value(v) > 0)
			printf("  dropped, %s: %lld\n", k, (long long)json_integer_value(v));
}

int ctl_status(struct ctl *c, int argc, char **argv)
{
	int rc;
	json_t *s;

	if (argc != 1) {
		fprintf(stderr, "mifctl: usage: mifctl status\n");
		return CTL_USAGE;
	}
	s = ctl_call(c, "status", NULL, &rc);
	if (!s)
		return rc;
	if (c->json)
		ctl_print_json(s);
	else
		ctl_status_print(s);
	json_decref(s);
	return CTL_OK;
}

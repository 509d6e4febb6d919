/* SPDX-License-Identifier: MIT */
/* mifctl dns: every PvD's DNS servers and domains;
 * mifctl dns which NAME [--pvd ID]: whose servers would answer, and why. */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

static int ctl_dns_list(struct ctl *c)
{
	json_t *r, *p;
	size_t i;
	int rc;
	char s[256], d[256];

	r = ctl_call(c, "dns.list", NULL, &rc);
	if (!r)
		return rc;
	if (c->json) {
		ctl_print_json(json_object_get(r, "pvds"));
	} else {
		json_array_foreach(json_object_get(r, "pvds"), i, p) {
			ctl_join(json_object_get(p, "servers"), NULL, s, sizeof(s));
			ctl_join(json_object_get(p, "domains"), NULL, d, sizeof(d));
			printf("%s\n  servers: %s\n  domains: %s\n", ctl_str(p, "pvd"), s, d);
		}
	}
	json_decref(r);
	return CTL_OK;
}

static int ctl_dns_which(struct ctl *c, const char *name, const char *pvd)
{
	json_t *params = json_pack("{s:s}", "name", name), *r, *p;
	size_t i;
	int rc;
	char s[256];

	if (pvd)
		json_object_set_new(params, "pvd", json_string(pvd));
	r = ctl_call(c, "dns.which", params, &rc);
	if (!r)
		return rc;
	if (c->json) {
		ctl_print_json(r);
	} else {
		printf("%s is asked of:\n", name);
		json_array_foreach(json_object_get(r, "pvds"), i, p) {
			ctl_join(json_object_get(p, "servers"), NULL, s, sizeof(s));
			printf("  %zu. %s (%s)\n", i + 1, ctl_str(p, "pvd"), s);
		}
		printf("why: %s\n", ctl_str(r, "why"));
	}
	json_decref(r);
	return CTL_OK;
}

int ctl_dns(struct ctl *c, int argc, char **argv)
{
	if (argc == 1)
		return ctl_dns_list(c);
	if (argc == 3 && strcmp(argv[1], "which") == 0)
		return ctl_dns_which(c, argv[2], NULL);
	if (argc == 5 && strcmp(argv[1], "which") == 0 && strcmp(argv[3], "--pvd") == 0)
		return ctl_dns_which(c, argv[2], argv[4]);
	fprintf(stderr, "mifctl: usage: mifctl dns | mifctl dns which NAME [--pvd ID]\n");
	return CTL_USAGE;
}

/* SPDX-License-Identifier: MIT */
/* mifctl pvd list | pvd show ID */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

static void ctl_pvd_row(json_t *p, int idw)
{
	json_t *dns = json_object_get(p, "dns");
	char ifs[128], pfx[256], srv[256], dom[256];

	ctl_join(json_object_get(p, "interfaces"), NULL, ifs, sizeof(ifs));
	ctl_join(json_object_get(p, "prefixes"), "prefix", pfx, sizeof(pfx));
	ctl_join(json_object_get(dns, "servers"), "address", srv, sizeof(srv));
	ctl_join(json_object_get(dns, "search"), "domain", dom, sizeof(dom));
	printf("%-*s %-8s %-12s %-7zu %-24s %-24s %s\n", idw, ctl_str(p, "id"),
	       strcmp(ctl_str(p, "source"), "ra") && strcmp(ctl_str(p, "source"), "dhcpv4") ?
	       ctl_str(p, "source") :
	       json_is_true(json_object_get(p, "explicit")) ? "explicit" : "implicit", ifs,
	       json_array_size(json_object_get(p, "routers")), pfx, srv, dom);
}

static int ctl_pvd_list(struct ctl *c)
{
	int rc;
	json_t *r = ctl_call(c, "pvd.list", NULL, &rc);
	json_t *pvds, *p;
	size_t i;

	if (!r)
		return rc;
	pvds = json_object_get(r, "pvds");
	if (c->json) {
		ctl_print_json(pvds);
	} else if (json_array_size(pvds) == 0) {
		printf("No provisioning domains yet (no usable Router Advertisement seen).\n");
	} else {
		int idw = 2;

		json_array_foreach(pvds, i, p)
			if ((int)strlen(ctl_str(p, "id")) > idw)
				idw = (int)strlen(ctl_str(p, "id"));
		printf("%-*s %-8s %-12s %-7s %-24s %-24s %s\n", idw, "ID", "KIND", "INTERFACES",
		       "ROUTERS", "PREFIXES", "DNS", "SEARCH");
		json_array_foreach(pvds, i, p)
			ctl_pvd_row(p, idw);
	}
	json_decref(r);
	return CTL_OK;
}

static int ctl_pvd_show(struct ctl *c, const char *id)
{
	int rc;
	json_t *r = ctl_call(c, "pvd.get", json_pack("{s:s}", "id", id), &rc);

	if (!r)
		return rc;
	if (c->json)
		ctl_print_json(r);
	else
		ctl_print_pvd(r);
	json_decref(r);
	return CTL_OK;
}

int ctl_pvd(struct ctl *c, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "list") == 0 && argc == 2)
		return ctl_pvd_list(c);
	if (argc == 3 && strcmp(argv[1], "show") == 0)
		return ctl_pvd_show(c, argv[2]);
	if (argc == 3 && strcmp(argv[1], "use") == 0)
		return ctl_pvd_use(c, argv[2]);
	if (argc == 1)
		return ctl_pvd_list(c);
	if (argc >= 2 && (strcmp(argv[1], "add") == 0 || strcmp(argv[1], "set") == 0 ||
			  strcmp(argv[1], "del") == 0))
		return ctl_pvd_edit(c, argc, argv);
	fprintf(stderr, "mifctl: usage: mifctl pvd list | show ID | use ID | add ID ... | set ID ... | del ID\n");
	return CTL_USAGE;
}

/* SPDX-License-Identifier: MIT */
/* mifctl link dhcp4 on|off IFACE (root only). */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

int ctl_link(struct ctl *c, int argc, char **argv)
{
	json_t *r;
	int rc;

	if (argc != 4 || strcmp(argv[1], "dhcp4") != 0 ||
	    (strcmp(argv[2], "on") != 0 && strcmp(argv[2], "off") != 0)) {
		fprintf(stderr, "mifctl: usage: mifctl link dhcp4 on|off IFACE\n");
		return CTL_USAGE;
	}
	r = ctl_call(c, "link.set", json_pack("{s:s,s:b}", "interface", argv[3],
					      "dhcp4", strcmp(argv[2], "on") == 0), &rc);
	if (!r)
		return rc;
	if (c->json)
		ctl_print_json(r);
	else
		printf("DHCPv4 %s on %s\n", argv[2], argv[3]);
	json_decref(r);
	return CTL_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * mifctl steer: steering of programs that do not choose a PvD
 * (doc/steering.md).
 *   steer show                          the answer sets, the cgroup list, counters
 *   steer cgroup add PATH PVD           sockets of PATH's processes use PVD (root)
 *   steer cgroup del PATH               (root)
 */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

static void steer_print(json_t *r)
{
	json_t *v, *c = json_object_get(r, "counters");
	const char *err = ctl_str(r, "error");
	size_t i;

	printf("answer-based steering: %s; nftables table: %s%s%s\n",
	       json_is_true(json_object_get(r, "answers")) ? "on" : "off",
	       json_is_true(json_object_get(r, "ready")) ? "installed" : "not installed",
	       *err ? "; last error: " : "", err);
	printf("%-32s %8s %8s\n", "PvD", "IPv4", "IPv6");
	json_array_foreach(json_object_get(r, "sets"), i, v)
		printf("%-32s %8lld %8lld\n", ctl_str(v, "pvd"),
		       (long long)json_integer_value(json_object_get(v, "ipv4")),
		       (long long)json_integer_value(json_object_get(v, "ipv6")));
	printf("returned by two PvDs (not steered): %lld\n",
	       (long long)json_integer_value(json_object_get(r, "two_pvds")));
	printf("PvD source addresses steered flows are SNATed to: %lld\n",
	       (long long)json_integer_value(json_object_get(r, "snat_sources")));
	printf("policy rules by uid, protocol, port, DSCP: %lld in force (%lld nftables rules)\n",
	       (long long)json_integer_value(json_object_get(json_object_get(r, "policy_selectors"),
							     "entries")),
	       (long long)json_integer_value(json_object_get(json_object_get(r, "policy_selectors"),
							     "nft_rules")));
	printf("cgroups:%s\n", json_array_size(json_object_get(r, "cgroups")) ? "" : " none");
	json_array_foreach(json_object_get(r, "cgroups"), i, v) {
		const char *e = ctl_str(v, "error");

		printf("  %-40s -> %s%s%s\n", ctl_str(v, "cgroup"),
		       *ctl_str(v, "pvd") ? ctl_str(v, "pvd") : "(PvD gone)",
		       *e ? "  error: " : "", e);
	}
	if (json_is_object(c)) {
		const char *k;

		printf("counters:");
		json_object_foreach(c, k, v)
			printf(" %s=%lld", k, (long long)json_integer_value(v));
		printf("\n");
	}
}

static int steer_usage(void)
{
	fprintf(stderr, "mifctl: usage: mifctl steer show\n"
		"       mifctl steer cgroup add CGROUP PVD\n"
		"       mifctl steer cgroup del CGROUP\n"
		"  CGROUP: a path under /sys/fs/cgroup (it must exist)\n");
	return CTL_USAGE;
}

int ctl_steer(struct ctl *c, int argc, char **argv)
{
	json_t *r, *params;
	int rc;

	if (argc == 2 && !strcmp(argv[1], "show")) {
		r = ctl_call(c, "steer.show", NULL, &rc);
	} else if (argc >= 4 && !strcmp(argv[1], "cgroup") &&
		   ((!strcmp(argv[2], "add") && argc == 5) || (!strcmp(argv[2], "del") && argc == 4))) {
		params = json_pack("{s:s,s:s}", "op", argv[2], "cgroup", argv[3]);
		if (argc == 5)
			json_object_set_new(params, "pvd", json_string(argv[4]));
		r = ctl_call(c, "steer.set", params, &rc);
	} else {
		return steer_usage();
	}
	if (!r)
		return rc;
	if (c->json)
		ctl_print_json(r);
	else
		steer_print(r);
	json_decref(r);
	return CTL_OK;
}

/* SPDX-License-Identifier: MIT */
/* mifctl status */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

/* "processes: parent 10 (uid 0), engine 11 (uid 65534), net 12 (uid 65534)" */
static void ctl_status_procs(json_t *procs)
{
	static const char *const roles[] = { "parent", "engine", "net" };
	const char *sep = "processes: ";

	if (!json_is_object(procs))
		return;
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		json_t *p = json_object_get(procs, roles[i]);

		if (!json_is_object(p))
			continue;
		printf("%s%s %lld (uid %lld)", sep, roles[i],
		       (long long)json_integer_value(json_object_get(p, "pid")),
		       (long long)json_integer_value(json_object_get(p, "uid")));
		sep = ", ";
	}
	if (sep[0] == ',')
		printf("\n");
}

/* Stateful DHCPv6 clients: what each holds, with lifetimes left. */
static void ctl_status_dhcpv6(json_t *a)
{
	json_t *c, *v, *n;
	size_t i, j;

	json_array_foreach(a, i, c) {
		if (strcmp(ctl_str(c, "mode"), "stateful") != 0)
			continue;
		n = json_object_get(c, "counters");
		printf("dhcpv6 on %s: %s; renews %lld, rebinds %lld, reconfigures ignored %lld\n",
		       ctl_str(c, "interface"), ctl_str(c, "state"),
		       (long long)json_integer_value(json_object_get(n, "renews")),
		       (long long)json_integer_value(json_object_get(n, "rebinds")),
		       (long long)json_integer_value(json_object_get(n, "reconfigure_ignored")));
		json_array_foreach(json_object_get(c, "addresses"), j, v)
			printf("  address %s valid %llds left\n", ctl_str(v, "address"),
			       (long long)json_integer_value(json_object_get(v, "valid_in")));
		json_array_foreach(json_object_get(c, "delegated_prefixes"), j, v)
			printf("  delegated prefix %s valid %llds left\n", ctl_str(v, "prefix"),
			       (long long)json_integer_value(json_object_get(v, "valid_in")));
	}
}

/* Steering (doc/steering.md): one line; what was skipped under load shows. */
static void ctl_status_steering(json_t *st)
{
	json_t *c = json_object_get(st, "counters");

	if (!json_is_object(st))
		return;
	printf("steering: table %s, answers %s, %lld cgroups; addresses sent %lld, "
	       "skipped under load %lld\n",
	       json_is_true(json_object_get(st, "ready")) ? "installed" : "not installed",
	       json_is_true(json_object_get(st, "answers")) ? "on" : "off",
	       (long long)json_array_size(json_object_get(st, "cgroups")),
	       (long long)json_integer_value(json_object_get(c, "sent")),
	       (long long)(json_integer_value(json_object_get(c, "skipped_net")) +
			   json_integer_value(json_object_get(c, "skipped_engine")) +
			   json_integer_value(json_object_get(c, "table_full"))));
}

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
	ctl_status_procs(json_object_get(s, "processes"));
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
	ctl_status_dhcpv6(json_object_get(json_object_get(s, "dhcp"), "dhcpv6"));
	ctl_status_steering(json_object_get(s, "steering"));
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

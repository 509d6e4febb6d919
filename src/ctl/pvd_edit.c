/* SPDX-License-Identifier: MIT */
/*
 * mifctl pvd add ID --interface IF [--dns A]... [--domain D]...
 *                   [--route P[,via=GW]]... [--prefix P]... [--mtu N]
 * mifctl pvd add ID --replace [options]: add, or if an API PvD ID exists,
 *                   make it exactly this (lists not given emptied): what a
 *                   VPN or DHCP client hook calls on every up and renew
 * mifctl pvd set ID [same options: each list given replaces that list]
 * mifctl pvd del ID
 * Root only: mifd refuses others. mifd validates and names a bad field.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"

static int ctl_edit_usage(void)
{
	fprintf(stderr, "mifctl: usage: mifctl pvd add|set ID [--interface IF] [--dns ADDR]...\n"
			"         [--domain NAME]... [--route PREFIX[,via=GATEWAY]]... [--prefix PREFIX]...\n"
			"         [--mtu N] [--replace]\n"
			"       mifctl pvd del ID\n");
	return CTL_USAGE;
}

static void ctl_edit_append(json_t *o, const char *key, const char *v)
{
	json_t *a = json_object_get(o, key);

	if (!a) {
		a = json_array();
		json_object_set_new(o, key, a);
	}
	json_array_append_new(a, json_string(v));
}

/* "P,via=GW" -> "P via GW" (the form mifd takes). */
static void ctl_edit_route(json_t *o, const char *v)
{
	const char *via = strstr(v, ",via=");
	char buf[160];

	if (via)
		snprintf(buf, sizeof(buf), "%.*s via %s", (int)(via - v), v, via + 5);
	else
		snprintf(buf, sizeof(buf), "%s", v);
	ctl_edit_append(o, "routes", buf);
}

/* Options after the id into a JSON object; NULL on a usage error. */
static json_t *ctl_edit_params(int argc, char **argv, bool *replace)
{
	static const struct option opts[] = {
		{ "interface", required_argument, NULL, 'i' }, { "dns", required_argument, NULL, 'd' },
		{ "domain", required_argument, NULL, 'D' }, { "route", required_argument, NULL, 'r' },
		{ "prefix", required_argument, NULL, 'p' }, { "mtu", required_argument, NULL, 'm' },
		{ "replace", no_argument, NULL, 'R' }, { NULL, 0, NULL, 0 },
	};
	json_t *o = json_pack("{s:s}", "id", argv[2]);
	char *end;
	long mtu;
	int c;

	optind = 3;
	while ((c = getopt_long(argc, argv, "i:d:D:r:p:m:", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			/* A PvD has one interface: a second one is a mistake,
			 * not a replacement. */
			if (json_object_get(o, "interface")) {
				fprintf(stderr, "mifctl: --interface given twice\n");
				json_decref(o);
				return NULL;
			}
			json_object_set_new(o, "interface", json_string(optarg));
			break;
		case 'd': ctl_edit_append(o, "dns", optarg); break;
		case 'D': ctl_edit_append(o, "domains", optarg); break;
		case 'r': ctl_edit_route(o, optarg); break;
		case 'p': ctl_edit_append(o, "prefixes", optarg); break;
		case 'R': *replace = true; break;
		case 'm':
			mtu = strtol(optarg, &end, 10);
			if (json_object_get(o, "mtu")) {
				fprintf(stderr, "mifctl: --mtu given twice\n");
				json_decref(o);
				return NULL;
			}
			if (*end || !*optarg) {
				fprintf(stderr, "mifctl: --mtu: \"%s\" is not a number\n", optarg);
				json_decref(o);
				return NULL;
			}
			json_object_set_new(o, "mtu", json_integer(mtu));
			break;
		default:
			json_decref(o);
			return NULL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "mifctl: unexpected argument \"%s\"\n", argv[optind]);
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Does mifd have a PvD of that id (asked without printing an error)? */
static bool ctl_edit_exists(struct ctl *c, const char *id)
{
	json_t *p = json_pack("{s:s}", "id", id);
	char *ps = p ? json_dumps(p, JSON_COMPACT) : NULL, *res = NULL, *msg = NULL;
	int r = ps && ctl_connect(c) == 0 ?
		mif_ctl_call(c->conn, "pvd.get", ps, &res, &msg, c->timeout_ms) : -EINVAL;

	json_decref(p);
	free(ps);
	free(res);
	free(msg);
	return r == 0;
}

json_t *ctl_pvd_put(struct ctl *c, json_t *params, bool replace, int *rc)
{
	const char *id = json_string_value(json_object_get(params, "id"));

	if (replace && id && ctl_edit_exists(c, id)) {
		/* pvd.set replaces the lists it is given: give them all. */
		static const char *const lists[] = { "dns", "domains", "routes", "prefixes" };

		for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
			if (!json_object_get(params, lists[i]))
				json_object_set_new(params, lists[i], json_array());
		return ctl_call(c, "pvd.set", params, rc);
	}
	return ctl_call(c, "pvd.add", params, rc);
}

int ctl_pvd_edit(struct ctl *c, int argc, char **argv)
{
	bool del = strcmp(argv[1], "del") == 0, add = strcmp(argv[1], "add") == 0;
	bool replace = false;
	json_t *params, *r;
	int rc;

	if (argc < 3 || (del && argc != 3))
		return ctl_edit_usage();
	params = del ? json_pack("{s:s}", "id", argv[2]) : ctl_edit_params(argc, argv, &replace);
	if (!params || (replace && !add)) {
		json_decref(params);
		return ctl_edit_usage();
	}
	r = del ? ctl_call(c, "pvd.del", params, &rc) :
	    add ? ctl_pvd_put(c, params, replace, &rc) : ctl_call(c, "pvd.set", params, &rc);
	if (!r)
		return rc;
	if (c->json)
		ctl_print_json(r);
	else if (del)
		printf("PvD %s deleted\n", argv[2]);
	else
		ctl_print_pvd(r);
	json_decref(r);
	return CTL_OK;
}

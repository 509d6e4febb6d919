/* SPDX-License-Identifier: MIT */
/*
 * mifctl policy explain|show|reload: the connection manager's policy
 * (doc/policy.md). explain asks the engine for the decision on one flow:
 * every rule that matched, which won and why, the PvDs excluded and by
 * whom, and the conflicts between actors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"

static int ctl_policy_usage(void)
{
	fprintf(stderr, "mifctl: usage: mifctl policy explain [--exe PATH] [--uid N] "
		"[--cgroup PATH] --dst ADDR|NAME [--proto tcp|udp] [--port N] [--dscp N]\n"
		"       mifctl policy show\n       mifctl policy reload\n");
	return CTL_USAGE;
}

static bool ctl_policy_num(const char *s, long max, long *out)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (!*s || *end || n < 0 || n > max)
		return false;
	*out = n;
	return true;
}

/* The options into params; false on a bad one. */
static bool ctl_policy_flow(int argc, char **argv, json_t *params)
{
	static const struct {
		const char *opt, *key;
		long max;                /* 0: a string */
	} o[] = {
		{ "--exe", "exe", 0 }, { "--uid", "uid", 4294967294L }, { "--cgroup", "cgroup", 0 },
		{ "--dst", "dst", 0 }, { "--proto", "proto", 0 }, { "--port", "port", 65535 },
		{ "--dscp", "dscp", 63 },
	};
	int i;

	for (i = 2; i + 1 < argc; i += 2) {
		size_t k;
		long n;

		for (k = 0; k < sizeof(o) / sizeof(o[0]) && strcmp(argv[i], o[k].opt); k++)
			;
		if (k == sizeof(o) / sizeof(o[0])) {
			fprintf(stderr, "mifctl: policy explain: unknown option \"%s\"\n", argv[i]);
			return false;
		}
		if (!o[k].max) {
			json_object_set_new(params, o[k].key, json_string(argv[i + 1]));
		} else if (ctl_policy_num(argv[i + 1], o[k].max, &n)) {
			json_object_set_new(params, o[k].key, json_integer(n));
		} else {
			fprintf(stderr, "mifctl: policy explain: %s: \"%s\" is not a number from 0 "
				"to %ld\n", o[k].opt, argv[i + 1], o[k].max);
			return false;
		}
	}
	if (i != argc)
		fprintf(stderr, "mifctl: policy explain: %s needs a value\n", argv[i]);
	else if (!json_object_get(params, "dst"))
		fprintf(stderr, "mifctl: policy explain: --dst is required\n");
	return i == argc && json_object_get(params, "dst");
}

static void ctl_policy_pvds(json_t *a, bool excluded)
{
	json_t *p;
	size_t i;

	json_array_foreach(a, i, p) {
		bool metered = json_is_true(json_object_get(p, "metered"));
		bool hint = json_is_true(json_object_get(p, "metered_hint"));

		/* "(network)": the network's own hint made it so (DHCPv4 43). */
		printf("  %s%-24s %-8s %-9s%s%s", excluded ? "" : "", ctl_str(p, "pvd"),
		       ctl_str(p, "interface"), ctl_str(p, "type"),
		       metered ? (hint ? " metered (network)" : " metered") : "",
		       json_is_true(json_object_get(p, "trusted")) ? " trusted" : "");
		if (excluded)
			printf("  excluded by %s\n", ctl_str(p, "by"));
		else
			printf("  rank %lld\n", (long long)json_integer_value(json_object_get(p, "rank")));
	}
}

/* What networks said of themselves and may not (doc/policy.md). */
static void ctl_policy_refused(json_t *r)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(r, "network_refused"), i, v)
		printf("conflict: network %s: refused: %s\n", ctl_str(v, "pvd"), ctl_str(v, "what"));
}

static void ctl_policy_explain_print(json_t *r)
{
	json_t *v;
	size_t i;

	printf("permitted, best first:\n");
	if (!json_array_size(json_object_get(r, "permitted")))
		printf("  (none)\n");
	ctl_policy_pvds(json_object_get(r, "permitted"), false);
	if (json_array_size(json_object_get(r, "excluded"))) {
		printf("excluded:\n");
		ctl_policy_pvds(json_object_get(r, "excluded"), true);
	}
	printf("matched rules, strongest first (%lld in all):\n",
	       (long long)json_integer_value(json_object_get(r, "matched_total")));
	json_array_foreach(json_object_get(r, "matched"), i, v) {
		printf("  %s rule %s (%s:%lld): %s [%s]%s\n", ctl_str(v, "actor"), ctl_str(v, "rule"),
		       ctl_str(v, "file"), (long long)json_integer_value(json_object_get(v, "line")),
		       ctl_str(v, "says"), ctl_str(v, "role"),
		       json_is_true(json_object_get(v, "from_network")) ?
		       " (the network's, about itself)" : "");
		if (*ctl_str(v, "kernel"))
			printf("    kernel: %s\n", ctl_str(v, "kernel"));
	}
	printf("winner: %s\n", json_is_string(json_object_get(r, "winner")) ?
	       ctl_str(r, "winner") : "(none)");
	printf("why: %s\n", ctl_str(r, "why"));
	json_array_foreach(json_object_get(r, "conflicts"), i, v)
		printf("conflict: %s\n", ctl_str(v, "why"));
	ctl_policy_refused(r);
}

static void ctl_policy_show_print(json_t *r)
{
	json_t *v;
	size_t i;

	printf("directory: %s\nprecedence (lowest first):", ctl_str(r, "dir"));
	json_array_foreach(json_object_get(r, "precedence"), i, v)
		printf(" %s", json_string_value(v));
	printf("\nrules: %lld; loads %lld, rejected %lld\n",
	       (long long)json_integer_value(json_object_get(r, "rules")),
	       (long long)json_integer_value(json_object_get(r, "loads")),
	       (long long)json_integer_value(json_object_get(r, "rejected")));
	json_array_foreach(json_object_get(r, "files"), i, v)
		printf("  %-8s %3lld rules  %s\n", ctl_str(v, "actor"),
		       (long long)json_integer_value(json_object_get(v, "rules")), ctl_str(v, "file"));
	json_array_foreach(json_object_get(r, "networks"), i, v) {
		json_t *m;
		size_t k;

		printf("  network %s:", ctl_str(v, "name"));
		json_array_foreach(json_object_get(v, "members"), k, m)
			printf(" %s", json_string_value(m));
		printf("\n");
	}
	json_array_foreach(json_object_get(r, "destinations"), i, v)
		printf("  destination %s -> %s%s (%s)\n", ctl_str(v, "prefix"),
		       json_is_string(json_object_get(v, "pvd")) ? ctl_str(v, "pvd") : "unreachable",
		       json_is_true(json_object_get(v, "strict")) ? ", strict" : "", ctl_str(v, "rule"));
	if (json_integer_value(json_object_get(r, "destinations_not_enforced")))
		printf("  %lld destination prefix(es) beyond the first %d not enforced\n",
		       (long long)json_integer_value(json_object_get(r, "destinations_not_enforced")),
		       24);
	json_array_foreach(json_object_get(r, "network"), i, v)
		printf("  from the network %s: %lld rule(s) of its own\n", ctl_str(v, "pvd"),
		       (long long)json_integer_value(json_object_get(v, "rules")));
	ctl_policy_refused(r);
	json_array_foreach(json_object_get(r, "errors"), i, v)
		printf("error: %s\n", json_string_value(v));
	if (json_array_size(json_object_get(r, "errors")))
		printf("(the policy above, loaded before, stays in force)\n");
}

int ctl_policy(struct ctl *c, int argc, char **argv)
{
	json_t *params = json_object(), *r;
	const char *method;
	int rc;

	if (argc >= 2 && !strcmp(argv[1], "explain")) {
		if (!ctl_policy_flow(argc, argv, params)) {
			json_decref(params);
			return ctl_policy_usage();
		}
		method = "policy.explain";
	} else if (argc == 2 && !strcmp(argv[1], "show")) {
		method = "policy.show";
	} else if (argc == 2 && !strcmp(argv[1], "reload")) {
		method = "policy.reload";
	} else {
		json_decref(params);
		return ctl_policy_usage();
	}
	r = ctl_call(c, method, params, &rc);
	if (!r)
		return rc;
	if (c->json)
		ctl_print_json(r);
	else if (!strcmp(method, "policy.explain"))
		ctl_policy_explain_print(r);
	else if (!strcmp(method, "policy.show"))
		ctl_policy_show_print(r);
	else
		printf("policy reloaded: %lld rules from %zu files\n",
		       (long long)json_integer_value(json_object_get(r, "rules")),
		       json_array_size(json_object_get(r, "files")));
	json_decref(r);
	return CTL_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * mifctl stats: the counters of mifctl metrics as a table for people: per
 * PvD its connectivity state and checks, DNS queries, cache hit ratio,
 * servers up, best RTT and loss; then the stub's, RA, routing and control
 * totals. --json prints the same numbers as one object.
 */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

static json_t *stats_pvd(json_t *p, json_t *dns)
{
	struct ctl_dns_sum d = { .best_rtt_ms = -1 };
	json_t *conn = json_object_get(p, "connectivity");

	ctl_dns_summary(dns, ctl_str(p, "id"), &d);
	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:f, s:I, s:I, s:o, s:f}",
		"pvd", ctl_str(p, "id"), "state", ctl_str(p, "connectivity_state"),
		"checks", json_integer_value(json_object_get(conn, "checks")),
		"dns_queries", (json_int_t)d.queries, "cache_hits", (json_int_t)d.hits,
		"cache_misses", (json_int_t)d.misses,
		"hit_ratio", d.hits + d.misses > 0 ? d.hits / (d.hits + d.misses) : 0.0,
		"servers_up", (json_int_t)d.up, "servers", (json_int_t)d.servers,
		"best_rtt_ms", d.best_rtt_ms >= 0 ? json_real(d.best_rtt_ms) : json_null(),
		"loss", d.sent > 0 ? d.timeouts / d.sent : 0.0);
}

static long long stats_n(json_t *o, const char *a, const char *b)
{
	return (long long)json_integer_value(json_object_get(json_object_get(o, a), b));
}

static void stats_print(json_t *rows, json_t *st, json_t *stub)
{
	json_t *r;
	size_t i;

	printf("%-28s %-11s %6s %8s %5s %5s %8s %5s\n", "PVD", "STATE", "CHECKS", "QUERIES",
	       "HIT%", "UP", "RTT", "LOSS%");
	json_array_foreach(rows, i, r) {
		char up[16], rtt[16];
		json_t *b = json_object_get(r, "best_rtt_ms");

		snprintf(up, sizeof(up), "%lld/%lld", (long long)json_integer_value(json_object_get(r, "servers_up")),
			 (long long)json_integer_value(json_object_get(r, "servers")));
		if (json_is_number(b))
			snprintf(rtt, sizeof(rtt), "%.1fms", json_number_value(b));
		else
			snprintf(rtt, sizeof(rtt), "-");
		printf("%-28.28s %-11.11s %6lld %8lld %5.0f %5s %8s %5.1f\n", ctl_str(r, "pvd"),
		       ctl_str(r, "state"), (long long)json_integer_value(json_object_get(r, "checks")),
		       (long long)json_integer_value(json_object_get(r, "dns_queries")),
		       100 * json_number_value(json_object_get(r, "hit_ratio")), up, rtt,
		       100 * json_number_value(json_object_get(r, "loss")));
	}
	printf("stub: %lld queries, %lld cache hits, %lld forwarded, %lld fallbacks, %lld servfail\n",
	       (long long)json_integer_value(json_object_get(stub, "queries")),
	       (long long)json_integer_value(json_object_get(stub, "hits")),
	       (long long)json_integer_value(json_object_get(stub, "forwarded")),
	       (long long)json_integer_value(json_object_get(stub, "fallbacks")),
	       (long long)json_integer_value(json_object_get(stub, "servfail")));
	printf("ra: %lld received, %lld dropped; routing: %lld changes, %lld repaired, "
	       "%lld failovers; control: %lld clients, %lld requests\n",
	       stats_n(st, "ra", "received"), stats_n(st, "ra", "dropped"),
	       stats_n(st, "routing", "changes"), stats_n(st, "routing", "repaired"),
	       stats_n(st, "routing", "failovers"), stats_n(st, "control", "clients"),
	       stats_n(st, "control", "requests"));
}

int ctl_stats(struct ctl *c, int argc, char **argv)
{
	int rc;
	json_t *st, *dns = NULL, *pl = NULL, *rows, *p;
	size_t i;

	if (argc != 1) {
		fprintf(stderr, "mifctl: usage: mifctl stats\n");
		return CTL_USAGE;
	}
	st = ctl_call(c, "status", NULL, &rc);
	if (st)
		dns = ctl_call(c, "dns.list", NULL, &rc);
	if (dns)
		pl = ctl_call(c, "pvd.list", NULL, &rc);
	if (!pl) {
		json_decref(st);
		json_decref(dns);
		return rc;
	}
	rows = json_array();
	json_array_foreach(json_object_get(pl, "pvds"), i, p)
		json_array_append_new(rows, stats_pvd(p, dns));
	if (c->json) {
		json_t *o = json_pack("{s:O, s:O}", "pvds", rows, "stub", json_object_get(dns, "stub"));

		ctl_print_json(o);
		json_decref(o);
	} else {
		stats_print(rows, st, json_object_get(dns, "stub"));
	}
	json_decref(rows);
	json_decref(st);
	json_decref(dns);
	json_decref(pl);
	return CTL_OK;
}

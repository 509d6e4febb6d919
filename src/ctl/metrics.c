/* SPDX-License-Identifier: MIT */
/*
 * mifctl metrics [--listen ADDR:PORT]
 * mifd's counters in the Prometheus text exposition format (version
 * 0.0.4, which OpenMetrics parsers also take): per PvD its state,
 * connectivity, default role, DNS servers (up, smoothed RTT, loss),
 * queries and cache; the stub's, RA, routing, connectivity and control
 * counters. Read from what mifd already serves (status, dns.list,
 * pvd.list): nothing new is counted in mifd, and the daemon opens no new
 * socket. With --listen, mifctl serves GET /metrics over HTTP on that
 * loopback address (metrics_http.c), reading mifd afresh for each scrape.
 * doc/metrics.md lists every metric.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"
#include "ctl/metrics.h"

/* A label value as the format wants it: \\, \" and \n escaped. */
static void mx_label(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void mx_head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One sample: name{k1="v1",k2="v2"} value; labels NULL-terminated pairs. */
static void mx_sample(FILE *f, const char *name, const char *const *labels, double v)
{
	fputs(name, f);
	for (size_t i = 0; labels && labels[i]; i += 2) {
		fprintf(f, "%s%s=\"", i ? "," : "{", labels[i]);
		mx_label(f, labels[i + 1]);
		fputc('"', f);
	}
	if (labels && labels[0])
		fputc('}', f);
	if (v == (double)(long long)v && v < 1e15 && v > -1e15)
		fprintf(f, " %lld\n", (long long)v);
	else
		fprintf(f, " %.9g\n", v);
}

static double mx_num(json_t *o, const char *path)
{
	char key[64];
	const char *dot;

	while (o && (dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		o = json_object_get(o, key);
		path = dot + 1;
	}
	o = o ? json_object_get(o, path) : NULL;
	return json_is_number(o) ? json_number_value(o) : json_is_true(o) ? 1 : 0;
}

/* Plain counters and gauges read from one JSON object. */
struct mx_field {
	const char *path, *name, *type, *help;
};

static void mx_fields(FILE *f, json_t *o, const struct mx_field *fl, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!o)
			return;
		mx_head(f, fl[i].name, fl[i].type, fl[i].help);
		mx_sample(f, fl[i].name, NULL, mx_num(o, fl[i].path));
	}
}

static const struct mx_field mx_stub[] = {
	{ "queries", "mif_dns_stub_queries_total", "counter", "Queries the stub received." },
	{ "udp", "mif_dns_stub_udp_queries_total", "counter", "Queries over UDP." },
	{ "tcp", "mif_dns_stub_tcp_queries_total", "counter", "Queries over TCP." },
	{ "hits", "mif_dns_stub_cache_hits_total", "counter", "Queries answered from a cache." },
	{ "misses", "mif_dns_stub_cache_misses_total", "counter", "Queries not in a cache." },
	{ "forwarded", "mif_dns_stub_forwarded_total", "counter", "Queries sent upstream." },
	{ "answered", "mif_dns_stub_answered_total", "counter", "Answers sent to clients." },
	{ "servfail", "mif_dns_stub_servfail_total", "counter", "SERVFAIL answers to clients." },
	{ "fallbacks", "mif_dns_stub_fallbacks_total", "counter",
	  "Queries that failed over to a fallback PvD." },
	{ "malformed", "mif_dns_stub_malformed_total", "counter", "Malformed queries dropped." },
	{ "refused", "mif_dns_stub_refused_total", "counter", "REFUSED answers to clients." },
	{ "tcp_retries", "mif_dns_stub_tcp_retries_total", "counter",
	  "Truncated answers fetched again over TCP." },
	{ "overload", "mif_dns_stub_overload_total", "counter", "Queries dropped at capacity." },
	{ "dns64", "mif_dns_stub_dns64_total", "counter", "DNS64 answers (PREF64)." },
	{ "outstanding", "mif_dns_stub_outstanding", "gauge", "Queries waiting upstream." },
	{ "tcp_clients", "mif_dns_stub_tcp_clients", "gauge", "Open TCP client connections." },
	{ "marked", "mif_dns_stub_marked_total", "counter",
	  "UDP queries from sockets marked for a PvD (SO_RCVMARK), answered by that PvD." },
	{ "mark_unknown", "mif_dns_stub_mark_unknown_total", "counter",
	  "Of those, queries whose mark names no PvD with DNS servers (SERVFAIL)." },
};

static const struct mx_field mx_status[] = {
	{ "uptime", "mif_uptime_seconds", "gauge", "Seconds since mifd started." },
	{ "pvds", "mif_pvds", "gauge", "Provisioning domains mifd knows." },
	{ "events", "mif_pvd_events_total", "counter", "PvD events published." },
	{ "kernel_errors", "mif_kernel_errors_total", "counter", "Kernel requests that failed." },
	{ "ra.received", "mif_ra_received_total", "counter", "Router Advertisements received." },
	{ "ra.accepted", "mif_ra_accepted_total", "counter", "Router Advertisements accepted." },
	{ "ra.dropped", "mif_ra_dropped_total", "counter", "Router Advertisements dropped." },
	{ "ra.solicitations_sent", "mif_ra_solicitations_sent_total", "counter",
	  "Router Solicitations sent." },
	{ "routing.routes", "mif_routing_routes", "gauge", "Routes mifd installed." },
	{ "routing.rules", "mif_routing_rules", "gauge", "Policy rules mifd installed." },
	{ "routing.changes", "mif_routing_changes_total", "counter", "Routing plan changes applied." },
	{ "routing.netlink_messages", "mif_routing_messages_total", "counter",
	  "Routing netlink requests sent." },
	{ "routing.repaired", "mif_routing_repaired_total", "counter",
	  "Routes and rules put back after removal or refusal." },
	{ "routing.refused", "mif_routing_refused_total", "counter",
	  "Route and rule requests the kernel refused." },
	{ "routing.pvds_without_table", "mif_routing_pvds_without_table", "gauge",
	  "PvDs left without a routing table." },
	{ "routing.failovers", "mif_failovers_total", "counter",
	  "Default moves away from a PvD that failed its checks or lost its route." },
	{ "bind.requests", "mif_bind_requests_total", "counter",
	  "Requests to bind a socket to a PvD (mif_bind_pvd(), mifctl run)." },
	{ "bind.bound", "mif_bind_bound_total", "counter", "Sockets bound to a PvD." },
	{ "bind.refused", "mif_bind_refused_total", "counter", "Bind requests refused." },
	{ "connectivity.checks", "mif_connectivity_checks_total", "counter",
	  "Connectivity checks started." },
	{ "connectivity.stall_hints", "mif_connectivity_stall_hints_total", "counter",
	  "Checks triggered by stalled TCP connections or DNS timeouts." },
	{ "control.clients", "mif_control_clients", "gauge", "Connected control clients." },
	{ "control.subscribers", "mif_control_subscribers", "gauge", "Event subscribers." },
	{ "control.requests", "mif_control_requests_total", "counter", "Control requests." },
	{ "control.refused", "mif_control_refused_total", "counter", "Control requests refused." },
	{ "steering.ready", "mif_steering_table", "gauge",
	  "1 while mifd's nftables table is installed (doc/steering.md)." },
	{ "steering.counters.sent", "mif_steering_addresses_sent_total", "counter",
	  "Answer addresses the engine sent to the kernel's sets." },
	{ "steering.counters.kernel_added", "mif_steering_addresses_added_total", "counter",
	  "Answer addresses the kernel acknowledged." },
	{ "steering.counters.kernel_failed", "mif_steering_addresses_refused_total", "counter",
	  "Answer addresses in batches the kernel refused." },
	{ "steering.counters.two_pvds", "mif_steering_two_pvds_total", "counter",
	  "Addresses returned by two PvDs (not steered)." },
	{ "steering.counters.skipped_net", "mif_steering_skipped_stub_total", "counter",
	  "Answer addresses the stub skipped under load (not steered)." },
	{ "steering.counters.skipped_engine", "mif_steering_skipped_engine_total", "counter",
	  "Answer addresses the engine skipped under load (not steered)." },
	{ "steering.counters.table_full", "mif_steering_table_full_total", "counter",
	  "Answer addresses the engine had no room for (not steered)." },
};

/* Seconds until the PvD's last router, prefix, route or DNS item expires
 * (RFC 8801 3.4: a PvD lasts while something of it is valid); -1 when
 * one of them never expires (a static or VPN PvD, an infinite lifetime),
 * 0 when nothing with a lifetime is left. */
static double mx_expiry(json_t *p)
{
	static const char *const lists[] = { "routers", "prefixes", "routes", "dns.servers",
					     "dns.search" };
	double best = 0;
	json_t *x;
	size_t i;

	for (size_t k = 0; k < sizeof(lists) / sizeof(lists[0]); k++) {
		const char *dot = strchr(lists[k], '.');
		json_t *l = dot ? json_object_get(json_object_get(p, "dns"), dot + 1) :
			json_object_get(p, lists[k]);

		json_array_foreach(l, i, x) {
			json_t *e = json_object_get(x, "expires_in");

			if (e && json_is_null(e))
				return -1;
			if (json_is_number(e) && json_number_value(e) > best)
				best = json_number_value(e);
		}
	}
	return best;
}

/* Failovers, validity and path quality of each PvD (pvd.list). */
static void mx_pvds_more(FILE *f, json_t *pvds)
{
	json_t *p;
	size_t i;

	mx_head(f, "mif_pvd_failovers_total", "counter",
		"Times the routing default left the PvD because it failed its checks or lost its route.");
	json_array_foreach(pvds, i, p)
		mx_sample(f, "mif_pvd_failovers_total", (const char *const[]){ "pvd",
			  ctl_str(p, "id"), NULL }, mx_num(p, "failovers"));
	mx_head(f, "mif_pvd_sockets_bound_total", "counter",
		"Sockets bound to the PvD (mif_bind_pvd(), mifctl run).");
	json_array_foreach(pvds, i, p)
		mx_sample(f, "mif_pvd_sockets_bound_total", (const char *const[]){ "pvd",
			  ctl_str(p, "id"), NULL }, mx_num(p, "sockets_bound"));
	mx_head(f, "mif_pvd_expiry_seconds", "gauge",
		"Seconds until the PvD's last router, prefix or DNS server expires (-1: never).");
	json_array_foreach(pvds, i, p)
		mx_sample(f, "mif_pvd_expiry_seconds", (const char *const[]){ "pvd",
			  ctl_str(p, "id"), NULL }, mx_expiry(p));
	mx_head(f, "mif_pvd_path_rtt_seconds", "gauge",
		"Smoothed RTT of the PvD's path-quality samples (0: none yet).");
	json_array_foreach(pvds, i, p)
		mx_sample(f, "mif_pvd_path_rtt_seconds", (const char *const[]){ "pvd",
			  ctl_str(p, "id"), NULL }, mx_num(p, "connectivity.quality.rtt_ms") / 1000);
	mx_head(f, "mif_pvd_path_loss_ratio", "gauge",
		"Share of the PvD's path-quality samples lost in the window.");
	json_array_foreach(pvds, i, p)
		mx_sample(f, "mif_pvd_path_loss_ratio", (const char *const[]){ "pvd",
			  ctl_str(p, "id"), NULL }, mx_num(p, "connectivity.quality.loss_pct") / 100);
}

/* Why the routing default moved (status .routing.default_changes). */
static void mx_moves(FILE *f, json_t *status)
{
	static const char *const why[] = { "connectivity", "quality", "route", "gone", "better" };
	json_t *m = json_object_get(json_object_get(status, "routing"), "default_changes");

	if (!m)
		return;
	mx_head(f, "mif_routing_default_changes_total", "counter",
		"Moves of the routing default away from a PvD, by the reason it lost.");
	for (size_t k = 0; k < sizeof(why) / sizeof(why[0]); k++)
		mx_sample(f, "mif_routing_default_changes_total",
			  (const char *const[]){ "reason", why[k], NULL }, mx_num(m, why[k]));
}

/* The per-PvD families, each over every PvD. */
static void mx_pvds(FILE *f, json_t *pvds, json_t *status)
{
	static const char *const states[] = { "unknown", "validating", "valid", "partial", "portal",
					      "no-internet", "failed" };
	json_t *p, *dflt = json_object_get(json_object_get(status, "routing"), "default_pvd");
	size_t i;

	mx_head(f, "mif_pvd_info", "gauge", "One per PvD: its source and interfaces.");
	json_array_foreach(pvds, i, p) {
		char ifs[256] = "";

		ctl_join(json_object_get(p, "interfaces"), NULL, ifs, sizeof(ifs));
		mx_sample(f, "mif_pvd_info", (const char *const[]){ "pvd", ctl_str(p, "id"),
			  "source", ctl_str(p, "source"), "interfaces", ifs, NULL }, 1);
	}
	mx_head(f, "mif_pvd_connectivity", "gauge",
		"1 for the PvD's connectivity state, 0 for the others.");
	json_array_foreach(pvds, i, p)
		for (size_t s = 0; s < sizeof(states) / sizeof(states[0]); s++)
			mx_sample(f, "mif_pvd_connectivity", (const char *const[]){ "pvd",
				  ctl_str(p, "id"), "state", states[s], NULL },
				  strcmp(ctl_str(p, "connectivity_state"), states[s]) == 0);
	mx_head(f, "mif_pvd_default", "gauge", "1 if the PvD is the routing default for family.");
	json_array_foreach(pvds, i, p)
		for (int fam = 0; fam < 2; fam++) {
			const char *k = fam ? "ipv6" : "ipv4";
			json_t *d = json_object_get(dflt, k);

			mx_sample(f, "mif_pvd_default", (const char *const[]){ "pvd",
				  ctl_str(p, "id"), "family", k, NULL },
				  json_is_string(d) && strcmp(json_string_value(d), ctl_str(p, "id")) == 0);
		}
	mx_head(f, "mif_pvd_connectivity_checks_total", "counter", "Connectivity checks of the PvD.");
	json_array_foreach(pvds, i, p)
		mx_sample(f, "mif_pvd_connectivity_checks_total", (const char *const[]){ "pvd",
			  ctl_str(p, "id"), NULL }, mx_num(p, "connectivity.checks"));
	mx_head(f, "mif_pvd_connectivity_rtt_seconds", "gauge",
		"Smoothed round-trip time of the PvD's connectivity probes (0: none yet).");
	json_array_foreach(pvds, i, p)
		mx_sample(f, "mif_pvd_connectivity_rtt_seconds", (const char *const[]){ "pvd",
			  ctl_str(p, "id"), NULL }, mx_num(p, "connectivity.last.rtt_ms") / 1000);
	mx_pvds_more(f, pvds);
}

/* Per PvD DNS (dns.list .pvds[]): queries, cache, servers. */
static void mx_dns(FILE *f, json_t *dpvds)
{
	static const struct mx_field per[] = {
		{ "queries", "mif_pvd_dns_queries_total", "counter", "Queries the PvD answered or forwarded." },
		{ "cache.hits", "mif_pvd_dns_cache_hits_total", "counter", "Cache hits in the PvD's cache." },
		{ "cache.misses", "mif_pvd_dns_cache_misses_total", "counter", "Cache misses." },
		{ "cache.evictions", "mif_pvd_dns_cache_evictions_total", "counter", "Cache evictions." },
		{ "cache.entries", "mif_pvd_dns_cache_entries", "gauge", "Answers in the PvD's cache." },
		{ "cache.bytes", "mif_pvd_dns_cache_bytes", "gauge", "Bytes in the PvD's cache." },
	};
	static const struct mx_field srv[] = {
		{ "up", "mif_dns_server_up", "gauge", "1 if the server is considered up." },
		{ "sent", "mif_dns_server_queries_total", "counter", "Queries sent to the server." },
		{ "answers", "mif_dns_server_answers_total", "counter", "Answers from the server." },
		{ "timeouts", "mif_dns_server_timeouts_total", "counter", "Queries that timed out." },
		{ "failures", "mif_dns_server_failures_total", "counter", "Other failures." },
	};
	json_t *p, *s;
	size_t i, j;

	for (size_t k = 0; k < sizeof(per) / sizeof(per[0]); k++) {
		mx_head(f, per[k].name, per[k].type, per[k].help);
		json_array_foreach(dpvds, i, p)
			mx_sample(f, per[k].name, (const char *const[]){ "pvd", ctl_str(p, "pvd"), NULL },
				  mx_num(p, per[k].path));
	}
	mx_head(f, "mif_pvd_dns_cache_hit_ratio", "gauge", "Cache hits / (hits + misses); 0 before any.");
	json_array_foreach(dpvds, i, p) {
		double h = mx_num(p, "cache.hits"), m = mx_num(p, "cache.misses");

		mx_sample(f, "mif_pvd_dns_cache_hit_ratio", (const char *const[]){ "pvd",
			  ctl_str(p, "pvd"), NULL }, h + m > 0 ? h / (h + m) : 0);
	}
	for (size_t k = 0; k < sizeof(srv) / sizeof(srv[0]) + 2; k++) {
		const char *name = k < 5 ? srv[k].name : k == 5 ? "mif_dns_server_srtt_seconds" :
				   "mif_dns_server_loss_ratio";

		mx_head(f, name, k < 5 ? srv[k].type : "gauge", k < 5 ? srv[k].help : k == 5 ?
			"Smoothed RTT of the server (RFC 6298)." :
			"Timeouts / queries sent to the server; 0 before any.");
		json_array_foreach(dpvds, i, p)
			json_array_foreach(json_object_get(p, "server_state"), j, s) {
				const char *const l[] = { "pvd", ctl_str(p, "pvd"), "server",
							  ctl_str(s, "address"), NULL };
				double sent = mx_num(s, "sent");

				mx_sample(f, name, l, k < 5 ? mx_num(s, srv[k].path) : k == 5 ?
					  mx_num(s, "srtt_ms") / 1000 :
					  sent > 0 ? mx_num(s, "timeouts") / sent : 0);
			}
	}
}

/* The mobile node's bindings (method "mobility", when the role is on):
 * per BID its state (one series per state, 1 for the current one), the
 * uplink, RTT, loss and lost heartbeats. */
static void mx_mobility(FILE *f, json_t *mob)
{
	static const char *const states[] = { "alive", "validating", "dead", "down", "withdrawn" };
	json_t *b, *list = json_object_get(mob, "bindings");
	char bid[16];
	size_t i;

	mx_head(f, "mif_mobility_registered", "gauge",
		"1 while the home agent has acknowledged the mobile node's bindings.");
	mx_sample(f, "mif_mobility_registered", (const char *const[]){ NULL },
		  json_is_true(json_object_get(mob, "registered")));
	mx_head(f, "mif_mobility_binding_state", "gauge",
		"1 for the binding's current state (alive, validating, dead, down, withdrawn).");
	json_array_foreach(list, i, b) {
		snprintf(bid, sizeof(bid), "%lld", (long long)mx_num(b, "bid"));
		for (size_t k = 0; k < sizeof(states) / sizeof(states[0]); k++)
			mx_sample(f, "mif_mobility_binding_state", (const char *const[]){ "bid", bid,
				  "pvd", ctl_str(b, "pvd"), "state", states[k], NULL },
				  !strcmp(ctl_str(b, "state"), states[k]));
	}
	static const struct mx_field per[] = {
		{ "uplink", "mif_mobility_binding_uplink", "gauge", "1 for the binding carrying the uplink." },
		{ "rtt_ms", "mif_mobility_binding_rtt_seconds", "gauge", "Heartbeat round trip (0 before one)." },
		{ "loss_pct", "mif_mobility_binding_loss_ratio", "gauge", "Heartbeats lost, recent share." },
		{ "heartbeats_lost", "mif_mobility_heartbeats_lost_total", "counter", "Heartbeats unanswered." },
	};
	for (size_t k = 0; k < sizeof(per) / sizeof(per[0]); k++) {
		mx_head(f, per[k].name, per[k].type, per[k].help);
		json_array_foreach(list, i, b) {
			double v = k == 0 ? json_is_true(json_object_get(b, "uplink")) : mx_num(b, per[k].path);

			snprintf(bid, sizeof(bid), "%lld", (long long)mx_num(b, "bid"));
			mx_sample(f, per[k].name, (const char *const[]){ "bid", bid, "pvd",
				  ctl_str(b, "pvd"), NULL }, k == 1 ? v / 1000 : k == 2 ? v / 100 : v);
		}
	}
}

int metrics_write(struct ctl *c, FILE *f)
{
	int rc;
	json_t *st = ctl_call(c, "status", NULL, &rc), *dns = st ? ctl_call(c, "dns.list", NULL, &rc) :
			NULL, *pvds = dns ? ctl_call(c, "pvd.list", NULL, &rc) : NULL;

	if (pvds) {
		mx_head(f, "mif_info", "gauge", "mifd's version.");
		mx_sample(f, "mif_info", (const char *const[]){ "version", ctl_str(st, "version"),
			  NULL }, 1);
		mx_fields(f, st, mx_status, sizeof(mx_status) / sizeof(mx_status[0]));
		mx_fields(f, json_object_get(dns, "stub"), mx_stub, sizeof(mx_stub) / sizeof(mx_stub[0]));
		mx_pvds(f, json_object_get(pvds, "pvds"), st);
		mx_moves(f, st);
		mx_dns(f, json_object_get(dns, "pvds"));
	}
	if (pvds) {
		char *res = NULL, *msg = NULL;
		json_t *mob = NULL;

		/* Asked quietly: an error is the role being off ([mobility]
		 * enabled = no), not worth a line on every scrape. */
		if (mif_ctl_call(c->conn, "mobility", NULL, &res, &msg, c->timeout_ms) == 0)
			mob = json_loads(res, 0, NULL);
		if (mob && json_is_array(json_object_get(mob, "bindings")))
			mx_mobility(f, mob);
		json_decref(mob);
		free(res);
		free(msg);
	}
	json_decref(st);
	json_decref(dns);
	json_decref(pvds);
	return pvds ? CTL_OK : rc;
}

int ctl_metrics(struct ctl *c, int argc, char **argv)
{
	if (argc == 1)
		return metrics_write(c, stdout);
	if (argc == 3 && strcmp(argv[1], "--listen") == 0)
		return metrics_http_serve(c, argv[2]);
	fprintf(stderr, "mifctl: usage: mifctl metrics [--listen ADDR:PORT]\n");
	return CTL_USAGE;
}

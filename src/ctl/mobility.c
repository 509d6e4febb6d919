/* SPDX-License-Identifier: MIT */
/* mifctl mobility: the mobile node's bindings (doc/mobility.md). */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

static long long ctl_mob_int(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* "0.12 ms" or "-" when not measured yet. */
static void ctl_mob_num(json_t *o, const char *key, int prec, const char *unit, char *buf,
			size_t len)
{
	json_t *v = json_object_get(o, key);

	if (json_is_number(v))
		snprintf(buf, len, "%.*f%s", prec, json_number_value(v), unit);
	else
		snprintf(buf, len, "-");
}

static void ctl_mob_binding(json_t *b)
{
	char rtt[32], loss[32], hb[32];

	ctl_mob_num(b, "rtt_ms", 2, " ms", rtt, sizeof(rtt));
	ctl_mob_num(b, "loss_pct", 0, " %", loss, sizeof(loss));
	ctl_mob_num(b, "last_heartbeat_ms_ago", 0, " ms ago", hb, sizeof(hb));
	printf("  BID %lld%s%s %s via %s (PvD %s): %s, BID-PRI %lld, RTT %s, loss %s, "
	       "last heartbeat %s\n", ctl_mob_int(b, "bid"),
	       json_is_true(json_object_get(b, "uplink")) ? " [uplink]" : "",
	       json_is_true(json_object_get(b, "home")) ? " [home, H flag]" : "", ctl_str(b, "coa"),
	       ctl_str(b, "interface"), ctl_str(b, "pvd"), ctl_str(b, "state"),
	       ctl_mob_int(b, "bid_pri"), rtt, loss, hb);
	printf("    preference: %s\n", ctl_str(b, "preference"));
	if (json_is_object(json_object_get(b, "pairing")))
		printf("    pairing: %s (%s)\n", ctl_str(json_object_get(b, "pairing"), "verdict"),
		       ctl_str(json_object_get(b, "pairing"), "why"));
	if (json_object_get(b, "down_why"))
		printf("    down: %s\n", ctl_str(b, "down_why"));
}

/* One home address: its registration, bindings, pairs, moves, flows. */
static void ctl_mob_home(json_t *r)
{
	json_t *v, *n;
	size_t i;

	printf("home address %s on %s, home agent %s: %s\n", ctl_str(r, "home_address"),
	       ctl_str(r, "tun"), ctl_str(r, "home_agent"),
	       json_is_true(json_object_get(r, "registered")) ? "registered" : "not registered");
	if (json_object_get(r, "home_address4")) {
		v = json_object_get(r, "home_address4_status");
		printf("IPv4 home address %s (RFC 5555): %s", ctl_str(r, "home_address4"),
		       json_is_true(json_object_get(r, "home_address4_acked")) ? "acknowledged" :
		       "not acknowledged");
		if (json_is_integer(v))
			printf(" (status %lld)", (long long)json_integer_value(v));
		printf("\n");
	}
	printf("uplink: %s\n", ctl_str(r, "uplink_why"));
	if (json_is_object(json_object_get(r, "uplink_carrier")))
		printf("uplink carried %s: %s\n",
		       ctl_str(json_object_get(r, "uplink_carrier"), "via"),
		       ctl_str(json_object_get(r, "uplink_carrier"), "why"));
	json_array_foreach(json_object_get(r, "bindings"), i, v)
		ctl_mob_binding(v);
	/* The care-of addresses the pairing rule gave no binding, and why. */
	json_array_foreach(json_object_get(r, "pairs"), i, v)
		if (strcmp(ctl_str(v, "verdict"), "bound"))
			printf("  not paired: %s via %s: %s (%s)\n", ctl_str(v, "coa"),
			       ctl_str(v, "interface"), ctl_str(v, "verdict"), ctl_str(v, "why"));
	json_array_foreach(json_object_get(r, "switches"), i, v)
		printf("  switch %lld ms ago: BID %lld -> %lld: %s\n", ctl_mob_int(v, "ms_ago"),
		       ctl_mob_int(v, "from_bid"), ctl_mob_int(v, "to_bid"), ctl_str(v, "why"));
	/* Flow bindings (RFC 6089): which BID each flow uses and why. */
	json_array_foreach(json_object_get(r, "flows"), i, v) {
		json_t *b;
		size_t k;

		printf("  flow %s (FID %lld, FID-PRI %lld%s%s) %s to BID", ctl_str(v, "name"),
		       ctl_mob_int(v, "fid"), ctl_mob_int(v, "fid_pri"),
		       *ctl_str(v, "pvd") ? ", PvD " : "", ctl_str(v, "pvd"), ctl_str(v, "action"));
		json_array_foreach(json_object_get(v, "bids"), k, b)
			if (json_is_object(b))
				printf(" %lld:%lld", ctl_mob_int(b, "bid"), ctl_mob_int(b, "weight"));
			else
				printf(" %lld", (long long)json_integer_value(b));
		if (ctl_mob_int(v, "ha_status") < 0)
			printf("; not answered yet");
		else if (ctl_mob_int(v, "ha_status") == 0)
			printf("; accepted by the home agent");
		else
			printf("; refused by the home agent, status %lld", ctl_mob_int(v, "ha_status"));
		printf("; last packet on BID %lld (%s), %lld packets\n", ctl_mob_int(v, "last_bid"),
		       ctl_str(v, "why"), ctl_mob_int(v, "packets"));
	}
	n = json_object_get(r, "counters");
	printf("BUs sent %lld, BAs %lld (refused %lld), switches %lld, dropped: auth %lld, "
	       "replay %lld, malformed %lld, not from the home agent %lld; tunnel in %lld out %lld "
	       "packets\n",
	       ctl_mob_int(n, "bu_sent"), ctl_mob_int(n, "ba_ok"), ctl_mob_int(n, "ba_refused"),
	       ctl_mob_int(n, "switches"), ctl_mob_int(n, "drop_auth"),
	       ctl_mob_int(n, "drop_replay"), ctl_mob_int(n, "drop_malformed"),
	       ctl_mob_int(n, "drop_source"),
	       ctl_mob_int(n, "tun_tx"), ctl_mob_int(n, "tun_rx"));
}

int ctl_mobility(struct ctl *c, int argc, char **argv)
{
	json_t *r, *v, *n;
	size_t i;
	int rc;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "mifctl: usage: mifctl mobility\n");
		return CTL_USAGE;
	}
	r = ctl_call(c, "mobility", NULL, &rc);
	if (!r)
		return rc;
	if (c->json) {
		ctl_print_json(r);
		json_decref(r);
		return CTL_OK;
	}
	if (!json_is_true(json_object_get(r, "configured"))) {
		printf("mobile node: waiting for its TUN device from the parent\n");
		json_decref(r);
		return CTL_OK;
	}
	v = json_object_get(r, "homes");
	if (json_array_size(v) > 1) {
		json_array_foreach(v, i, n) {
			printf("%s[%s]\n", i ? "\n" : "", ctl_str(n, "name"));
			if (json_is_true(json_object_get(n, "configured")))
				ctl_mob_home(n);
			else
				printf("home address %zu: waiting for its configuration\n", i);
		}
	} else {
		ctl_mob_home(r);
	}
	n = json_object_get(r, "offload");
	if (json_is_true(json_object_get(n, "on")))
		printf("offloads on (%s): %lld super-packets read as %lld packets; %lld UDP GRO "
		       "trains; %lld coalesced writes of %lld packets\n",
		       ctl_str(n, "tun_offloads"), ctl_mob_int(n, "tun_super_rx"),
		       ctl_mob_int(n, "tun_split_packets"), ctl_mob_int(n, "udp_gro_trains"),
		       ctl_mob_int(n, "tun_coalesced_writes"), ctl_mob_int(n, "tun_coalesced_packets"));
	else if (n)
		printf("offloads off (batches of packets only)\n");
	/* The kernel fast path (doc/mobility.md): who offers it, what the
	 * kernel carries. */
	n = json_object_get(r, "fast_path");
	if (json_is_true(json_object_get(n, "on")))
		printf("fast path on, agent %s: kernel uplink %s, downlink on %lld path(s); "
		       "%lld packets sent, %lld received by the kernel\n",
		       json_is_true(json_object_get(n, "agent_offers")) ? "offers it" :
		       "does not offer it (user space both ways)",
		       json_is_true(json_object_get(n, "uplink")) ? "on" : "off",
		       ctl_mob_int(n, "downlink_paths"), ctl_mob_int(n, "tx_packets"),
		       ctl_mob_int(n, "rx_packets"));
	else if (n)
		printf("fast path off: %s\n", ctl_str(n, "state"));
	json_decref(r);
	return CTL_OK;
}

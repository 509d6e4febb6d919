/* SPDX-License-Identifier: MIT */
/* Human-readable output shared by the verbs. */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

const char *ctl_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* "1h02m", "45s", "forever". */
void ctl_fmt_expires(json_t *o, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(o, key);
	json_int_t s;

	if (!v || json_is_null(v)) {
		snprintf(buf, len, "forever");
		return;
	}
	s = json_integer_value(v);
	if (s >= 86400)
		snprintf(buf, len, "%lldd%02lldh", (long long)s / 86400, (long long)s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%lldh%02lldm", (long long)s / 3600, (long long)s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, len, "%lldm%02llds", (long long)s / 60, (long long)s % 60);
	else
		snprintf(buf, len, "%llds", (long long)s);
}

void ctl_join(json_t *arr, const char *key, char *buf, size_t len)
{
	size_t i, off = 0;
	json_t *v;

	buf[0] = '\0';
	json_array_foreach(arr, i, v) {
		const char *s = key ? ctl_str(v, key) : json_string_value(v);
		int n = snprintf(buf + off, len - off, "%s%s", i ? ", " : "", s ? s : "");

		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	if (!buf[0])
		snprintf(buf, len, "-");
}

/* "mtu: 1280", and when its sources disagree which said what (the
 * smallest applies): "mtu: 1280 (conflict: ra 1280, dhcpv4 1450)". */
static void ctl_print_mtu(json_t *p)
{
	json_t *c = json_object_get(p, "mtu_conflict");
	const char *src, *sep = "";
	json_t *v;

	printf("  mtu: %lld", (long long)json_integer_value(json_object_get(p, "mtu")));
	if (json_is_object(c)) {
		printf(" (conflict: ");
		json_object_foreach(c, src, v) {
			printf("%s%s %lld", sep, src, (long long)json_integer_value(v));
			sep = ", ";
		}
		printf(")");
	}
	printf("\n");
}

static void ctl_print_list(const char *title, json_t *arr, const char *key,
			   const char *extra_key, const char *exp_key)
{
	size_t i;
	json_t *v;
	char exp[32];

	if (json_array_size(arr) == 0)
		return;
	printf("  %s:\n", title);
	json_array_foreach(arr, i, v) {
		ctl_fmt_expires(v, exp_key, exp, sizeof(exp));
		printf("    %-40s %-10s", ctl_str(v, key), ctl_str(v, "interface"));
		if (extra_key)
			printf(" %-9s", ctl_str(v, extra_key));
		printf(" expires %s\n", exp);
	}
}

static void ctl_print_addresses(json_t *arr)
{
	size_t i;
	json_t *v;

	if (json_array_size(arr) == 0)
		return;
	printf("  addresses:\n");
	json_array_foreach(arr, i, v)
		printf("    %s/%lld on %s, %s, formed by %s\n", ctl_str(v, "address"),
		       (long long)json_integer_value(json_object_get(v, "prefix_length")),
		       ctl_str(v, "interface"), ctl_str(v, "state"), ctl_str(v, "origin"));
}

static long long ctl_int(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* Stateful DHCPv6: the IA_NA addresses and delegated prefixes with their
 * lifetimes (preferred/valid as given, and what is left). */
static void ctl_print_dhcpv6(json_t *d)
{
	json_t *v, *w;
	size_t i, j;

	json_t *k = json_is_object(d) ? json_object_get(d, "address_selection_kernel") : NULL;

	/* RFC 7078: what of the network's table the kernel holds (doc/policy.md). */
	if (json_is_object(k))
		printf("  address selection (RFC 7078): %lld of %lld label rows applied in the "
		       "kernel, on this interface only\n", ctl_int(k, "applied"),
		       ctl_int(k, "rows_total"));
	if (!json_is_object(d) || strcmp(ctl_str(d, "mode"), "stateful") != 0)
		return;
	printf("  dhcpv6: %s, server %s, T1 %llds, T2 %llds", ctl_str(d, "state"),
	       ctl_str(d, "server"), ctl_int(d, "t1"), ctl_int(d, "t2"));
	if (json_is_integer(json_object_get(d, "renew_in")))
		printf(", renew in %llds, rebind in %llds", ctl_int(d, "renew_in"),
		       ctl_int(d, "rebind_in"));
	printf("\n");
	json_array_foreach(json_object_get(d, "addresses"), i, v)
		printf("    address %-30s preferred %llds valid %llds (left %llds/%llds)\n",
		       ctl_str(v, "address"), ctl_int(v, "preferred_lifetime"),
		       ctl_int(v, "valid_lifetime"), ctl_int(v, "preferred_in"), ctl_int(v, "valid_in"));
	json_array_foreach(json_object_get(d, "delegated_prefixes"), i, v) {
		printf("    delegated %-28s preferred %llds valid %llds (left %llds/%llds)\n",
		       ctl_str(v, "prefix"), ctl_int(v, "preferred_lifetime"),
		       ctl_int(v, "valid_lifetime"), ctl_int(v, "preferred_in"), ctl_int(v, "valid_in"));
		json_array_foreach(json_object_get(v, "downstream"), j, w)
			printf("      downstream %s on %s\n", ctl_str(w, "prefix"), ctl_str(w, "interface"));
	}
}

/* RFC 6731: the servers each domain was named for, and its preference. */
static void ctl_print_dnssel(json_t *search)
{
	size_t i;
	json_t *v;

	json_array_foreach(search, i, v) {
		json_t *sel = json_object_get(v, "rfc6731");
		char srv[256];

		if (!json_is_object(sel))
			continue;
		ctl_join(json_object_get(sel, "servers"), NULL, srv, sizeof(srv));
		printf("  rfc 6731: %s -> %s (preference %s)\n", ctl_str(v, "domain"),
		       srv[0] ? srv : "any of its servers", ctl_str(sel, "preference"));
	}
}

void ctl_print_pvd(json_t *p)
{
	json_t *opt = json_object_get(p, "pvd_option"), *dns = json_object_get(p, "dns");
	json_t *p64 = json_object_get(p, "pref64"), *flags = json_object_get(p, "flags");
	char ifs[256];

	ctl_join(json_object_get(p, "interfaces"), NULL, ifs, sizeof(ifs));
	printf("PvD %s (handle %lld, %s, from %s)\n", ctl_str(p, "id"),
	       (long long)json_integer_value(json_object_get(p, "handle")),
	       json_is_true(json_object_get(p, "explicit")) ? "explicit" : "implicit",
	       ctl_str(p, "source"));
	printf("  interfaces: %s\n", ifs);
	if (json_is_object(opt))
		printf("  pvd option: sequence %lld, H=%d, L=%d, delay %lld\n",
		       (long long)json_integer_value(json_object_get(opt, "sequence")),
		       json_is_true(json_object_get(opt, "h_flag")),
		       json_is_true(json_object_get(opt, "l_flag")),
		       (long long)json_integer_value(json_object_get(opt, "delay")));
	if (strcmp(ctl_str(p, "source"), "ra") == 0)
		printf("  flags: managed=%d other=%d\n", json_is_true(json_object_get(flags, "managed")),
		       json_is_true(json_object_get(flags, "other")));
	ctl_print_list("routers", json_object_get(p, "routers"), "address", "preference",
		       "expires_in");
	ctl_print_list("prefixes", json_object_get(p, "prefixes"), "prefix", "source",
		       "expires_in");
	ctl_print_addresses(json_object_get(p, "addresses"));
	ctl_print_list("routes", json_object_get(p, "routes"), "prefix", "preference",
		       "expires_in");
	ctl_print_list("dns servers", json_object_get(dns, "servers"), "address", "source",
		       "expires_in");
	ctl_print_list("search domains", json_object_get(dns, "search"), "domain", "source",
		       "expires_in");
	ctl_print_dnssel(json_object_get(dns, "search"));
	ctl_print_list("ntp servers", json_object_get(p, "ntp"), "address", "source",
		       "expires_in");
	if (json_is_integer(json_object_get(p, "mtu")))
		ctl_print_mtu(p);
	if (json_is_string(json_object_get(p, "captive_portal")))
		printf("  captive portal: %s (from %s)\n", ctl_str(p, "captive_portal"),
		       ctl_str(p, "captive_portal_source"));
	if (json_array_size(json_object_get(p, "metered_hint")))
		printf("  metered: the network says so (from %s)\n",
		       json_string_value(json_array_get(json_object_get(p, "metered_hint"), 0)));
	if (json_is_object(p64))
		printf("  pref64: %s\n", ctl_str(p64, "prefix"));
	ctl_print_dhcpv6(json_object_get(p, "dhcpv6"));
}

int ctl_dns_summary(json_t *dns, const char *id, struct ctl_dns_sum *out)
{
	json_t *p, *s, *cache;
	size_t i, j;

	json_array_foreach(json_object_get(dns, "pvds"), i, p) {
		if (strcmp(ctl_str(p, "pvd"), id))
			continue;
		memset(out, 0, sizeof(*out));
		out->best_rtt_ms = -1;
		json_array_foreach(json_object_get(p, "server_state"), j, s) {
			double rtt = json_number_value(json_object_get(s, "srtt_ms"));

			out->servers++;
			out->sent += json_number_value(json_object_get(s, "sent"));
			out->timeouts += json_number_value(json_object_get(s, "timeouts"));
			if (json_is_true(json_object_get(s, "up"))) {
				out->up++;
				if (rtt > 0 && (out->best_rtt_ms < 0 || rtt < out->best_rtt_ms))
					out->best_rtt_ms = rtt;
			}
		}
		cache = json_object_get(p, "cache");
		out->queries = json_number_value(json_object_get(p, "queries"));
		out->hits = json_number_value(json_object_get(cache, "hits"));
		out->misses = json_number_value(json_object_get(cache, "misses"));
		return 0;
	}
	return -1;
}

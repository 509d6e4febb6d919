/* SPDX-License-Identifier: MIT */
/* mifctl dns: every PvD's DNS servers (with their state), domains and
 * cache, and the stub's counters;
 * mifctl dns which NAME [--pvd ID]: whose servers would answer, and why;
 * mifctl dns flush [--pvd ID]: empty the caches (root). */
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

static long long ctl_int(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static void ctl_dns_servers(json_t *p)
{
	json_t *st = json_object_get(p, "server_state"), *v, *cache;
	char s[256];
	size_t i;

	if (!st) {
		ctl_join(json_object_get(p, "servers"), NULL, s, sizeof(s));
		printf("  servers: %s\n", s);
		return;
	}
	json_array_foreach(st, i, v)
		printf("  server %s: %s, rtt %.1f ms, sent %lld, answers %lld, timeouts %lld, "
		       "failures %lld%s\n", ctl_str(v, "address"),
		       json_is_true(json_object_get(v, "up")) ? "up" : "DOWN",
		       json_real_value(json_object_get(v, "srtt_ms")), ctl_int(v, "sent"),
		       ctl_int(v, "answers"), ctl_int(v, "timeouts"), ctl_int(v, "failures"),
		       !strcmp(ctl_str(v, "source"), "missing") ?
		       "; NO SOURCE ADDRESS (the PvD has no usable address there: nothing is sent)" :
		       !strcmp(ctl_str(v, "source"), "pending") ? "; waiting for DAD" : "");
	cache = json_object_get(p, "cache");
	printf("  cache: %lld answers, %lld bytes, %lld hits, %lld misses\n",
	       ctl_int(cache, "entries"), ctl_int(cache, "bytes"), ctl_int(cache, "hits"),
	       ctl_int(cache, "misses"));
}

/* RFC 9463 encrypted resolvers the PvD announced, then the stub's DNS over
 * TLS state for those it uses (alpn dot): profile, connection, whether the
 * last handshake verified, and the last error. */
/* DDR (RFC 9462): what each clear-text server designated, and whether
 * each designated resolver passed its check (and why not). */
static void ctl_dns_ddr(json_t *p)
{
	json_t *d = json_object_get(p, "ddr"), *v;
	size_t i;

	if (!json_is_object(d))
		return;
	printf("  DDR (profile %s): %s; next discovery in %lld s\n", ctl_str(p, "tls_mode"),
	       json_is_true(json_object_get(d, "in_use")) ? "in use" : "not in use",
	       ctl_int(d, "next_s"));
	json_array_foreach(json_object_get(d, "servers"), i, v)
		printf("    asked %s: %s\n", ctl_str(v, "address"), ctl_str(v, "status"));
	json_array_foreach(json_object_get(d, "resolvers"), i, v)
		printf("    designated %s (%s port %lld) by %s: %s%s%s\n", ctl_str(v, "target"),
		       ctl_str(v, "address"), ctl_int(v, "port"), ctl_str(v, "designated_by"),
		       ctl_str(v, "state"), *ctl_str(v, "why") ? ": " : "", ctl_str(v, "why"));
}

static void ctl_dns_encrypted(json_t *p)
{
	json_t *v;
	size_t i;
	char a[256];

	json_array_foreach(json_object_get(p, "encrypted"), i, v) {
		json_t *lt = json_object_get(v, "lifetime");
		char l[32] = "infinite";

		if (!json_is_null(lt))
			snprintf(l, sizeof(l), "%lld s", (long long)json_integer_value(lt));
		ctl_join(json_object_get(v, "addresses"), NULL, a, sizeof(a));
		printf("  encrypted resolver %s: priority %lld, alpn %s, port %lld, addresses %s; "
		       "from %s, lifetime %s\n",
		       ctl_str(v, "adn"), ctl_int(v, "priority"), ctl_str(v, "alpn"),
		       ctl_int(v, "port"), a[0] ? a : "none (ADN only)", ctl_str(v, "source"),
		       l);
	}
	json_array_foreach(json_object_get(p, "tls"), i, v) {
		json_t *e = json_object_get(v, "last_error");

		printf("  DNS over TLS to %s (%s port %lld, from %s, checked by %s): %s, %s, %s; "
		       "%lld queries, %lld answers, "
		       "%lld handshakes (%lld resumed), %lld failures%s%s\n", ctl_str(v, "adn"),
		       ctl_str(v, "address"), ctl_int(v, "port"), ctl_str(v, "source"),
		       ctl_str(v, "check"), ctl_str(v, "mode"),
		       ctl_str(v, "state"), json_is_true(json_object_get(v, "verified")) ?
		       "verified" : "not verified", ctl_int(v, "queries"), ctl_int(v, "answers"),
		       ctl_int(v, "handshakes"), ctl_int(v, "resumptions"), ctl_int(v, "failures"),
		       json_is_string(e) ? "; last error: " : "", json_is_string(e) ?
		       json_string_value(e) : "");
	}
	ctl_dns_ddr(p);
}

static void ctl_dns_stub(json_t *st)
{
	json_t *sp = json_object_get(st, "spoofed");

	if (!json_is_object(st)) {
		printf("stub resolver: off\n");
		return;
	}
	printf("stub resolver on %s (%s)\n  queries %lld (UDP %lld, TCP %lld): %lld from cache, "
	       "%lld forwarded, %lld SERVFAIL, %lld malformed, %lld refused\n"
	       "  dropped answers: %lld wrong ID, %lld wrong source, %lld wrong question; "
	       "%lld TCP retries, %lld in flight\n",
	       ctl_str(st, "listen"), ctl_str(st, "resolv_conf"), ctl_int(st, "queries"),
	       ctl_int(st, "udp"), ctl_int(st, "tcp"), ctl_int(st, "hits"),
	       ctl_int(st, "forwarded"), ctl_int(st, "servfail"), ctl_int(st, "malformed"),
	       ctl_int(st, "refused"), ctl_int(sp, "id"), ctl_int(sp, "source"),
	       ctl_int(sp, "question"), ctl_int(st, "tcp_retries"), ctl_int(st, "outstanding"));
}

static int ctl_dns_flush(struct ctl *c, const char *pvd)
{
	json_t *params = pvd ? json_pack("{s:s}", "pvd", pvd) : NULL, *r;
	int rc;

	r = ctl_call(c, "dns.flush", params, &rc);
	if (!r)
		return rc;
	if (c->json)
		ctl_print_json(r);
	else
		printf("flushed %lld cached answers\n", ctl_int(r, "flushed"));
	json_decref(r);
	return CTL_OK;
}

static int ctl_dns_list(struct ctl *c)
{
	json_t *r, *p;
	size_t i;
	int rc;
	char d[256];

	r = ctl_call(c, "dns.list", NULL, &rc);
	if (!r)
		return rc;
	if (c->json) {
		ctl_print_json(r);
	} else {
		json_array_foreach(json_object_get(r, "pvds"), i, p) {
			ctl_join(json_object_get(p, "domains"), NULL, d, sizeof(d));
			printf("%s\n  domains: %s\n", ctl_str(p, "pvd"), d);
			if (*ctl_str(p, "tls_mode"))
				printf("  DNS over TLS profile: %s\n", ctl_str(p, "tls_mode"));
			ctl_dns_servers(p);
			ctl_dns_encrypted(p);
		}
		ctl_dns_stub(json_object_get(r, "stub"));
	}
	json_decref(r);
	return CTL_OK;
}

static int ctl_dns_which(struct ctl *c, const char *name, const char *pvd)
{
	json_t *params = json_pack("{s:s}", "name", name), *r, *p;
	size_t i;
	int rc;
	char s[256];

	if (pvd)
		json_object_set_new(params, "pvd", json_string(pvd));
	r = ctl_call(c, "dns.which", params, &rc);
	if (!r)
		return rc;
	if (c->json) {
		ctl_print_json(r);
	} else {
		printf("%s is asked of:\n", name);
		json_array_foreach(json_object_get(r, "pvds"), i, p) {
			ctl_join(json_object_get(p, "servers"), NULL, s, sizeof(s));
			printf("  %zu. %s (%s)\n", i + 1, ctl_str(p, "pvd"), s);
		}
		printf("why: %s\n", ctl_str(r, "why"));
	}
	json_decref(r);
	return CTL_OK;
}

int ctl_dns(struct ctl *c, int argc, char **argv)
{
	if (argc == 1)
		return ctl_dns_list(c);
	if (argc == 3 && strcmp(argv[1], "which") == 0)
		return ctl_dns_which(c, argv[2], NULL);
	if (argc == 5 && strcmp(argv[1], "which") == 0 && strcmp(argv[3], "--pvd") == 0)
		return ctl_dns_which(c, argv[2], argv[4]);
	if (argc == 2 && strcmp(argv[1], "flush") == 0)
		return ctl_dns_flush(c, NULL);
	if (argc == 4 && strcmp(argv[1], "flush") == 0 && strcmp(argv[2], "--pvd") == 0)
		return ctl_dns_flush(c, argv[3]);
	fprintf(stderr, "mifctl: usage: mifctl dns | mifctl dns which NAME [--pvd ID] | "
		"mifctl dns flush [--pvd ID]\n");
	return CTL_USAGE;
}

/* SPDX-License-Identifier: MIT */
/*
 * Connectivity checks per PvD (problem statement 4.4, 5.5.6; RFC 8910,
 * RFC 8908): is a network worth trusting before it becomes the default?
 *
 * The engine (engine_conn.c) decides when to probe and what a result
 * means; the network-facing process (probe_net.c) runs the probes through
 * the PvD (its interface, its source addresses, its own DNS servers): a
 * DNS lookup of the HTTP endpoint's host, a lookup of a random name under
 * it (a portal that answers every name gives itself away), HTTP and HTTPS
 * in parallel, and the RFC 8908 API when the PvD announced one (RFC 8910).
 * This header holds what both sides share: the configuration, the states
 * and the pure classification of one probe's result.
 */
#ifndef MIF_DAEMON_CONN_H
#define MIF_DAEMON_CONN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONN_URL_MAX 256
#define CONN_LOCATION_MAX 512
#define CONN_MAX_DNS 4
#define CONN_QUALITY_MAX_SAMPLES 16     /* per round (struct msg_quality_result) */

struct conn_config {
	bool enabled;
	char http_url[CONN_URL_MAX];     /* answers 204 when the Internet is there */
	char https_url[CONN_URL_MAX];
	char ca_file[CONN_URL_MAX];      /* "" for the system's */
	uint32_t interval_s;             /* re-check of a valid PvD */
	uint32_t backoff_max_s;          /* cap of the 1 s, 2 s, 4 s... re-checks */
	uint32_t timeout_ms;             /* of each probe */
	/* Path quality (quality.h): a round of quality_samples every
	 * quality_interval_s (0: no samples); the floor, 0 for none. */
	uint32_t quality_interval_s;
	uint32_t quality_samples;
	uint32_t max_loss_pct;
	uint32_t max_rtt_ms;
};

void conn_config_defaults(struct conn_config *c);

/* The states of issue 13; the order is not a ranking (conn_tier is). */
enum conn_state {
	CONN_UNKNOWN = 0,    /* not checked (checks off, or not yet) */
	CONN_VALIDATING,     /* first check under way */
	CONN_VALID,          /* HTTP and HTTPS answered as expected */
	CONN_PARTIAL,        /* HTTP works, HTTPS does not */
	CONN_PORTAL,         /* a captive portal: login needed */
	CONN_NO_INTERNET,    /* nothing answered through it */
	CONN_FAILED,         /* could not be checked: no address or no DNS server */
	CONN__MAX
};

const char *conn_state_name(enum conn_state s);
/* Rank for the default network: lower is better. A valid PvD before one
 * not yet checked, before a partial one, before the rest. */
int conn_tier(enum conn_state s);

/* What one probe saw (MSG_PROBE_RESULT); errors are negative errno, 0 ok. */
struct conn_result {
	int32_t dns_err;
	uint32_t dns_ms;
	uint32_t dns_answers;
	uint32_t dns_hijack;             /* a random name resolved: every name does */
	int32_t http_err, http_code;
	uint32_t http_ms;
	int32_t https_err, https_code;
	uint32_t https_ms;
	int32_t api_err;                 /* -ENOENT: no RFC 8910 URI to ask */
	int32_t api_code;                /* the API's HTTP status, 0 none */
	int32_t api_captive;             /* RFC 8908 "captive": 1, 0, or -1 unknown */
	uint32_t api_seconds;            /* "seconds-remaining", 0 none */
	uint32_t api_can_extend;
	char location[CONN_LOCATION_MAX];        /* HTTP redirect target */
	char api_portal_url[CONN_LOCATION_MAX];  /* RFC 8908 "user-portal-url" */
	uint32_t family;                 /* of the lookups and requests: 4 or 6 */
	/* The check over IPv6 failed, so it was made again over IPv4 (this
	 * result): what the IPv6 lookup and HTTP request got, and whether
	 * that was silence (a time-out or an unreachable network: IPv6 is
	 * broken), not an answer such as "no AAAA record". */
	uint32_t v6_tried, v6_failed;
	int32_t v6_dns_err, v6_http_err;
};

/* The state a result means, and why (a static string). */
enum conn_state conn_classify(const struct conn_result *r, const char **why);

/*
 * Split an http:// or https:// URL into host (a name or an IP literal,
 * brackets removed) and port (80 or 443 unless given). 0, or -EINVAL.
 */
int conn_url_host(const char *url, char *host, size_t hostlen, uint16_t *port, bool *tls);

#endif

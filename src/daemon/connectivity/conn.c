/* SPDX-License-Identifier: MIT */
#include "daemon/connectivity/conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void conn_config_defaults(struct conn_config *c)
{
	memset(c, 0, sizeof(*c));
	c->enabled = true;
	/* 204 endpoints, as Android's defaults: any answer but an empty 204
	 * means something stands in the way (RFC 8952 section 2.4). */
	snprintf(c->http_url, sizeof(c->http_url), "http://connectivitycheck.gstatic.com/generate_204");
	snprintf(c->https_url, sizeof(c->https_url), "https://www.google.com/generate_204");
	c->interval_s = 3600;
	c->backoff_max_s = 60;
	c->timeout_ms = 5000;
	/* Five samples of about 250 bytes every ten minutes: 7.5 KB an hour,
	 * within issue 13's budget of 20 KB per valid idle PvD with the
	 * hourly check. A quarter of round trips lost makes TCP crawl
	 * (each loss halves the window); RTT is not judged unless asked. */
	c->quality_interval_s = 600;
	c->quality_samples = 5;
	c->max_loss_pct = 25;
	c->max_rtt_ms = 0;
}

const char *conn_state_name(enum conn_state s)
{
	static const char *const names[CONN__MAX] = {
		"unknown", "validating", "valid", "partial", "portal", "no-internet", "failed",
	};

	return (unsigned)s < CONN__MAX ? names[s] : "unknown";
}

int conn_tier(enum conn_state s)
{
	switch (s) {
	case CONN_VALID:
		return 0;
	case CONN_UNKNOWN:
	case CONN_VALIDATING:
		return 1;
	case CONN_PARTIAL:
		return 2;
	default:
		return 3;
	}
}

static enum conn_state conn_classify_one(const struct conn_result *r, const char **why);

/* A check made again over IPv4 after IPv6 got no answer (probe_net.c):
 * working IPv4 alone is partial, as HTTPS alone is; anything else is what
 * IPv4 found (a portal that intercepts IPv4 only is a portal). */
enum conn_state conn_classify(const struct conn_result *r, const char **why)
{
	enum conn_state s = conn_classify_one(r, why);

	if (r->v6_failed && s == CONN_VALID)
		return *why = "IPv4 works (HTTP and HTTPS answered 204), IPv6 got no answer",
		       CONN_PARTIAL;
	return s;
}

static enum conn_state conn_classify_one(const struct conn_result *r, const char **why)
{
	/* RFC 8908 section 5: the API's word is authoritative when it says
	 * the client is captive. */
	if (r->api_err == 0 && r->api_captive == 1)
		return *why = "the RFC 8908 API says captive", CONN_PORTAL;
	if (r->dns_hijack)
		return *why = "its DNS answers a name that does not exist", CONN_PORTAL;
	if (r->http_err == 0 && r->http_code != 204) {
		if (r->http_code >= 300 && r->http_code < 400)
			return *why = "the HTTP probe was redirected", CONN_PORTAL;
		if (r->http_code >= 200 && r->http_code < 300)
			return *why = "the HTTP probe got a page instead of 204", CONN_PORTAL;
		return *why = "the HTTP probe got an error status", CONN_NO_INTERNET;
	}
	if (r->http_err == 0) {
		if (r->https_err == 0 && r->https_code == 204)
			return *why = "HTTP and HTTPS answered 204", CONN_VALID;
		return *why = "HTTP answered 204 but HTTPS did not", CONN_PARTIAL;
	}
	if (r->dns_err != 0)
		return *why = "its DNS servers did not resolve the probe's host", CONN_NO_INTERNET;
	return *why = "the HTTP probe got no answer", CONN_NO_INTERNET;
}

int conn_url_host(const char *url, char *host, size_t hostlen, uint16_t *port, bool *tls)
{
	const char *h, *end, *colon = NULL;
	size_t n;

	if (strncmp(url, "http://", 7) == 0) {
		*tls = false;
		h = url + 7;
	} else if (strncmp(url, "https://", 8) == 0) {
		*tls = true;
		h = url + 8;
	} else {
		return -EINVAL;
	}
	end = h + strcspn(h, "/?#");
	if (memchr(h, '@', (size_t)(end - h)))
		return -EINVAL;      /* no credentials in a probe URL */
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(end - h));

		if (!rb)
			return -EINVAL;
		n = (size_t)(rb - h - 1);
		h++;
		colon = rb[1] == ':' ? rb + 1 : NULL;
		if (!colon && rb + 1 != end)
			return -EINVAL;
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
		n = (size_t)((colon ? colon : end) - h);
	}
	if (n == 0 || n >= hostlen)
		return -EINVAL;
	memcpy(host, h, n);
	host[n] = '\0';
	*port = *tls ? 443 : 80;
	if (colon) {
		char *e;
		unsigned long v = strtoul(colon + 1, &e, 10);

		if (e != end || v == 0 || v > 65535)
			return -EINVAL;
		*port = (uint16_t)v;
	}
	return 0;
}

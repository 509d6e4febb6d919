/* SPDX-License-Identifier: MIT */
/*
 * The per-PvD stub resolver (doc/resolver.md): listens on a loopback
 * address (UDP and TCP), picks the PvD that should answer each query
 * (dns_select.h), answers from that PvD's cache (dnscache.h) or forwards
 * the query to that PvD's servers through that PvD (dns_plan.h), and never
 * serves one PvD's answer for another.
 */
#ifndef MIF_DAEMON_STUB_H
#define MIF_DAEMON_STUB_H

#include <event2/event.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "daemon/control/netview.h"

#define STUB_DEFAULT_ADDR "127.0.0.153"
#define STUB_DEFAULT_PORT 53
#define STUB_TLS_PVD_MAX 16

struct stub_config {
	bool enabled;
	struct sockaddr_storage listen;   /* AF_INET or AF_INET6 */
	size_t cache_size, cache_bytes;   /* per PvD */
	uint32_t max_ttl, max_neg_ttl;
	uint32_t timeout_ms;
	uint32_t max_stale;               /* serve-stale: seconds past expiry (RFC 8767), 0 off */
	int tls;                          /* enum stub_tls: DNS over TLS to DNR resolvers */
	/* Per-PvD profiles ([dns] tls_pvd = KEY MODE): KEY a PvD ID, or
	 * "type:SOURCE" (ra, dhcpv4, dhcpv6, static, api: what created the
	 * PvD); an ID match first, then the type, else tls. */
	struct stub_tls_pvd {
		char key[PVD_ID_MAX];
		int mode;
	} tls_pvd[STUB_TLS_PVD_MAX];
	size_t n_tls_pvd;
	char tls_ca_file[256];            /* "" for the system's trust store */
	char resolv_conf[256];            /* "" for none */
	bool write_etc_resolv_conf;
};

/* RFC 8310 usage profiles, for a PvD that announced an encrypted resolver
 * (DNR): off (clear text as before), opportunistic (TLS, and clear text
 * when TLS fails, said in the log and counted), strict (TLS only: SERVFAIL
 * with the reason in mifctl dns when it fails). */
enum stub_tls { STUB_TLS_OFF = 0, STUB_TLS_OPPORTUNISTIC, STUB_TLS_STRICT };
const char *stub_tls_name(int mode);
/* "off", "opportunistic", "strict": the mode, or -EINVAL. */
int stub_tls_parse(const char *name);
void stub_config_defaults(struct stub_config *c);
/* "ADDR", "ADDR:PORT", "[ADDR6]:PORT". 0 or -EINVAL. */
int stub_parse_listen(const char *text, struct sockaddr_storage *out);
/* "127.0.0.153:53", "[::1]:5353" */
void stub_format_listen(const struct sockaddr_storage *ss, char *buf, size_t len);

struct stub;

/* Open the listening sockets, or take fds (UDP, TCP: bound by
 * stub_listen_fds() in the privileged parent; NULL to bind here). NULL
 * with *err set (-EADDRINUSE, ...). The stub reads the engine's state
 * through nv and owns the fds once this succeeds. */
struct stub *stub_new(struct event_base *base, const struct stub_config *cfg,
		      struct netview *nv, const int fds[2], int *err);
/* Bind the UDP and TCP sockets of cfg->listen (port 53 needs
 * CAP_NET_BIND_SERVICE). 0 or a negative errno. */
int stub_listen_fds(const struct stub_config *cfg, int fds[2]);
void stub_free(struct stub *s);

/* The PvD set changed (netview sync callback): reconcile servers, caches. */
void stub_sync(void *ctx);

/* dns.resolve {"name", "type"?, "pvd"?}: answer through the reply
 * callback with the token (always later, from the event loop). */
typedef void (*stub_reply_fn)(void *ctx, uint32_t token, int err, json_t *result,
			      const char *msg);
void stub_set_reply(struct stub *s, stub_reply_fn cb, void *ctx);
int stub_resolve(struct stub *s, json_t *params, uint32_t *token, char *err, size_t errlen);

/* Each upstream attempt's outcome, for the connectivity checks' stall
 * detection (connectivity/probe_stall.c): a PvD's server answered, or
 * its time ran out. */
typedef void (*stub_health_fn)(void *ctx, uint64_t handle, bool answered);
void stub_set_health_cb(struct stub *s, stub_health_fn cb, void *ctx);
/* Answer-based steering ([steering] answers): send the addresses in
 * forwarded answers to the engine (stub_steer.c). 0 or -ENOMEM. */
int stub_set_steer(struct stub *s, bool on);

/* dns.flush {"pvd"?}: entries dropped, or -ENOENT (err set). */
int stub_flush(struct stub *s, json_t *params, json_t **out, char *err, size_t errlen);

/* Add per-PvD state (server_state, cache) to dns.list's PvD objects, and
 * return the stub's own counters. */
void stub_pvd_json(struct stub *s, uint64_t handle, json_t *pvd);
json_t *stub_status_json(struct stub *s);

#endif

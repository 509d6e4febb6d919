/* SPDX-License-Identifier: MIT */
/*
 * The engine: parses network input (RAs), keeps the PvD store and the
 * kernel view, decides which addresses to form, and reports PvD events.
 * It owns no network or netlink socket: it talks to the kernel side only
 * through messages on one SOCK_SEQPACKET descriptor (daemon/msg.h), so it
 * can later run as a separate process without privileges (OpenBSD slaacd).
 */
#ifndef MIF_DAEMON_ENGINE_H
#define MIF_DAEMON_ENGINE_H

#include <event2/event.h>
#include <jansson.h>

#include "daemon/pvd/pvd.h"
#include "daemon/engine/view.h"

/* Reasons an RA is dropped before or by the parser. */
enum engine_drop {
	ENGINE_DROP_HOP_LIMIT = RA_ERR__MAX,  /* IPv6 hop limit != 255 */
	ENGINE_DROP_SOURCE,                   /* source not link-local */
	ENGINE_DROP_SIZE,                     /* empty or oversized message */
	ENGINE_DROP__MAX
};

struct engine_counters {
	uint64_t ra_received;        /* on managed interfaces */
	uint64_t ra_accepted;
	uint64_t ra_dropped;
	uint64_t ra_unmanaged;       /* seen on interfaces mifd does not manage */
	uint64_t drops[ENGINE_DROP__MAX];
	uint64_t ipc_errors;         /* malformed messages from the kernel side */
	uint64_t kernel_errors;      /* address requests the kernel refused */
	uint64_t events;             /* PvD events emitted */
	uint64_t digests;            /* PvD digests computed to see whether they changed */
};

enum engine_event { ENGINE_PVD_ADDED, ENGINE_PVD_CHANGED, ENGINE_PVD_REMOVED,
		    ENGINE_DEFAULT_CHANGED, /* pvd: {"family", "handle", "id", "previous"} */
		    /* what the policy decides changed (engine_policy.c): pvd:
		     * {"order": [{"handle", "id"}...], "previous": [...], "why"} */
		    ENGINE_POLICY_CHANGED };
#define ENGINE_EVENT_LAST ENGINE_POLICY_CHANGED
/* Shared by the engine and the control socket, in two processes. */
static inline const char *engine_event_name(enum engine_event ev)
{
	switch (ev) {
	case ENGINE_PVD_ADDED:
		return "pvd-added";
	case ENGINE_PVD_CHANGED:
		return "pvd-changed";
	case ENGINE_PVD_REMOVED:
		return "pvd-removed";
	case ENGINE_DEFAULT_CHANGED:
		return "default-changed";
	case ENGINE_POLICY_CHANGED:
		return "policy-changed";
	}
	return "unknown";
}

/* Called for each PvD event with the PvD's JSON (full, or a reference for
 * removals); the callee must not keep `pvd` past the call. */
typedef void (*engine_event_cb)(void *ctx, enum engine_event ev, json_t *pvd);

struct engine;

struct engine *engine_new(struct event_base *base, int kernel_fd);
/* Attach (or replace) the network-facing process's channel (netview.h);
 * the engine owns fd from then on and sends its view at once. */
int engine_net_attach(struct engine *e, int fd);
void engine_free(struct engine *e);
void engine_set_event_cb(struct engine *e, engine_event_cb cb, void *ctx);

/* Ask the kernel side to remove every address mifd formed (shutdown). */
void engine_release_addresses(struct engine *e);
/* Bytes of requests still queued for the kernel side. */
size_t engine_queued(const struct engine *e);

/* Static and API PvDs (control socket, root only). Each returns 0 or a
 * negative errno with a sentence naming the problem in err. */
int engine_pvd_add(struct engine *e, json_t *params, char *err, size_t errlen);
int engine_pvd_set(struct engine *e, json_t *params, char *err, size_t errlen);
int engine_pvd_del(struct engine *e, const char *id, char *err, size_t errlen);

/* Run (or stop) the DHCPv4 client on the interface named ifname, now and
 * whenever it appears. Returns 0 or -ENOSPC. */
int engine_dhcp4_set(struct engine *e, const char *ifname, bool on);
/* Number ifname from the prefixes delegated by DHCPv6 (IA_PD); also asks
 * for them on interfaces whose RA has the M flag. */
void engine_dhcp6_pd_downstream(struct engine *e, const char *ifname);

/* Routing configuration (before the initial dump completes). */
struct route_cfg;
void engine_set_route_cfg(struct engine *e, const struct route_cfg *c);
/* Send DHCPv4 RELEASE at a clean stop (else the lease is kept for the
 * next start's INIT-REBOOT). */
void engine_set_dhcp4_release(struct engine *e, bool on);
/* Which identifiers mifd forms for nested prefixes (enum slaac_privacy). */
void engine_set_addr_privacy(struct engine *e, int privacy);

/*
 * route.get: which PvD, table, next hop and source a packet to dst would
 * use, and why. params: {"destination": ADDR, "pvd": ID?, "from": ADDR?}.
 * Returns 0 when a lookup was started (the answer comes through the reply
 * callback with the token), or a negative errno with err set.
 */
typedef void (*engine_route_reply_fn)(void *ctx, uint32_t token, int err, json_t *result,
				      const char *msg);
void engine_set_route_reply(struct engine *e, engine_route_reply_fn cb, void *ctx);
int engine_route_get(struct engine *e, json_t *params, uint32_t *token, char *err, size_t errlen);

/* dns.which {"name", "pvd"?}: which PvD's servers would answer, and why. */
int engine_dns_which(struct engine *e, json_t *params, json_t **out, char *err, size_t errlen);
/* dns.list: every PvD's DNS servers and domains. */
json_t *engine_dns_list(struct engine *e);

/* For the stub resolver (stub.h), which runs in the same event loop. */
struct dns_plan_pvd;
const struct pvd_store *engine_store(struct engine *e);
/* The routing default PvDs, best first: IPv6's, then IPv4's (0: none). */
void engine_dns_rank(struct engine *e, uint64_t rank[2]);
/* Every PvD with DNS servers, as the stub needs it (dns_plan.h). */
int engine_dns_plan(struct engine *e, struct dns_plan_pvd *out, size_t cap, size_t *n);
/* "search a b c\n" over every PvD's domains (or nothing): bytes written. */
size_t engine_dns_search(struct engine *e, char *buf, size_t len);
/* Called after every sync, once routing is updated. */
typedef void (*engine_sync_fn)(void *ctx);
void engine_set_sync_cb(struct engine *e, engine_sync_fn cb, void *ctx);
uint64_t engine_pvd_handle(struct engine *e, const char *id);
const char *engine_pvd_id(struct engine *e, uint64_t handle);

/* Read-only access for the control socket. */
json_t *engine_pvd_list_json(struct engine *e);
/* -ENOENT if no PvD has that id or handle. */
int engine_pvd_get_json(struct engine *e, const char *id, json_t **out);
json_t *engine_status_json(struct engine *e);
const struct engine_counters *engine_counters(const struct engine *e);
const char *engine_drop_name(unsigned reason);

#endif

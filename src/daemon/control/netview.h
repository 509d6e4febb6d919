/* SPDX-License-Identifier: MIT */
/*
 * The network-facing process's side of its channel to the engine
 * (doc/architecture.md, "The processes"): a read-only view of what the
 * stub resolver reads (each PvD's id, kind, prefixes, default routes,
 * servers and domains; the DNS plan; the routing default), rebuilt from
 * the engine's MSG_VIEW_* messages after every change, and the calls the
 * control socket forwards to the engine (MSG_CTL_CALL / MSG_CTL_RESULT)
 * with the events it publishes (MSG_CTL_EVENT). The view is swapped in
 * whole at MSG_VIEW_END, so a reader never sees half of one.
 */
#ifndef MIF_DAEMON_NETVIEW_H
#define MIF_DAEMON_NETVIEW_H

#include <event2/event.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "daemon/pvd/pvd.h"

struct netview;
struct dns_plan_pvd;

/* The view changed (after MSG_VIEW_END). */
typedef void (*netview_sync_fn)(void *ctx);
/* The engine's answer to netview_call(): result (0) or err < 0 and msg. */
typedef void (*netview_result_fn)(void *ctx, uint32_t token, int err, json_t *result,
				  const char *msg);
/* An engine event (enum engine_event) with its PvD JSON. */
typedef void (*netview_event_fn)(void *ctx, unsigned ev, json_t *pvd);
/* A connectivity message from the engine (MSG_PROBE_START, _FLUSH). */
struct ipc_msg;
typedef void (*netview_probe_fn)(void *ctx, const struct ipc_msg *m);
/* The engine closed the channel. */
typedef void (*netview_close_fn)(void *ctx);

struct netview *netview_new(struct event_base *base, int fd);
void netview_free(struct netview *nv);
void netview_set_sync_cb(struct netview *nv, netview_sync_fn cb, void *ctx);
void netview_set_result_cb(struct netview *nv, netview_result_fn cb, void *ctx);
void netview_set_event_cb(struct netview *nv, netview_event_fn cb, void *ctx);
void netview_set_close_cb(struct netview *nv, netview_close_fn cb, void *ctx);
void netview_set_probe_cb(struct netview *nv, netview_probe_fn cb, void *ctx);
/* MSG_STEER_DONE (dns/stub_steer.c). */
void netview_set_steer_cb(struct netview *nv, netview_probe_fn cb, void *ctx);
/* Send one fixed-size message to the engine (MSG_PROBE_RESULT). */
int netview_send(struct netview *nv, uint32_t type, const void *data, size_t len);
/* Bytes waiting to go to the engine. */
size_t netview_queued(const struct netview *nv);

/* Forward a control request (enum ctl_method) to the engine, with the
 * client's socket (client_fd, or -1) for the engine to check who asks a
 * request that changes mifd. 0, or a negative errno when it cannot be
 * sent (the answer never comes). */
int netview_call(struct netview *nv, uint32_t token, unsigned method, uid_t uid,
		 json_t *params, int client_fd);

/* Take one message from the engine (what the channel calls; a fuzzer too). */
struct ipc_msg;
void netview_take(struct netview *nv, const struct ipc_msg *m);

const struct pvd_store *netview_store(const struct netview *nv);
/* The routing default PvDs, best first: IPv6's, then IPv4's (0: none). */
void netview_dns_rank(const struct netview *nv, uint64_t rank[2]);
/* Every PvD with DNS servers (dns_plan.h), in store order. */
int netview_dns_plan(const struct netview *nv, struct dns_plan_pvd *out, size_t cap, size_t *n);
/* "search a b c\n" over every PvD's domains (or nothing): bytes written. */
size_t netview_dns_search(const struct netview *nv, char *buf, size_t len);
uint64_t netview_pvd_handle(const struct netview *nv, const char *id);
const char *netview_pvd_id(const struct netview *nv, uint64_t handle);
/* Views received, malformed messages, texts dropped. */
json_t *netview_status_json(const struct netview *nv);

#endif

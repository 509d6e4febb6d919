/* SPDX-License-Identifier: MIT */
/*
 * The control socket (doc/control-protocol.md): a Unix stream socket, one
 * JSON object per line. Any local user may read (the socket is 0666);
 * methods that change mifd need the caller to be root, checked with
 * SO_PEERCRED on every connection.
 */
#ifndef MIF_DAEMON_CONTROL_H
#define MIF_DAEMON_CONTROL_H

#include <event2/event.h>

#include "daemon/engine/engine.h"

#define CONTROL_MAX_CLIENTS 128
#define CONTROL_MAX_OUTPUT (4u << 20)   /* a client that reads slower is dropped */
/*
 * How long a route.get or dns.resolve waits for its answer before the
 * client hears ETIMEDOUT. A backstop: the engine answers route.get within
 * 3 s (ROUTE_LOOKUP_DEADLINE_MS) and the stub dns.resolve within its
 * timeout_ms (5 s by default), each with a better reason, so 10 s only
 * lapses when an answer was lost on the way.
 */
#define CONTROL_REPLY_DEADLINE_MS 10000

struct control;

struct control *control_new(struct event_base *base, const char *path, struct engine *e,
			    int *err);
void control_free(struct control *c);
struct stub;
/* The stub resolver behind dns.resolve, dns.flush and dns.list's state. */
void control_set_stub(struct control *c, struct stub *s);
/* engine_event_cb: send an event to every subscriber. */
void control_broadcast(void *ctx, enum engine_event ev, json_t *pvd);
/* Change the reply deadline (0: CONTROL_REPLY_DEADLINE_MS); mifd raises it
 * above a longer stub timeout_ms, tests shorten it. */
void control_set_deadline(struct control *c, unsigned ms);
/* engine_route_reply_fn: the answer to a route.get started by a client. */
void control_route_reply(void *ctx, uint32_t token, int err, json_t *result, const char *msg);

#endif

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
/* Connections (issue 17: 2,000 idle ones from one user locked root out):
 * each user but root holds at most CONTROL_MAX_PER_USER, and the last
 * CONTROL_ROOT_RESERVED places are root's alone. */
#define CONTROL_MAX_PER_USER 32
#define CONTROL_ROOT_RESERVED 8
/* Output waiting for a client: past this, its requests are no longer read
 * until it has read its replies (a client that never reads cannot make
 * mifd buffer without bound); a subscriber past it is dropped. */
#define CONTROL_MAX_OUTPUT (4u << 20)
/* And all of one user's connections together (root's excepted): 32
 * connections that never read held 128 MiB before. A connection with
 * nothing of its own waiting is still read, so one connection of a user
 * whose others do not read is served, and each paused one resumes once
 * its own output is sent (its write callback). */
#define CONTROL_MAX_USER_OUTPUT (8u << 20)
/*
 * How long a route.get or dns.resolve waits for its answer before the
 * client hears ETIMEDOUT. A backstop: the engine answers route.get within
 * 3 s (ROUTE_LOOKUP_DEADLINE_MS) and the stub dns.resolve within its
 * timeout_ms (5 s by default), each with a better reason, so 10 s only
 * lapses when an answer was lost on the way.
 */
#define CONTROL_REPLY_DEADLINE_MS 10000
/* Requests waiting for an answer from the engine or the stub, all clients
 * together; past this a request is answered EBUSY. */
#define CONTROL_MAX_WAITING 256
/* So that no local user can starve the others (issue 17): one client has
 * at most this many waiting, and dns.resolve (which waits on networks)
 * at most CONTROL_MAX_STUB of all, leaving room for the engine's quick
 * answers (status, pvd.list, a root's pvd.add). */
#define CONTROL_MAX_PER_CLIENT 64
#define CONTROL_MAX_STUB 192
/* A user holds up to CONTROL_MAX_PER_USER connections, so the shares per
 * client alone would let one user take every place: each user but root
 * has at most CONTROL_MAX_USER_WAITING places and CONTROL_MAX_USER_STUB
 * lookups, and all of them together leave root CONTROL_ROOT_STUB of the
 * lookups (a lookup waits as long as its networks take, possibly one an
 * attacker made slow on purpose). */
#define CONTROL_MAX_USER_WAITING 64
#define CONTROL_MAX_USER_STUB 32
#define CONTROL_ROOT_STUB 32

struct control;
struct netview;

/* Listen on path (its directory created); a stale socket from a crashed
 * mifd is replaced, a live one is -EADDRINUSE. The descriptor, or <0. */
int control_bind(const char *path);
/* Serve the control socket at path, talking to the engine through nv. */
struct control *control_new(struct event_base *base, const char *path, struct netview *nv,
			    int *err);
/* The same on a listening descriptor made by the privileged parent
 * (control_bind), which owns the path: it is not removed on free. The
 * control socket owns fd once this succeeds. */
struct control *control_new_fd(struct event_base *base, int fd, const char *path,
			       struct netview *nv, int *err);
void control_free(struct control *c);
struct stub;
/* The stub resolver behind dns.resolve, dns.flush and dns.list's state. */
void control_set_stub(struct control *c, struct stub *s);
/* The mobile node's state behind "mobility" (mobility/mob_net.h); NULL
 * fn: the role is off. */
void control_set_mobility(struct control *c, json_t *(*fn)(void *), void *ctx);
/* netview_event_fn: send an event (enum engine_event) to every subscriber. */
void control_broadcast(void *ctx, unsigned ev, json_t *pvd);
/* Change the reply deadline (0: CONTROL_REPLY_DEADLINE_MS); mifd raises it
 * above a longer stub timeout_ms, tests shorten it. */
void control_set_deadline(struct control *c, unsigned ms);
/* stub_reply_fn: the answer to a dns.resolve started by a client. */
void control_route_reply(void *ctx, uint32_t token, int err, json_t *result, const char *msg);

#endif

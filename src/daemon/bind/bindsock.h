/* SPDX-License-Identifier: MIT */
/*
 * The bind socket (doc/control-protocol.md, "Binding a socket to a PvD"):
 * a SOCK_SEQPACKET Unix socket beside the control socket, mode 0666. An
 * application sends {"pvd": ID} with one socket descriptor in SCM_RIGHTS;
 * mifd, which holds CAP_NET_ADMIN and CAP_NET_RAW, sets SO_MARK to the
 * PvD's mark (and SO_BINDTOIFINDEX when the PvD has one interface) and
 * answers {"ok":true,...} or {"ok":false,"errno":N,"error":"..."}. The
 * application needs no privilege, as with Android netd's FwmarkServer.
 * mifd never undoes a restriction: a socket bound to another device, or
 * carrying a mark that is not a PvD's, is refused (EPERM).
 */
#ifndef MIF_DAEMON_BINDSOCK_H
#define MIF_DAEMON_BINDSOCK_H

#include <event2/event.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/bind/bind_table.h"
#include "daemon/core/msg.h"

/*
 * One request per connection: mifd answers and closes. Each connection has
 * an absolute deadline from accept() that activity does not extend, and one
 * user (SO_PEERCRED uid) holds at most BINDSOCK_MAX_PER_UID of them, so no
 * user can keep the others from binding.
 */
#define BINDSOCK_MAX_CLIENTS 64
#define BINDSOCK_MAX_PER_UID 8
#define BINDSOCK_MAX_MSG 1024        /* a request longer than this: EMSGSIZE */
/* Descriptors received per message: the kernel's SCM_MAX_FD, so that none
 * is ever discarded (and so closed) by recvmsg() in mifd's event loop. */
#define BINDSOCK_MAX_FDS 253
#define BINDSOCK_DEADLINE_S 3        /* from accept() to the answer */
/* Every descriptor a client gave mifd, and every connection, is closed in
 * the closer lane of the client's user (bs_closer.h; closing can block:
 * SO_LINGER, FUSE); past a lane's slots, that user's requests get EAGAIN. */

struct bindsock;

/* Called at most once a second (BINDSOCK_STATS_MS) after the counters
 * changed. */
#define BINDSOCK_STATS_MS 1000
typedef void (*bindsock_stats_fn)(void *ctx, const struct msg_bind_stats *st);
void bindsock_set_stats_cb(struct bindsock *b, bindsock_stats_fn cb, void *ctx);

/* Listen beside ctl_path. Returns NULL with *err set (-EADDRINUSE when
 * another mifd answers there). */
struct bindsock *bindsock_new(struct event_base *base, const char *ctl_path,
			      const struct bind_table *t, int *err);
void bindsock_free(struct bindsock *b);

#endif

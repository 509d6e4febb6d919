/* SPDX-License-Identifier: MIT */
/*
 * The bind socket (doc/control-protocol.md, "Binding a socket to a PvD"):
 * a SOCK_SEQPACKET Unix socket beside the control socket, mode 0666. An
 * application sends {"pvd": ID} with one socket descriptor in SCM_RIGHTS;
 * mifd, which holds CAP_NET_ADMIN and CAP_NET_RAW, sets SO_MARK to the
 * PvD's mark (and SO_BINDTOIFINDEX when the PvD has one interface) and
 * answers {"ok":true,...} or {"ok":false,"errno":N,"error":"..."}. The
 * application needs no privilege, as with Android netd's FwmarkServer.
 */
#ifndef MIF_DAEMON_BINDSOCK_H
#define MIF_DAEMON_BINDSOCK_H

#include <event2/event.h>
#include <stddef.h>

#include "daemon/engine.h"

#define BINDSOCK_MAX_CLIENTS 64
#define BINDSOCK_MAX_MSG 1024        /* a request longer than this: EMSGSIZE */
#define BINDSOCK_MAX_FDS 8           /* descriptors received per message, all closed */
#define BINDSOCK_IDLE_S 10           /* an idle connection is closed */

struct bindsock;

/* The bind socket's path for a control socket path: "X.sock" gives
 * "X-bind.sock", anything else "X-bind". Returns 0 or -ENAMETOOLONG. */
int bindsock_path(const char *ctl_path, char *out, size_t len);

/* Listen beside ctl_path. Returns NULL with *err set (-EADDRINUSE when
 * another mifd answers there). */
struct bindsock *bindsock_new(struct event_base *base, const char *ctl_path, struct engine *e,
			      int *err);
void bindsock_free(struct bindsock *b);

#endif

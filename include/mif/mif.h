/* SPDX-License-Identifier: MIT */
/**
 * @file mif.h
 * @brief libmif: talk to mifd, the multiple-provisioning-domain daemon.
 *
 * It speaks mifd's control protocol (one JSON object per line, see
 * doc/control-protocol.md): requests, replies and PvD events; and binds
 * sockets to a PvD through mifd's bind socket (mif_bind_pvd()).
 * Every function returns 0 or a negative errno; none logs or aborts.
 */
#ifndef MIF_MIF_H
#define MIF_MIF_H

#include <stddef.h>

#include <mif/export.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The default control socket path of mifd. */
#define MIF_DEFAULT_SOCKET_PATH "/run/mif/mifd.sock"

/** An open connection to mifd (opaque). */
struct mif_ctl;

/**
 * Connect to mifd.
 * @param path  control socket, or NULL for $MIF_SOCKET or the default
 * @param out   receives the connection
 * @return 0, -ENOENT/-ECONNREFUSED if mifd is not running, -ETIMEDOUT if
 *         mifd does not accept within 5 s (stalled), or another negative errno
 */
MIF_EXPORT int mif_ctl_open(const char *path, struct mif_ctl **out);

/** Close a connection (NULL is fine). */
MIF_EXPORT void mif_ctl_close(struct mif_ctl *ctl);

/** The descriptor to poll for readability (events). */
MIF_EXPORT int mif_ctl_fd(const struct mif_ctl *ctl);

/**
 * Call a method and wait for its reply.
 * @param method       e.g. "pvd.list"
 * @param params_json  a JSON object as text, or NULL for none
 * @param result_json  on success, the "result" as JSON text (free())
 * @param error_msg    on an error reply, mifd's message (free()); may be NULL
 * @param timeout_ms   how long to wait for the reply (-1: forever)
 * @return 0; the negated errno mifd replied with (-EPERM...); -ETIMEDOUT;
 *         -EPROTO if mifd's answer is not valid protocol; -ECONNRESET if
 *         mifd went away
 * Events arriving before the reply are kept for mif_ctl_next_event().
 */
MIF_EXPORT int mif_ctl_call(struct mif_ctl *ctl, const char *method, const char *params_json,
			    char **result_json, char **error_msg, int timeout_ms);

/**
 * Wait for the next event after a "subscribe" call.
 * @param event_json  the whole event object as JSON text (free())
 * @param timeout_ms  0: do not wait; -1: forever
 * @return 0, -ETIMEDOUT, -EPROTO or -ECONNRESET
 */
MIF_EXPORT int mif_ctl_next_event(struct mif_ctl *ctl, char **event_json, int timeout_ms);

/** How long mif_bind_pvd() waits for mifd's answer. */
#define MIF_BIND_TIMEOUT_MS 5000

/**
 * Bind a socket to a PvD: its traffic then uses only that PvD's routes
 * (and its interface, when the PvD has exactly one). No privilege is
 * needed: mifd receives a copy of the descriptor over its bind socket
 * (the control socket's path with ".sock" replaced by "-bind.sock"), sets
 * the PvD's routing mark on it and closes its copy. Call it before
 * connect() or the first send. A bound socket never falls back to another
 * network: when the PvD has no route to a destination, or has gone, its
 * sends and connects fail with ENETUNREACH (or EHOSTUNREACH).
 *
 * Thread-safe; no connection to keep (unlike mif_ctl_open()).
 *
 * @param socket_path  mifd's control socket, or NULL for $MIF_SOCKET or
 *                     the default; the bind socket is found beside it
 * @param fd           an IPv4 or IPv6 socket of the caller
 * @param pvd          the PvD's id, or its handle in decimal
 * @param err          receives a sentence on failure ("" on success); may
 *                     be NULL
 * @param errlen       size of err
 * @return 0; -ENOENT (no such PvD, or it has gone); -ENOTSOCK (fd is not a
 *         socket); -EAFNOSUPPORT (not IPv4/IPv6); -ENETUNREACH (the PvD has
 *         no routes); -EOPNOTSUPP (mifd's routing is off); -ECONNREFUSED
 *         (mifd is not running); -ETIMEDOUT (no answer within
 *         MIF_BIND_TIMEOUT_MS, connecting included); -EPERM (the socket is
 *         already bound to another interface, or carries a mark that is not
 *         mifd's: mifd never undoes such restrictions); -EAGAIN (too many
 *         connections from this user, or mifd busy: retry); -EPROTO (an
 *         answer that is not the protocol); -EINVAL, -EBADF or another
 *         negative errno
 */
MIF_EXPORT int mif_bind_pvd(const char *socket_path, int fd, const char *pvd, char *err,
			    size_t errlen);

#ifdef __cplusplus
}
#endif

#endif

/* SPDX-License-Identifier: MIT */
/* Listening Unix sockets for mifd's control and bind sockets. */
#ifndef MIF_COMMON_UNIXSOCK_H
#define MIF_COMMON_UNIXSOCK_H

#include <sys/types.h>

/*
 * Listen on path (mode 0666, any local user may connect; each request is
 * checked with SO_PEERCRED) with type SOCK_STREAM or SOCK_SEQPACKET. A
 * stale socket left by a crashed mifd is replaced; a live one (something
 * answers) is -EADDRINUSE; anything else at path is left alone: -EISDIR,
 * -ENOTSOCK. Returns a non-blocking, close-on-exec listening descriptor
 * or a negative errno (-ENAMETOOLONG for a long path).
 */
int unixsock_listen(const char *path, int type);
/* The same with the socket's mode (unixsock_listen: 0666), set from the
 * moment it exists. */
int unixsock_listen_mode(const char *path, int type, mode_t mode);
/* Words for an error of unixsock_listen, for the caller's message. */
const char *unixsock_why(int err);

#endif

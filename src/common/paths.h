/* SPDX-License-Identifier: MIT */
/* Where mifd's sockets are: the rules mifd, libmif and mifctl share. */
#ifndef MIF_COMMON_PATHS_H
#define MIF_COMMON_PATHS_H

#include <stddef.h>

/* The control socket a client uses: path if given and not empty, else
 * $MIF_SOCKET if set and not empty, else dflt (MIF_DEFAULT_SOCKET_PATH of
 * mif/mif.h, which src/common may not include). */
const char *paths_ctl_socket(const char *path, const char *dflt);

/* The bind socket beside control socket ctl_path: "X.sock" gives
 * "X-bind.sock", anything else "X-bind". Returns 0, or -ENAMETOOLONG if
 * it does not fit in len bytes (buf then holds nothing usable). */
int paths_bind_socket(const char *ctl_path, char *buf, size_t len);

#endif

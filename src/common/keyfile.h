/* SPDX-License-Identifier: MIT */
/* Shared keys (mif-had and the mobile node, RFC 4285) in files. */
#ifndef MIF_COMMON_KEYFILE_H
#define MIF_COMMON_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Read a key written in hex (16 octets at least, cap at most; trailing
 * white space and line ends, CRLF too, allowed; nothing else) from path. The file must be a regular file (not a
 * symbolic link) owned by root with no permission for group or others:
 * -EPERM otherwise, -EINVAL for bad text. *ret_len untouched on failure.
 */
int keyfile_read(const char *path, uint8_t *key, size_t cap, size_t *ret_len);

#endif

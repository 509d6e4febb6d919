/* SPDX-License-Identifier: MIT */
/*
 * The RFC 5555 IPv4 home address options inside the Mobility Header codec
 * (mh.c, mh_build.c): IPv4 Home Address (type 29, section 3.1.1) in a
 * Binding Update and IPv4 Address Acknowledgement (type 30, section 3.2.1)
 * in a Binding Acknowledgement. Both have Length 6:
 *
 *   29: Type | Length | Prefix-len (6) P (1) Reserved (9) | IPv4 HoA (32)
 *   30: Type | Length | Status (8) | Pref-len (6) Res (2)  | IPv4 HoA (32)
 *
 * Internal to the codec: mh_parse() and mh_build() call these.
 */
#ifndef MIF_PROTO_MH_V4_H
#define MIF_PROTO_MH_V4_H

#include <stdint.h>

#include "common/buf.h"
#include "proto/mh.h"

#define MH_V4_OPT_LEN 6

/* One option's value (olen octets in o) into m. -EBADMSG for a wrong
 * length or a second option of the same type. */
int mh_v4_parse(struct buf *o, uint8_t type, uint8_t olen, struct mh_msg *m);

/* m's IPv4 options, when present, into w. -EINVAL for a prefix length
 * above 32. */
int mh_v4_put(struct wbuf *w, const struct mh_msg *m);

#endif

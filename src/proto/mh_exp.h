/* SPDX-License-Identifier: MIT */
/*
 * mif's use of the Experimental Mobility Option (RFC 5096 section 4, type
 * 18) inside the Mobility Header codec (mh.c, mh_build.c): the two tunnel
 * ends tell each other, in the BU and the BA, that their kernel fast path
 * (netlink/tunfast.h) is on: they decapsulate in the kernel and take UDP
 * checksum 0 (RFC 6935 section 5), so the other end may send that way.
 * Length 5:
 *
 *   18: Type | Length | 'm' 'i' 'f' | Kind (1: fast path) | Flags
 *
 * Flags: MH_FAST_ZERO_CSUM (0x80). An experimental option of another
 * experiment (other data) is skipped, as unknown options are (RFC 6275
 * 6.2.1). Internal to the codec: mh_parse() and mh_build() call these.
 */
#ifndef MIF_PROTO_MH_EXP_H
#define MIF_PROTO_MH_EXP_H

#include <stdint.h>

#include "common/buf.h"
#include "proto/mh.h"

#define MH_EXP_FAST_LEN 5
#define MH_EXP_KIND_FAST 1

/* One option's value (olen octets in o) into m. -EBADMSG for a second
 * fast path option; 0 for another experiment's option (skipped). */
int mh_exp_parse(struct buf *o, uint8_t olen, struct mh_msg *m);

/* m's fast path option, when has_fast, into w. */
void mh_exp_put(struct wbuf *w, const struct mh_msg *m);

#endif

/* SPDX-License-Identifier: MIT */
/* Shared between dhcp6.c and dhcp6_ia.c only (not part of the API). */
#ifndef MIF_PROTO_DHCP6_INT_H
#define MIF_PROTO_DHCP6_INT_H

#include "common/buf.h"
#include "proto/dhcp6.h"

enum dhcp6_error dhcp6_split_option(struct buf *b, uint16_t *code, struct buf *o);
/* Handlers of the stateful options, dispatched from dhcp6.c. start is the
 * message's first octet, for offsets. */
enum dhcp6_error dhcp6_opt_ia(struct dhcp6_msg *m, struct buf *o, bool pd);
enum dhcp6_error dhcp6_opt_auth(struct dhcp6_msg *m, struct buf *o, const uint8_t *start);
enum dhcp6_error dhcp6_opt_small(struct dhcp6_msg *m, uint16_t code, struct buf *o);
bool dhcp6_build_header_ok(struct dhcp6_builder *b, uint16_t code, size_t len);

#endif

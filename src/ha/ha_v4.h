/* SPDX-License-Identifier: MIT */
/*
 * IPv4 home addresses at the home agent (RFC 5555, "inner IPv4"): a mobile
 * node configured with hoa4 = asks for it in every Binding Update with an
 * IPv4 Home Address option; the agent answers with an IPv4 Address
 * Acknowledgement and, when accepted, forwards IPv4 packets to and from
 * that address through the same tunnel paths as the IPv6 home address.
 * Pure: no sockets.
 */
#ifndef MIF_HA_V4_H
#define MIF_HA_V4_H

#include <stddef.h>
#include <stdint.h>

#include "ha/ha_config.h"
#include "proto/mh.h"

/* [mn NAME] hoa4 = A.B.C.D; [ha] home_prefix4 = A.B.C.D/LEN. 0 or -EINVAL. */
int ha_v4_config_hoa(struct ha_mn *mn, const char *v);
int ha_v4_config_prefix(struct ha_config *c, const char *v);
/* mns[i]'s hoa4 inside home_prefix4 and used by no other: 0 or -EINVAL. */
int ha_v4_config_check(const struct ha_config *c, size_t i);

/*
 * The IPv4 part of an accepted-or-not BU (RFC 5555 3.2.1 and 4.3.1): when
 * bu carries an IPv4 Home Address option, ba gets an IPv4 Address
 * Acknowledgement: 0 for mn's configured address (or 0.0.0.0, a request
 * for one, answered with it), 129 when mn has none, 130 for another
 * address; the address is bound while the BU (status ba_status) is
 * accepted with a lifetime. A BU without the option unbinds it.
 */
void ha_v4_bu(const struct ha_config *c, struct ha_mn *mn, const struct mh_msg *bu,
	      uint8_t ba_status, struct mh_msg *ba);

/* The mobile node whose bound IPv4 home address is a (4 octets), or NULL. */
struct ha_mn *ha_v4_mn(struct ha_config *c, const uint8_t *a);

/* The table ha_v4_mn() looks up: the mobile nodes with an IPv4 home
 * address, hashed by it (open addressing, at most a quarter full), so a
 * packet's cost stays flat in the number of nodes (issue 16 item 4).
 * -ENOMEM, -EEXIST (an IPv4 home address given twice); c's table
 * untouched on failure. */
int ha_v4_index(struct ha_config *c);

#endif

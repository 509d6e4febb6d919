/* SPDX-License-Identifier: MIT */
/*
 * The kernel fast path in mifd's network-facing process (mn_fast.h,
 * kern_mob_fast.h): it takes the two maps the parent loaded and keeps
 * each home address's entries as its uplink and paths change, offers the
 * fast path in its BUs, and completes the inner checksums of what it
 * still sends itself once the agent offered it back.
 */
#ifndef MIF_DAEMON_MOBILITY_MOB_FAST_DP_H
#define MIF_DAEMON_MOBILITY_MOB_FAST_DP_H

#include <jansson.h>

#include "daemon/mobility/mob_dp.h"

/* MOB_WIRE_FAST: a map's descriptor (taken on success), or why there is
 * none. -EBADMSG for a malformed one. */
int mob_fast_msg(struct mob_node *n, const struct mob_wire_fast *w, int fd);
/* Whether fd is one of the maps' (taken). */
bool mob_fast_owns(const struct mob_node *n, int fd);
/* Bring m's entries to its state: after each uplink move, path change
 * and tick. Only a change costs system calls. */
void mob_fast_sync(struct mob_net *m);
/* Whether m offers the fast path in its next BU: this process has the
 * maps and m is not nested (a nested home address's tunnel arrives inside
 * another's, at a socket on the TUN device: no kernel takes it off). */
bool mob_fast_offer(const struct mob_net *m);
/* Whether m's packets sent from user space need full inner checksums
 * (the agent's kernel takes them off the tunnel). */
bool mob_fast_full_csum(const struct mob_net *m);
/* m's "fast_path" object for `mifctl mobility`. */
json_t *mob_fast_json(const struct mob_net *m);
void mob_fast_free(struct mob_node *n);

#endif

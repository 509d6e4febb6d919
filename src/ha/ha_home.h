/* SPDX-License-Identifier: MIT */
/*
 * The home link (mif-had(8) `home_link`): an interface of the home agent on
 * which the home prefix is on-link, so that a mobile node can attach at
 * home (RFC 6275 section 10.4.1, RFC 5648 section 5.6). For each mobile
 * node the agent keeps the kernel in one of two states:
 *
 *  - native: no binding, or the downlink is the BID registered with the H
 *    flag (the node is attached at home). The connected home prefix on the
 *    home link delivers to the node, which defends its home address itself;
 *    the agent neither intercepts nor proxies.
 *  - away: the downlink is a foreign BID. A /128 route sends the home
 *    address to the TUN device (the tunnel) and a proxy Neighbor Cache
 *    entry (proxy_ndp) makes the agent answer Neighbor Solicitations for it
 *    on the home link (RFC 6275 10.4.1).
 *
 * Each change waits for the kernel's acknowledgement; a refused one is
 * tried again on the next tick. Runs in mif-had (CAP_NET_ADMIN kept).
 */
#ifndef MIF_HA_HOME_H
#define MIF_HA_HOME_H

#include "ha/ha.h"

/* Open the home link: proxy_ndp and forwarding on it, the per-node state.
 * Only when cfg->home_link is set. */
int ha_home_open(struct ha_ctx *h);
/* Bring the kernel to the state mn's downlink asks for (the hook
 * h->home_sync points to). */
void ha_home_sync(struct ha_ctx *h, struct ha_mn *mn);
/* Undo every away state (at exit). */
void ha_home_close(struct ha_ctx *h);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * mif-had's kernel fast path (netlink/tunfast.h, doc/mobility.md "Kernel
 * fast path"): which bindings the kernel carries without the copies
 * through this process. A mobile node's downlink goes there when it is
 * simple: this agent is active, the downlink path is foreign (no H flag),
 * reached over IPv6 from a known address of this agent, and the node has
 * no flow bindings (they choose per packet, and n-cast copies are
 * deduplicated here). Its uplink packets are taken by the kernel on every
 * path that is IPv6 and whose inner source is its home address. Anything
 * else stays on the user-space path, as without the fast path.
 */
#ifndef MIF_HA_FAST_H
#define MIF_HA_FAST_H

#include <jansson.h>

#include "ha/ha.h"

/* Load and attach when cfg->fast_path: the encapsulation at the TUN
 * device, the decapsulation at every other interface but lo. Without
 * (an old kernel, no CAP_BPF) h->fast stays NULL with the reason kept
 * for the status. */
void ha_fast_open(struct ha_ctx *h, int tun_ifindex);
/* After each downlink choice of mn, and when the agent turns active or
 * standby: bring the kernel's entries to what the binding asks for.
 * Only a change costs system calls. */
void ha_fast_sync(struct ha_ctx *h, struct ha_mn *mn);
/* The packets and octets the kernel carried for path p of mn since the
 * last change (added to the path's counters by the status). */
void ha_fast_path_counts(const struct ha_ctx *h, const struct ha_mn *mn, const struct ha_path *p,
			 uint64_t *ret_tx, uint64_t *ret_rx);
/* {"on": bool, "why": ...} for the status, and the node's own record. */
json_t *ha_fast_status(const struct ha_ctx *h);
json_t *ha_fast_status_mn(const struct ha_ctx *h, const struct ha_mn *mn);
void ha_fast_close(struct ha_ctx *h);

#endif

/* SPDX-License-Identifier: MIT */
/* mif-had's state and its packet paths (ha_io.c, ha_status.c). */
#ifndef MIF_HA_HA_H
#define MIF_HA_HA_H

#include <stdbool.h>
#include <stdint.h>

#include "ha/ha_config.h"

struct ha_counters {
	uint64_t udp_rx, udp_tx, tun_rx, tun_tx;
	uint64_t drop_malformed;        /* not a tunnel packet, bad MH or checksum */
	uint64_t drop_unknown_mn;       /* signalling for no configured home address */
	uint64_t drop_auth;             /* missing, wrong SPI or wrong authenticator */
	uint64_t drop_replay;           /* timestamp old, repeated or out of window */
	uint64_t drop_spoofed;          /* data from an endpoint not bound to its source */
	uint64_t drop_no_binding;       /* downlink for a home address without path */
	uint64_t hb_rx, hb_tx, ba_tx;
	uint64_t tun_gso_rx;             /* super-packets read (TSO/USO), split */
	uint64_t tun_gro_tx;             /* coalesced TCP super-packets written */
	uint64_t udp_gro_rx;             /* UDP datagram trains received whole */
	uint64_t drop_passive;          /* tunnel packets while not the active agent */
	uint64_t takeovers;             /* became the active agent */
	uint64_t store_loaded;          /* bindings of a mobile node loaded at takeover */
	uint64_t store_deferred;        /* binding changes the store could not take at once */
	uint64_t drop_loop;             /* BUs whose care-of address led back to their home address */
	uint64_t has_tx;                /* RFC 5142 Home Agent Switch messages sent */
	uint64_t home_changes;          /* home link: native <-> away, acknowledged (ha_home.c) */
	uint64_t drop_send;             /* inner packets the UDP socket did not take (full buffer, error) */
};

struct ha_store;
struct tunfast;
struct ha_fast_mn;

struct ha_ctx {
	struct ha_config *cfg;
	int udp;                        /* AF_INET6, dual-stack */
	int tun;
	bool offload;                   /* TUN with virtio-net header, UDP GSO/GRO */
	int ctl;                        /* listening status socket */
	uint32_t hb_seq;
	size_t tick_cursor;             /* next mobile node of this tick round */
	long long tick_round_ms;        /* when the round began (ha_tick) */
	struct ha_store *store;         /* NULL without [store] */
	bool active;                    /* serves (holds active_address, or alone) */
	struct ha_path *dup;            /* ha_tun_route(): n-cast copy's path, or NULL */
	const struct in6_addr *dup_src; /* and its source address (ha_src_for) */
	bool route_complete;            /* ha_tun_route(): complete the inner sums */
	struct ha_counters n;
	/* The home link (ha_home.h): its index, each node's applied state,
	 * and the hook called after each downlink choice (NULL without). */
	int home_ifindex;
	uint8_t *home_state;
	void (*home_sync)(struct ha_ctx *h, struct ha_mn *mn);
	/* The kernel fast path (ha_fast.h): NULL when off or not loaded,
	 * the reason in fast_why; each node's entries in fast_mn[i], NULL
	 * while it has none (a node's state costs memory only then). */
	struct tunfast *fast;
	struct ha_fast_mn **fast_mn;
	int tun_ifindex;
	char fast_why[96];
};

/* The wall clock as an RFC 4285 timestamp (NTP format). */

/* One UDP datagram from the tunnel, sent to local (this agent's address
 * it reached, NULL if unknown): true if it is data the caller writes to
 * the TUN device (alone or coalesced). */
bool ha_udp_input(struct ha_ctx *h, const uint8_t *p, size_t len,
		  const struct sockaddr_in6 *from, const struct in6_addr *local, long long now_ms);
/* The source for what goes to mn at peer: the address of this agent the
 * node reached in peer's family (local4/local6); until one is known (e.g.
 * bindings loaded from the store) the active_address of [store] in that
 * family, else NULL for the kernel's choice. */
const struct in6_addr *ha_src_for(const struct ha_ctx *h, const struct ha_mn *mn,
				  const struct sockaddr_in6 *peer);
/* The path that carries one packet read from the TUN device (toward a
 * home address), or NULL (counted); the caller sends it, in batches, from
 * *ret_src (ha_src_for), and a copy on h->dup from h->dup_src when that is
 * set (n-cast flow binding, ha_flow.h). */
struct ha_path *ha_tun_route(struct ha_ctx *h, const uint8_t *p, size_t len,
			     const struct in6_addr **ret_src);
/* Heartbeats on every path, expiry, downlink choice: each mobile node
 * once per interval, spread over it; call at least every HA_TICK_MS. */
#define HA_TICK_MS 10
#define HA_TICK_SPREAD_MIN 64
void ha_tick(struct ha_ctx *h, long long now_ms);
/* Become the active home agent (load every mobile node's bindings from
 * the store) or a standby one (forget them: the store keeps them). */
void ha_set_active(struct ha_ctx *h, bool active, long long now_ms);
/* Sign m (timestamp, authenticator) for mn and send it through the
 * tunnel to peer. */
int ha_send_mh(struct ha_ctx *h, struct ha_mn *mn, struct mh_msg *m,
	       const struct sockaddr_in6 *peer);
/* RFC 5142: tell every mobile node with a binding to register with
 * cfg->handover_to instead (ha_switch.c). Returns the messages sent. */
size_t ha_switch_all(struct ha_ctx *h);
/* The status as one JSON text (malloc'ed), or NULL. */
char *ha_status_json(const struct ha_ctx *h, long long now_ms);

#endif

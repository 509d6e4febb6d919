/* SPDX-License-Identifier: MIT */
/*
 * The home agent's flow bindings (RFC 6089): per mobile node, a table of
 * flows (FID, FID-PRI, traffic selector, BIDs) kept in FID-PRI order, set
 * by the Flow Identification and Flow Summary options of its Binding
 * Updates, and the per-packet choice of the downlink path(s) for a packet
 * toward the home address. Pure: no sockets; the caller sends.
 *
 * Registration (doc/mobility.md, "Flow bindings"): in an accepted BU,
 *  - a Flow Identification option with a selector and a BID Reference
 *    adds the FID or replaces it; one with only a BID Reference moves an
 *    existing FID to other BIDs (keeping its selector);
 *  - the Flow Summary lists the FIDs kept as they are;
 *  - a FID named by neither is removed; a BU with lifetime 0 removes all.
 * Each Flow Identification option and each unknown FID of the summary is
 * answered in the BA by a Flow Identification option with its status.
 */
#ifndef MIF_HA_HA_FLOW_H
#define MIF_HA_HA_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/mh_flow.h"
#include "proto/mh_dedup.h"

#define HA_FLOW_MAX 16

struct ha_mn;
struct ha_path;

struct ha_flow {
	struct mh_flow f;       /* status unused */
	uint16_t since_seq;     /* the BU that last set it */
	uint64_t packets;       /* downlink packets it matched */
	uint64_t dups_sent;     /* n-cast copies on its other BIDs */
	uint64_t by_bid[MH_FLOW_MAX_BIDS];      /* packets sent on each of its BIDs */
	uint16_t last_bid;      /* BID of the last packet it sent */
	const char *why;        /* why that BID (static text) */
};

struct ha_flow_counters {
	uint64_t accepted;      /* Flow Identification options accepted */
	uint64_t refused[6];    /* by status 128..133 */
	uint64_t bad_options;   /* flow options not even parseable */
	uint64_t removed;       /* FIDs dropped by a BU that left them out */
	uint64_t dup_dropped;   /* n-cast copies received twice, dropped */
};

struct ha_flows {
	size_t n;
	struct ha_flow e[HA_FLOW_MAX];
	struct ha_flow_counters c;
	/* Uplink n-cast copies: 64 KiB, allocated at the first n-cast
	 * packet, so a node without n-cast flows costs its table only. */
	struct mh_dedup *dedup;
};

/*
 * Apply the flow options of an accepted BU (mh, len: its Mobility Header;
 * seq and lifetime its fields) to mn, whose paths the BU already updated.
 * The BA's flow options go into out (*ret_len octets, for mh_msg.extra).
 * Allocates mn->flows on the first flow option. 0, or -ENOMEM.
 */
int ha_flow_apply(struct ha_mn *mn, const uint8_t *mh, size_t len, uint16_t seq,
		  uint16_t lifetime, uint8_t *out, size_t cap, size_t *ret_len);

/*
 * The downlink path for a packet toward mn's home address when a flow
 * binding covers it, else NULL (the caller uses the default downlink).
 * With n-cast, *ret_dup (unless NULL) gets a second usable BID's path.
 */
struct ha_path *ha_flow_route(struct ha_mn *mn, const uint8_t *p, size_t len,
			      struct ha_path **ret_dup);

/* Whether an uplink packet from the tunnel is a second copy of an n-cast
 * flow's packet (counted; the caller drops it). */
bool ha_flow_dup_in(struct ha_mn *mn, const uint8_t *p, size_t len, long long now_ms);

/* Forget every flow (standby agent, deregistration). */
void ha_flow_clear(struct ha_mn *mn);

/* Free mn's flow table (at the end of mif-had's configuration). */
void ha_flow_free(struct ha_mn *mn);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The home agent's binding cache: one entry per mobile node (home address,
 * SPI, key), each with up to MH_MAX_BIDS paths keyed by Binding Identifier
 * (RFC 5648 section 5). A path is one care-of address as the home agent
 * reaches it: the outer UDP endpoint (after any NAT). Pure: no sockets, the
 * caller passes the time and sends what the functions decide.
 */
#ifndef MIF_HA_CACHE_H
#define MIF_HA_CACHE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/mh.h"
#include "proto/mhtun.h"

struct ha_flows;

struct ha_path {
	uint16_t bid;           /* 0: a registration without BID option */
	uint8_t pri;            /* BID-PRI: lower is preferred */
	bool home;              /* H flag: the node's interface on the home link (RFC 5648 6.1) */
	uint8_t coa_family;     /* as registered: 4, 6 or 0 (the outer source) */
	uint8_t coa[16];
	struct sockaddr_in6 peer;       /* outer endpoint; IPv4 as v4-mapped */
	long long expires_ms;
	struct mhtun_live live;
	uint64_t tx_packets, rx_packets;
};

struct ha_mn {
	char name[32];
	struct in6_addr hoa;
	uint32_t spi;
	uint8_t key[64];
	size_t key_len;
	uint64_t last_ts;       /* newest accepted BU timestamp */
	uint16_t last_seq;
	bool has_seq;
	size_t n_paths;
	struct ha_path paths[MH_MAX_BIDS];
	int active;             /* index of the downlink path, -1 for none */
	/* The address of this agent the node's authenticated messages were
	 * sent to, per family (IPv4 as v4-mapped): what leaves toward it
	 * leaves from there, the endpoint it checks (mn.h mn_from_ha), even
	 * when the agent listens on :: and has several addresses. */
	struct in6_addr local6, local4;
	bool has_local6, has_local4;
	bool store_dirty;       /* changed since the store last took it */
	/* RFC 5555 IPv4 home address (ha_v4.c): configured, and bound by
	 * the last BU's IPv4 Home Address option. */
	bool has_hoa4, hoa4_bound;
	struct in_addr hoa4;
	struct ha_flows *flows; /* flow bindings (ha_flow.h), NULL for none */
	bool fast_ok;           /* its last accepted BU offered the fast path (mh_exp.h) */
	uint64_t bu_ok, bu_rejected, switches;
};

/*
 * Apply an authenticated, fresh Binding Update from outer endpoint from.
 * Fills ba (a BA to send back: status, sequence, lifetime and one BID
 * option per BID of the BU with its own status). RFC 6275 9.5.1: a
 * sequence number not greater than the last (modulo 2^16) is refused with
 * status 135 and changes nothing. RFC 5648 6.2/6.3: each BID option
 * registers (lifetime > 0) or removes (lifetime 0) that BID, its CoA field
 * giving the care-of address (reached at from's port); a BID without CoA
 * is reached at from. A BU without BID option replaces every binding by one
 * to from. Returns the BA status.
 */
uint8_t ha_cache_apply_bu(struct ha_mn *mn, const struct mh_msg *bu,
			  const struct sockaddr_in6 *from, long long now_ms,
			  struct mh_msg *ba);

/* The path with BID bid, or NULL. */
struct ha_path *ha_cache_path(struct ha_mn *mn, uint16_t bid);

/* Choose the downlink: the alive path with the lowest BID-PRI, then the
 * lowest BID. Returns true when the choice changed (counted). */
bool ha_cache_pick(struct ha_mn *mn);

/* The care-of address p registered, as text ("" when none, coa_family
 * 0), into buf of INET6_ADDRSTRLEN octets; the status and the store's
 * record show it alike. */
void ha_cache_coa_text(const struct ha_path *p, char *buf, size_t cap);

/* Remove paths whose lifetime ended. */
void ha_cache_expire(struct ha_mn *mn, long long now_ms);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The mobile node's signalling and path choice (issue 15), pure: what to
 * send and which path carries the uplink, from the messages received and
 * the time. The caller owns the TUN device and one UDP socket per care-of
 * address and sends what these functions build: mifd's network-facing
 * process (mob_dp.c, doc/mobility.md) and tests/tools/mif-mn.c.
 *
 * Registration is bulk (RFC 5648 section 5.3): one Binding Update to the
 * home agent carries one BID option per path with its care-of address and
 * BID-PRI; dead paths are sent with BID-PRI 127 so the home agent's
 * downlink follows the mobile node's uplink in one round trip.
 */
#ifndef MIF_DAEMON_MOBILITY_MN_H
#define MIF_DAEMON_MOBILITY_MN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "proto/mh.h"
#include "proto/mhtun.h"

#define MN_PRI_DEAD 127

struct mob_flows;

struct mn_path {
	uint16_t bid;
	uint8_t pri;            /* configured BID-PRI, lower is preferred */
	uint8_t coa_family;     /* 4 or 6 */
	uint8_t coa[16];
	bool link_up;           /* carrier and address, from the kernel */
	bool home;              /* on the home link, coa is the home address:
				 * registered with the H flag (RFC 5648 6.1) */
	struct mhtun_live live;
	uint64_t tx_packets, rx_packets;
};

struct mn_state {
	struct in6_addr hoa, ha;
	uint32_t spi;
	uint8_t key[64];
	size_t key_len;
	unsigned hb_misses;
	uint32_t replay_window_s;
	uint16_t lifetime;      /* BU lifetime, units of 4 s */
	size_t n_paths;
	struct mn_path paths[MH_MAX_BIDS];
	int uplink;             /* index, -1 for none */
	uint16_t bu_seq;
	bool bu_pending;        /* sent, no BA yet */
	long long bu_sent_ms;
	unsigned bu_rtx_ms;     /* current retransmission timeout */
	long long registered_ms; /* last accepted BA, 0 for none */
	uint64_t ha_last_ts;    /* replay protection for BAs */
	uint32_t hb_seq;
	/* RFC 5555 IPv4 home address: asked for in every BU; packets to it
	 * are taken from the tunnel once the home agent acknowledged it. */
	bool has_hoa4;
	uint8_t hoa4[4];
	uint8_t hoa4_status;    /* last IPv4 Address Ack status, 255: none */
	bool hoa4_acked;
	struct in6_addr ha_next;        /* RFC 5142: the agent to register with */
	uint64_t ha_switches;           /* HA Switch messages followed */
	uint64_t bu_sent, ba_ok, ba_refused, drop_auth, drop_replay, drop_malformed, switches;
	uint64_t drop_source;   /* datagrams not from the path's home agent endpoint */
	struct mob_flows *flows;        /* flow bindings (mob_flow.h), NULL for none */
	/* The kernel fast path (mn_fast.h, proto/mh_exp.h): offered in every
	 * BU while this end has it; ha_fast: the last accepted BA offered
	 * it back (the agent decapsulates in its kernel, takes checksum 0). */
	bool fast_offer;
	bool ha_fast;
};

/* What mn_input() asks of the caller. */
enum mn_action {
	MN_NONE = 0,
	MN_DATA,                /* write the packet to the TUN device */
	MN_REPLY,               /* send out[0..out_len) on the path it came from */
	MN_REREGISTER,          /* the registration changed (or the home agent
				 * refused an old sequence number): send a BU now */
	MN_SWITCH,              /* RFC 5142 HA Switch: send from now on to the
				 * agent at ha_next (the tunnel endpoint; the
				 * home agent address inside stays) and send a
				 * BU there now */
};

/* Build a signed BU (bulk registration, A, H and F set) into out, a whole
 * UDP payload. ts is the RFC 4285 timestamp (NTP format). */
int mn_build_bu(struct mn_state *mn, uint64_t ts, long long now_ms, uint8_t *out,
		size_t cap, size_t *ret_len);

/* Build a signed BU with lifetime 0 naming every BID: the home agent
 * removes them all (RFC 5648 section 5.6), for a clean stop. */
int mn_build_dereg(struct mn_state *mn, uint64_t ts, long long now_ms, uint8_t *out,
		   size_t cap, size_t *ret_len);

/* Build a signed heartbeat request for path i (counting the previous one
 * as missed when unanswered). */
int mn_build_hb(struct mn_state *mn, size_t i, uint64_t ts, long long now_ms,
		uint8_t *out, size_t cap, size_t *ret_len);

/*
 * Whether a datagram that reached path i's socket came from the home
 * agent's endpoint ha (the address and port the path sends to) or, on a
 * home path (RFC 5648 6.1: the node on its home link), from the agent's
 * address there (mn->ha, ha's port): the agent answers on the home link
 * from its own address of that link. If not, it is counted in
 * drop_source and must be dropped whole. Data packets carry no
 * authentication of their own (the tunnel is unprotected, as RFC 5555's
 * is without IPsec), so without this any host that can reach a care-of
 * address could inject packets with any inner source into the home
 * address; a host that can forge the agent's address still can.
 */
bool mn_from_ha(struct mn_state *mn, size_t i, const struct sockaddr_storage *from,
		socklen_t from_len, const struct sockaddr_storage *ha, socklen_t ha_len);

/* One UDP payload received on path i from the home agent's endpoint.
 * Data must be addressed to the home address. Signalling must be
 * authenticated with the key and fresh; a heartbeat request gets an answer
 * built into out. ntp_now is the wall clock in NTP format. */
enum mn_action mn_input(struct mn_state *mn, size_t i, const uint8_t *p, size_t len,
			uint64_t ntp_now, long long now_ms, uint8_t *out, size_t cap,
			size_t *ret_len);

/*
 * Whether a BU is due now: no BA within the retransmission timeout (1.5 s
 * for the first registration, then 1 s, doubling up to 32 s: RFC 6275
 * 11.8 and UMIP's defaults), or half the lifetime passed since the last
 * one. A BU for a change of path is sent at once by the caller, whatever
 * this says.
 */
bool mn_bu_due(const struct mn_state *mn, long long now_ms);

/* Whether path i gets a heartbeat this interval: once registered (the home
 * agent answers only for BIDs it has) and while its link is up. */
bool mn_hb_wanted(const struct mn_state *mn, size_t i);
/* Whether path i's next heartbeat is due now (mhtun_live_due_ms): the
 * caller checks every quarter interval or so, so an overdue answer is
 * followed up at once rather than at the next interval. */
bool mn_hb_due(const struct mn_state *mn, size_t i, long long now_ms, unsigned interval_ms);

/* Choose the uplink: a path with its link up and alive, lowest BID-PRI then
 * lowest BID. Returns true when it changed (the caller then re-registers,
 * so the home agent's downlink follows). */
bool mn_pick(struct mn_state *mn);

#endif

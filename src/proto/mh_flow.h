/* SPDX-License-Identifier: MIT */
/*
 * Flow bindings in the Mobility Header: the Flow Identification (45) and
 * Flow Summary (44) mobility options of RFC 6089 section 4.2, with the
 * BID Reference (2) and Traffic Selector (3) sub-options, the binary IPv4
 * and IPv6 traffic selectors of RFC 6088 section 3, and the matching of an
 * inner packet against a selector. Code points: IANA "Mobility IPv6
 * parameters" (checked against Pcap.Net's RFC 6089 tables).
 *
 * One mif extension (doc/mobility.md, "Flow bindings"): sub-option 255,
 * one weight octet per BID of the BID Reference, turns a multi-BID flow
 * from n-cast (RFC 6089 3: the flow goes to every BID) into load sharing
 * (each transport flow hashed to one BID by weight). A peer without the
 * extension skips it (unknown sub-option) and sees n-cast.
 *
 * Pure: a cursor over the octets, no sockets, no globals.
 */
#ifndef MIF_PROTO_MH_FLOW_H
#define MIF_PROTO_MH_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MH_OPT_FLOW_SUMMARY 44  /* RFC 6089 4.2 */
#define MH_OPT_FLOW_ID 45       /* RFC 6089 4.2 */

enum mh_flow_sub {
	MH_FLOW_SUB_PAD1 = 0,
	MH_FLOW_SUB_PADN = 1,
	MH_FLOW_SUB_BIDREF = 2,
	MH_FLOW_SUB_TS = 3,
	MH_FLOW_SUB_MIF_WEIGHTS = 255,  /* mif extension, above */
};

enum mh_ts_format {
	MH_TS_IPV4 = 1,         /* RFC 6088 3.1 */
	MH_TS_IPV6 = 2,         /* RFC 6088 3.2 */
};

/* Flow Identification status (RFC 6089 4.2). */
enum mh_flow_status {
	MH_FLOW_OK = 0,
	MH_FLOW_PROHIBITED = 128,
	MH_FLOW_REJECTED = 129,
	MH_FLOW_MALFORMED = 130,
	MH_FLOW_BID_NOT_FOUND = 131,
	MH_FLOW_FID_NOT_FOUND = 132,
	MH_FLOW_TS_UNSUPPORTED = 133,
};

/*
 * Fields of a selector in the IPv6 format's order (flags A..P, RFC 6088
 * 3.2); the IPv4 format has no flow label (its flags G..N are I..P here).
 */
enum mh_ts_field {
	MH_TS_SRC = 1u << 0,    /* source address start (A) and end (B) */
	MH_TS_SRC_END = 1u << 1,
	MH_TS_DST = 1u << 2,
	MH_TS_DST_END = 1u << 3,
	MH_TS_SPI = 1u << 4,
	MH_TS_SPI_END = 1u << 5,
	MH_TS_FL = 1u << 6,
	MH_TS_FL_END = 1u << 7,
	MH_TS_SPORT = 1u << 8,
	MH_TS_SPORT_END = 1u << 9,
	MH_TS_DPORT = 1u << 10,
	MH_TS_DPORT_END = 1u << 11,
	MH_TS_DS = 1u << 12,
	MH_TS_DS_END = 1u << 13,
	MH_TS_PROTO = 1u << 14,
	MH_TS_PROTO_END = 1u << 15,
};

/*
 * A traffic selector as the home agent sees a packet toward the mobile
 * node: source = correspondent, destination = home address (RFC 6089
 * binds inbound flows). The mobile node matches its outbound packets with
 * source and destination swapped. A field without its end is one value.
 */
struct mh_ts {
	uint8_t format;         /* enum mh_ts_format */
	uint16_t fields;        /* enum mh_ts_field */
	uint8_t src[2][16], dst[2][16];  /* [0] start, [1] end; IPv4 in 4 */
	uint32_t spi[2], fl[2];
	uint16_t sport[2], dport[2];
	uint8_t ds[2], proto[2];
};

#define MH_FLOW_MAX 16          /* Flow Identification options per message */
#define MH_FLOW_MAX_BIDS 8

struct mh_flow {
	uint16_t fid;
	uint16_t fid_pri;       /* lower is matched first */
	uint8_t status;
	uint8_t bad;            /* parse: 0, or the status that refuses it */
	bool has_ts;
	struct mh_ts ts;
	size_t n_bids;          /* BID Reference; 0: none in the option */
	uint16_t bids[MH_FLOW_MAX_BIDS];
	bool has_weights;       /* mif extension: load sharing */
	uint8_t weights[MH_FLOW_MAX_BIDS];
};

struct mh_flows {
	size_t n;
	struct mh_flow f[MH_FLOW_MAX];
	bool has_summary;
	size_t n_summary;
	uint16_t summary[MH_FLOW_MAX * 4];
};

/*
 * Parse the flow options of a Mobility Header mh_parse() accepted (BU or
 * BA: options after the 12-octet start). A Flow Identification option too
 * short for its FID, FID-PRI and status, or a Flow Summary of odd length,
 * is -EBADMSG; anything wrong inside an option (a bad sub-option, a bad
 * selector, a BID Reference of odd length or with BID 0, weights that do
 * not match the BIDs, a range whose end is before its start, an unknown
 * selector format) sets that flow's `bad` to the RFC 6089 status that
 * refuses it, and parsing goes on. More than MH_FLOW_MAX options:
 * -EBADMSG. ret is written only on success.
 */
int mh_flow_parse(const uint8_t *mh, size_t len, struct mh_flows *ret);

/* Build the flow options of fl (each Flow Identification with its BID
 * Reference, selector and weights when present, then the Flow Summary when
 * has_summary) into out: options octets, to be placed before the replay
 * protection option (mh_msg.extra). -EINVAL for a bad flow, -ENOSPC. */
int mh_flow_build(const struct mh_flows *fl, uint8_t *out, size_t cap, size_t *ret_len);

/* Parse one selector (TS Format octet, reserved octet, then the format's
 * body): 0 or the status that refuses it. Exposed for the unit tests. */
uint8_t mh_ts_parse(const uint8_t *p, size_t len, struct mh_ts *ret);

/* The packet's fields a selector looks at (no extension header is
 * walked: the protocol is the first Next Header, ports are read for TCP,
 * UDP and SCTP only). */
struct mh_pkt_key {
	uint8_t family;         /* 4 or 6 */
	uint8_t src[16], dst[16];
	uint8_t proto, ds;      /* ds: IPv4 DSCP; IPv6 Traffic Class */
	uint32_t fl;
	uint16_t sport, dport;
	bool has_ports;
};

/* -EBADMSG if p is not an IPv4 or IPv6 packet. */
int mh_pkt_key(const uint8_t *p, size_t len, struct mh_pkt_key *ret);

/* Whether k matches ts; inbound: the packet goes toward the mobile node
 * (the home agent's downlink); else source and destination swap. */
bool mh_ts_match(const struct mh_ts *ts, const struct mh_pkt_key *k, bool inbound);

/* A hash of the transport flow the same in both directions, for load
 * sharing: a TCP connection keeps one path (no reordering in it). */
uint32_t mh_pkt_flow_hash(const struct mh_pkt_key *k);

/* Load sharing: the BID index for hash h among the BIDs usable[i], by
 * weight (per transport flow, never per packet), or -1 if none. */
int mh_flow_weighted(const struct mh_flow *f, uint32_t h, const bool *usable);

#endif

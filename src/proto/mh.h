/* SPDX-License-Identifier: MIT */
/*
 * Mobility Header messages (RFC 6275 section 6.1) as mif's mobile node and
 * home agent exchange them inside the UDP tunnel (mhtun.h): Binding Update,
 * Binding Acknowledgement, Binding Error and Heartbeat (RFC 5847), with the
 * options Pad1/PadN, Binding Identifier (RFC 5648 section 6.2, BID-PRI from
 * RFC 6089), NAT Detection (RFC 5555 section 3.1.1), Mobility Message
 * Authentication and Mobility Message Replay Protection (RFC 4285).
 * Code points are IANA's "Mobility IPv6 parameters" registry.
 *
 * Pure: a cursor over the octets, no sockets, no globals. A parse never
 * trusts a length it has not checked against what remains.
 */
#ifndef MIF_PROTO_MH_H
#define MIF_PROTO_MH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MH_IPPROTO 135          /* IPv6 Next Header value (RFC 6275 6.1) */
#define MH_PAYLOAD_NONE 59      /* Payload Proto: IPv6 No Next Header */
#define MH_UDP_PORT 4191        /* IANA "dsmipv6" (RFC 5555 section 4.1) */

enum mh_type {
	MH_TYPE_BU = 5,         /* RFC 6275 6.1.7 */
	MH_TYPE_BA = 6,         /* RFC 6275 6.1.8 */
	MH_TYPE_BE = 7,         /* RFC 6275 6.1.9 */
	MH_TYPE_HAS = 12,       /* Home Agent Switch, RFC 5142 section 5.1 */
	MH_TYPE_HB = 13,        /* RFC 5847 section 5.1 */
};

enum mh_opt_type {
	MH_OPT_PAD1 = 0,
	MH_OPT_PADN = 1,
	MH_OPT_AUTH = 9,        /* RFC 4285 section 5 */
	MH_OPT_MESG_ID = 10,    /* RFC 4285 section 6 */
	MH_OPT_EXPERIMENTAL = 18, /* RFC 5096 section 4; mif's use: mh_exp.h */
	MH_OPT_V4HOA = 29,      /* RFC 5555 section 3.1.1, IPv4 Home Address */
	MH_OPT_V4ACK = 30,      /* RFC 5555 section 3.2.1, IPv4 Address Ack */
	MH_OPT_NAT_DETECT = 31, /* RFC 5555 section 3.1.1 */
	MH_OPT_BID = 35,        /* RFC 5648 section 6.2 */
};

/* BU flags, 16 bits at offset 8 (RFC 6275 6.1.7; F from RFC 5555 3.1.3). */
#define MH_BU_A 0x8000u
#define MH_BU_H 0x4000u
#define MH_BU_L 0x2000u
#define MH_BU_K 0x1000u
#define MH_BU_F 0x0100u
/* BA flags, 8 bits at offset 7. */
#define MH_BA_K 0x80u
/* Heartbeat flags, low bits of the octet at offset 7 (RFC 5847 5.1). */
#define MH_HB_U 0x02u           /* unsolicited */
#define MH_HB_R 0x01u           /* response */
/* The fast path offer's flags (mh_exp.h): this end decapsulates in the
 * kernel and takes UDP checksum 0 (RFC 6935 section 5). */
#define MH_FAST_ZERO_CSUM 0x80u
/* Binding Identifier: H (simultaneous home and foreign), BID-PRI below. */
#define MH_BID_H 0x80u

/* BA and BID status (RFC 6275 6.1.8, RFC 5648 section 6.2). */
enum mh_status {
	MH_ST_ACCEPTED = 0,
	MH_ST_MCOA_NOTCOMPLETE = 4,
	MH_ST_UNSPECIFIED = 128,
	MH_ST_PROHIBITED = 129,
	MH_ST_NO_RESOURCES = 130,
	MH_ST_NOT_HOME_SUBNET = 132,
	MH_ST_NOT_HA_FOR_MN = 133,
	MH_ST_SEQ_OUT_OF_WINDOW = 135,
	MH_ST_MCOA_MALFORMED = 164,
	MH_ST_MCOA_UNKNOWN_COA = 167,
	MH_ST_INVALID_COA = 174,
};

/* BE status (RFC 6275 6.1.9). */
enum mh_be_status {
	MH_BE_UNKNOWN_BINDING = 1,
	MH_BE_UNKNOWN_TYPE = 2,
};

/* IPv4 Address Acknowledgement status (RFC 5555 section 3.2.1). */
enum mh_v4ack_status {
	MH_V4_ACCEPTED = 0,
	MH_V4_UNSPECIFIED = 128,
	MH_V4_PROHIBITED = 129,
	MH_V4_INCORRECT_HOA = 130,
	MH_V4_INVALID = 131,
	MH_V4_NO_DYNAMIC = 132,
};

#define MH_AUTH_SUBTYPE_MN_HA 1 /* RFC 4285 section 5 */
#define MH_AUTH_LEN 32          /* HMAC-SHA-256, not truncated (mhauth.h) */
#define MH_MAX_BIDS 8
#define MH_MAX_HAS_ADDRS 8      /* home agent addresses kept from an HA Switch */

struct mh_bid {
	uint16_t bid;           /* 0 is reserved */
	uint8_t status;
	uint8_t pri;            /* BID-PRI, 7 bits, lower is preferred */
	bool h;
	uint8_t coa_family;     /* 0: no CoA field; 4 or 6 */
	uint8_t coa[16];        /* 4 or 16 octets used */
};

struct mh_msg {
	uint8_t type;
	uint16_t seq;           /* BU, BA */
	uint16_t flags;         /* BU 16 bits; BA and HB 8 bits */
	uint16_t lifetime;      /* BU, BA: units of 4 s */
	uint8_t status;         /* BA, BE */
	uint32_t hb_seq;        /* HB */
	uint8_t be_hoa[16];     /* BE */
	/* HA Switch: # of Addresses as on the wire; the first
	 * MH_MAX_HAS_ADDRS of them (in order of preference) are kept. */
	uint8_t has_n;
	uint8_t has_addrs[MH_MAX_HAS_ADDRS][16];
	size_t n_bids;
	struct mh_bid bids[MH_MAX_BIDS];
	bool has_nat;
	bool nat_f;
	uint32_t nat_refresh;
	/* RFC 5555: IPv4 Home Address (BU) and IPv4 Address Acknowledgement
	 * (BA), at most one each (mh_v4.c). */
	bool has_v4hoa;
	bool v4hoa_p;           /* P: a mobile network prefix is asked for */
	uint8_t v4hoa_plen;     /* 6 bits */
	uint8_t v4hoa[4];       /* 0.0.0.0 asks for a dynamic address */
	bool has_v4ack;
	uint8_t v4ack_status;   /* enum mh_v4ack_status */
	uint8_t v4ack_plen;     /* 6 bits */
	uint8_t v4ack[4];
	/* mif's fast path offer (mh_exp.h): BU and BA. */
	bool has_fast;
	uint8_t fast_flags;     /* MH_FAST_* */
	bool has_ts;
	uint64_t ts;            /* NTP format: seconds << 32 | fraction */
	/* Build only: option octets put before the replay protection option
	 * (Flow Identification and Flow Summary, mh_flow.h); parse skips
	 * them (mh_flow_parse() reads them). */
	const uint8_t *extra;
	size_t extra_len;
	bool has_auth;
	uint32_t spi;
	uint8_t auth[MH_AUTH_LEN];
	/* Parse only: octets of the MH before the Authenticator (what the
	 * HMAC covers, mhauth.h). */
	size_t auth_covered;
};

/*
 * Parse one Mobility Header of exactly len octets. Checks Payload Proto 59,
 * Header Len against len, the message's fixed part, every option's length
 * against its type, at most MH_MAX_BIDS BID options, and that the
 * authentication option, when present, is the last option (RFC 4285
 * section 5: it covers everything before it). Does not check the checksum
 * (mhtun.h does, it needs the addresses). Unknown option types are skipped
 * (RFC 6275 6.2.1). -EBADMSG for malformed input, -ENOTSUP for an MH type
 * other than BU, BA, BE, HB and HA Switch. ret is written only on success.
 */
int mh_parse(const uint8_t *p, size_t len, struct mh_msg *ret);

/*
 * Build m into out: the message, its BID options, NAT Detection, then the
 * replay protection option when has_ts, then the authentication option when
 * has_auth (with m->auth as the Authenticator, normally zeros to be filled
 * by mhauth_sign()), padded with PadN to a multiple of 8 so the
 * Authenticator ends the header (RFC 4285 places it last; padding is put
 * before it). The checksum is left 0. *ret_len gets the size,
 * *ret_auth_off (unless NULL) the offset of the Authenticator or 0.
 * -EINVAL for a bad message, -ENOSPC if cap is too small.
 */
int mh_build(const struct mh_msg *m, uint8_t *out, size_t cap, size_t *ret_len,
	     size_t *ret_auth_off);

#endif

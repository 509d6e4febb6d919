/* SPDX-License-Identifier: MIT */
/*
 * DHCPv6 for stateless configuration (RFC 8415 section 18.2.6,
 * Information-request / Reply): build the client's Information-request and
 * parse the server's Reply. Pure: no sockets, no globals, no allocation.
 *
 * Options: 1 client id, 2 server id, 6 ORO, 8 elapsed time, 13 status code,
 * 23 DNS servers and 24 domain list (RFC 3646; names uncompressed), 31 SNTP
 * servers (RFC 4075), 56 NTP server (RFC 5908: suboptions 1 address,
 * 2 multicast address, 3 FQDN), 32 information refresh time (RFC 8415
 * 21.23), 83 INF_MAX_RT (21.25), 74 RDNSS selection (RFC 6731 4.2), 84
 * address selection policy
 * with 85 table rows (RFC 7078), 103 captive portal (RFC 8910).
 */
#ifndef MIF_PROTO_DHCP6_H
#define MIF_PROTO_DHCP6_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "proto/dname.h"
#include "proto/dnr.h"

#define DHCP6_CLIENT_PORT 546
#define DHCP6_SERVER_PORT 547
#define DHCP6_MAX_ADDRS 8            /* DNS, SNTP, NTP: each */
#define DHCP6_MAX_DOMAINS 16
#define DHCP6_MAX_DNSSEL 4
#define DHCP6_MAX_DNSSEL_DOMAINS 8
#define DHCP6_MAX_POLICY 32          /* RFC 7078 rows */
#define DHCP6_MAX_DUID 130           /* RFC 8415 11.1: at most 128 + type */
#define DHCP6_MAX_URI 256
#define DHCP6_MAX_DNR 4              /* OPTION_V6_DNR instances kept */

enum dhcp6_type {
	DHCP6_SOLICIT = 1, DHCP6_ADVERTISE = 2, DHCP6_REQUEST = 3, DHCP6_CONFIRM = 4,
	DHCP6_RENEW = 5, DHCP6_REBIND = 6, DHCP6_REPLY = 7, DHCP6_RELEASE = 8,
	DHCP6_DECLINE = 9, DHCP6_RECONFIGURE = 10, DHCP6_INFORMATION_REQUEST = 11,
};

/* RFC 8415 21.13 status codes the client acts on. */
enum dhcp6_status {
	DHCP6_ST_SUCCESS = 0, DHCP6_ST_UNSPEC_FAIL = 1, DHCP6_ST_NO_ADDRS_AVAIL = 2,
	DHCP6_ST_NO_BINDING = 3, DHCP6_ST_NOT_ON_LINK = 4, DHCP6_ST_USE_MULTICAST = 5,
	DHCP6_ST_NO_PREFIX_AVAIL = 6,
};

#define DHCP6_MAX_IA_ADDRS 4         /* IAADDR / IAPREFIX kept per IA */
#define DHCP6_AUTH_INFO_MAX 64

/* One IA Address (21.6, plen 128) or IA Prefix (21.22) option. */
struct dhcp6_iaaddr {
	struct in6_addr addr;        /* IAPREFIX: bits past plen cleared */
	uint8_t plen;
	uint32_t preferred, valid;   /* seconds; DHCP6_INFINITY = forever */
	bool has_status;
	uint16_t status;
};

/* IA_NA (21.4) or IA_PD (21.21): the first one of each kind is kept. */
struct dhcp6_ia {
	uint32_t iaid, t1, t2;
	bool has_status;
	uint16_t status;
	size_t n;
	struct dhcp6_iaaddr a[DHCP6_MAX_IA_ADDRS];
};

/* RFC 8415 21.11 Authentication; info_off is the offset of the
 * authentication information in the message (for the HMAC of 20.4). */
struct dhcp6_auth {
	uint8_t protocol, algorithm, rdm;
	uint64_t replay;
	size_t info_len, info_off;
	uint8_t info[DHCP6_AUTH_INFO_MAX];
};

enum dhcp6_error {
	DHCP6_OK = 0,
	DHCP6_ERR_TRUNCATED,         /* shorter than the 4-octet header */
	DHCP6_ERR_BAD_TYPE,          /* not a Reply (dhcp6_parse_reply) */
	DHCP6_ERR_OPTION_OVERRUN,    /* an option runs past the message */
	DHCP6_ERR_BAD_OPTION_LENGTH, /* impossible length for a known option */
	DHCP6_ERR_NO_SERVER_ID,      /* RFC 8415 16.10: a Reply needs a Server ID */
	DHCP6_ERR__MAX
};
const char *dhcp6_error_name(enum dhcp6_error e);

struct dhcp6_dnssel {                /* RFC 6731 section 4.2 */
	struct in6_addr server;
	int8_t pref;                 /* 1 high, 0 medium, -1 low */
	size_t n_domains;
	char domains[DHCP6_MAX_DNSSEL_DOMAINS][DNAME_MAX_TEXT + 1];
};

struct dhcp6_policy_row {            /* RFC 7078 section 2 */
	uint8_t label, precedence, plen;
	struct in6_addr prefix;      /* bits past plen cleared */
};

struct dhcp6_msg {
	uint8_t type;
	uint32_t xid;                /* 24 bits */
	size_t client_id_len, server_id_len;
	uint8_t client_id[DHCP6_MAX_DUID], server_id[DHCP6_MAX_DUID];
	bool has_status;
	uint16_t status;             /* 0 = Success */
	size_t n_dns, n_sntp, n_ntp;
	struct in6_addr dns[DHCP6_MAX_ADDRS], sntp[DHCP6_MAX_ADDRS], ntp[DHCP6_MAX_ADDRS];
	size_t n_domains;
	char domains[DHCP6_MAX_DOMAINS][DNAME_MAX_TEXT + 1];
	bool has_refresh;
	uint32_t refresh;            /* seconds */
	bool has_inf_max_rt;         /* only a value RFC 8415 21.25 allows */
	uint32_t inf_max_rt;         /* seconds, 60..86400 */
	size_t n_dnssel;
	struct dhcp6_dnssel dnssel[DHCP6_MAX_DNSSEL];
	bool has_policy;
	bool policy_automatic, policy_privacy;   /* A and P flags (verify bit order) */
	size_t n_policy;
	struct dhcp6_policy_row policy[DHCP6_MAX_POLICY];
	bool has_captive_portal;
	char captive_portal[DHCP6_MAX_URI];
	bool has_ia_na, has_ia_pd;
	struct dhcp6_ia ia_na, ia_pd;
	bool has_auth;
	struct dhcp6_auth auth;
	bool has_preference;
	uint8_t preference;          /* 21.8 */
	bool rapid_commit;           /* 21.14 */
	bool reconf_accept;          /* 21.20 */
	uint8_t reconf_msg;          /* 21.19: 5 Renew, 6 Rebind, 11 Info-req; 0 none */
	size_t n_dnr;                /* RFC 9463: encrypted resolvers */
	struct dnr dnr[DHCP6_MAX_DNR];
	unsigned ignored;
};

/* Parse any message (-EBADMSG + *why on framing errors); malformed contents
 * of optional options drop that option and count in `ignored`. */
int dhcp6_parse(const uint8_t *data, size_t len, struct dhcp6_msg *out, enum dhcp6_error *why);
/* Parse a Reply: also requires type 7 and a Server ID. */
int dhcp6_parse_reply(const uint8_t *data, size_t len, struct dhcp6_msg *out,
		      enum dhcp6_error *why);

/* Builder (client messages; server replies for tests). */
struct dhcp6_builder {
	struct wbuf w;
};
void dhcp6_build_init(struct dhcp6_builder *b, void *buf, size_t cap, uint8_t type, uint32_t xid);
void dhcp6_build_option(struct dhcp6_builder *b, uint16_t code, const void *data, size_t len);
/* ORO: the codes requested. */
void dhcp6_build_oro(struct dhcp6_builder *b, const uint16_t *codes, size_t n);
void dhcp6_build_elapsed(struct dhcp6_builder *b, uint16_t centiseconds);
void dhcp6_build_addrs(struct dhcp6_builder *b, uint16_t code, const struct in6_addr *a, size_t n);
int dhcp6_build_domains(struct dhcp6_builder *b, uint16_t code, const char *const *names, size_t n);
/* DUID-LL (RFC 8415 11.4) from a link-layer address: type 3, hw type 1. */
size_t dhcp6_duid_ll(uint8_t *out, size_t cap, const uint8_t *hw, size_t hwlen);
/* Total length, or -EMSGSIZE. */
int dhcp6_build_finish(struct dhcp6_builder *b);

/* Additions to the contract above (existing declarations unchanged). */

/* Option codes (IANA "DHCPv6 Option Codes"), for ORO lists and builders. */
enum dhcp6_option_code {
	DHCP6_OPT_CLIENTID = 1,
	DHCP6_OPT_SERVERID = 2,
	DHCP6_OPT_ORO = 6,
	DHCP6_OPT_ELAPSED_TIME = 8,
	DHCP6_OPT_STATUS_CODE = 13,
	DHCP6_OPT_DNS_SERVERS = 23,
	DHCP6_OPT_DOMAIN_LIST = 24,
	DHCP6_OPT_SNTP_SERVERS = 31,
	DHCP6_OPT_INFO_REFRESH_TIME = 32,
	DHCP6_OPT_NTP_SERVER = 56,
	DHCP6_OPT_INF_MAX_RT = 83,
	DHCP6_OPT_RDNSS_SELECTION = 74,
	DHCP6_OPT_ADDRSEL = 84,
	DHCP6_OPT_ADDRSEL_TABLE = 85,
	DHCP6_OPT_CAPTIVE_PORTAL = 103,
	DHCP6_OPT_IA_NA = 3,
	DHCP6_OPT_IA_TA = 4,
	DHCP6_OPT_IAADDR = 5,
	DHCP6_OPT_PREFERENCE = 7,
	DHCP6_OPT_AUTH = 11,
	DHCP6_OPT_RAPID_COMMIT = 14,
	DHCP6_OPT_RECONF_MSG = 19,
	DHCP6_OPT_RECONF_ACCEPT = 20,
	DHCP6_OPT_IA_PD = 25,
	DHCP6_OPT_IAPREFIX = 26,
	DHCP6_OPT_SOL_MAX_RT = 82,
	DHCP6_OPT_V6_DNR = 144,          /* RFC 9463 section 5.1 */
};

/* RFC 8415 20.4: the reconfigure key protocol. */
#define DHCP6_AUTH_PROTO_RKAP 3
#define DHCP6_AUTH_ALG_HMAC_MD5 1
#define DHCP6_AUTH_RDM_COUNTER 0
#define DHCP6_RKAP_KEY 1             /* auth info type: the key, in a Reply */
#define DHCP6_RKAP_HMAC 2            /* auth info type: HMAC-MD5, in a Reconfigure */
#define DHCP6_RKAP_KEY_LEN 16

/* NTP server suboptions (RFC 5908 section 4). */
enum dhcp6_ntp_suboption {
	DHCP6_NTP_SUBOPT_SRV_ADDR = 1,
	DHCP6_NTP_SUBOPT_MC_ADDR = 2,
	DHCP6_NTP_SUBOPT_SRV_FQDN = 3,
};

/* RFC 7078 section 2: the flags octet of OPTION_ADDRSEL is Reserved(6)|A|P. */
#define DHCP6_ADDRSEL_F_A 0x02
#define DHCP6_ADDRSEL_F_P 0x01

/* RFC 8415 7.6 and 21.23 (formerly RFC 4242 3.1). */
#define DHCP6_IRT_DEFAULT 86400u
#define DHCP6_IRT_MINIMUM 600u
#define DHCP6_INFINITY 0xffffffffu

/* RFC 8415 7.6 and 21.25: the cap on Information-request retransmission,
 * and the range a server's INF_MAX_RT option must be in to be used. */
#define DHCP6_INF_MAX_RT_DEFAULT 3600u
#define DHCP6_INF_MAX_RT_MIN 60u
#define DHCP6_INF_MAX_RT_MAX 86400u

/* RFC 8415 section 15: the next retransmission timeout, in the unit of
 * irt and mrt. prev is the last one (0 for the first transmission: IRT
 * with its randomisation); rand_permille is RAND in thousandths, -100 to
 * 100 (out of range is clamped). RT = 2 RTprev + RAND RTprev, and past
 * mrt (0: no cap) RT = MRT + RAND MRT. */
uint64_t dhcp6_next_rt(uint64_t prev, uint64_t irt, uint64_t mrt, int rand_permille);

/* Seconds until the next Information-request: IRT_DEFAULT without the
 * option, at least IRT_MINIMUM, DHCP6_INFINITY kept as "never". */
uint32_t dhcp6_refresh_seconds(const struct dhcp6_msg *m);

/* The checks of RFC 8415 16.10 that need the client's state: the xid must
 * match, and when the client sent a Client Identifier (duid_len > 0) the
 * Reply must carry the same one. */
bool dhcp6_reply_matches(const struct dhcp6_msg *m, uint32_t xid,
			 const uint8_t *duid, size_t duid_len);

/* ---- stateful (dhcp6_ia.c) ---- */

/* IA_NA or IA_PD with the given IAID, T1, T2 and IAADDR / IAPREFIX
 * suboptions (lifetimes as in each entry; 0 in a Solicit). */
void dhcp6_build_ia(struct dhcp6_builder *b, bool pd, uint32_t iaid, uint32_t t1, uint32_t t2,
		    const struct dhcp6_iaaddr *a, size_t n);
/* Authentication (21.11) with the info octets given (server side, tests). */
void dhcp6_build_auth(struct dhcp6_builder *b, const struct dhcp6_auth *auth);

/* RFC 8415 20.4.4: is m, a Reconfigure parsed from data/len, signed with
 * key by the reconfigure key protocol, with a replay counter above
 * *last_replay (updated when it is)? */
bool dhcp6_reconfigure_auth_ok(const uint8_t *data, size_t len, const struct dhcp6_msg *m,
			       const uint8_t key[DHCP6_RKAP_KEY_LEN], uint64_t *last_replay);

#endif

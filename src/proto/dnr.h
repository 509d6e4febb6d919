/* SPDX-License-Identifier: MIT */
/*
 * Discovery of Network-designated Resolvers (DNR, RFC 9463): the
 * Encrypted DNS options of an RA (type 144, section 6.1), DHCPv6
 * (OPTION_V6_DNR 144, section 5.1) and DHCPv4 (OPTION_V4_DNR 162, section
 * 5.2), each naming one encrypted resolver by its Authentication Domain
 * Name (ADN), its addresses and its SvcParams (RFC 9460 wire format:
 * alpn, port, dohpath are kept). Pure: the caller passes the option's
 * bytes; nothing is allocated; a malformed option is -EBADMSG with the
 * output untouched.
 */
#ifndef MIF_PROTO_DNR_H
#define MIF_PROTO_DNR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/dname.h"

#define DNR_RA_TYPE 144
#define DNR_DHCP6_CODE 144
#define DNR_DHCP4_CODE 162
#define DNR_MAX_ADDRS 8            /* kept per resolver; more are counted, not kept */
#define DNR_DOHPATH_MAX 256
#define DNR_LIFETIME_INFINITE UINT32_MAX

/* alpn values understood (RFC 9460 section 7.1; "dot" RFC 7858, "doq" RFC 9250). */
enum {
	DNR_ALPN_DOT = 1 << 0,
	DNR_ALPN_H2 = 1 << 1,
	DNR_ALPN_H3 = 1 << 2,
	DNR_ALPN_DOQ = 1 << 3,
	DNR_ALPN_OTHER = 1 << 4,
};

/* SvcParamKeys (RFC 9460 section 14.3.2; dohpath RFC 9461). */
enum { DNR_KEY_MANDATORY = 0, DNR_KEY_ALPN = 1, DNR_KEY_NO_DEFAULT_ALPN = 2, DNR_KEY_PORT = 3,
       DNR_KEY_IPV4HINT = 4, DNR_KEY_ECH = 5, DNR_KEY_IPV6HINT = 6, DNR_KEY_DOHPATH = 7 };

struct dnr {
	uint16_t priority;             /* lower first (RFC 9460 section 2.4.1) */
	uint32_t lifetime;             /* RA only, seconds; DHCP: DNR_LIFETIME_INFINITE */
	char adn[DNAME_MAX_TEXT + 1];  /* dotted, no trailing dot */
	bool adn_only;                 /* no addresses, no SvcParams (section 3.1.6) */
	size_t n_addrs;                /* kept (IPv4 v4-mapped) */
	size_t n_addrs_seen;           /* as many as the option carried */
	struct in6_addr addrs[DNR_MAX_ADDRS];
	unsigned alpn;                 /* DNR_ALPN_* */
	uint16_t port;                 /* 0: the protocol's default (853 for DoT) */
	char dohpath[DNR_DOHPATH_MAX]; /* "" when absent */
};

/* The whole RA option (from its Type octet, len octets, a multiple of 8). */
int dnr_parse_ra(const uint8_t *opt, size_t len, struct dnr *out);
/* The data of one DHCPv6 option 144 (after option-code and option-len). */
int dnr_parse_dhcp6(const uint8_t *data, size_t len, struct dnr *out);
/*
 * The data of DHCPv4 option 162 (after code and length; the concatenation
 * when the option was split, RFC 3396): one or more DNR instances. Fills
 * out[0..cap) and *n; every instance must parse, or -EBADMSG (and *n 0).
 */
int dnr_parse_dhcp4(const uint8_t *data, size_t len, struct dnr *out, size_t cap, size_t *n);
/* SvcParams (RFC 9460 section 2.2): keys strictly increasing, each value
 * well formed; alpn, port and dohpath go into out. */
int dnr_parse_svcparams(const uint8_t *p, size_t len, struct dnr *out);
/* "dot", "dot,h2": the alpn set as text into buf. */
const char *dnr_alpn_text(unsigned alpn, char *buf, size_t len);

#endif

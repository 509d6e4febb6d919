/* SPDX-License-Identifier: MIT */
/*
 * Router Advertisement parser (RFC 4861 section 4.2) with the options a
 * PvD-aware host needs: PIO, MTU, RIO (RFC 4191), RDNSS/DNSSL (RFC 8106),
 * captive portal (RFC 8910), PREF64 (RFC 8781) and the PvD ID option
 * (RFC 8801 section 3.1) with its nested RA header and options.
 *
 * Pure: no sockets, no globals, no allocation. Fixed caps bound the result.
 */
#ifndef MIF_PROTO_RA_H
#define MIF_PROTO_RA_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/dname.h"
#include "proto/dnr.h"

#define RA_HDR_LEN 16
#define RA_MAX_OPTIONS 128       /* options walked per RA, nested included */
#define RA_MAX_PREFIXES 16
#define RA_MAX_ROUTES 16
#define RA_MAX_RDNSS 16          /* addresses, all RDNSS options together */
#define RA_MAX_DNSSL 16          /* names, all DNSSL options together */
#define RA_MAX_URI 2048          /* captive portal URI, NUL included */
#define RA_MAX_DNR 4             /* Encrypted DNS options (RFC 9463) kept */
#define RA_INFINITY 0xffffffffu

/* ND option types we understand. */
enum {
	ND_OPT_SLLA = 1,
	ND_OPT_PIO = 3,
	ND_OPT_MTU_ = 5,
	ND_OPT_PVD = 21,
	ND_OPT_RIO = 24,
	ND_OPT_RDNSS_ = 25,
	ND_OPT_DNSSL_ = 31,
	ND_OPT_CAPPORT = 37,
	ND_OPT_PREF64_ = 38,
};

/* Why an RA (or one option of it) was refused; counters are kept per reason. */
enum ra_error {
	RA_OK = 0,
	RA_ERR_TRUNCATED,        /* shorter than the header or an option header */
	RA_ERR_BAD_CODE,         /* ICMPv6 type != 134 or code != 0 */
	RA_ERR_ZERO_LENGTH,      /* option with Length 0: discard whole RA (RFC 4861 4.6) */
	RA_ERR_OPTION_OVERRUN,   /* option runs past the end of the message/container */
	RA_ERR_BAD_OPTION_LENGTH,/* option length impossible for its type */
	RA_ERR_BAD_PREFIX_LENGTH,/* prefix length > 128 (PIO, RIO) */
	RA_ERR_NESTED_PVD,       /* PvD option inside a PvD option (RFC 8801 3.1) */
	RA_ERR_BAD_NAME,         /* malformed PvD ID or DNSSL name */
	RA_ERR_TOO_MANY_OPTIONS, /* more than RA_MAX_OPTIONS */
	RA_ERR__MAX
};

const char *ra_error_name(enum ra_error e);   /* "truncated", "zero-length", ... */

/* Router preference (RFC 4191 section 2.1): reserved 10 reads as medium. */
enum ra_pref { RA_PREF_LOW = -1, RA_PREF_MEDIUM = 0, RA_PREF_HIGH = 1 };

struct ra_header {
	uint8_t cur_hop_limit;
	bool managed;            /* M */
	bool other;              /* O */
	bool home_agent;         /* H (RFC 6275) */
	bool proxy;              /* P (RFC 4389) */
	enum ra_pref pref;       /* Prf (RFC 4191 2.2) */
	uint16_t router_lifetime;/* seconds */
	uint32_t reachable_ms;
	uint32_t retrans_ms;
};

struct ra_prefix {
	struct in6_addr prefix;  /* bits past plen cleared */
	uint8_t plen;
	bool onlink;             /* L */
	bool autonomous;         /* A */
	bool router_addr;        /* R */
	uint32_t valid;          /* seconds, RA_INFINITY = forever */
	uint32_t preferred;
	bool nested;             /* came from inside the PvD option */
};

struct ra_route {                /* RFC 4191 section 2.3 */
	struct in6_addr prefix;
	uint8_t plen;
	enum ra_pref pref;
	uint32_t lifetime;
	bool nested;
};

struct ra_rdnss {                /* one address; lifetime of its option */
	struct in6_addr addr;
	uint32_t lifetime;
	bool nested;
};

struct ra_dnssl {
	char name[DNAME_MAX_TEXT + 1];
	uint32_t lifetime;
	bool nested;
};

struct ra_pvd {                  /* RFC 8801 section 3.1 */
	char id[DNAME_MAX_TEXT + 1]; /* FQDN, dotted, no trailing dot */
	bool h_flag;
	bool l_flag;
	bool r_flag;             /* nested RA header present (in .hdr) */
	uint8_t delay;           /* low 4 bits of octet 3 */
	uint16_t seq;
	struct ra_header hdr;    /* valid only when r_flag */
};

struct ra {
	struct ra_header hdr;    /* outer header */

	bool has_pvd;
	struct ra_pvd pvd;       /* the first PvD option; later ones ignored (8801 3.4) */

	bool has_slla;
	uint8_t slla[16];
	uint8_t slla_len;

	bool has_mtu;
	uint32_t mtu;            /* last MTU option seen, nested overriding outer */

	size_t n_prefixes;
	struct ra_prefix prefixes[RA_MAX_PREFIXES];
	size_t n_routes;
	struct ra_route routes[RA_MAX_ROUTES];
	size_t n_rdnss;
	struct ra_rdnss rdnss[RA_MAX_RDNSS];
	size_t n_dnssl;
	struct ra_dnssl dnssl[RA_MAX_DNSSL];

	bool has_captive_portal;
	char captive_portal[RA_MAX_URI];

	bool has_pref64;
	struct in6_addr pref64;
	uint8_t pref64_plen;     /* 96, 64, 56, 48, 40 or 32 */
	uint32_t pref64_lifetime;/* seconds (scaled lifetime * 8) */

	/* RFC 9463 section 6.1, option 144: each names one encrypted
	 * resolver. A malformed one is dropped (counted in ignored), not the
	 * RA (section 6.1: the option is discarded). */
	size_t n_dnr;
	struct dnr dnr[RA_MAX_DNR];

	/* Items dropped without rejecting the RA (over a cap, RIO with Prf=10,
	 * a bad DNSSL name, an unknown option...). For logging only. */
	unsigned ignored;
};

/*
 * Parse the ICMPv6 message (starting at the Type octet) in data[0..len).
 * Checks type 134 / code 0 and every option; on failure returns -EBADMSG and,
 * if why is not NULL, stores the reason. *out is only meaningful on success.
 * IP-level checks (hop limit 255, link-local source) are the caller's.
 */
int ra_parse(const uint8_t *data, size_t len, struct ra *out, enum ra_error *why);

/*
 * The effective header for a PvD-aware host: the nested header of the PvD
 * option when R is set (it overrides the outer one, RFC 8801 section 3.1),
 * otherwise the outer header.
 */
const struct ra_header *ra_effective_header(const struct ra *ra);

#endif

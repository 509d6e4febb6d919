/* SPDX-License-Identifier: MIT */
/*
 * DHCPv4 messages (RFC 2131, options RFC 2132) for mifd's client: parse
 * server replies into a flat struct with bounded arrays, and build client
 * messages (and, for tests, server replies). Pure: no sockets, no globals,
 * no allocation.
 *
 * Options handled: 1 subnet mask, 3 routers, 6 DNS servers, 15 domain name,
 * 26 interface MTU, 42 NTP servers, 50 requested address, 51 lease time,
 * 52 option overload (options continue in file/sname, RFC 2131 4.1),
 * 53 message type, 54 server identifier, 56 message, 58 T1, 59 T2,
 * 119 domain search (RFC 3397, compressed names), 121 classless static
 * routes (RFC 3442), 114 captive portal URI (RFC 8910), 146 RDNSS
 * selection (RFC 6731 section 4.3), 162 encrypted DNS (RFC 9463 5.2), and
 * from 43 (vendor-specific information) only the metered hint that Android
 * and NetworkManager read. Options that appear several times are
 * concatenated before parsing (RFC 3396).
 */
#ifndef MIF_PROTO_DHCP4_H
#define MIF_PROTO_DHCP4_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "proto/dname.h"
#include "proto/dnr.h"

#define DHCP4_FIXED_LEN 236          /* op .. file, before the magic cookie */
#define DHCP4_MIN_LEN (DHCP4_FIXED_LEN + 4)
#define DHCP4_MAGIC 0x63825363u
#define DHCP4_SERVER_PORT 67
#define DHCP4_CLIENT_PORT 68
#define DHCP4_MAX_ADDRS 8            /* routers, DNS, NTP: each */
#define DHCP4_MAX_SEARCH 16
#define DHCP4_MAX_ROUTES 32
#define DHCP4_MAX_DNSSEL 4           /* option 146 instances */
#define DHCP4_MAX_DNSSEL_DOMAINS 8
#define DHCP4_MAX_URI 256
#define DHCP4_MAX_DNR 4              /* option 162 instances kept */
#define DHCP4_INFINITY 0xffffffffu
/* The text in option 43 by which a network says it is metered (Android's
 * DhcpResults.hasMeteredHint(), NetworkManager's DHCP lease): anywhere in
 * the option's octets. */
#define DHCP4_METERED_HINT "ANDROID_METERED"

/* Option codes this module knows (RFC 2132 unless noted). */
enum dhcp4_option_code {
	DHCP4_OPT_PAD = 0,
	DHCP4_OPT_SUBNET = 1,
	DHCP4_OPT_ROUTER = 3,
	DHCP4_OPT_DNS = 6,
	DHCP4_OPT_DOMAIN = 15,
	DHCP4_OPT_MTU = 26,
	DHCP4_OPT_NTP = 42,
	DHCP4_OPT_VENDOR = 43,           /* RFC 2132 section 8.4 */
	DHCP4_OPT_REQUESTED_ADDR = 50,
	DHCP4_OPT_LEASE = 51,
	DHCP4_OPT_OVERLOAD = 52,
	DHCP4_OPT_TYPE = 53,
	DHCP4_OPT_SERVER_ID = 54,
	DHCP4_OPT_MESSAGE = 56,
	DHCP4_OPT_T1 = 58,
	DHCP4_OPT_T2 = 59,
	DHCP4_OPT_CAPTIVE_PORTAL = 114,  /* RFC 8910 section 2.1 */
	DHCP4_OPT_V4_DNR = 162,          /* RFC 9463 section 5.2 */
	DHCP4_OPT_SEARCH = 119,          /* RFC 3397 */
	DHCP4_OPT_ROUTES = 121,          /* RFC 3442 */
	DHCP4_OPT_DNSSEL = 146,          /* RFC 6731 section 4.3 */
	DHCP4_OPT_END = 255,
};

enum dhcp4_type {
	DHCP4_DISCOVER = 1, DHCP4_OFFER, DHCP4_REQUEST, DHCP4_DECLINE,
	DHCP4_ACK, DHCP4_NAK, DHCP4_RELEASE, DHCP4_INFORM,
};

enum dhcp4_error {
	DHCP4_OK = 0,
	DHCP4_ERR_TRUNCATED,         /* shorter than the fixed part + cookie */
	DHCP4_ERR_BAD_MAGIC,
	DHCP4_ERR_BAD_OP,            /* op not BOOTREPLY (for dhcp4_parse_reply) */
	DHCP4_ERR_OPTION_OVERRUN,    /* an option runs past its area */
	DHCP4_ERR_BAD_OPTION_LENGTH, /* impossible length for a known option */
	DHCP4_ERR_NO_TYPE,           /* no option 53, or an unknown type */
	DHCP4_ERR_BAD_OVERLOAD,      /* option 52 malformed or overloading twice */
	DHCP4_ERR__MAX
};
const char *dhcp4_error_name(enum dhcp4_error e);

struct dhcp4_route {                 /* RFC 3442 */
	struct in_addr dst;          /* bits past plen cleared */
	uint8_t plen;                /* 0..32 */
	struct in_addr gw;
};

struct dhcp4_dnssel {                /* RFC 6731 section 4.3 */
	int8_t pref;                 /* 1 high, 0 medium, -1 low; reserved 10 reads 0 */
	struct in_addr primary, secondary;
	size_t n_domains;
	char domains[DHCP4_MAX_DNSSEL_DOMAINS][DNAME_MAX_TEXT + 1];  /* "." = default */
};

struct dhcp4_msg {
	uint8_t op;
	uint32_t xid;
	uint16_t secs, flags;
	struct in_addr ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];

	uint8_t type;                /* enum dhcp4_type */
	bool has_server_id;
	struct in_addr server_id;
	bool has_lease, has_t1, has_t2;
	uint32_t lease, t1, t2;      /* seconds */
	bool has_subnet;
	struct in_addr subnet;
	size_t n_routers, n_dns, n_ntp;
	struct in_addr routers[DHCP4_MAX_ADDRS], dns[DHCP4_MAX_ADDRS], ntp[DHCP4_MAX_ADDRS];
	bool has_domain;
	char domain[DNAME_MAX_TEXT + 1];   /* option 15, validated as a name */
	size_t n_search;
	char search[DHCP4_MAX_SEARCH][DNAME_MAX_TEXT + 1];
	bool has_routes;             /* option 121 present (even if empty) */
	size_t n_routes;
	struct dhcp4_route routes[DHCP4_MAX_ROUTES];
	bool has_mtu;
	uint16_t mtu;                /* option 26; values < 68 are ignored */
	bool has_captive_portal;
	char captive_portal[DHCP4_MAX_URI];
	size_t n_dnssel;
	struct dhcp4_dnssel dnssel[DHCP4_MAX_DNSSEL];
	size_t n_dnr;                /* RFC 9463: encrypted resolvers */
	struct dnr dnr[DHCP4_MAX_DNR];
	char message[256];           /* option 56, printable ASCII only, "" if none */
	bool metered_hint;           /* option 43 contains DHCP4_METERED_HINT */
	unsigned ignored;            /* items dropped: over caps, bad values in optional options */
};

/*
 * Parse a BOOTREPLY (OFFER/ACK/NAK from a server): -EBADMSG with *why set
 * on failure; *out is meaningful only on success. Malformed *optional*
 * option contents (a bad name in 119, a bad 121 route, a bad URI) drop
 * that option and count in `ignored`; framing errors reject the message.
 */
int dhcp4_parse_reply(const uint8_t *data, size_t len, struct dhcp4_msg *out,
		      enum dhcp4_error *why);
/* The same for any op (used by tests and the fuzz harness). */
int dhcp4_parse(const uint8_t *data, size_t len, struct dhcp4_msg *out,
		enum dhcp4_error *why);

/* Builder. The fixed header is written by init; options are appended;
 * finish adds the END option and pads to the 300-octet BOOTP minimum. */
struct dhcp4_builder {
	struct wbuf w;
};
void dhcp4_build_init(struct dhcp4_builder *b, void *buf, size_t cap, uint8_t op,
		      uint32_t xid, const uint8_t *chaddr, size_t chaddr_len);
/* Set the fixed-part fields (network order handled inside). */
void dhcp4_build_header(struct dhcp4_builder *b, uint16_t secs, uint16_t flags,
			struct in_addr ciaddr, struct in_addr yiaddr,
			struct in_addr siaddr);
/* Append one option; data longer than 255 is split (RFC 3396). */
void dhcp4_build_option(struct dhcp4_builder *b, uint8_t code, const void *data, size_t len);
void dhcp4_build_u8(struct dhcp4_builder *b, uint8_t code, uint8_t v);
void dhcp4_build_u32(struct dhcp4_builder *b, uint8_t code, uint32_t v);
void dhcp4_build_addrs(struct dhcp4_builder *b, uint8_t code, const struct in_addr *a, size_t n);
/* Option 121 from routes; option 119 from names (uncompressed). */
void dhcp4_build_routes(struct dhcp4_builder *b, const struct dhcp4_route *r, size_t n);
int dhcp4_build_search(struct dhcp4_builder *b, const char *const *names, size_t n);
/* Option 146 from one dnssel ("." is the root name); -EINVAL for a bad
 * name or more than DHCP4_MAX_DNSSEL_DOMAINS domains, nothing written. */
int dhcp4_build_dnssel(struct dhcp4_builder *b, const struct dhcp4_dnssel *d);
/* Total length, or -EMSGSIZE. */
int dhcp4_build_finish(struct dhcp4_builder *b);

#endif

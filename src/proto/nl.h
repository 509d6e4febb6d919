/* SPDX-License-Identifier: MIT */
/*
 * rtnetlink messages as plain structs: parse RTM_{NEW,DEL}{LINK,ADDR,ROUTE}
 * and build the requests mifd sends. Pure: no sockets, no globals; the
 * caller owns every buffer. Attributes are walked with libmnl, whose
 * mnl_attr_ok() keeps each attribute inside the message, and each payload
 * length is checked against what we read before use.
 */
#ifndef MIF_PROTO_NL_H
#define MIF_PROTO_NL_H

#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NL_LIFETIME_INFINITY 0xffffffffu

struct nl_link {
	int ifindex;
	char name[IFNAMSIZ];
	unsigned flags;          /* IFF_* */
	uint8_t operstate;       /* IF_OPER_*, 0 if absent */
	uint16_t type;           /* ARPHRD_* */
	uint32_t mtu;
	uint8_t hwaddr[32];
	uint8_t hwlen;
};

struct nl_addr {
	int ifindex;
	uint8_t family;          /* AF_INET or AF_INET6 */
	uint8_t plen;
	uint8_t scope;
	uint32_t flags;          /* IFA_F_*, from IFA_FLAGS when present */
	uint8_t addr[16];
	uint32_t valid;          /* seconds, NL_LIFETIME_INFINITY = forever */
	uint32_t preferred;
};

struct nl_route {
	uint8_t family;
	uint8_t dst_len;
	uint8_t src_len;
	uint8_t protocol;
	uint8_t type;
	uint8_t scope;
	uint32_t table;
	int oif;
	uint32_t priority;
	uint8_t dst[16];
	uint8_t src[16];
	uint8_t gateway[16];
	bool has_gateway;
	uint8_t pref;            /* RTA_PREF (RFC 4191), ICMPV6_ROUTER_PREF_* */
	uint32_t expires;        /* seconds left, 0 if none (RTA_CACHEINFO) */
};

/* Each returns 0, or -EBADMSG if the message is too short or an attribute
 * is malformed, or -EPROTO if it is not of the expected family/type. */
int nl_parse_link(const struct nlmsghdr *nlh, struct nl_link *out);
int nl_parse_addr(const struct nlmsghdr *nlh, struct nl_addr *out);
int nl_parse_route(const struct nlmsghdr *nlh, struct nl_route *out);

/* Walk a buffer of netlink messages (one recv()) safely: returns the next
 * message or NULL at the end or on a malformed length. */
const struct nlmsghdr *nl_next(const void *buf, size_t len, size_t *off);

/* Requests. Each writes into buf (cap bytes) and returns the message, or
 * NULL if it does not fit. */
struct nlmsghdr *nl_build_dump(void *buf, size_t cap, uint16_t type,
			       uint8_t family, uint32_t seq);
/* RTM_NEWADDR (add, with NLM_F_CREATE|NLM_F_REPLACE so lifetimes refresh)
 * or RTM_DELADDR. Lifetimes go in IFA_CACHEINFO so the kernel expires the
 * address by itself even if mifd dies (RFC 4862 section 5.5.4). */
struct nlmsghdr *nl_build_addr(void *buf, size_t cap, bool add,
			       const struct nl_addr *a, uint32_t seq);

#endif

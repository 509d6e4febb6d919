/* SPDX-License-Identifier: MIT */
/*
 * rtnetlink messages as plain structs: parse
 * RTM_{NEW,DEL}{LINK,ADDR,ROUTE,RULE} and build the requests mifd sends.
 * Pure: no sockets, no globals; the caller owns every buffer. Attributes
 * are walked within the message's own length, and each payload length is
 * checked against what we read before use.
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
/* FRA_SUPPRESS_PREFIXLEN as recent kernels send it for a rule without one. */
#define NL_RULE_SUPPRESS_UNSET 0xffffffffu

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
	uint8_t prefsrc[16];     /* RTA_PREFSRC: source for locally sent packets */
	bool has_prefsrc;
	uint32_t mtu;            /* RTAX_MTU in RTA_METRICS; 0 if none */
};

/*
 * A policy routing rule (RTM_{NEW,DEL}RULE: struct fib_rule_hdr + FRA_*).
 * Only the selectors mifd uses are kept; a rule with others (uid range,
 * ip proto, ports, l3mdev, tos) parses with those ignored.
 */
struct nl_rule {
	uint8_t family;          /* AF_INET or AF_INET6 */
	uint32_t priority;       /* FRA_PRIORITY ("pref"), 0 if absent */
	uint32_t table;          /* FRA_TABLE, else fib_rule_hdr.table */
	uint8_t protocol;        /* FRA_PROTOCOL, RTPROT_*; 0 if absent */
	uint8_t action;          /* FR_ACT_*; the builder sends 0 as FR_ACT_TO_TBL */
	uint8_t src_len, dst_len;
	uint8_t src[16], dst[16]; /* FRA_SRC/FRA_DST, meaningful up to *_len */
	bool has_fwmark;
	uint32_t fwmark, fwmask; /* mask 0xffffffff when only a mark is given */
	bool has_suppress_prefixlen; /* false for NL_RULE_SUPPRESS_UNSET */
	uint32_t suppress_prefixlen;
	bool invert;             /* FIB_RULE_INVERT: "not" */
	char iifname[IFNAMSIZ], oifname[IFNAMSIZ]; /* "" if absent */
};

/* Each returns 0, or -EBADMSG if the message is too short or an attribute
 * is malformed, or -EPROTO if it is not of the expected family/type. */
int nl_parse_link(const struct nlmsghdr *nlh, struct nl_link *out);
int nl_parse_addr(const struct nlmsghdr *nlh, struct nl_addr *out);
int nl_parse_route(const struct nlmsghdr *nlh, struct nl_route *out);
/* An address length of 0 with FRA_SRC/FRA_DST present is accepted; a
 * non-zero one needs its address, as the kernel requires. */
int nl_parse_rule(const struct nlmsghdr *nlh, struct nl_rule *out);

/* Walk a buffer of netlink messages (one recv()) safely: returns the next
 * message or NULL at the end or on a malformed length. */
/* The address of a as mifd keys addresses: IPv6 as is, IPv4 v4-mapped. */
void nl_addr_key(const struct nl_addr *a, struct in6_addr *ret);

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
/* RTM_NEWRULE (NLM_F_CREATE|NLM_F_EXCL: an identical rule is an error,
 * not a duplicate) or RTM_DELRULE, both with NLM_F_ACK. FRA_PRIORITY,
 * FRA_TABLE and FRA_PROTOCOL always (0 is a wildcard when deleting);
 * fib_rule_hdr.table is the table when it fits in 8 bits. NULL also for a
 * family other than AF_INET/AF_INET6, a prefix length too long for it or
 * an interface name without its terminator. */
struct nlmsghdr *nl_build_rule(void *buf, size_t cap, bool add,
			       const struct nl_rule *r, uint32_t seq);
/* An IPv6 address label (ip addrlabel; RFC 6724 Label(A), the kernel's
 * source selection rule 6), scoped to an interface when ifindex is set:
 * the kernel then uses it only for addresses of that interface and for
 * destinations leaving through it. */
struct nl_addrlabel {
	struct in6_addr prefix;  /* bits past plen clear */
	uint8_t plen;            /* 0..128 */
	uint32_t ifindex;        /* 0: every interface */
	uint32_t label;          /* not 0xffffffff (the kernel's "none") */
};
/* An address label as the kernel reports it (RTM_NEWADDRLABEL, in a dump
 * of RTM_GETADDRLABEL): 0, -EPROTO for another message type or family,
 * -EBADMSG when malformed (ret untouched on failure). */
int nl_parse_addrlabel(const struct nlmsghdr *nlh, struct nl_addrlabel *ret);
/* RTM_NEWADDRLABEL (NLM_F_CREATE|NLM_F_REPLACE) or RTM_DELADDRLABEL, with
 * NLM_F_ACK; NULL if it does not fit or l is not valid. */
struct nlmsghdr *nl_build_addrlabel(void *buf, size_t cap, bool add,
				    const struct nl_addrlabel *l, uint32_t seq);
/* RTM_NEWROUTE (NLM_F_CREATE|NLM_F_REPLACE) or RTM_DELROUTE, with NLM_F_ACK.
 * RTA_TABLE always; type 0 is sent as RTN_UNICAST. Scope as ip-route(8):
 * link for a unicast route without gateway, host for local, link for
 * broadcast/multicast/anycast, universe otherwise; a delete sends
 * RT_SCOPE_NOWHERE ("any") so it matches whatever scope the route has.
 * pref is sent as RTA_PREF for IPv6 when not medium (0): medium and absent
 * mean the same to the kernel, so no separate flag is needed. scope and
 * expires are not sent. NULL if it does not fit, for a bad family or a
 * prefix length too long for it. */
struct nlmsghdr *nl_build_route(void *buf, size_t cap, bool add,
				const struct nl_route *r, uint32_t seq);
/* RTM_GETROUTE for one destination (not a dump), NLM_F_REQUEST only: the
 * answer is one RTM_NEWROUTE (nl_parse_route(); RTA_TABLE is the table the
 * rules led to) or an NLMSG_ERROR. dst (and src unless NULL) are
 * full-length addresses; RTA_MARK when mark != 0, RTA_OIF when oif > 0.
 * IPv4 requests carry RTM_F_LOOKUP_TABLE, without which the kernel answers
 * "main" whatever table matched; IPv6 ones carry no flag: the kernel
 * reports the table anyway and, under NETLINK_GET_STRICT_CHK, refuses
 * RTM_F_LOOKUP_TABLE with EINVAL. NULL if it does not fit or for a bad
 * family. */
struct nlmsghdr *nl_build_route_get(void *buf, size_t cap, uint8_t family,
				    const uint8_t *dst, const uint8_t *src,
				    uint32_t mark, int oif, uint32_t seq);

#endif

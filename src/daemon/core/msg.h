/* SPDX-License-Identifier: MIT */
/*
 * Messages between mifd's engine (parses RAs, keeps PvD state, serves the
 * control socket) and its kernel side (owns the raw ICMPv6 and rtnetlink
 * sockets, changes addresses). They travel over a SOCK_SEQPACKET pair with
 * common/ipc.h framing; every payload has a fixed size that the receiver
 * checks exactly, except MSG_RA whose size is bounded (struct + 1..65535).
 */
#ifndef MIF_DAEMON_MSG_H
#define MIF_DAEMON_MSG_H

#include <netinet/in.h>
#include <stdint.h>

#include "proto/nl.h"

enum msg_type {
	/* kernel side -> engine */
	MSG_LINK = 1,            /* struct msg_link: new or changed link */
	MSG_LINK_GONE,           /* struct msg_link: link deleted */
	MSG_ADDR,                /* struct nl_addr: new or changed address */
	MSG_ADDR_GONE,           /* struct nl_addr */
	MSG_ROUTE,               /* struct nl_route */
	MSG_ROUTE_GONE,          /* struct nl_route */
	MSG_RA,                  /* struct msg_ra + ICMPv6 bytes */
	MSG_SYNC_DONE,           /* empty: the initial dump is complete */
	MSG_KERNEL_ERROR,        /* struct msg_kernel_error: a request failed */
	MSG_DHCP_RX,             /* struct msg_dhcp + UDP payload from a server */
	MSG_ARP_RESULT,          /* struct msg_arp: outcome of MSG_ARP_PROBE */
	MSG_RULE,                /* struct nl_rule: new rule (dump or event) */
	MSG_RULE_GONE,           /* struct nl_rule */
	MSG_RT_LOOKUP_RESULT,    /* struct msg_rt_lookup_result */
	MSG_RT_ACK,              /* struct msg_rt_ack: outcome of one MSG_RT_{ROUTE,RULE}_* */
	/* engine -> kernel side */
	MSG_ADDR_CONFIGURE = 100,/* struct nl_addr: add or refresh lifetimes */
	MSG_ADDR_REMOVE,         /* struct nl_addr */
	MSG_DHCP_OPEN,           /* struct msg_dhcp (no payload): open the socket */
	MSG_DHCP_CLOSE,          /* struct msg_dhcp (no payload) */
	MSG_DHCP_SEND,           /* struct msg_dhcp + UDP payload to send */
	MSG_ARP_PROBE,           /* struct msg_arp: is this IPv4 address in use? */
	MSG_RT_ROUTE_ADD,        /* struct nl_route (create or replace) */
	MSG_RT_ROUTE_DEL,        /* struct nl_route */
	MSG_RT_RULE_ADD,         /* struct nl_rule */
	MSG_RT_RULE_DEL,         /* struct nl_rule */
	MSG_RT_LOOKUP,           /* struct msg_rt_lookup: ask the kernel's FIB */
	MSG_RS_SEND,             /* struct msg_rs: send a Router Solicitation */
};

/* What route would the kernel use (RTM_GETROUTE)? */
struct msg_rt_lookup {
	uint32_t token;          /* echoed in the result */
	uint8_t family;
	uint8_t has_src;
	uint8_t pad[2];
	uint32_t mark;
	uint8_t dst[16], src[16];
};

struct msg_rt_lookup_result {
	uint32_t token;
	int32_t error;           /* negative errno, or 0 with route filled */
	struct nl_route route;
};

/* DHCP traffic of one interface. family AF_INET: client port 68, peer port
 * 67; AF_INET6: client port 546, peer port 547 (RFC 8415 7.2). */
struct msg_dhcp {
	int32_t ifindex;
	uint8_t family;
	uint8_t pad[3];
	struct in6_addr peer;    /* source (RX) or destination (SEND); IPv4 mapped */
	/* followed by the UDP payload (RX, SEND) */
};

#define MSG_DHCP_MAX_PAYLOAD 4096

/* RFC 5227 address conflict detection before using a DHCPv4 lease. */
struct msg_arp {
	int32_t ifindex;
	struct in_addr addr;
	uint8_t conflict;        /* result: someone answered for addr */
	uint8_t hw[6];           /* result: who */
	uint8_t pad;
};

struct msg_link {
	struct nl_link link;
	uint8_t managed;         /* mifd manages this interface */
	uint8_t pad[7];
};

/* RFC 4861 section 6.3.7: a Router Solicitation to all-routers (ff02::2)
 * on one interface, with the link-layer address as its SLLA option when
 * hwlen is not 0. The engine decides when; the kernel side only sends. */
struct msg_rs {
	int32_t ifindex;
	uint8_t hwlen;           /* 0..16 */
	uint8_t hw[16];
	uint8_t pad[3];
};

struct msg_ra {
	int32_t ifindex;
	struct in6_addr src;     /* IPv6 source address of the RA */
	uint8_t hop_limit;       /* IPv6 hop limit as received; -1 if unknown */
	uint8_t pad[3];
	uint64_t rx_ns;          /* CLOCK_MONOTONIC at reception */
	/* followed by the ICMPv6 message */
};

/*
 * The kernel's answer (NLM_F_ACK) to one route or rule request, success
 * included: the engine counts an entry as installed only once the kernel
 * has said so, and puts back what was refused (with back-off).
 */
struct msg_rt_ack {
	uint32_t request;        /* MSG_RT_ROUTE_ADD, _DEL, MSG_RT_RULE_ADD, _DEL */
	int32_t error;           /* 0, or negative errno */
	union {
		struct nl_route route;   /* MSG_RT_ROUTE_* */
		struct nl_rule rule;     /* MSG_RT_RULE_* */
	} u;                     /* the request, as sent */
};

struct msg_kernel_error {
	uint32_t request;        /* MSG_ADDR_CONFIGURE... */
	int32_t error;           /* negative errno */
	struct nl_addr addr;
};

#endif

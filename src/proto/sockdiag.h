/* SPDX-License-Identifier: MIT */
/*
 * TCP sockets as the kernel's sock_diag reports them (NETLINK_SOCK_DIAG,
 * inet_diag with INET_DIAG_INFO): where each connection comes from, and
 * whether it is stalled (retransmission timeouts firing, a SYN unanswered).
 * The connectivity checks use them as a passive signal (issue 13, item 3).
 * Pure: the caller owns every buffer and the socket.
 */
#ifndef MIF_PROTO_SOCKDIAG_H
#define MIF_PROTO_SOCKDIAG_H

#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockdiag_tcp {
	uint8_t family;              /* AF_INET or AF_INET6 */
	uint8_t state;               /* TCP_ESTABLISHED, TCP_SYN_SENT, ... */
	struct in6_addr src, dst;    /* IPv4 as v4-mapped */
	uint16_t sport, dport;
	uint32_t ifindex;            /* the device it is bound to, 0 none */
	bool has_info;               /* the tcp_info fields below are the kernel's */
	uint8_t retransmits;         /* retransmission timeouts in a row, now */
	uint32_t unacked;
	uint32_t total_retrans;
	uint32_t last_data_recv_ms;
	uint32_t uid;                /* the socket's owner */
	uint32_t rtt_us;             /* the kernel's smoothed RTT (tcpi_rtt) */
	bool has_segs;               /* segs_out is the kernel's (Linux 4.2+) */
	uint32_t segs_out;           /* segments sent, retransmissions included */
};

/*
 * A dump request for the TCP sockets of one family in the given states
 * (a mask of 1 << TCP_*), with tcp_info. Length written, or -ENOBUFS.
 */
int sockdiag_build_request(uint8_t *buf, size_t cap, uint8_t family, uint32_t states,
			   uint32_t seq);

/*
 * A request for one TCP socket, named by its own address and port (src)
 * and its peer's (dst): the kernel answers with that socket alone, or
 * NLMSG_ERROR -ENOENT. The stub asks it for the client end of a
 * connection to learn which local user opened it. Addresses v4-mapped
 * for AF_INET. Length written, or -ENOBUFS.
 */
int sockdiag_build_lookup(uint8_t *buf, size_t cap, uint8_t family, const struct in6_addr *src,
			  uint16_t sport, const struct in6_addr *dst, uint16_t dport, uint32_t seq);

/*
 * Parse one message of the dump's answer (walk a recv() buffer with
 * nl_next()). 1 with *out filled; 0 for NLMSG_DONE (the dump is over);
 * -EBADMSG for a malformed message (out untouched), or the kernel's
 * negative errno for NLMSG_ERROR.
 */
int sockdiag_parse(const struct nlmsghdr *nlh, struct sockdiag_tcp *out);

/* Is this connection stalled: an RTO fired and was not yet answered, or
 * a SYN was sent again? */
bool sockdiag_stalled(const struct sockdiag_tcp *t);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Which local user opened a TCP connection to the stub (issue 17, row 10:
 * one user must not hold every DNS-over-TCP slot). TCP has no SO_PEERCRED;
 * the kernel's sock_diag tells the owner of the client's end, named by its
 * address and port, in one request answered at once (no dump). The
 * netlink socket is opened in stub_new(), before the network-facing
 * process installs its seccomp filter (which allows only AF_INET and
 * AF_INET6 sockets). A client on another host, or in another network
 * namespace, is not found: it counts as STUB_UID_UNKNOWN, one user.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/addr.h"
#include "daemon/dns/stub_priv.h"
#include "proto/nl.h"
#include "proto/sockdiag.h"

int stub_peer_open(struct stub *s)
{
	struct timeval rcv = { 0, 100000 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	if (fd < 0)
		return -errno;
	/* The kernel answers at once; never wait long in the event loop. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &rcv, sizeof(rcv)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	s->diag_fd = fd;
	return 0;
}

void stub_peer_close(struct stub *s)
{
	if (s->diag_fd >= 0)
		close(s->diag_fd);
	s->diag_fd = -1;
}

/* An address of a socket as (v4-mapped) in6_addr and port; its family. */
static int sp_addr(const struct sockaddr_storage *ss, struct in6_addr *a, uint16_t *port)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

		addr_v4_mapped(in->sin_addr, a);
		*port = ntohs(in->sin_port);
		return AF_INET;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;

		*a = in6->sin6_addr;
		*port = ntohs(in6->sin6_port);
		/* A v4 client on a dual-stack socket: its own socket is AF_INET. */
		return IN6_IS_ADDR_V4MAPPED(a) ? AF_INET : AF_INET6;
	}
	return -EAFNOSUPPORT;
}

uint32_t stub_peer_uid(struct stub *s, int fd)
{
	struct sockaddr_storage me, peer;
	socklen_t ml = sizeof(me), pl = sizeof(peer);
	struct in6_addr ma, pa;
	uint16_t mp, pp;
	uint8_t buf[1024] __attribute__((aligned(4)));
	int fam, n;
	ssize_t got;

	if (s->diag_fd < 0 || getsockname(fd, (struct sockaddr *)&me, &ml) < 0 ||
	    getpeername(fd, (struct sockaddr *)&peer, &pl) < 0)
		return STUB_UID_UNKNOWN;
	fam = sp_addr(&peer, &pa, &pp);
	if (fam < 0 || sp_addr(&me, &ma, &mp) < 0)
		return STUB_UID_UNKNOWN;
	/* The client's socket: its source is the peer, its destination us. */
	n = sockdiag_build_lookup(buf, sizeof(buf), (uint8_t)fam, &pa, pp, &ma, mp, ++s->diag_seq);
	if (n < 0 || send(s->diag_fd, buf, (size_t)n, 0) != n)
		return STUB_UID_UNKNOWN;
	/* Bounded: answers to earlier requests that timed out are skipped. */
	for (int tries = 0; tries < 4; tries++) {
		const struct nlmsghdr *h;
		struct sockdiag_tcp t;
		size_t off = 0;

		got = recv(s->diag_fd, buf, sizeof(buf), 0);
		if (got <= 0)
			return STUB_UID_UNKNOWN;
		h = nl_next(buf, (size_t)got, &off);
		if (!h || h->nlmsg_seq != s->diag_seq)
			continue;
		return sockdiag_parse(h, &t) == 1 ? t.uid : STUB_UID_UNKNOWN;
	}
	return STUB_UID_UNKNOWN;
}

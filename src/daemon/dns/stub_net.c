/* SPDX-License-Identifier: MIT */
/*
 * Sockets to upstream servers, and handing answers back to clients.
 *
 * RFC 8801 section 3.4.4 and problem statement 4.1 case 2: a query for a
 * PvD's server leaves through that PvD. Each upstream socket is bound to
 * the PvD's interface (so it cannot leave elsewhere even with routing
 * off; SO_BINDTOIFINDEX needs no privilege on an unbound socket since
 * Linux 5.7) and to one of the PvD's own addresses when it has one of that
 * family there: RFC 8028's rule (base+0 in route_plan.h, "from <PvD
 * address> lookup T") then routes it by the PvD's table. The stub runs in
 * the network-facing process, which holds no capability, so it sets no
 * SO_MARK (that needs CAP_NET_ADMIN); the source and the device select the
 * same table the mark would.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/log.h"
#include "daemon/dns/stub_priv.h"

#ifndef SO_BINDTOIFINDEX
#define SO_BINDTOIFINDEX 62
#endif

static void sn_sockaddr(const struct in6_addr *a, uint16_t port, int ifindex,
			struct sockaddr_storage *ss, socklen_t *len)
{
	unsigned l;

	addr_sockaddr(a, port, ifindex, ss, &l);
	*len = (socklen_t)l;
}

int stub_upstream_socket(const struct stub_pvd *p, const struct dns_upstream *up, int type,
			 struct sockaddr_storage *to, socklen_t *tolen)
{
	bool v4 = IN6_IS_ADDR_V4MAPPED(&up->addr);
	int fd, e;
	struct sockaddr_storage src;
	socklen_t srclen;

	/* A link-local server is answered from our link-local address. */
	if (!IN6_IS_ADDR_LINKLOCAL(&up->addr) && up->src_state == DNS_SRC_PENDING)
		return -EAGAIN;
	if (!IN6_IS_ADDR_LINKLOCAL(&up->addr) && up->src_state == DNS_SRC_MISSING)
		return -EADDRNOTAVAIL;
	fd = socket(v4 ? AF_INET : AF_INET6, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (up->ifindex && setsockopt(fd, SOL_SOCKET, SO_BINDTOIFINDEX, &up->ifindex,
				      sizeof(up->ifindex)) < 0)
		goto fail;
	if (up->src_state == DNS_SRC_READY && !IN6_IS_ADDR_LINKLOCAL(&up->addr)) {
		sn_sockaddr(&up->src, 0, 0, &src, &srclen);
		if (bind(fd, (struct sockaddr *)&src, srclen) < 0)
			goto fail;
	}
	sn_sockaddr(&up->addr, 53, up->ifindex, to, tolen);
	return fd;
fail:
	e = -errno;
	close(fd);
	return e;
}

void stub_deliver(struct stub_tx *tx, const uint8_t *resp, size_t len, struct stub_pvd *p,
		  const struct dns_upstream *from, int err, const char *msg)
{
	struct stub *s = tx->s;
	uint8_t *m;

	switch (tx->kind) {
	case STUB_CL_UDP:
		if (len > tx->client_udp) {
			/* Fetched over TCP, larger than the client takes. */
			m = s->tcp_out;
			memcpy(m, resp, len);
			len = stub_fit_udp(m, len, tx->client_udp, tx->client_opt, tx->client_do);
			s->ctr.truncated_to_client++;
			stub_send_udp(s, &tx->peer, tx->peer_len, m, len);
			return;
		}
		stub_send_udp(s, &tx->peer, tx->peer_len, resp, len);
		return;
	case STUB_CL_TCP:
		stub_send_tcp(s, tx->conn_id, resp, len);
		return;
	case STUB_CL_CTL:
		stub_ctl_deliver(tx, resp, len, p, from, err, msg);
		return;
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * Raw ICMPv6 receiver for Router Advertisements. The kernel hands user
 * space only some RA options through RTM_NEWNDUSEROPT and never the PvD
 * option (RFC 8801) or anything nested in it, so mifd reads whole RAs.
 * RFC 3542: ICMP6_FILTER passes type 134 only; IPV6_RECVPKTINFO gives the
 * interface and IPV6_RECVHOPLIMIT the hop limit the engine checks is 255.
 * The kernel verifies the ICMPv6 checksum on raw ICMPv6 sockets, and
 * computes it on what they send: the same socket sends the Router
 * Solicitations the engine asks for (RFC 4861 section 6.3.7).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/kern/kern_priv.h"
#include "proto/ra_build.h"

static void kern_icmp6_parse_cmsg(struct msghdr *mh, struct msg_ra *h)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != IPPROTO_IPV6)
			continue;
		if (c->cmsg_type == IPV6_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			h->ifindex = (int32_t)pi.ipi6_ifindex;
		} else if (c->cmsg_type == IPV6_HOPLIMIT && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			int hl;

			memcpy(&hl, CMSG_DATA(c), sizeof(hl));
			h->hop_limit = (uint8_t)(hl >= 0 && hl <= 255 ? hl : 0);
		}
	}
}

/* Read one RA into k->rxbuf behind a struct msg_ra; returns its total size,
 * 0 if nothing is waiting, or a negative errno. */
static ssize_t kern_icmp6_read(struct kern *k)
{
	struct msg_ra *h = (struct msg_ra *)k->rxbuf;
	struct sockaddr_in6 from;
	uint8_t cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = k->rxbuf + sizeof(*h), .iov_len = 65535 };
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	ssize_t n = recvmsg(k->icmp_fd, &mh, MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	memset(h, 0, sizeof(*h));
	h->rx_ns = log_now_ns();
	h->src = from.sin6_addr;
	kern_icmp6_parse_cmsg(&mh, h);
	/* A truncated datagram is handed on with an impossible size so that
	 * the engine counts it as a drop rather than parsing half an RA. */
	if (mh.msg_flags & MSG_TRUNC)
		return (ssize_t)sizeof(*h);
	return (ssize_t)sizeof(*h) + n;
}

static void kern_icmp6_cb(evutil_socket_t fd, short what, void *arg)
{
	struct kern *k = arg;

	/* Bounded: a flood cannot starve netlink, timers or clients. */
	for (int i = 0; i < 64; i++) {
		ssize_t n = kern_icmp6_read(k);

		if (n == 0)
			return;
		if (n < 0) {
			log_warn("ICMPv6 receive failed: %s", strerror((int)-n));
			return;
		}
		chan_send(k->ch, MSG_RA, k->rxbuf, (size_t)n);
	}
}

/* RFC 4861 section 4.1: to all-routers, hop limit 255, from the source the
 * kernel picks on that interface (its link-local address), with the SLLA
 * option the engine gives. While the link-local address is still tentative
 * the kernel has no source to send from and refuses (EADDRNOTAVAIL): the
 * engine is not told, its next scheduled solicitation (4 s later) is the
 * retry, and mifd never sends from the unspecified address, where the SLLA
 * option would be forbidden. */
void kern_icmp6_send_rs(struct kern *k, const struct ipc_msg *m)
{
	const struct msg_rs *q = (const struct msg_rs *)m->data;
	struct sockaddr_in6 to = { .sin6_family = AF_INET6 };
	uint8_t buf[64], cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo))] = { 0 };
	struct iovec iov = { .iov_base = buf };
	struct msghdr mh = { .msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = &iov,
			     .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	struct in6_pktinfo pi = { .ipi6_ifindex = 0 };
	struct ra_builder b;
	int len;

	if (ipc_expect(m, sizeof(*q)) < 0 || q->ifindex <= 0 || q->hwlen > sizeof(q->hw)) {
		log_err("kernel side: invalid Router Solicitation request from the engine");
		return;
	}
	ra_build_init(&b, buf, sizeof(buf));
	ra_build_rs_header(&b);
	if (q->hwlen)
		ra_build_slla(&b, q->hw, q->hwlen);
	len = ra_build_finish(&b);
	if (len < 0)
		return;
	iov.iov_len = (size_t)len;
	inet_pton(AF_INET6, "ff02::2", &to.sin6_addr);
	to.sin6_scope_id = (uint32_t)q->ifindex;
	pi.ipi6_ifindex = (unsigned)q->ifindex;
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	if (sendmsg(k->icmp_fd, &mh, MSG_DONTWAIT) < 0)
		log_debug("Router Solicitation on ifindex %d not sent: %s", (int)q->ifindex,
			  strerror(errno));
}

/* An RA the engine built for a downstream link (DHCPv6-PD): to all-nodes,
 * hop limit 255 (the socket's multicast hops), from the link-local
 * address the kernel picks. Only the type is checked: the engine made it. */
void kern_icmp6_send_ra(struct kern *k, const struct ipc_msg *m)
{
	const struct msg_ra_send *q = (const struct msg_ra_send *)m->data;
	struct sockaddr_in6 to = { .sin6_family = AF_INET6 };

	if (ipc_expect(m, sizeof(*q)) < 0 || q->ifindex <= 0 || q->len < 16 ||
	    q->len > sizeof(q->data) || q->data[0] != ND_ROUTER_ADVERT) {
		log_err("kernel side: invalid Router Advertisement request from the engine");
		return;
	}
	inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
	to.sin6_scope_id = (uint32_t)q->ifindex;
	if (sendto(k->icmp_fd, q->data, q->len, MSG_DONTWAIT, (struct sockaddr *)&to,
		   sizeof(to)) < 0)
		log_debug("Router Advertisement on ifindex %d not sent: %s", (int)q->ifindex,
			  strerror(errno));
}

int kern_icmp6_open(struct kern *k)
{
	struct icmp6_filter f;
	int on = 1, off = 0, rcvbuf = 1 << 20, hops = 255;

	k->icmp_fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (k->icmp_fd < 0)
		return -errno;
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ND_ROUTER_ADVERT, &f);
	if (setsockopt(k->icmp_fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) < 0 ||
	    setsockopt(k->icmp_fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) < 0 ||
	    setsockopt(k->icmp_fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) < 0 ||
	    /* RFC 4861 section 6.1.1: a solicitation's hop limit is 255. */
	    setsockopt(k->icmp_fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    /* Our own RAs downstream (DHCPv6-PD) must not come back as if a
	     * router there had sent them. */
	    setsockopt(k->icmp_fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off)) < 0)
		return -errno;
	setsockopt(k->icmp_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	k->icmp_ev = event_new(k->base, k->icmp_fd, EV_READ | EV_PERSIST, kern_icmp6_cb, k);
	if (!k->icmp_ev || event_add(k->icmp_ev, NULL) < 0)
		return -ENOMEM;
	return 0;
}

void kern_icmp6_close(struct kern *k)
{
	if (k->icmp_ev)
		event_free(k->icmp_ev);
	if (k->icmp_fd >= 0)
		close(k->icmp_fd);
	k->icmp_ev = NULL;
	k->icmp_fd = -1;
}

/* Stop reading RAs (back-pressure): the socket's buffer keeps what it can;
 * an RA lost there is a lost packet, which RFC 4861 routers repeat. */
void kern_icmp6_pause(struct kern *k, bool pause)
{
	if (!k->icmp_ev)
		return;
	if (pause)
		event_del(k->icmp_ev);
	else
		event_add(k->icmp_ev, NULL);
}

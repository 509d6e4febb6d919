/* SPDX-License-Identifier: MIT */
/* One route request with its acknowledgement (netlink.h). */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "netlink/netlink.h"
#include "proto/nl.h"

int netlink_request(struct nlmsghdr *nlh, unsigned timeout_ms)
{
	uint8_t buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *s;
	struct pollfd pfd;
	ssize_t n;
	int r;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r = netlink_open(0, 0, &s);
	if (r < 0)
		return r;
	if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0) {
		r = -errno;
		goto out;
	}
	/* The kernel answers a request at once; the timeout is only a bound. */
	pfd.fd = mnl_socket_get_fd(s);
	pfd.events = POLLIN;
	if (poll(&pfd, 1, (int)timeout_ms) != 1) {
		r = -ETIMEDOUT;
		goto out;
	}
	n = mnl_socket_recvfrom(s, buf, sizeof(buf));
	if (n < 0) {
		r = -errno;
		goto out;
	}
	r = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, mnl_socket_get_portid(s), NULL, NULL) < 0 ?
		    -errno : 0;
out:
	mnl_socket_close(s);
	return r;
}

int netlink_route_dev(bool add, uint8_t family, const uint8_t *dst, uint8_t plen,
		      int oif, uint32_t table)
{
	uint8_t buf[MNL_SOCKET_BUFFER_SIZE];
	struct nl_route rt;
	struct nlmsghdr *nlh;

	if ((family != AF_INET && family != AF_INET6) || oif <= 0)
		return -EINVAL;
	memset(&rt, 0, sizeof(rt));
	rt.family = family;
	rt.dst_len = plen;
	rt.protocol = 4;        /* RTPROT_STATIC */
	rt.table = table;
	rt.oif = oif;
	memcpy(rt.dst, dst, family == AF_INET ? 4 : 16);
	nlh = nl_build_route(buf, sizeof(buf), add, &rt, 1);
	if (!nlh)
		return -EINVAL;
	return netlink_request(nlh, 2000);
}

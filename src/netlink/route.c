/* SPDX-License-Identifier: MIT */
/* One route request with its acknowledgement (netlink.h). */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "netlink/netlink.h"
#include "proto/nl.h"

int netlink_route_dev(bool add, uint8_t family, const uint8_t *dst, uint8_t plen,
		      int oif, uint32_t table)
{
	uint8_t buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *s;
	struct nl_route rt;
	struct nlmsghdr *nlh;
	struct pollfd pfd;
	ssize_t n;
	int r;

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
	r = netlink_open(0, 0, &s);
	if (r < 0)
		return r;
	if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0) {
		r = -errno;
		goto out;
	}
	/* The kernel answers a request at once; 2 s is only a bound. */
	pfd.fd = mnl_socket_get_fd(s);
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 2000) != 1) {
		r = -ETIMEDOUT;
		goto out;
	}
	n = mnl_socket_recvfrom(s, buf, sizeof(buf));
	if (n < 0) {
		r = -errno;
		goto out;
	}
	r = mnl_cb_run(buf, (size_t)n, 1, mnl_socket_get_portid(s), NULL, NULL) < 0 ? -errno : 0;
out:
	mnl_socket_close(s);
	return r;
}

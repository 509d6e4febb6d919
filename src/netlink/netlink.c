/* SPDX-License-Identifier: MIT */
/* rtnetlink sockets and per-interface sysctls (netlink.h). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netlink/netlink.h"

int netlink_open(unsigned groups, int rcvbuf, struct mnl_socket **ret_sock)
{
	struct mnl_socket *s = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	int fd, r;

	if (!s)
		return -errno;
	if (mnl_socket_bind(s, groups, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		mnl_socket_close(s);
		return r;
	}
	/* A large buffer makes event overflow (and a full resync) rare;
	 * FORCE passes rmem_max with CAP_NET_ADMIN. */
	fd = mnl_socket_get_fd(s);
	if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	*ret_sock = s;
	return 0;
}

static bool sysctl_name_ok(const char *s, size_t max)
{
	size_t n = s ? strnlen(s, max) : 0;

	return n > 0 && n < max && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

int sysctl_set_link(const char *family, const char *ifname, const char *knob,
		    const char *value)
{
	char path[160];
	size_t len;
	ssize_t w;
	int fd, r = 0;

	if ((strcmp(family, "ipv4") != 0 && strcmp(family, "ipv6") != 0) ||
	    !sysctl_name_ok(ifname, IFNAMSIZ) || !sysctl_name_ok(knob, 64) || !value)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", family, ifname, knob);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = strlen(value);
	w = write(fd, value, len);
	if (w < 0)
		r = -errno;
	else if ((size_t)w != len)
		r = -EIO;
	close(fd);
	return r;
}

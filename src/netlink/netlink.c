/* SPDX-License-Identifier: MIT */
/* rtnetlink sockets and per-interface sysctls (netlink.h). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
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

static int sysctl_path(const char *family, const char *ifname, const char *knob,
		       char path[static 160])
{
	if (!family || (strcmp(family, "ipv4") != 0 && strcmp(family, "ipv6") != 0) ||
	    !sysctl_name_ok(ifname, IFNAMSIZ) || !sysctl_name_ok(knob, 64))
		return -EINVAL;
	snprintf(path, 160, "/proc/sys/net/%s/conf/%s/%s", family, ifname, knob);
	return 0;
}

int sysctl_set_link(const char *family, const char *ifname, const char *knob,
		    const char *value)
{
	char path[160];
	size_t len;
	ssize_t w;
	int fd, r;

	if (!value || (r = sysctl_path(family, ifname, knob, path)) < 0)
		return -EINVAL;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = strlen(value);
	w = write(fd, value, len);
	r = 0;
	if (w < 0)
		r = -errno;
	else if ((size_t)w != len)
		r = -EIO;
	close(fd);
	return r;
}

int sysctl_get_link(const char *family, const char *ifname, const char *knob, char *buf,
		    size_t len)
{
	char path[160], tmp[256];
	ssize_t n;
	int fd, r;

	if (len < 2)
		return -EINVAL;
	if ((r = sysctl_path(family, ifname, knob, path)) < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, tmp, sizeof(tmp) - 1);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	if (n > 0 && tmp[n - 1] == '\n')
		n--;
	if ((size_t)n >= len || (size_t)n >= sizeof(tmp) - 2)
		return -ENOSPC;         /* longer than we can hold: never half a value */
	memcpy(buf, tmp, (size_t)n);
	buf[n] = '\0';
	return 0;
}

int sysctl_get_link_u32(const char *family, const char *ifname, const char *knob,
			uint32_t *ret_value)
{
	char buf[24], *end;
	unsigned long v;
	int r = sysctl_get_link(family, ifname, knob, buf, sizeof(buf));

	if (r == -ENOSPC)
		return -EBADMSG;
	if (r < 0)
		return r;
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (end == buf || *end || errno || v > UINT32_MAX)
		return -EBADMSG;
	*ret_value = (uint32_t)v;
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* The carrier of a link, read from sysfs (carrier.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <unistd.h>

#include "netlink/carrier.h"

int carrier_open(const char *ifname)
{
	char path[64 + IFNAMSIZ];
	int fd;

	if (snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", ifname) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int carrier_read(int fd)
{
	char c[4];
	ssize_t n = pread(fd, c, sizeof(c), 0);

	if (n < 0)
		return errno == EINVAL ? 0 : -errno;
	if (n == 0)
		return -EIO;
	return c[0] == '1';
}

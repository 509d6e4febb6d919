/* SPDX-License-Identifier: MIT */
#include "common/unixsock.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int unixsock_listen(const char *path, int type)
{
	return unixsock_listen_mode(path, type, 0666);
}

int unixsock_listen_mode(const char *path, int type, mode_t mode)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, r;
	mode_t old;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		close(fd);
		return -EADDRINUSE;
	}
	unlink(path);
	/* No window in which the socket exists with a narrower mode. */
	old = umask(0777 & ~mode);
	r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (r < 0 || chmod(path, mode) < 0 || listen(fd, 32) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

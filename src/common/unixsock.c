/* SPDX-License-Identifier: MIT */
#include "common/unixsock.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Remove path if it is a socket; 0 when nothing is there (any more). */
static int unixsock_stale(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

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
	/* Only a stale socket (no one answered above) is ours to remove: a
	 * path that names a file, directory or anything else is a mistake
	 * in the configuration, and removing it would lose what is there. */
	r = unixsock_stale(path);
	if (r < 0) {
		close(fd);
		return r;
	}
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

const char *unixsock_why(int err)
{
	switch (err) {
	case -EADDRINUSE:
		return "something listens there already";
	case -ENOTSOCK:
		return "a file that is not a socket is there";
	default:
		return strerror(-err);
	}
}

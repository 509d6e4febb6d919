/* SPDX-License-Identifier: MIT */
/* libmif: bind a socket to a PvD through mifd's bind socket (mif.h). */
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "mif/mif.h"
#include "pvd_priv.h"

#define MIF_BIND_MAX_REPLY 4096

/* Wait until s is ready for ev, or the deadline: 0, -ETIMEDOUT, -errno. */
static int mif_bind_wait(int s, short ev, long long deadline)
{
	struct pollfd p = { .fd = s, .events = ev };
	int r;

	do
		r = poll(&p, 1, mif_priv_left(deadline));
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r == 0 ? -ETIMEDOUT : 0;
}

/* Send {"pvd": pvd} with fd attached, as one message. */
static int mif_bind_send(int s, int fd, const char *pvd, long long deadline)
{
	union mif_priv_fdbuf cb;
	json_t *o = json_pack("{s:s}", "pvd", pvd);
	char *txt = o ? json_dumps(o, JSON_COMPACT) : NULL;
	struct iovec iov;
	struct msghdr m;
	ssize_t w;
	int e;

	json_decref(o);
	if (!txt)
		return -ENOMEM;
	iov.iov_base = txt;
	iov.iov_len = strlen(txt);
	mif_priv_fd_msg(&m, &iov, &cb, fd);
	for (;;) {
		w = sendmsg(s, &m, MSG_NOSIGNAL);
		e = w < 0 ? -errno : 0;
		if (e == -EAGAIN)
			e = mif_bind_wait(s, POLLOUT, deadline);   /* 0: writable, again */
		else if (e != -EINTR)
			break;
		if (e < 0)
			break;
	}
	free(txt);
	return e == -EPIPE ? -ECONNRESET : e;
}

/* Wait for one reply message; descriptors in it (there should be none)
 * are closed. Returns its length or a negative errno. */
static ssize_t mif_bind_recv(int s, char *buf, size_t cap, long long deadline)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int) * 4)];
	} cb;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *h;
	ssize_t n;
	int r = mif_bind_wait(s, POLLIN, deadline);

	if (r < 0)
		return r;
	m.msg_control = cb.b;
	m.msg_controllen = sizeof(cb.b);
	n = recvmsg(s, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	for (h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h))
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
			for (size_t i = 0; i < (h->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
				int x;

				memcpy(&x, CMSG_DATA(h) + i * sizeof(int), sizeof(int));
				close(x);
			}
	if (n == 0)
		return -ECONNRESET;
	return (m.msg_flags & MSG_TRUNC) ? -EPROTO : n;
}

/* A connection to the bind socket beside the control socket at path, or a
 * negative errno with err filled. */
static int mif_bind_open(const char *path, long long deadline, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int s, r;

	path = paths_ctl_socket(path, MIF_DEFAULT_SOCKET_PATH);
	if (paths_bind_socket(path, sun.sun_path, sizeof(sun.sun_path)) < 0)
		return mif_priv_err(err, errlen, -ENAMETOOLONG, "socket path too long");
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return mif_priv_err(err, errlen, -errno, "socket: %s", strerror(errno));
	r = mif_priv_unix_connect(s, &sun, deadline);
	if (r == 0)
		return s;
	close(s);
	if (r == -ETIMEDOUT)
		return mif_priv_err(err, errlen, r, "mifd did not accept a connection at %s within "
				    "%d ms (busy or stalled)", sun.sun_path, MIF_BIND_TIMEOUT_MS);
	if (r == -ENOENT)
		r = -ECONNREFUSED;
	return mif_priv_err(err, errlen, r, "cannot reach mifd at %s: %s%s", sun.sun_path,
			    strerror(-r), r == -ECONNREFUSED ? " (is mifd running?)" : "");
}

/* MIF_BIND_TIMEOUT_MS covers the whole call: connect, send and answer. */
MIF_EXPORT int mif_bind_pvd(const char *path, int fd, const char *pvd, char *err, size_t errlen)
{
	long long deadline = clock_mono_ms() + MIF_BIND_TIMEOUT_MS;
	char buf[MIF_BIND_MAX_REPLY];
	ssize_t n;
	int s, r;

	if (err && errlen)
		err[0] = '\0';
	if (!pvd || !*pvd)
		return mif_priv_err(err, errlen, -EINVAL, "no PvD given");
	if (fd < 0)
		return mif_priv_err(err, errlen, -EBADF, "not a descriptor");
	s = mif_bind_open(path, deadline, err, errlen);
	if (s < 0)
		return s;
	r = mif_bind_send(s, fd, pvd, deadline);
	/* mifd may refuse a connection at once (too many) and close it before
	 * the request is sent: its answer is still there to read. */
	n = r < 0 && r != -ECONNRESET ? r : mif_bind_recv(s, buf, sizeof(buf), deadline);
	/* A reset can be reported before the reply it followed: read again. */
	if (n == -ECONNRESET)
		n = mif_bind_recv(s, buf, sizeof(buf), deadline);
	close(s);
	if (n == -ETIMEDOUT)
		return mif_priv_err(err, errlen, -ETIMEDOUT, "mifd did not answer within %d ms",
				    MIF_BIND_TIMEOUT_MS);
	if (n == -EPROTO)
		return mif_priv_err(err, errlen, -EPROTO, "mifd's reply is too long");
	if (n < 0)
		return mif_priv_err(err, errlen, (int)n, "talking to mifd: %s", strerror((int)-n));
	return mif_priv_bind_reply(buf, (size_t)n, false, err, errlen);
}

/* SPDX-License-Identifier: MIT */
#include "common/ipc.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

int ipc_pair(int fds[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) < 0)
		return -errno;
	return 0;
}

int ipc_send(int fd, uint32_t type, const void *data, size_t len)
{
	return ipc_send_fd(fd, type, data, len, -1);
}

int ipc_send_fd(int fd, uint32_t type, const void *data, size_t len, int pass)
{
	struct ipc_hdr h = { .type = type, .len = (uint32_t)len };
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)(uintptr_t)data, .iov_len = len },
	};
	union {
		struct cmsghdr c;
		char b[CMSG_SPACE(sizeof(int))];
	} cb;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	ssize_t n;

	if (pass >= 0) {
		struct cmsghdr *c;

		memset(&cb, 0, sizeof(cb));
		mh.msg_control = cb.b;
		mh.msg_controllen = sizeof(cb.b);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass, sizeof(int));
	}
	if (len > IPC_MAX_PAYLOAD)
		return -EMSGSIZE;
	do {
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != sizeof(h) + len)
		return -EIO;
	return 0;
}

/* The descriptor in a received message's SCM_RIGHTS, or -1. */
static int ipc_fd_of(struct msghdr *mh)
{
	struct cmsghdr *c;
	int fd = -1;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

int ipc_recv(int fd, struct ipc_msg *m)
{
	struct iovec iov = { .iov_base = m, .iov_len = offsetof(struct ipc_msg, data) +
						       IPC_MAX_PAYLOAD };
	union {
		struct cmsghdr c;
		char b[CMSG_SPACE(sizeof(int))];
	} cb;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb.b,
			     .msg_controllen = sizeof(cb.b) };
	ssize_t n;

	m->fd = -1;
	do {
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (n == 0)
		return 0;
	m->fd = ipc_fd_of(&mh);
	if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) && m->fd >= 0) {
		close(m->fd);
		m->fd = -1;
	}
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		return -EBADMSG;
	if ((size_t)n < sizeof(m->hdr) || m->hdr.len != (size_t)n - sizeof(m->hdr)) {
		/* Refused whole: a descriptor it brought is not the caller's
		 * to keep (a peer could otherwise fill our table with them). */
		if (m->fd >= 0)
			close(m->fd);
		m->fd = -1;
		return -EBADMSG;
	}
	return 1;
}

int ipc_expect(const struct ipc_msg *m, size_t len)
{
	return m->hdr.len == len ? 0 : -EBADMSG;
}

/* SPDX-License-Identifier: MIT */
#include "common/ipc.h"

#include <errno.h>
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
	struct ipc_hdr h = { .type = type, .len = (uint32_t)len };
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)(uintptr_t)data, .iov_len = len },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	ssize_t n;

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

int ipc_recv(int fd, struct ipc_msg *m)
{
	struct iovec iov = { .iov_base = m, .iov_len = sizeof(*m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	do {
		n = recvmsg(fd, &mh, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (n == 0)
		return 0;
	if (mh.msg_flags & MSG_TRUNC)
		return -EBADMSG;
	if ((size_t)n < sizeof(m->hdr) || m->hdr.len != (size_t)n - sizeof(m->hdr))
		return -EBADMSG;
	return 1;
}

int ipc_expect(const struct ipc_msg *m, size_t len)
{
	return m->hdr.len == len ? 0 : -EBADMSG;
}

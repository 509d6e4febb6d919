/* SPDX-License-Identifier: MIT */
/*
 * libmif: mif_connect() (include/mif/pvd.h). Happy Eyeballs (RFC 8305)
 * over mif_resolve()'s RFC 6724 order, every socket bound to the PvD
 * (mif_bind_pvd()'s protocol) and to the source address chosen for its
 * destination.
 *
 * The bind request is part of each attempt, waited for in the same poll()
 * as the connections: a slow answer from mifd neither holds back the next
 * attempt (the 250 ms cadence) nor outlives the call's deadline, and an
 * attempt that connects meanwhile wins at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "mif/mif.h"

#include "pvd_priv.h"

/* RFC 8305 section 5: the recommended Connection Attempt Delay. */
#define MIF_CONN_ATTEMPT_DELAY_MS 250
/* The whole call, when the caller gives no limit. */
#define MIF_CONN_DEFAULT_MS 30000
#define MIF_CONN_MAX 32
/* A bind reply is one small JSON object (doc/control-protocol.md). */
#define MIF_CONN_BIND_REPLY 4096

/*
 * Attempts in progress: pfd[i] is mifd's bind socket while the attempt
 * waits for its answer (binding[i]), then the TCP socket sock[i] while it
 * connects.
 */
struct mif_conn {
	struct mif_addr addr[MIF_CONN_MAX];
	size_t order[MIF_CONN_MAX], n;       /* usable addresses, in trying order */
	struct pollfd pfd[MIF_CONN_MAX];
	size_t pidx[MIF_CONN_MAX], np;
	int sock[MIF_CONN_MAX];
	bool binding[MIF_CONN_MAX];
	struct sockaddr_un bind_addr;        /* mifd's bind socket */
	unsigned tried, refused, failed;
	int other_err;                       /* the first failure other than refused */
	char other_msg[160];
};

/*
 * RFC 8305 section 4: the first address family of the sorted list first,
 * then alternate families (First Address Family Count 1); addresses
 * without a source in the PvD are left out.
 */
static void mif_conn_order(struct mif_conn *k, size_t n)
{
	size_t next[2] = { 0, 0 }, fam;

	k->n = 0;
	if (n == 0)
		return;
	fam = k->addr[0].addr.ss_family == AF_INET6;
	while (k->n < n) {
		size_t *i = &next[fam];

		while (*i < n && (k->addr[*i].src_len == 0 ||
				  (k->addr[*i].addr.ss_family == AF_INET6) != fam))
			(*i)++;
		if (*i < n)
			k->order[k->n++] = (*i)++;
		fam = !fam;
		if (next[0] >= n && next[1] >= n)
			break;
	}
}

/* mifd's bind socket: beside the control socket c is connected to (read
 * back from the connection), "X.sock" -> "X-bind.sock" as mif_bind_pvd()
 * and mifd name it. */
static int mif_conn_path(struct mif_ctl *c, struct mif_conn *k, char *err, size_t errlen)
{
	struct sockaddr_un peer;
	socklen_t len = sizeof(peer);
	const char *ctl = NULL;

	if (getpeername(mif_ctl_fd(c), (struct sockaddr *)&peer, &len) == 0 &&
	    peer.sun_family == AF_UNIX && len > offsetof(struct sockaddr_un, sun_path) &&
	    peer.sun_path[0]) {
		peer.sun_path[sizeof(peer.sun_path) - 1] = '\0';
		ctl = peer.sun_path;
	}
	k->bind_addr.sun_family = AF_UNIX;
	if (paths_bind_socket(paths_ctl_socket(ctl, MIF_DEFAULT_SOCKET_PATH), k->bind_addr.sun_path,
			      sizeof(k->bind_addr.sun_path)) < 0)
		return mif_priv_err(err, errlen, -ENAMETOOLONG, "mifd's socket path is too long");
	return 0;
}

static void mif_conn_fail(struct mif_conn *k, int e, const struct mif_addr *a)
{
	char b[INET6_ADDRSTRLEN] = "?";
	const void *p = a->addr.ss_family == AF_INET6 ?
		(const void *)&((const struct sockaddr_in6 *)&a->addr)->sin6_addr :
		(const void *)&((const struct sockaddr_in *)&a->addr)->sin_addr;

	k->failed++;
	if (e == -ECONNREFUSED) {
		k->refused++;
		return;
	}
	if (k->other_err)
		return;
	k->other_err = e;
	inet_ntop(a->addr.ss_family, p, b, sizeof(b));
	snprintf(k->other_msg, sizeof(k->other_msg), "%s: %s", b, strerror(-e));
}

/* Send mifd's bind socket {"pvd": H} with fd attached (mif_bind_pvd()'s
 * request); the connected bind socket, or a negative errno. */
static int mif_conn_bind_send(struct mif_conn *k, int fd, mif_pvd_handle pvd)
{
	union mif_priv_fdbuf cb;
	char txt[64];
	struct iovec iov = { .iov_base = txt };
	struct msghdr m;
	int s, e = 0;

	iov.iov_len = (size_t)snprintf(txt, sizeof(txt), "{\"pvd\":\"%llu\"}",
				       (unsigned long long)pvd);
	mif_priv_fd_msg(&m, &iov, &cb, fd);
	/* Non-blocking: a full backlog is an error now, not a wait past the
	 * deadline; a fresh socket always has room for one small request. */
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return -errno;
	if (connect(s, (const struct sockaddr *)&k->bind_addr, sizeof(k->bind_addr)) < 0)
		e = errno == ENOENT ? -ECONNREFUSED : -errno;
	if (e == 0 && sendmsg(s, &m, MSG_NOSIGNAL) < 0)
		e = errno == EPIPE ? -ECONNRESET : -errno;
	if (e < 0) {
		close(s);
		return e;
	}
	return s;
}

/* mifd's answer on bind socket s: 0, or its negative errno and message. */
static int mif_conn_bind_reply(int s, char *err, size_t errlen)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int) * 4)];
	} cb;
	char buf[MIF_CONN_BIND_REPLY];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb.b,
			    .msg_controllen = sizeof(cb.b) };
	ssize_t n = recvmsg(s, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 1;                          /* not yet */
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); n >= 0 && h; h = CMSG_NXTHDR(&m, h))
		for (size_t i = 0; h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS &&
		     i < (h->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int x;

			memcpy(&x, CMSG_DATA(h) + i * sizeof(int), sizeof(int));
			close(x);                  /* there should be none */
		}
	if (n <= 0)
		return mif_priv_err(err, errlen, n < 0 ? -errno : -ECONNRESET,
				    "mifd's bind socket: %s", n < 0 ? strerror(errno) : "closed");
	return mif_priv_bind_reply(buf, (size_t)n, m.msg_flags & MSG_TRUNC, err, errlen);
}

/* Close attempt i and take it out of the list. */
static void mif_conn_drop(struct mif_conn *k, size_t i)
{
	if (k->binding[i])
		close(k->pfd[i].fd);
	close(k->sock[i]);
	k->np--;
	k->pfd[i] = k->pfd[k->np];
	k->pidx[i] = k->pidx[k->np];
	k->sock[i] = k->sock[k->np];
	k->binding[i] = k->binding[k->np];
}

/* A failure that no other address would change: mifd is not running, the
 * PvD has gone, mifd does not speak the protocol. */
static bool mif_conn_is_fatal(int e)
{
	return e == -ENOENT || e == -ECONNREFUSED || e == -EPROTO;
}

/*
 * Start one attempt: a socket, and the request to bind it to the PvD.
 * 1 if it is in progress, 0 if it failed (recorded), a negative errno if
 * the whole call must stop.
 */
static int mif_conn_start(struct mif_conn *k, size_t idx, char *err, size_t errlen)
{
	const struct mif_addr *a = &k->addr[idx];
	int fd, bs;

	k->tried++;
	fd = socket(a->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return mif_conn_fail(k, -errno, a), 0;
	bs = mif_conn_bind_send(k, fd, a->pvd);
	if (bs < 0) {
		close(fd);
		if (bs == -ECONNREFUSED)
			return mif_priv_err(err, errlen, bs, "cannot reach mifd at %s (is mifd "
					    "running?)", k->bind_addr.sun_path);
		return mif_conn_fail(k, bs, a), 0;
	}
	k->pfd[k->np] = (struct pollfd){ .fd = bs, .events = POLLIN };
	k->sock[k->np] = fd;
	k->binding[k->np] = true;
	k->pidx[k->np++] = idx;
	return 1;
}

/* Attempt i's bind answer has come: bind to the source and connect.
 * 0 (connecting, or failed and dropped), or a negative errno that ends
 * the call. */
static int mif_conn_bound(struct mif_conn *k, size_t i, char *err, size_t errlen)
{
	const struct mif_addr *a = &k->addr[k->pidx[i]];
	int fd = k->sock[i], e = mif_conn_bind_reply(k->pfd[i].fd, err, errlen);

	if (e > 0)
		return 0;
	if (mif_conn_is_fatal(e))
		return e;
	if (e == 0 && bind(fd, (const struct sockaddr *)&a->src, a->src_len) < 0)
		e = -errno;
	if (e == 0 && connect(fd, (const struct sockaddr *)&a->addr, a->addr_len) < 0 &&
	    errno != EINPROGRESS)
		e = -errno;
	if (e < 0) {
		mif_conn_fail(k, e, a);
		mif_conn_drop(k, i);
		return 0;
	}
	close(k->pfd[i].fd);
	k->binding[i] = false;
	k->pfd[i] = (struct pollfd){ .fd = fd, .events = POLLOUT };
	return 0;
}

/* Check the attempts poll() reported: *won is the index of a connected
 * one, or -1 (failed ones are closed and removed). 0, or a negative errno
 * that ends the call. */
static int mif_conn_reap(struct mif_conn *k, int *won, char *err, size_t errlen)
{
	*won = -1;
	for (size_t i = 0; i < k->np; i++) {
		int so = 0, e;
		socklen_t len = sizeof(so);

		if (!k->pfd[i].revents)
			continue;
		if (k->binding[i]) {
			size_t np = k->np;

			if ((e = mif_conn_bound(k, i, err, errlen)) < 0)
				return e;
			if (k->np < np)
				i--;               /* dropped: i holds another one now */
			continue;
		}
		if (getsockopt(k->sock[i], SOL_SOCKET, SO_ERROR, &so, &len) < 0)
			so = errno;
		if (so == 0 && !(k->pfd[i].revents & (POLLERR | POLLHUP))) {
			*won = (int)i;
			return 0;
		}
		mif_conn_fail(k, so ? -so : -ECONNRESET, &k->addr[k->pidx[i]]);
		mif_conn_drop(k, i);
		i--;
	}
	return 0;
}

static void mif_conn_close_all(struct mif_conn *k, int keep)
{
	for (size_t i = 0; i < k->np; i++) {
		if (k->binding[i])
			close(k->pfd[i].fd);
		if ((int)i != keep)
			close(k->sock[i]);
	}
	k->np = 0;
}

/* The error of a call in which every attempt failed. */
static int mif_conn_all_failed(struct mif_conn *k, const char *name, char *err, size_t errlen)
{
	if (k->tried == 0)
		return mif_priv_err(err, errlen, -ENETUNREACH, "%s: no address of a family the "
				    "PvD has a source address for", name);
	if (k->refused == k->tried)
		return mif_priv_err(err, errlen, -ECONNREFUSED, "%s: every address refused the "
				    "connection (%u tried)", name, k->tried);
	return mif_priv_err(err, errlen, k->other_err, "%s: %u address(es) tried, none "
			    "connected (%s)", name, k->tried, k->other_msg);
}

/* A fatal failure of mif_conn_start() or mif_conn_reap(), with its
 * sentence (err already says why, but for a PvD that has gone). */
static int mif_conn_fatal(int e, char *err, size_t errlen)
{
	if (e == -ENOENT)
		return mif_priv_err(err, errlen, e, "the PvD has gone");
	return e;
}

/* How long poll() may wait: until the deadline, or the next attempt. */
static int mif_conn_wait(const struct mif_conn *k, size_t next, long long now,
			 long long next_at, long long deadline)
{
	long long w = deadline - now;

	if (next < k->n && next_at - now < w)
		w = next_at - now;
	return w < 0 ? 0 : (int)w;
}

/* The attempts themselves (RFC 8305 section 5): a new one every 250 ms
 * from the start of the last (its bind request included), or as soon as
 * one fails; the first to connect wins. The index of the winner in pfd. */
static int mif_conn_run(struct mif_conn *k, const char *name, long long deadline, char *err,
			size_t errlen)
{
	size_t next = 0;
	long long next_at = 0;

	for (;;) {
		long long now = clock_mono_ms();
		unsigned failed = k->failed;
		int r, won;

		if (now >= deadline && (k->np || next < k->n))
			return mif_priv_err(err, errlen, -ETIMEDOUT, "%s: no connection within the "
					    "time given (%u address(es) tried)", name, k->tried);
		if (next < k->n && (k->np == 0 || now >= next_at)) {
			r = mif_conn_start(k, k->order[next++], err, errlen);
			if (r < 0)
				return mif_conn_fatal(r, err, errlen);
			next_at = r ? now + MIF_CONN_ATTEMPT_DELAY_MS : now;
			continue;
		}
		if (k->np == 0)
			return mif_conn_all_failed(k, name, err, errlen);
		r = poll(k->pfd, k->np, mif_conn_wait(k, next, now, next_at, deadline));
		if (r < 0 && errno != EINTR)
			return mif_priv_err(err, errlen, -errno, "poll: %s", strerror(errno));
		if (r <= 0)
			continue;
		if ((r = mif_conn_reap(k, &won, err, errlen)) < 0)
			return mif_conn_fatal(r, err, errlen);
		if (won >= 0)
			return won;
		if (k->failed != failed)
			next_at = 0;       /* one failed: start the next now */
	}
}

MIF_EXPORT int mif_connect(struct mif_ctl *c, const char *pvd, const char *name, uint16_t port,
			   int timeout_ms, char *err, size_t errlen)
{
	long long deadline = clock_mono_ms() + (timeout_ms > 0 ? timeout_ms : MIF_CONN_DEFAULT_MS);
	struct mif_conn *k;
	size_t n = 0;
	int r, fd;

	if (err && errlen)
		err[0] = '\0';
	if (!c)
		return mif_priv_err(err, errlen, -EINVAL, "no connection to mifd");
	k = calloc(1, sizeof(*k));
	if (!k)
		return mif_priv_err(err, errlen, -ENOMEM, "out of memory");
	r = mif_priv_resolve(c, pvd, name, port, k->addr, MIF_CONN_MAX, &n, deadline, err, errlen);
	if (r == 0) {
		mif_conn_order(k, n);
		r = mif_conn_path(c, k, err, errlen);
	}
	if (r == 0)
		r = mif_conn_run(k, name, deadline, err, errlen);
	if (r < 0) {
		mif_conn_close_all(k, -1);
		free(k);
		return r;
	}
	fd = k->sock[r];
	mif_conn_close_all(k, r);
	free(k);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		r = -errno;
		close(fd);
		return mif_priv_err(err, errlen, r, "fcntl: %s", strerror(-r));
	}
	if (err && errlen)
		err[0] = '\0';
	return fd;
}

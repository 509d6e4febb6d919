/* SPDX-License-Identifier: MIT */
/*
 * libmif: mif_connect() and mif_connect_ex() (include/mif/pvd.h), the
 * attempts; the race between PvDs is in connect_race.c. Happy
 * Eyeballs (RFC 8305) across networks: the first permitted PvD is
 * resolved at once (AAAA and A together, each on its own connection, RFC
 * 8305 section 3: AAAA's addresses at once, A's after a 50 ms Resolution
 * Delay unless AAAA's came) and its attempts start as soon as its
 * answers are in; the next PvD's turn comes
 * one Connection Attempt Delay later (RFC 8305 section 5, 250 ms), or at
 * once when the ones before failed: its resolution (over a control
 * connection of its own, so that one network's slow servers hold back no
 * other) and then its attempts; and so on. Within a PvD its addresses go
 * in RFC 6724 order, families interleaved, one attempt per delay. The first socket to
 * connect wins, the others are closed. Every socket is bound to its PvD
 * (mif_bind_pvd()'s protocol) and to the source address chosen for its
 * destination.
 *
 * The bind request is part of each attempt, waited for in the same poll()
 * as the connections and the resolutions: a slow answer from mifd neither
 * holds back the next attempt nor outlives the call's deadline, and an
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

#include "connect_priv.h"

/*
 * RFC 8305 section 4: the first address family of the sorted list first,
 * then alternate families (First Address Family Count 1); addresses
 * without a source in the PvD are left out. The indexes of addr[base ..
 * base + n) written to out; returns how many.
 */
size_t mif_conn_order(const struct mif_conn *k, size_t base, size_t n, size_t *out)
{
	size_t next[2] = { base, base }, end = base + n, w = 0;
	int fam;

	if (n == 0)
		return 0;
	fam = k->addr[base].addr.ss_family == AF_INET6;
	for (;;) {
		size_t *i = &next[fam];

		while (*i < end && (k->addr[*i].src_len == 0 ||
				    (k->addr[*i].addr.ss_family == AF_INET6) != fam))
			(*i)++;
		if (*i < end)
			out[w++] = (*i)++;
		fam = !fam;
		if (next[0] >= end && next[1] >= end)
			break;
	}
	return w;
}

/* mifd's bind socket: beside the control socket c is connected to (read
 * back from the connection), "X.sock" -> "X-bind.sock" as mif_bind_pvd()
 * and mifd name it. */
int mif_conn_path(struct mif_ctl *c, struct mif_conn *k, char *err, size_t errlen)
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
	ctl = paths_ctl_socket(ctl, MIF_DEFAULT_SOCKET_PATH);
	k->bind_addr.sun_family = AF_UNIX;
	if (strlen(ctl) >= sizeof(k->ctl_path) ||
	    paths_bind_socket(ctl, k->bind_addr.sun_path, sizeof(k->bind_addr.sun_path)) < 0)
		return mif_priv_err(err, errlen, -ENAMETOOLONG, "mifd's socket path is too long");
	strcpy(k->ctl_path, ctl);
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
	struct mif_conn_pvd *p = &k->pvd[k->apvd[k->pidx[i]]];

	p->pending--;
	p->next_at = 0;            /* one failed: that PvD's next starts now */
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
 * PvD has gone (when it is the only one raced), mifd does not speak the
 * protocol. */
static bool mif_conn_is_fatal(const struct mif_conn *k, int e)
{
	return (e == -ENOENT && k->npvd == 1) || e == -ECONNREFUSED || e == -EPROTO;
}

/*
 * Start one attempt: a socket, and the request to bind it to the PvD.
 * 1 if it is in progress, 0 if it failed (recorded), a negative errno if
 * the whole call must stop.
 */
int mif_conn_start(struct mif_conn *k, size_t idx, char *err, size_t errlen)
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
	k->pvd[k->apvd[idx]].pending++;
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
	if (mif_conn_is_fatal(k, e))
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
int mif_conn_reap(struct mif_conn *k, int *won, char *err, size_t errlen)
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

void mif_conn_close_all(struct mif_conn *k, int keep)
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
int mif_conn_all_failed(struct mif_conn *k, const char *name, char *err, size_t errlen)
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
int mif_conn_fatal(int e, char *err, size_t errlen)
{
	if (e == -ENOENT)
		return mif_priv_err(err, errlen, e, "the PvD has gone");
	return e;
}

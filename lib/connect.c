/* SPDX-License-Identifier: MIT */
/*
 * libmif: mif_connect() (include/mif/pvd.h). Happy Eyeballs (RFC 8305)
 * over mif_resolve()'s RFC 6724 order, every socket bound to the PvD
 * (mif_bind_pvd()) and to the source address chosen for its destination.
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

#include "pvd_priv.h"

/* RFC 8305 section 5: the recommended Connection Attempt Delay. */
#define MIF_CONN_ATTEMPT_DELAY_MS 250
/* The whole call, when the caller gives no limit. */
#define MIF_CONN_DEFAULT_MS 30000
#define MIF_CONN_MAX 32

struct mif_conn {
	struct mif_addr addr[MIF_CONN_MAX];
	size_t order[MIF_CONN_MAX], n;       /* usable addresses, in trying order */
	struct pollfd pfd[MIF_CONN_MAX];
	size_t pidx[MIF_CONN_MAX], np;       /* attempts in progress */
	const char *sock_path;               /* mifd's control socket, for binding */
	struct sockaddr_un peer;
	unsigned tried, refused;
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

/* The control socket's path, read back from the connection. */
static void mif_conn_path(struct mif_ctl *c, struct mif_conn *k)
{
	socklen_t len = sizeof(k->peer);

	k->sock_path = NULL;
	if (getpeername(mif_ctl_fd(c), (struct sockaddr *)&k->peer, &len) == 0 &&
	    k->peer.sun_family == AF_UNIX && len > offsetof(struct sockaddr_un, sun_path) &&
	    k->peer.sun_path[0]) {
		k->peer.sun_path[sizeof(k->peer.sun_path) - 1] = '\0';
		k->sock_path = k->peer.sun_path;
	}
}

static void mif_conn_fail(struct mif_conn *k, int e, const struct mif_addr *a)
{
	char b[INET6_ADDRSTRLEN] = "?";
	const void *p = a->addr.ss_family == AF_INET6 ?
		(const void *)&((const struct sockaddr_in6 *)&a->addr)->sin6_addr :
		(const void *)&((const struct sockaddr_in *)&a->addr)->sin_addr;

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

/*
 * Start one attempt: socket, bound to the PvD and to the source, then a
 * nonblocking connect. 1 if it is in progress, 0 if it failed (recorded),
 * a negative errno if the whole call must stop (the PvD has gone, mifd is
 * not there).
 */
static int mif_conn_start(struct mif_conn *k, size_t idx, char *err, size_t errlen)
{
	const struct mif_addr *a = &k->addr[idx];
	char h[24];
	int fd, e;

	k->tried++;
	fd = socket(a->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return mif_conn_fail(k, -errno, a), 0;
	mif_priv_handle_text(a->pvd, h, sizeof(h));
	e = mif_bind_pvd(k->sock_path, fd, h, err, errlen);
	if (e == -ENOENT || e == -ECONNREFUSED || e == -EPROTO) {
		close(fd);
		return e;
	}
	if (e == 0 && bind(fd, (const struct sockaddr *)&a->src, a->src_len) < 0)
		e = -errno;
	if (e == 0 && connect(fd, (const struct sockaddr *)&a->addr, a->addr_len) < 0 &&
	    errno != EINPROGRESS)
		e = -errno;
	if (e < 0) {
		close(fd);
		return mif_conn_fail(k, e, a), 0;
	}
	k->pfd[k->np] = (struct pollfd){ .fd = fd, .events = POLLOUT };
	k->pidx[k->np++] = idx;
	return 1;
}

/* Check the attempts poll() reported: the index of a connected one in
 * pfd, or -1 (failed ones are closed and removed). */
static int mif_conn_reap(struct mif_conn *k)
{
	for (size_t i = 0; i < k->np; i++) {
		int so = 0;
		socklen_t len = sizeof(so);

		if (!k->pfd[i].revents)
			continue;
		if (getsockopt(k->pfd[i].fd, SOL_SOCKET, SO_ERROR, &so, &len) < 0)
			so = errno;
		if (so == 0 && !(k->pfd[i].revents & (POLLERR | POLLHUP)))
			return (int)i;
		mif_conn_fail(k, so ? -so : -ECONNRESET, &k->addr[k->pidx[i]]);
		close(k->pfd[i].fd);
		k->np--;
		k->pfd[i] = k->pfd[k->np];
		k->pidx[i] = k->pidx[k->np];
		i--;
	}
	return -1;
}

static void mif_conn_close_all(struct mif_conn *k, int keep)
{
	for (size_t i = 0; i < k->np; i++)
		if ((int)i != keep)
			close(k->pfd[i].fd);
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

/* mif_bind_pvd() failed in a way no other address would change. */
static int mif_conn_fatal(int e, char *err, size_t errlen)
{
	if (e == -ENOENT)
		return mif_priv_err(err, errlen, e, "the PvD has gone");
	return e;            /* mif_bind_pvd() said why in err */
}

/* The attempts themselves (RFC 8305 section 5): a new one every 250 ms,
 * or as soon as one fails; the first to connect wins. */
static int mif_conn_run(struct mif_conn *k, const char *name, long long deadline, char *err,
			size_t errlen)
{
	size_t next = 0;
	long long next_at = 0;

	for (;;) {
		long long now = mif_priv_now_ms();
		int wait, r, won;

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
		wait = (int)(deadline - now);
		if (next < k->n && next_at - now < wait)
			wait = (int)(next_at - now);
		r = poll(k->pfd, k->np, wait);
		if (r < 0 && errno != EINTR)
			return mif_priv_err(err, errlen, -errno, "poll: %s", strerror(errno));
		if (r <= 0)
			continue;
		won = mif_conn_reap(k);
		if (won >= 0)
			return won;
		next_at = 0;           /* one failed: start the next now */
	}
}

MIF_EXPORT int mif_connect(struct mif_ctl *c, const char *pvd, const char *name, uint16_t port,
			   int timeout_ms, char *err, size_t errlen)
{
	long long deadline = mif_priv_now_ms() + (timeout_ms > 0 ? timeout_ms : MIF_CONN_DEFAULT_MS);
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
		mif_conn_path(c, k);
		r = mif_conn_run(k, name, deadline, err, errlen);
	}
	if (r < 0) {
		mif_conn_close_all(k, -1);
		free(k);
		return r;
	}
	fd = k->pfd[r].fd;
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

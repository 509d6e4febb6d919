/* SPDX-License-Identifier: MIT */
/*
 * libmif: mif_connect() and mif_connect_ex() (include/mif/pvd.h). Happy
 * Eyeballs (RFC 8305) across networks: every permitted PvD is resolved at
 * once (AAAA and A together, RFC 8305 section 3), each over its own
 * control connection so that one network's slow servers hold back no
 * other; the first PvD's attempts start as soon as its answers are in,
 * the next PvD's one Connection Attempt Delay after that (RFC 8305
 * section 5, 250 ms), and so on; within a PvD its addresses go in RFC 6724
 * order, families interleaved, one attempt per delay. The first socket to
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

#include "pvd_priv.h"

/* RFC 8305 section 5: the recommended Connection Attempt Delay, and the
 * bounds a caller's value is kept in (never below 10 ms; section 8 sets
 * 2 s as the largest sensible one). */
#define MIF_CONN_ATTEMPT_DELAY_MS 250
#define MIF_CONN_DELAY_MIN_MS 10
#define MIF_CONN_DELAY_MAX_MS 2000
/* The whole call, when the caller gives no limit. */
#define MIF_CONN_DEFAULT_MS 30000
#define MIF_CONN_PVDS MIF_CONNECT_MAX_PVDS
#define MIF_CONN_PER_PVD 32
#define MIF_CONN_MAX (MIF_CONN_PVDS * MIF_CONN_PER_PVD)
/* A bind reply is one small JSON object (doc/control-protocol.md). */
#define MIF_CONN_BIND_REPLY 4096
/* route.get for a PvD's address: mifd asks the kernel, 3 s at most. */
#define MIF_CONN_ROUTE_MS 3500

/* One PvD in the race: its resolution, then its addresses'
 * attempts, order[first .. first + n) in trying order. */
struct mif_conn_pvd {
	char id[MIF_PVD_ID_MAX];             /* "" : mifd's choice (one slot) */
	struct mif_ctl *own;                 /* its own control connection, or NULL */
	struct mif_res_job *job;             /* while resolving */
	bool resolved, failed;
	size_t first, n, next;
	unsigned pending;                    /* its attempts in progress */
	bool started;
	long long started_at, next_at;
};

/*
 * Attempts in progress: pfd[i] is mifd's bind socket while the attempt
 * waits for its answer (binding[i]), then the TCP socket sock[i] while it
 * connects. Past np, pfd holds the control sockets of the resolutions.
 */
struct mif_conn {
	struct mif_addr addr[MIF_CONN_MAX];
	size_t apvd[MIF_CONN_MAX];           /* the race slot of each address */
	size_t naddr;
	size_t order[MIF_CONN_MAX], n;       /* usable addresses, per PvD in trying order */
	struct pollfd pfd[MIF_CONN_MAX + MIF_CONN_PVDS];
	size_t pidx[MIF_CONN_MAX], np;
	int sock[MIF_CONN_MAX];
	bool binding[MIF_CONN_MAX];
	struct sockaddr_un bind_addr;        /* mifd's bind socket */
	char ctl_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	unsigned tried, refused, failed;
	int other_err;                       /* the first failure other than refused */
	char other_msg[160];
	struct mif_conn_pvd pvd[MIF_CONN_PVDS];
	size_t npvd;
	bool check_routes;                   /* mifd's order: PvDs past the first need a route */
	int delay;
	long long start, deadline;
	const char *name;
	uint16_t port;
	int res_err;                         /* the first PvD's resolution failure */
	char res_msg[256];
};

/*
 * RFC 8305 section 4: the first address family of the sorted list first,
 * then alternate families (First Address Family Count 1); addresses
 * without a source in the PvD are left out. addr[base .. base + n) are
 * appended to order; returns how many.
 */
static size_t mif_conn_order(struct mif_conn *k, size_t base, size_t n)
{
	size_t next[2] = { base, base }, end = base + n, start = k->n;
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
			k->order[k->n++] = (*i)++;
		fam = !fam;
		if (next[0] >= end && next[1] >= end)
			break;
	}
	return k->n - start;
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

/* Nothing more will come of PvD p: its resolution failed, or every
 * address of it was tried and failed. */
static bool mif_conn_over(const struct mif_conn_pvd *p)
{
	return p->failed || (p->resolved && p->next >= p->n && p->pending == 0);
}

/*
 * When each PvD may start (RFC 8305 section 5 across networks): the first
 * at once; each next one a Connection Attempt Delay after the one before
 * it started (or after that one's own turn, while it still resolves); at
 * once when every one before it is over.
 */
static void mif_conn_open_times(const struct mif_conn *k, long long *open_at)
{
	long long t = k->start;

	for (size_t i = 0; i < k->npvd; i++) {
		const struct mif_conn_pvd *p = &k->pvd[i];

		open_at[i] = t;
		if (!mif_conn_over(p))
			t = (p->started ? p->started_at : t) + k->delay;
	}
}

/* Is there a route to a through PvD h (mifd's route.get)? Only a clear
 * "no route" says no: routing off or a busy mifd keeps the address. */
static bool mif_conn_routed(struct mif_ctl *c, const struct mif_addr *a, long long deadline)
{
	char b[INET6_ADDRSTRLEN], h[24];
	const void *x = a->addr.ss_family == AF_INET6 ?
		(const void *)&((const struct sockaddr_in6 *)&a->addr)->sin6_addr :
		(const void *)&((const struct sockaddr_in *)&a->addr)->sin_addr;
	json_t *o = NULL;
	int left = mif_priv_left(deadline), e;

	if (!inet_ntop(a->addr.ss_family, x, b, sizeof(b)))
		return true;
	mif_priv_handle_text(a->pvd, h, sizeof(h));
	e = mif_priv_call(c, "route.get", json_pack("{s:s,s:s}", "destination", b, "pvd", h), &o,
			  left < MIF_CONN_ROUTE_MS ? left : MIF_CONN_ROUTE_MS, NULL, 0);
	json_decref(o);
	return e != -ENETUNREACH && e != -EHOSTUNREACH;
}

/* PvD p's answers are in: its addresses, in trying order. */
static void mif_conn_resolved(struct mif_conn *k, size_t pi)
{
	struct mif_conn_pvd *p = &k->pvd[pi];
	struct mif_ctl *c = p->own ? p->own : NULL;
	size_t cap = MIF_CONN_MAX - k->naddr, got = 0, base = k->naddr;
	char msg[256] = "";
	int e;

	if (cap > MIF_CONN_PER_PVD)
		cap = MIF_CONN_PER_PVD;
	e = mif_res_job_done(p->job, k->port, &k->addr[base], cap, &got, k->deadline, msg,
			     sizeof(msg));
	mif_res_job_free(p->job);
	p->job = NULL;
	if (e < 0) {
		p->failed = true;
		if (!k->res_err || pi == 0) {
			k->res_err = e;
			snprintf(k->res_msg, sizeof(k->res_msg), "%s", msg);
		}
		return;
	}
	for (size_t i = 0; i < got; i++)
		k->apvd[base + i] = pi;
	k->naddr += got;
	p->resolved = true;
	p->first = k->n;
	p->n = mif_conn_order(k, base, got);
	/* mifd's order: a PvD past the first one is raced only for
	 * destinations it has a route to. */
	if (k->check_routes && pi > 0 && c) {
		size_t w = p->first;

		for (size_t i = p->first; i < p->first + p->n; i++)
			if (mif_conn_routed(c, &k->addr[k->order[i]], k->deadline))
				k->order[w++] = k->order[i];
		k->n = w;
		p->n = w - p->first;
	}
}

/* Read the answers that have come; a PvD whose connection failed is
 * over. */
static void mif_conn_step_res(struct mif_conn *k)
{
	for (size_t i = 0; i < k->npvd; i++) {
		struct mif_conn_pvd *p = &k->pvd[i];
		char msg[256] = "";
		int r;

		if (!p->job)
			continue;
		r = mif_res_job_step(p->job, MIF_PRIV_NOWAIT, msg, sizeof(msg));
		if (r > 0) {
			mif_conn_resolved(k, i);
		} else if (r < 0) {
			mif_res_job_free(p->job);
			p->job = NULL;
			p->failed = true;
			if (!k->res_err || i == 0) {
				k->res_err = r;
				snprintf(k->res_msg, sizeof(k->res_msg), "%s", msg);
			}
		}
	}
}

/* Start every attempt that is due: 1 if one was started, 0 if none, a
 * negative errno that ends the call. */
static int mif_conn_launch(struct mif_conn *k, long long now, char *err, size_t errlen)
{
	long long open_at[MIF_CONN_PVDS];

	mif_conn_open_times(k, open_at);
	for (size_t i = 0; i < k->npvd; i++) {
		struct mif_conn_pvd *p = &k->pvd[i];
		int r;

		if (now < open_at[i] || !p->resolved || p->next >= p->n ||
		    (p->pending && now < p->next_at))
			continue;
		r = mif_conn_start(k, k->order[p->first + p->next++], err, errlen);
		if (r < 0)
			return r;
		if (!p->started) {
			p->started = true;
			p->started_at = now;
		}
		p->next_at = r ? now + k->delay : now;
		return 1;
	}
	return 0;
}

/* How long poll() may wait: until the deadline, a PvD's turn, or the
 * next attempt of a PvD with attempts in progress. */
static int mif_conn_wait(const struct mif_conn *k, long long now)
{
	long long open_at[MIF_CONN_PVDS], w = k->deadline - now;

	mif_conn_open_times(k, open_at);
	for (size_t i = 0; i < k->npvd; i++) {
		const struct mif_conn_pvd *p = &k->pvd[i];
		long long t = now < open_at[i] ? open_at[i] : p->next_at;

		if (p->resolved && p->next < p->n && t - now < w)
			w = t - now;
	}
	return w < 0 ? 0 : (int)w;
}

/* The error when nothing connected and nothing is left to try. */
static int mif_conn_over_err(struct mif_conn *k, char *err, size_t errlen)
{
	if (k->tried == 0 && k->res_err && k->n == 0)
		return mif_priv_err(err, errlen, k->res_err, "%s", k->res_msg);
	return mif_conn_all_failed(k, k->name, err, errlen);
}

/* The race itself: the index in pfd of the winner, or a negative errno. */
static int mif_conn_run(struct mif_conn *k, char *err, size_t errlen)
{
	for (;;) {
		long long now = clock_mono_ms();
		size_t nfd;
		bool over = true;
		int r, won;

		mif_conn_step_res(k);
		for (size_t i = 0; i < k->npvd; i++)
			over &= mif_conn_over(&k->pvd[i]);
		if (over && k->np == 0)
			return mif_conn_over_err(k, err, errlen);
		if (now >= k->deadline)
			return mif_priv_err(err, errlen, -ETIMEDOUT, "%s: no connection within the "
					    "time given (%u address(es) tried)", k->name, k->tried);
		r = mif_conn_launch(k, now, err, errlen);
		if (r < 0)
			return mif_conn_fatal(r, err, errlen);
		if (r > 0)
			continue;
		nfd = k->np;
		for (size_t i = 0; i < k->npvd; i++)
			if (k->pvd[i].job)
				k->pfd[nfd++] = (struct pollfd){ .fd = mif_res_job_fd(k->pvd[i].job),
								 .events = POLLIN };
		r = poll(k->pfd, nfd, mif_conn_wait(k, now));
		if (r < 0 && errno != EINTR)
			return mif_priv_err(err, errlen, -errno, "poll: %s", strerror(errno));
		if (r <= 0)
			continue;
		if ((r = mif_conn_reap(k, &won, err, errlen)) < 0)
			return mif_conn_fatal(r, err, errlen);
		if (won >= 0)
			return won;
	}
}

/* The PvDs to race in mifd's order: those dns.which names for the name
 * (the default PvD first, then the others that answer general names; for
 * a name under a PvD's domain, the PvDs claiming it). 0 and none: mifd's
 * choice in one slot, as mif_resolve(NULL) does. */
static void mif_conn_mifd_order(struct mif_ctl *c, struct mif_conn *k)
{
	json_t *o = NULL, *a, *v;
	size_t i;

	if (mif_priv_call(c, "dns.which", json_pack("{s:s}", "name", k->name), &o,
			  mif_priv_left(k->deadline) < MIF_PRIV_CALL_MS ?
			  mif_priv_left(k->deadline) : MIF_PRIV_CALL_MS, NULL, 0) < 0)
		return;
	a = json_object_get(o, "pvds");
	json_array_foreach(a, i, v) {
		const char *id = json_string_value(json_object_get(v, "pvd"));

		if (!id || !*id || strlen(id) >= MIF_PVD_ID_MAX || k->npvd == MIF_CONN_PVDS)
			continue;
		strcpy(k->pvd[k->npvd++].id, id);
	}
	json_decref(o);
	k->check_routes = k->npvd > 1;
}

/* Start every PvD's resolution: the first on the caller's connection,
 * the others each on a connection of its own (mifd answers one
 * connection's requests in order). */
static int mif_conn_resolve_all(struct mif_ctl *c, struct mif_conn *k, char *err, size_t errlen)
{
	for (size_t i = 0; i < k->npvd; i++) {
		struct mif_conn_pvd *p = &k->pvd[i];
		char msg[256] = "";
		int e = 0;

		if (i > 0)
			e = mif_ctl_open(k->ctl_path, &p->own);
		if (e < 0)
			snprintf(msg, sizeof(msg), "cannot open a connection to mifd: %s",
				 strerror(-e));
		if (e == 0)
			e = mif_res_job_start(i ? p->own : c, p->id[0] ? p->id : NULL, k->name,
					      &p->job, msg, sizeof(msg));
		if (e < 0 && k->npvd == 1)
			return mif_priv_err(err, errlen, e, "%s", msg);
		if (e < 0) {
			p->failed = true;
			if (!k->res_err) {
				k->res_err = e;
				snprintf(k->res_msg, sizeof(k->res_msg), "%s", msg);
			}
		}
	}
	return 0;
}

static void mif_conn_free(struct mif_conn *k, int keep)
{
	mif_conn_close_all(k, keep);
	for (size_t i = 0; i < k->npvd; i++) {
		mif_res_job_free(k->pvd[i].job);
		mif_ctl_close(k->pvd[i].own);
	}
	free(k);
}

/* The caller's options, checked: PvDs and delay. */
static int mif_conn_setup(struct mif_ctl *c, struct mif_conn *k,
			  const struct mif_connect_opts *o, char *err, size_t errlen)
{
	k->delay = o && o->attempt_delay_ms > 0 ? o->attempt_delay_ms : MIF_CONN_ATTEMPT_DELAY_MS;
	if (k->delay < MIF_CONN_DELAY_MIN_MS)
		k->delay = MIF_CONN_DELAY_MIN_MS;
	if (k->delay > MIF_CONN_DELAY_MAX_MS)
		k->delay = MIF_CONN_DELAY_MAX_MS;
	if (o && o->n_pvds > MIF_CONN_PVDS)
		return mif_priv_err(err, errlen, -EINVAL, "at most %d PvDs are raced",
				    MIF_CONN_PVDS);
	for (size_t i = 0; o && i < o->n_pvds; i++) {
		const char *id = o->pvds ? o->pvds[i] : NULL;

		if (!id || !*id || strlen(id) >= MIF_PVD_ID_MAX)
			return mif_priv_err(err, errlen, -EINVAL, "PvD %zu of the list is not a "
					    "valid id", i + 1);
		strcpy(k->pvd[k->npvd++].id, id);
	}
	if (k->npvd == 0)
		mif_conn_mifd_order(c, k);
	if (k->npvd == 0)
		k->npvd = 1;               /* mifd's choice, one slot (id "") */
	return 0;
}

MIF_EXPORT int mif_connect_ex(struct mif_ctl *c, const char *name, uint16_t port,
			      const struct mif_connect_opts *opts, mif_pvd_handle *ret_pvd,
			      char *err, size_t errlen)
{
	int timeout_ms = opts ? opts->timeout_ms : 0;
	struct mif_conn *k;
	int r, fd;

	if (err && errlen)
		err[0] = '\0';
	if (!c)
		return mif_priv_err(err, errlen, -EINVAL, "no connection to mifd");
	if (!name || !*name)
		return mif_priv_err(err, errlen, -EINVAL, "no name");
	k = calloc(1, sizeof(*k));
	if (!k)
		return mif_priv_err(err, errlen, -ENOMEM, "out of memory");
	k->start = clock_mono_ms();
	k->deadline = k->start + (timeout_ms > 0 ? timeout_ms : MIF_CONN_DEFAULT_MS);
	k->name = name;
	k->port = port;
	r = mif_conn_path(c, k, err, errlen);
	if (r == 0)
		r = mif_conn_setup(c, k, opts, err, errlen);
	if (r == 0)
		r = mif_conn_resolve_all(c, k, err, errlen);
	if (r == 0)
		r = mif_conn_run(k, err, errlen);
	if (r < 0) {
		mif_conn_free(k, -1);
		return r;
	}
	fd = k->sock[r];
	if (ret_pvd)
		*ret_pvd = k->addr[k->pidx[r]].pvd;
	mif_conn_free(k, r);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		r = -errno;
		close(fd);
		return mif_priv_err(err, errlen, r, "fcntl: %s", strerror(-r));
	}
	if (err && errlen)
		err[0] = '\0';
	return fd;
}

MIF_EXPORT int mif_connect(struct mif_ctl *c, const char *pvd, const char *name, uint16_t port,
			   int timeout_ms, char *err, size_t errlen)
{
	struct mif_connect_opts o = { .pvds = &pvd, .n_pvds = pvd ? 1 : 0,
				      .timeout_ms = timeout_ms };

	return mif_connect_ex(c, name, port, &o, NULL, err, errlen);
}

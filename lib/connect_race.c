/* SPDX-License-Identifier: MIT */
/*
 * libmif: mif_connect() and mif_connect_ex(), the race between PvDs (RFC
 * 8305 across networks, see connect.c for the whole): each PvD's turn one
 * Connection Attempt Delay after the one before, its resolution begun
 * then; the first connected socket wins.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mif/mif.h"

#include "connect_priv.h"

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

		if (((p->resolved && p->next < p->n) || !p->begun) && t - now < w)
			w = t - now;
	}
	return w < 0 ? 0 : (int)w;
}

/*
 * Start PvD i's resolution: the first on the caller's connection, the
 * others each on a connection of its own (mifd answers one connection's
 * requests in order, and a slow network must hold back no other). A
 * failure makes the PvD over; a negative errno only when it is the only
 * PvD (the call's error, as for one PvD before).
 */
static int mif_conn_begin(struct mif_conn *k, size_t i, char *err, size_t errlen)
{
	struct mif_conn_pvd *p = &k->pvd[i];
	char msg[256] = "";
	int e = 0;

	p->begun = true;
	if (i > 0)
		e = mif_ctl_open(k->ctl_path, &p->own);
	if (e < 0)
		snprintf(msg, sizeof(msg), "cannot open a connection to mifd: %s", strerror(-e));
	if (e == 0)
		e = mif_res_job_start(i ? p->own : k->c, p->id[0] ? p->id : NULL, k->name,
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
	return 0;
}

/* Begin the resolution of every PvD whose turn has come: a name is asked
 * of a network only when its attempts may start (RFC 8305 section 5
 * across networks), so that when the first network connects within the
 * delay, the others never see the name. */
static void mif_conn_begin_due(struct mif_conn *k, long long now)
{
	long long open_at[MIF_CONN_PVDS];

	mif_conn_open_times(k, open_at);
	for (size_t i = 1; i < k->npvd; i++)
		if (!k->pvd[i].begun && now >= open_at[i])
			mif_conn_begin(k, i, NULL, 0);
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

		mif_conn_begin_due(k, now);
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
	k->c = c;
	r = mif_conn_path(c, k, err, errlen);
	if (r == 0)
		r = mif_conn_setup(c, k, opts, err, errlen);
	if (r == 0)
		r = mif_conn_begin(k, 0, err, errlen);
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

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
	return p->failed || (p->res_done && p->next >= p->n && p->pending == 0);
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

/* Remember the first PvD's resolution failure (or any, when none yet). */
static void mif_conn_res_fail(struct mif_conn *k, size_t pi, int e, const char *msg)
{
	if (!k->res_err || pi == 0) {
		k->res_err = e;
		snprintf(k->res_msg, sizeof(k->res_msg), "%s", msg);
	}
}

/* The family of the address at trying position i. */
static bool mif_conn_is_v6(const struct mif_conn *k, size_t i)
{
	return k->addr[k->order[i]].addr.ss_family == AF_INET6;
}

/*
 * Put fresh addresses (one family's, or both) into PvD p's trying order:
 * the ones not tried yet and the fresh ones alternate (RFC 8305 section
 * 4), the fresh family first unless it is the family tried last.
 */
static void mif_conn_merge(struct mif_conn *k, struct mif_conn_pvd *p, const size_t *fresh,
			   size_t nf)
{
	size_t rest[MIF_CONN_PER_PVD], nr = p->n - p->next, *o = &k->order[p->first + p->next];
	size_t i = 0, j = 0, w = 0;
	bool fresh_turn = true;

	memcpy(rest, o, nr * sizeof(*rest));
	if (p->next > 0 && nf > 0) {
		bool last6 = mif_conn_is_v6(k, p->first + p->next - 1);

		fresh_turn = (k->addr[fresh[0]].addr.ss_family == AF_INET6) != last6;
	}
	while (i < nf || j < nr) {
		if ((fresh_turn && i < nf) || j >= nr)
			o[w++] = fresh[i++];
		else
			o[w++] = rest[j++];
		fresh_turn = !fresh_turn;
	}
	p->n = p->next + w;
}

/* The answers of families fams of PvD pi are in: its addresses join its
 * trying order. */
static void mif_conn_add(struct mif_conn *k, size_t pi, unsigned fams)
{
	struct mif_conn_pvd *p = &k->pvd[pi];
	size_t at = p->first + p->naddr, got = 0, fresh[MIF_CONN_PER_PVD], nf, w = 0;
	char msg[256] = "";

	p->added |= fams;
	if (mif_res_job_done(p->job, fams, k->port, &k->addr[at], MIF_CONN_PER_PVD - p->naddr,
			     &got, k->deadline, msg, sizeof(msg)) < 0)
		return;                /* the family has none: judged when all are in */
	for (size_t i = 0; i < got; i++)
		k->apvd[at + i] = pi;
	p->naddr += got;
	nf = mif_conn_order(k, at, got, fresh);
	/* mifd's order: a PvD past the first one is raced only for
	 * destinations it has a route to. */
	for (size_t i = 0; i < nf; i++)
		if (!k->check_routes || pi == 0 || !p->own ||
		    mif_conn_routed(p->own, &k->addr[fresh[i]], k->deadline))
			fresh[w++] = fresh[i];
	mif_conn_merge(k, p, fresh, w);
}

/* Every answer of PvD pi is in: the resolution is over, and a failure if
 * it gave no address at all (with the error of both answers). */
static void mif_conn_res_end(struct mif_conn *k, size_t pi)
{
	struct mif_conn_pvd *p = &k->pvd[pi];
	char msg[256] = "";
	size_t none;
	int e;

	if (p->naddr == 0) {
		e = mif_res_job_done(p->job, MIF_RES_V6 | MIF_RES_V4, k->port, NULL, 0, &none,
				     k->deadline, msg, sizeof(msg));
		p->failed = true;
		mif_conn_res_fail(k, pi, e < 0 ? e : -ENODATA, msg);
	}
	mif_res_job_free(p->job);
	p->job = NULL;
	p->res_done = true;
}

/*
 * Take PvD pi's answers that have come. RFC 8305 section 3: AAAA's
 * addresses at once; A's at once if AAAA's are in, else after the
 * Resolution Delay unless AAAA's come meanwhile. mifd's choice (no PvD
 * named) waits for both: its answers name the PvD to load.
 */
static void mif_conn_take(struct mif_conn *k, size_t pi, bool all, long long now)
{
	struct mif_conn_pvd *p = &k->pvd[pi];
	unsigned ready = mif_res_job_ready(p->job) & ~p->added;

	if (!p->id[0] && !all)
		return;
	if (ready & MIF_RES_V6)
		mif_conn_add(k, pi, ready);          /* with A's, if in too */
	else if (ready & MIF_RES_V4) {
		if (!p->a_at)
			p->a_at = now;
		if (all || now >= p->a_at + MIF_CONN_RESOLUTION_DELAY_MS)
			mif_conn_add(k, pi, MIF_RES_V4);
	}
	if (all)
		mif_conn_res_end(k, pi);
}

/* Read the answers that have come; a PvD whose connection failed is over
 * once its answers so far are tried. */
static void mif_conn_step_res(struct mif_conn *k, long long now)
{
	for (size_t i = 0; i < k->npvd; i++) {
		struct mif_conn_pvd *p = &k->pvd[i];
		char msg[256] = "";
		int r;

		if (!p->job)
			continue;
		r = mif_res_job_step(p->job, MIF_PRIV_NOWAIT, msg, sizeof(msg));
		if (r >= 0) {
			mif_conn_take(k, i, r > 0, now);
			continue;
		}
		mif_res_job_free(p->job);
		p->job = NULL;
		p->res_done = true;
		if (p->naddr == 0) {
			p->failed = true;
			mif_conn_res_fail(k, i, r, msg);
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

		if (now < open_at[i] || p->next >= p->n ||
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

		if ((p->next < p->n || !p->begun) && t - now < w)
			w = t - now;
		/* A's answer waiting for AAAA's (the Resolution Delay). */
		if (p->job && p->a_at && !(p->added & MIF_RES_V4) &&
		    p->a_at + MIF_CONN_RESOLUTION_DELAY_MS - now < w)
			w = p->a_at + MIF_CONN_RESOLUTION_DELAY_MS - now;
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
	p->first = i * MIF_CONN_PER_PVD;
	if (i > 0)
		e = mif_ctl_open(k->ctl_path, &p->own);
	if (e < 0)
		snprintf(msg, sizeof(msg), "cannot open a connection to mifd: %s", strerror(-e));
	/* A on a connection of its own, so that its answer may come first
	 * (without it, A's answer waits behind AAAA's). */
	if (e == 0 && p->id[0] && mif_ctl_open(k->ctl_path, &p->own2) < 0)
		p->own2 = NULL;
	if (e == 0)
		e = mif_res_job_start(i ? p->own : k->c, p->own2, p->id[0] ? p->id : NULL,
				      k->name, &p->job, msg, sizeof(msg));
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
	size_t usable = 0;

	for (size_t i = 0; i < k->npvd; i++)
		usable += k->pvd[i].n;
	if (k->tried == 0 && k->res_err && usable == 0)
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
		mif_conn_step_res(k, now);
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
		for (size_t i = 0; i < k->npvd; i++) {
			int fds[2];
			size_t nf = k->pvd[i].job ? mif_res_job_fds(k->pvd[i].job, fds) : 0;

			for (size_t f = 0; f < nf; f++)
				k->pfd[nfd++] = (struct pollfd){ .fd = fds[f], .events = POLLIN };
		}
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
		mif_ctl_close(k->pvd[i].own2);
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

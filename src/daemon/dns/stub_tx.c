/* SPDX-License-Identifier: MIT */
/*
 * A forwarded query: the schedule over the chosen PvDs' servers, one
 * socket per attempt, answer checks, TCP after truncation.
 *
 * Within a PvD (doc/resolver.md): servers that are up in their order, each
 * given its own RTT-based timeout, then every server at once; then the next
 * PvD of the choice (SERVFAIL, REFUSED or timeout only: an NXDOMAIN is an
 * answer). Down servers due for a probe get a copy of the query at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/dns/stub_priv.h"

static void stx_step(struct stub_tx *tx);

void stub_tx_arm(struct stub_tx *tx, uint64_t wait_ns)
{
	uint64_t now = stub_now_ns();
	struct timeval tv;

	if (now + wait_ns > tx->deadline_ns)
		wait_ns = tx->deadline_ns > now ? tx->deadline_ns - now : 0;
	tx->step_due_ns = now + wait_ns;
	wait_ns += 999;                /* whole microseconds, rounded up */
	tv.tv_sec = (time_t)(wait_ns / 1000000000ull);
	tv.tv_usec = (suseconds_t)(wait_ns % 1000000000ull / 1000);
	/* libevent counts a relative timeout from the time it cached when
	 * this loop iteration began, which under load is milliseconds old: the
	 * step would then fire before the attempt's RTO has passed on the
	 * clock it was sent by, and a silent server would not be counted as
	 * timing out (stx_att_expire). Count from now. */
	event_base_update_cache_time(tx->s->base);
	evtimer_add(tx->timer, &tv);
}

static int stx_server_index(const struct stub_pvd *p, const struct dns_upstream *up)
{
	for (size_t i = 0; i < p->plan.n_servers; i++)
		if (!memcmp(&p->plan.servers[i].addr, &up->addr, 16))
			return (int)i;
	return -1;
}

void stub_tx_log(struct stub_tx *tx, const struct stub_att *a)
{
	for (size_t i = 0; i < tx->n_att && i < STUB_MAX_ATTEMPTS; i++) {
		if (tx->log[i].handle == a->handle && !memcmp(&tx->log[i].up.addr, &a->up.addr, 16) &&
		    tx->log[i].res == STUB_RES_PENDING) {
			tx->log[i].res = a->res;
			return;
		}
	}
}

/* An attempt left without an answer: a timeout only if its time was up. */
static void stx_att_expire(struct stub *s, struct stub_att *a, uint64_t now)
{
	struct stub_pvd *p = stub_pvd_by_handle(s, a->handle);
	int i = p ? stx_server_index(p, &a->up) : -1;
	char b[INET6_ADDRSTRLEN];

	if (a->res != STUB_RES_PENDING || now - a->sent_ns < a->rto_ns)
		return;
	a->res = STUB_RES_TIMEOUT;
	if (s->health_cb)
		s->health_cb(s->health_ctx, a->handle, false);
	if (i >= 0 && stub_server_timeout(&p->srv[i], now))
		log_warn("dns: server %s of PvD %s does not answer: marked down, probed again "
			 "in %llu ms", inet_ntop(AF_INET6, &a->up.addr, b, sizeof(b)), p->plan.id,
			 (unsigned long long)p->srv[i].backoff_ms);
}

void stub_att_free(struct stub_att *a)
{
	if (a->dot)
		stub_dot_detach(a);
	if (a->fd >= 0 || a->tcp)
		a->s->n_upstream--;
	LIST_REMOVE(a, e);
	if (a->ev)
		event_free(a->ev);
	if (a->tcp)
		bufferevent_free(a->tcp);
	if (a->fd >= 0)
		close(a->fd);
	free(a);
}

/* A probe still out when its query is done stays to learn the server's
 * fate (fail back), without a query to answer. */
static void stx_linger(struct stub *s, struct stub_att *a, uint64_t now)
{
	struct timeval tv = { 0, 0 };
	uint64_t left = a->sent_ns + a->rto_ns > now ? a->sent_ns + a->rto_ns - now : 0;

	LIST_REMOVE(a, e);
	a->tx = NULL;
	LIST_INSERT_HEAD(&s->lingering, a, e);
	tv.tv_sec = (time_t)(left / 1000000000ull);
	tv.tv_usec = (suseconds_t)(left % 1000000000ull / 1000);
	event_add(a->ev, &tv);
}

/* Close the attempts of one PvD (handle) or of all (0). */
static void stx_close_atts(struct stub_tx *tx, uint64_t handle)
{
	uint64_t now = stub_now_ns();
	struct stub_att *a, *na;

	for (a = LIST_FIRST(&tx->atts); a; a = na) {
		na = LIST_NEXT(a, e);
		if (handle && a->handle != handle)
			continue;
		if (a->probe && a->res == STUB_RES_PENDING && !a->tcp &&
		    now - a->sent_ns < a->rto_ns) {
			stx_linger(tx->s, a, now);
			continue;
		}
		stx_att_expire(tx->s, a, now);
		stub_tx_log(tx, a);
		stub_att_free(a);
	}
}

void stub_tx_free(struct stub_tx *tx)
{
	struct stub_tx *f;

	if (tx->held) {
		stub_steer_unhold(tx->s, tx);
		free(tx->held);
		tx->held = NULL;
	}

	if (tx->leader) {              /* a follower: no attempts, no timer */
		TAILQ_REMOVE(&tx->leader->followers, tx, fe);
		tx->s->n_tx--;
		free(tx->query);
		free(tx);
		return;
	}
	while ((f = TAILQ_FIRST(&tx->followers)))
		stub_tx_free(f);
	stx_close_atts(tx, 0);
	TAILQ_REMOVE(&tx->s->txs, tx, e);
	tx->s->n_tx--;
	if (tx->timer)
		event_free(tx->timer);
	free(tx->last_fail);
	free(tx->query);
	free(tx);
}

/* Hand the answer to the client, then keep a copy (without OPT) in the
 * answering PvD's cache. */
void stub_tx_finish(struct stub_tx *tx, uint8_t *resp, size_t len, struct stub_pvd *p,
		       const struct dns_upstream *up)
{
	struct stub *s = tx->s;
	bool up_ad = dns_hdr_ad(resp);
	int n;

	dns_hdr_set_id(resp, tx->client_id);
	/* The stub answers as a recursive forwarder, not as an authority,
	 * whatever its upstream is (RFC 1035 section 4.1.1): AA clear (the
	 * stub, and its cache, are no authority for the name) and RA set
	 * (recursion is available here, through the PvD's servers). Stored
	 * so in the cache: hits need no change. */
	dns_hdr_set_aa(resp, false);
	dns_hdr_set_ra(resp, true);
	if (p && !tx->no_cache) {
		memcpy(s->scratch, resp, len);
		n = dns_strip_opt(s->scratch, len);
		if (n > 0)
			dns_cache_put(p->cache, &tx->q, s->scratch, (size_t)n,
				      stub_now_ns() / 1000000000ull);
	}
	/* RFC 6840 section 5.7: the upstream was asked for AD (stub_tx_start);
	 * the client gets it only if it asked, with AD or DO. */
	dns_hdr_set_ad(resp, dns_hdr_ad(resp) && (tx->client_ad || tx->client_do));
	/* RFC 4035 sections 3.1.6 and 3.2.2: the CD bit is copied from the
	 * query into the response (queries with CD are never cached, and
	 * followers asked with the same CD). */
	dns_hdr_set_cd(resp, dns_hdr_cd(tx->query));
	if (p)
		p->answers++;
	s->ctr.answered++;
	/* Answer-based steering (doc/steering.md): a program that connects
	 * as soon as it has the answer must find the address in the PvD's
	 * set, so the answer waits for the kernel (cache misses only). */
	if (p && stub_steer_note(s, p, resp, len) && (tx->held = malloc(len))) {
		memcpy(tx->held, resp, len);
		tx->held_len = len;
		tx->held_handle = p->plan.handle;
		tx->held_up = *up;
		tx->held_up_ad = up_ad;
		stx_close_atts(tx, 0);
		if (tx->timer)
			event_del(tx->timer);
		if (stub_steer_hold(s, tx) == 0)
			return;
		free(tx->held);
		tx->held = NULL;
	}
	stub_deliver(tx, resp, len, p, up, 0, NULL);
	stub_tx_answer_followers(tx, resp, len, p, up, up_ad);
	stub_tx_free(tx);
}

void stub_tx_release_held(struct stub_tx *tx)
{
	struct stub_pvd *p = stub_pvd_by_handle(tx->s, tx->held_handle);
	uint8_t *resp = tx->held;

	tx->held = NULL;             /* off the held list already */
	stub_deliver(tx, resp, tx->held_len, p, &tx->held_up, 0, NULL);
	stub_tx_answer_followers(tx, resp, tx->held_len, p, &tx->held_up, tx->held_up_ad);
	free(resp);
	stub_tx_free(tx);
}

/*
 * RFC 8767 section 4: every server of the PvDs asked failed (timeout,
 * SERVFAIL, REFUSED): an expired answer from the cache of the first of
 * those PvDs that has one, younger than max_stale past its expiry, with
 * TTL 30. Not for DO or CD queries, which the cache never answers.
 * Counted (`stale` in mifctl dns), logged at most every 10 s.
 */
static bool stx_stale(struct stub_tx *tx)
{
	struct stub *s = tx->s;
	uint64_t now = stub_now_ns();

	if (tx->no_cache || !s->cfg.max_stale)
		return false;
	for (size_t k = 0; k < tx->choice.n; k++) {
		struct stub_pvd *p = stub_pvd_by_handle(s, tx->choice.pvd[k]);
		int n;

		if (!p)
			continue;
		dns_hdr_set_id(tx->query, tx->client_id);
		dns_hdr_set_ad(tx->query, tx->client_ad);
		n = dns_cache_get_stale(p->cache, &tx->q, tx->query, tx->qlen, now / 1000000000ull,
					s->scratch, 65536);
		if (n <= 0)
			continue;
		/* Kept without OPT: one goes back iff the client sent one. */
		if (tx->client_opt) {
			int m = dns_append_opt(s->scratch, (size_t)n, 65536, STUB_EDNS_SIZE, 0, false);

			n = m > 0 ? m : n;
		}
		s->ctr.stale++;
		if (!s->stale_logged_ns || now - s->stale_logged_ns >= 10000000000ull) {
			s->stale_logged_ns = now;
			log_info("dns: %s: every server of PvD %s failed: served a stale answer "
				 "(RFC 8767; %llu so far)", tx->q.name[0] ? tx->q.name : "?",
				 p->plan.id, (unsigned long long)s->ctr.stale);
		}
		s->ctr.answered++;
		stub_deliver(tx, s->scratch, (size_t)n, p, NULL, 0, "stale");
		return true;
	}
	return false;
}

/* One client of a failed query (the leader l or a follower): a stale
 * answer, else the last SERVFAIL/REFUSED seen, else our own SERVFAIL. */
static void stx_fail_one(struct stub_tx *tx, struct stub_tx *l)
{
	struct stub *s = tx->s;
	size_t qend;
	int n;

	if (stx_stale(tx))
		return;
	s->ctr.servfail++;
	if (l->last_fail) {
		dns_hdr_set_id(l->last_fail, tx->client_id);
		/* The question as this client wrote it (same length). */
		if (dns_first_rr(l->last_fail, l->last_fail_len, &qend) == 0 &&
		    tx->qlen >= qend)
			memcpy(l->last_fail + DNS_HEADER_LEN, tx->query + DNS_HEADER_LEN,
			       qend - DNS_HEADER_LEN);
		stub_deliver(tx, l->last_fail, l->last_fail_len, NULL, NULL, -EHOSTUNREACH,
			     "every server asked failed");
	} else {
		dns_hdr_set_id(tx->query, tx->client_id);
		/* RFC 6891 section 7: with OPT iff the query had one. */
		n = tx->client_opt ?
			dns_build_error_opt(s->scratch, 65536, tx->query, tx->qlen,
					    DNS_RCODE_SERVFAIL, STUB_EDNS_SIZE, tx->client_do) :
			dns_build_error(s->scratch, 65536, tx->query, tx->qlen, DNS_RCODE_SERVFAIL);
		if (n > 0)
			dns_hdr_set_ra(s->scratch, true);
		if (n > 0)
			stub_deliver(tx, s->scratch, (size_t)n, NULL, NULL,
				     l->tls_err[0] ? -EHOSTUNREACH : -ETIMEDOUT,
				     l->tls_err[0] ? l->tls_err : "no server answered in time");
	}
}

static void stx_fail(struct stub_tx *tx)
{
	struct stub_tx *f;

	TAILQ_FOREACH(f, &tx->followers, fe)
		stx_fail_one(f, tx);
	stx_fail_one(tx, tx);
	stub_tx_free(tx);
}

static void stx_att_cb(evutil_socket_t fd, short what, void *arg);

static int stx_send(struct stub_tx *tx, struct stub_pvd *p, size_t i, bool probe)
{
	struct stub *s = tx->s;
	struct sockaddr_storage to;
	socklen_t tolen;
	struct stub_att *a;
	int fd;

	if (tx->n_att >= STUB_MAX_ATTEMPTS)
		return -ENOSPC;
	/* Descriptors are finite: a flood of misses must not starve the
	 * rest of mifd (or the host's ephemeral ports). */
	if (s->n_upstream >= s->max_upstream) {
		s->ctr.overload++;
		return -EMFILE;
	}
	fd = stub_upstream_socket(p, &p->plan.servers[i], SOCK_DGRAM, &to, &tolen);
	if (fd < 0)
		return fd;
	s->n_upstream++;
	a = calloc(1, sizeof(*a));
	if (!a) {
		close(fd);
		s->n_upstream--;
		return -ENOMEM;
	}
	*a = (struct stub_att){ .s = s, .tx = tx, .fd = fd, .handle = p->plan.handle,
				.up = p->plan.servers[i], .id = stub_random16(s),
				.sent_ns = stub_now_ns(), .rto_ns = stub_server_rto_ns(&p->srv[i]),
				.probe = probe, .res = STUB_RES_PENDING };
	dns_hdr_set_id(tx->query, a->id);
	a->ev = event_new(s->base, fd, EV_READ | EV_PERSIST, stx_att_cb, a);
	if (!a->ev || sendto(fd, tx->query, tx->qlen, 0, (struct sockaddr *)&to, tolen) < 0) {
		int e = -errno;

		if (a->ev)
			event_free(a->ev);
		close(fd);
		free(a);
		s->n_upstream--;
		p->srv[i].failures++;
		return e ? e : -ENOMEM;
	}
	event_add(a->ev, NULL);
	LIST_INSERT_HEAD(&tx->atts, a, e);
	tx->log[tx->n_att].handle = a->handle;
	tx->log[tx->n_att].up = a->up;
	tx->log[tx->n_att].res = STUB_RES_PENDING;
	tx->n_att++;
	p->srv[i].sent++;
	return 0;
}

static struct stub_pvd *stx_pvd(struct stub_tx *tx)
{
	return tx->pvd_i < tx->choice.n ? stub_pvd_by_handle(tx->s, tx->choice.pvd[tx->pvd_i])
		: NULL;
}

/* RFC 6731 (dns_select_named()): the PvD's servers named for the query's
 * domain go first in tx->order; how many lead. */
static size_t stx_named_first(struct stub_tx *tx, const struct stub_pvd *p, size_t up)
{
	const struct pvd *v = pvd_find_handle(netview_store(tx->s->nv), p->plan.handle);
	struct in6_addr sel[DNS_PLAN_MAX_SERVERS];
	bool named[DNS_PLAN_MAX_SERVERS] = { false };
	size_t n;

	if (!v || !tx->q.name[0])
		return 0;
	n = dns_select_named(v, tx->q.name, sel, DNS_PLAN_MAX_SERVERS);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < p->plan.n_servers; j++)
			named[j] |= IN6_ARE_ADDR_EQUAL(&p->plan.servers[j].addr, &sel[i]);
	return n ? stub_server_prefer(tx->order, up, named) : 0;
}

void stub_tx_enter_pvd(struct stub_tx *tx)
{
	struct stub_pvd *p = stx_pvd(tx);
	uint64_t now = stub_now_ns();
	size_t up, named;

	if (p && stub_tx_tls(tx, p))
		return;
	if (!p || !p->plan.n_servers) {
		stub_tx_arm(tx, 0);
		return;     /* stx_step moves on, from the loop */
	}
	tx->n_order = p->plan.n_servers;
	up = stub_server_order(p->srv, tx->n_order, tx->order);
	named = stx_named_first(tx, p, up);
	tx->step = 0;
	for (size_t i = 0; i < p->plan.n_servers; i++)
		if (stub_server_probe_due(&p->srv[i], now))
			stx_send(tx, p, i, true);
	/* Servers ranked behind the first: measured again now and then; with
	 * servers named for the name's domain (RFC 6731), only among those,
	 * so that the others never see names they were not named for. */
	for (size_t k = 1; k < (named ? named : tx->n_order); k++)
		if (stub_server_remeasure_due(&p->srv[tx->order[k]], now))
			stx_send(tx, p, tx->order[k], true);
	stx_step(tx);
}

/* Step k < n: ask the k-th server and give it its timeout. Step n: ask
 * every server and wait twice the longest timeout. Then the next PvD. */
static void stx_step(struct stub_tx *tx)
{
	struct stub_pvd *p = stx_pvd(tx);
	uint64_t wait = 0;

	if (!p || tx->step > tx->n_order) {
		stub_tx_next_pvd(tx);
		return;
	}
	if (tx->step < tx->n_order) {
		size_t i = tx->order[tx->step];

		if (i < p->plan.n_servers && stx_send(tx, p, i, false) == 0)
			wait = stub_server_rto_ns(&p->srv[i]);
	} else {
		size_t sent = 0, waiting = 0;

		for (size_t i = 0; i < p->plan.n_servers; i++) {
			uint64_t r = 2 * stub_server_rto_ns(&p->srv[i]);
			int e = stx_send(tx, p, i, false);

			sent += e == 0;
			waiting += e == -EAGAIN;
			if (e == 0 && r > wait)
				wait = r;
		}
		/* The PvD's own address is still being checked (DAD): wait
		 * for it a while, then count the PvD as failed. */
		if (!sent && waiting && tx->addr_waits++ < STUB_ADDR_WAITS) {
			stub_tx_arm(tx, STUB_ADDR_WAIT_MS * 1000000ull);
			return;
		}
		/* The last PvD to try: retransmitted early, but a late answer
		 * (a satellite or congested link, seconds) is still taken until
		 * the client's deadline, timeout_ms (issue 19). */
		if (sent && tx->pvd_i + 1 >= tx->choice.n)
			wait = UINT64_MAX / 2;
	}
	tx->step++;
	stub_tx_arm(tx, wait);
}

void stub_tx_next_pvd(struct stub_tx *tx)
{
	if (tx->pvd_i < tx->choice.n)
		stx_close_atts(tx, tx->choice.pvd[tx->pvd_i]);
	tx->pvd_i++;
	tx->tls_i = 0;
	if (tx->pvd_i >= tx->choice.n || stub_now_ns() >= tx->deadline_ns) {
		stx_fail(tx);
		return;
	}
	tx->s->ctr.fallbacks++;
	stub_tx_enter_pvd(tx);
}

static void stx_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stub_tx *tx = arg;
	uint64_t now = stub_now_ns();

	(void)fd;
	(void)what;
	/* Woken before the due time on our own clock (libevent's is coarse and
	 * cached): wait the rest, so the schedule moves past a server only once
	 * its RTO has passed by the clock stx_att_expire judges timeouts by. */
	if (now < tx->step_due_ns) {
		stub_tx_arm(tx, tx->step_due_ns - now);
		return;
	}
	if (now >= tx->deadline_ns) {
		stx_fail(tx);
		return;
	}
	/* Strict and failed: the query fails here. Falling back to the next
	 * PvD would send a name meant for an encrypted resolver to another
	 * network, perhaps in clear text (RFC 8310 section 5: fail closed). */
	if (tx->tls_closed) {
		tx->tls_closed = false;
		stx_fail(tx);
		return;
	}
	if (!stx_pvd(tx)) {
		stub_tx_next_pvd(tx);
		return;
	}
	stx_step(tx);
}

/* Is any attempt of the current PvD still waiting? */
static bool stx_pending(const struct stub_tx *tx)
{
	const struct stub_att *a;

	LIST_FOREACH(a, &tx->atts, e)
		if (a->res == STUB_RES_PENDING && tx->pvd_i < tx->choice.n &&
		    a->handle == tx->choice.pvd[tx->pvd_i])
			return true;
	return false;
}

/* SERVFAIL, REFUSED or a failed TCP retry: that server is no help; move on
 * now rather than at the timeout. */
static void stx_server_failed(struct stub_tx *tx, struct stub_att *a, const uint8_t *resp,
			      size_t len)
{
	if (resp && len) {
		uint8_t *copy = malloc(len);

		if (copy) {
			memcpy(copy, resp, len);
			free(tx->last_fail);
			tx->last_fail = copy;
			tx->last_fail_len = len;
		}
	}
	stub_tx_log(tx, a);
	stub_att_free(a);
	if (tx->step <= tx->n_order) {
		evtimer_del(tx->timer);
		stx_step(tx);
	} else if (!stx_pending(tx)) {
		evtimer_del(tx->timer);
		stub_tx_next_pvd(tx);
	}
}

static void stx_tcp_start(struct stub_tx *tx, struct stub_att *a);

/* A checked answer on attempt a (UDP or TCP). */
static void stx_answer(struct stub_att *a, uint8_t *resp, size_t len, bool tcp)
{
	struct stub_tx *tx = a->tx;
	struct stub_pvd *p = stub_pvd_by_handle(a->s, a->handle);
	int i = p ? stx_server_index(p, &a->up) : -1;
	uint8_t rcode = dns_hdr_rcode(resp);
	char b[INET6_ADDRSTRLEN];

	if (a->s->health_cb)
		a->s->health_cb(a->s->health_ctx, a->handle, true);
	if (i >= 0 && stub_server_answer(&p->srv[i], stub_now_ns() - a->sent_ns))
		log_info("dns: server %s of PvD %s answers again: it is asked first again",
			 inet_ntop(AF_INET6, &a->up.addr, b, sizeof(b)), p->plan.id);
	if (!tx) {                     /* a lingering probe: health only */
		stub_att_free(a);
		return;
	}
	if (!tcp && dns_hdr_tc(resp)) {
		a->res = STUB_RES_TRUNCATED;
		stub_tx_log(tx, a);
		stx_tcp_start(tx, a);
		return;
	}
	if (rcode == DNS_RCODE_SERVFAIL || rcode == DNS_RCODE_REFUSED ||
	    rcode == DNS_RCODE_NOTIMP || rcode == DNS_RCODE_FORMERR) {
		a->res = rcode == DNS_RCODE_REFUSED ? STUB_RES_REFUSED : STUB_RES_SERVFAIL;
		if (i >= 0)
			p->srv[i].failures++;
		stx_server_failed(tx, a, resp, len);
		return;
	}
	a->res = STUB_RES_ANSWER;
	stub_tx_log(tx, a);
	tx->answered_tcp = tcp;
	stub_tx_finish(tx, resp, len, p, &a->up);
}

/* RFC 5452 section 9.1: from the address and port asked, on this socket,
 * with our ID and the question asked. Anything else is counted, dropped. */
static bool stx_check(struct stub_att *a, const uint8_t *m, size_t n,
		      const struct sockaddr_storage *from)
{
	struct stub_counters *c = &a->s->ctr;
	struct in6_addr fa;
	uint16_t port;

	if (from->ss_family == AF_INET) {
		const struct sockaddr_in *f4 = (const struct sockaddr_in *)from;

		addr_v4_mapped(f4->sin_addr, &fa);
		port = f4->sin_port;
	} else {
		fa = ((const struct sockaddr_in6 *)from)->sin6_addr;
		port = ((const struct sockaddr_in6 *)from)->sin6_port;
	}
	if (memcmp(&fa, &a->up.addr, 16) || port != htons(53))
		return c->spoof_source++, false;
	if (n < DNS_HEADER_LEN || !dns_hdr_qr(m))
		return c->spoof_malformed++, false;
	if (dns_hdr_id(m) != a->id)
		return c->spoof_id++, false;
	if (a->tx && !dns_answer_matches(m, n, a->id, &a->tx->q))
		return c->spoof_question++, false;
	return true;
}

static void stx_att_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stub_att *a = arg;
	struct stub *s = a->s;

	if (what & EV_TIMEOUT) {         /* a lingering probe that never answered */
		/* libevent's clock is coarse and may wake us a little
		 * early: its timeout is up, whatever our clock says. */
		stx_att_expire(s, a, a->sent_ns + a->rto_ns);
		stub_att_free(a);
		return;
	}
	for (int k = 0; k < 16; k++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, s->scratch, 65536, MSG_DONTWAIT, (struct sockaddr *)&from,
				     &fl);

		if (n < 0)
			return;
		if (stx_check(a, s->scratch, (size_t)n, &from)) {
			/* stx_answer may free a: copy out of the scratch the
			 * cache copy uses. */
			uint8_t *m = malloc((size_t)n);

			if (!m)
				return;
			memcpy(m, s->scratch, (size_t)n);
			stx_answer(a, m, (size_t)n, false);
			free(m);
			return;
		}
	}
}

/* TCP, after a truncated UDP answer (RFC 7766 section 5): the same server,
 * through the same PvD. */
static void stx_tcp_read_cb(struct bufferevent *bev, void *arg)
{
	struct stub_att *a = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t l[2], *m;
	size_t len;

	if (evbuffer_get_length(in) < 2)
		return;
	evbuffer_copyout(in, l, 2);
	len = (size_t)l[0] << 8 | l[1];
	if (evbuffer_get_length(in) < 2 + len)
		return;
	m = malloc(len ? len : 1);
	if (!m)
		return;
	evbuffer_drain(in, 2);
	evbuffer_remove(in, m, len);
	bufferevent_disable(bev, EV_READ);
	if (len >= DNS_HEADER_LEN && dns_hdr_qr(m) && dns_answer_matches(m, len, a->id, &a->tx->q)) {
		stx_answer(a, m, len, true);
	} else {
		a->s->ctr.spoof_question++;
		a->res = STUB_RES_ERROR;
		stx_server_failed(a->tx, a, NULL, 0);
	}
	free(m);
}

static void stx_tcp_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct stub_att *a = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) {
		a->res = STUB_RES_ERROR;
		stx_server_failed(a->tx, a, NULL, 0);
	}
}

static void stx_tcp_start(struct stub_tx *tx, struct stub_att *a)
{
	struct stub *s = tx->s;
	struct stub_pvd *p = stub_pvd_by_handle(s, a->handle);
	struct sockaddr_storage to;
	socklen_t tolen;
	struct timeval tv = { 3, 0 };
	uint8_t l[2] = { (uint8_t)(tx->qlen >> 8), (uint8_t)tx->qlen };
	int fd = p ? stub_upstream_socket(p, &a->up, SOCK_STREAM, &to, &tolen) : -EINVAL;

	s->ctr.tcp_retries++;
	/* The UDP socket is done with; the TCP stream replaces it. */
	event_del(a->ev);
	if (fd < 0 || !(a->tcp = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE))) {
		if (fd >= 0)
			close(fd);
		a->res = STUB_RES_ERROR;
		stx_server_failed(tx, a, NULL, 0);
		return;
	}
	a->res = STUB_RES_PENDING;
	tx->log[tx->n_att < STUB_MAX_ATTEMPTS ? tx->n_att : STUB_MAX_ATTEMPTS - 1] =
		(struct stub_att_log){ a->handle, a->up, STUB_RES_PENDING };
	if (tx->n_att < STUB_MAX_ATTEMPTS)
		tx->n_att++;
	dns_hdr_set_id(tx->query, a->id);
	bufferevent_setcb(a->tcp, stx_tcp_read_cb, NULL, stx_tcp_event_cb, a);
	bufferevent_set_timeouts(a->tcp, &tv, &tv);
	bufferevent_write(a->tcp, l, 2);
	bufferevent_write(a->tcp, tx->query, tx->qlen);
	bufferevent_enable(a->tcp, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(a->tcp, (struct sockaddr *)&to, (int)tolen) < 0) {
		a->res = STUB_RES_ERROR;
		stx_server_failed(tx, a, NULL, 0);
		return;
	}
	/* This server answered: wait for its TCP answer (it has its own
	 * timeout) instead of moving on to other servers or PvDs. */
	evtimer_del(tx->timer);
	stub_tx_arm(tx, (uint64_t)(tv.tv_sec + 1) * 1000000000ull);
}

struct stub_tx *stub_tx_start(struct stub *s, enum stub_client kind, const struct dns_question *q,
			      const uint8_t *query, size_t qlen, const struct dns_choice *c)
{
	struct stub_tx *tx;

	if (s->n_tx >= STUB_MAX_TX) {
		s->ctr.overload++;
		return NULL;
	}
	tx = calloc(1, sizeof(*tx));
	if (!tx)
		return NULL;
	tx->query = malloc(qlen);
	tx->timer = evtimer_new(s->base, stx_timer_cb, tx);
	if (!tx->query || !tx->timer) {
		if (tx->timer)
			event_free(tx->timer);
		free(tx->query);
		free(tx);
		return NULL;
	}
	memcpy(tx->query, query, qlen);
	/* RFC 6840 section 5.7: a validating upstream sets AD only when the
	 * query sets AD or DO. Always ask, so that a cached answer carries
	 * the upstream's AD whichever client filled the cache; each client
	 * gets AD only if it asked (stub_tx_finish, dns_cache_get). */
	tx->client_ad = dns_hdr_ad(query);
	dns_hdr_set_ad(tx->query, true);
	tx->s = s;
	tx->kind = kind;
	tx->qlen = qlen;
	tx->q = *q;
	tx->choice = *c;
	tx->client_id = dns_hdr_id(query);
	tx->client_udp = DNS_UDP_MIN;
	tx->start_ns = stub_now_ns();
	tx->deadline_ns = tx->start_ns + (uint64_t)s->cfg.timeout_ms * 1000000;
	LIST_INIT(&tx->atts);
	TAILQ_INIT(&tx->followers);
	TAILQ_INSERT_TAIL(&s->txs, tx, e);
	s->n_tx++;
	s->ctr.forwarded++;
	/* Never answers from here: the caller records the client first. */
	stub_tx_enter_pvd(tx);
	return tx;
}

void stub_tx_pvd_gone(struct stub *s, uint64_t handle)
{
	struct stub_tx *tx;
	struct stub_att *a, *na;

	TAILQ_FOREACH(tx, &s->txs, e) {
		if (tx->held)
			continue;    /* answered; waits for its steering set */
		stx_close_atts(tx, handle);
		/* Its PvD is gone: move on from the loop, not from here. */
		if (tx->pvd_i < tx->choice.n && tx->choice.pvd[tx->pvd_i] == handle)
			stub_tx_arm(tx, 0);
	}
	for (a = LIST_FIRST(&s->lingering); a; a = na) {
		na = LIST_NEXT(a, e);
		if (a->handle == handle)
			stub_att_free(a);
	}
}

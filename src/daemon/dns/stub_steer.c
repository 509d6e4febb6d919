/* SPDX-License-Identifier: MIT */
/*
 * Answer-based steering, the stub's part (doc/steering.md): the A and
 * AAAA records of an answer that a PvD's server returned and the stub
 * forwarded (never a cache hit: a hit's addresses were noted when the
 * answer came, and their set elements expire with it) go to the engine
 * as MSG_STEER_NOTE, up to MSG_STEER_BATCH per message, sent once the
 * event loop is idle (a burst of answers is one message). When the
 * channel to the engine is past CHAN_LOW_WATER the addresses are not
 * queued but counted (skipped, reported with the next message and in
 * `mifctl steer show`): steering is then missing for them.
 *
 * A forwarded answer with addresses is held (stub_tx.c) until the engine
 * says that the batch holding them is in the kernel (MSG_STEER_DONE with
 * the batch's number), at most STUB_STEER_HOLD_MS: a program that
 * connects at once must find its address in the set. Cache hits are
 * never held.
 */
#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "daemon/control/netview.h"
#include "daemon/core/chan.h"
#include "daemon/core/msg.h"
#include "daemon/dns/stub_priv.h"

#define STEER_TTL_MAX 86400u       /* a day at most in a set */
#define STUB_STEER_HOLD_MS 250     /* an answer waits for its set at most this */

struct stub_steer {
	struct msg_steer_batch b;
	struct event *flush, *late;
	uint32_t seq;                  /* of the last batch sent */
	uint64_t skipped;
	TAILQ_HEAD(, stub_tx) held;    /* in the order held */
	uint64_t held_n, released_late, wait_ns;   /* answers held, past the deadline, time */
};

/* Answer tx, held since step_due_ns - the deadline. */
static void ss_go(struct stub *s, struct stub_tx *tx)
{
	uint64_t since = tx->step_due_ns - STUB_STEER_HOLD_MS * 1000000ull, now = stub_now_ns();

	s->steer->wait_ns += now > since ? now - since : 0;
	stub_steer_unhold(s, tx);
	stub_tx_release_held(tx);
}

/* Answer the held queries whose batches the kernel has (seq), and those
 * past their deadline (late). */
static void ss_release(struct stub *s, uint32_t seq, bool by_seq, bool late)
{
	struct stub_steer *st = s->steer;
	struct stub_tx *tx, *next;
	uint64_t now = stub_now_ns();

	for (tx = TAILQ_FIRST(&st->held); tx; tx = next) {
		next = TAILQ_NEXT(tx, he);
		if (by_seq && (int32_t)(seq - (uint32_t)tx->held_seq) >= 0) {
			ss_go(s, tx);
		} else if (late && now >= tx->step_due_ns) {
			st->released_late++;
			ss_go(s, tx);
		}
	}
}

static void ss_arm_late(struct stub *s)
{
	struct stub_steer *st = s->steer;
	struct stub_tx *tx = TAILQ_FIRST(&st->held);
	uint64_t now = stub_now_ns(), wait;
	struct timeval tv;

	if (!tx) {
		evtimer_del(st->late);
		return;
	}
	wait = tx->step_due_ns > now ? tx->step_due_ns - now : 0;
	tv.tv_sec = (time_t)(wait / 1000000000ull);
	tv.tv_usec = (suseconds_t)(wait % 1000000000ull / 1000);
	evtimer_add(st->late, &tv);
}

static void ss_late_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stub *s = arg;

	(void)fd;
	(void)what;
	ss_release(s, 0, false, true);
	ss_arm_late(s);
}

int stub_steer_hold(struct stub *s, struct stub_tx *tx)
{
	struct stub_steer *st = s->steer;

	if (!st)
		return -EOPNOTSUPP;
	/* The batch being filled, or the one just sent when it was full. */
	tx->held_seq = st->b.n ? st->seq + 1 : st->seq;
	/* step_due_ns is free once the query is answered: the deadline. */
	tx->step_due_ns = stub_now_ns() + STUB_STEER_HOLD_MS * 1000000ull;
	TAILQ_INSERT_TAIL(&st->held, tx, he);
	st->held_n++;
	if (TAILQ_FIRST(&st->held) == tx)
		ss_arm_late(s);
	return 0;
}

/* tx is on the list exactly while tx->held is set (stub_tx.c sets it
 * before stub_steer_hold, clears it when it answers). */
void stub_steer_unhold(struct stub *s, struct stub_tx *tx)
{
	if (s->steer && tx->held)
		TAILQ_REMOVE(&s->steer->held, tx, he);
}

/* MSG_STEER_DONE: the engine's word on a batch (netview). */
void stub_steer_done(void *ctx, const struct ipc_msg *m)
{
	struct stub *s = ctx;
	struct msg_steer_done d;

	if (!s->steer || ipc_expect(m, sizeof(d)) < 0)
		return;
	memcpy(&d, m->data, sizeof(d));
	ss_release(s, d.seq, true, false);
	ss_arm_late(s);
}

static void ss_flush(evutil_socket_t fd, short what, void *arg)
{
	struct stub *s = arg;
	struct stub_steer *st = s->steer;

	(void)fd;
	(void)what;
	if (!st->b.n)
		return;
	st->b.skipped = st->skipped;
	st->b.seq = ++st->seq;
	if (netview_send(s->nv, MSG_STEER_NOTE, &st->b, sizeof(st->b)) < 0) {
		st->skipped += st->b.n;
		ss_release(s, st->seq, true, false);   /* nobody will say it is done */
	}
	st->b.n = 0;
}

static size_t ss_add(struct stub *s, uint64_t handle, int family, const uint8_t *addr,
		     uint32_t ttl)
{
	struct stub_steer *st = s->steer;
	struct msg_steer_addr *a;

	if (netview_queued(s->nv) > CHAN_LOW_WATER) {
		st->skipped++;
		return 0;
	}
	if (st->b.n == MSG_STEER_BATCH)
		ss_flush(-1, 0, s);
	a = &st->b.e[st->b.n++];
	memset(a, 0, sizeof(*a));
	a->handle = handle;
	a->family = (uint8_t)family;
	a->ttl = ttl < STEER_TTL_MAX ? ttl : STEER_TTL_MAX;
	memcpy(a->addr, addr, family == AF_INET ? 4 : 16);
	if (st->b.n == 1)
		event_active(st->flush, EV_TIMEOUT, 1);
	return 1;
}

size_t stub_steer_note(struct stub *s, const struct stub_pvd *p, const uint8_t *resp, size_t len)
{
	struct dns_rr rr;
	size_t off, n = 0;
	uint16_t an;

	if (!s->steer || len < 12 || dns_hdr_rcode(resp) != 0 || !(an = dns_hdr_ancount(resp)) ||
	    dns_first_rr(resp, len, &off) < 0)
		return 0;
	/* RFC 1035 section 4.1.3: the answer section's records, bounds-checked
	 * by dns_next_rr; the address records of the chain's end among them. */
	for (uint16_t i = 0; i < an && dns_next_rr(resp, len, &off, &rr) == 0; i++) {
		if (rr.class != 1)
			continue;
		if (rr.type == 1 && rr.rdlength == 4)
			n += ss_add(s, p->plan.handle, AF_INET, resp + rr.rdata_off, rr.ttl);
		else if (rr.type == 28 && rr.rdlength == 16)
			n += ss_add(s, p->plan.handle, AF_INET6, resp + rr.rdata_off, rr.ttl);
	}
	return n;
}

int stub_set_steer(struct stub *s, bool on)
{
	if (!on) {
		stub_steer_free(s);
		return 0;
	}
	if (s->steer)
		return 0;
	if (!(s->steer = calloc(1, sizeof(*s->steer))))
		return -ENOMEM;
	TAILQ_INIT(&s->steer->held);
	s->steer->flush = event_new(s->base, -1, 0, ss_flush, s);
	s->steer->late = evtimer_new(s->base, ss_late_cb, s);
	if (!s->steer->flush || !s->steer->late) {
		stub_steer_free(s);
		return -ENOMEM;
	}
	netview_set_steer_cb(s->nv, stub_steer_done, s);
	return 0;
}

void stub_steer_free(struct stub *s)
{
	struct stub_tx *tx;

	if (!s->steer)
		return;
	/* Held queries are answered now (stub_free frees them after). */
	while ((tx = TAILQ_FIRST(&s->steer->held))) {
		TAILQ_REMOVE(&s->steer->held, tx, he);
		stub_tx_release_held(tx);
	}
	if (s->steer->flush)
		event_free(s->steer->flush);
	if (s->steer->late)
		event_free(s->steer->late);
	free(s->steer);
	s->steer = NULL;
}

json_t *stub_steer_json(const struct stub *s)
{
	const struct stub_steer *st = s->steer;

	if (!st)
		return json_null();
	return json_pack("{s:I,s:I,s:I,s:I,s:I}", "batches", (json_int_t)st->seq,
			 "held", (json_int_t)st->held_n, "released_late",
			 (json_int_t)st->released_late, "wait_us_mean",
			 (json_int_t)(st->held_n ? st->wait_ns / st->held_n / 1000 : 0),
			 "skipped", (json_int_t)st->skipped);
}

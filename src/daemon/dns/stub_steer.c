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
 * `mifctl steer show`): steering is then missing for them, a lookup is
 * never delayed for it.
 */
#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "daemon/control/netview.h"
#include "daemon/core/chan.h"
#include "daemon/core/msg.h"
#include "daemon/dns/stub_priv.h"

#define STEER_TTL_MAX 86400u       /* a day at most in a set */

struct stub_steer {
	struct msg_steer_batch b;
	struct event *flush;
	uint64_t skipped;
};

static void ss_flush(evutil_socket_t fd, short what, void *arg)
{
	struct stub *s = arg;
	struct stub_steer *st = s->steer;

	(void)fd;
	(void)what;
	if (!st->b.n)
		return;
	st->b.skipped = st->skipped;
	if (netview_send(s->nv, MSG_STEER_NOTE, &st->b, sizeof(st->b)) < 0)
		st->skipped += st->b.n;
	st->b.n = 0;
}

static void ss_add(struct stub *s, uint64_t handle, int family, const uint8_t *addr,
		   uint32_t ttl)
{
	struct stub_steer *st = s->steer;
	struct msg_steer_addr *a;

	if (netview_queued(s->nv) > CHAN_LOW_WATER) {
		st->skipped++;
		return;
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
}

void stub_steer_note(struct stub *s, const struct stub_pvd *p, const uint8_t *resp, size_t len)
{
	struct dns_rr rr;
	size_t off;
	uint16_t an;

	if (!s->steer || len < 12 || dns_hdr_rcode(resp) != 0 || !(an = dns_hdr_ancount(resp)) ||
	    dns_first_rr(resp, len, &off) < 0)
		return;
	/* RFC 1035 section 4.1.3: the answer section's records, bounds-checked
	 * by dns_next_rr; the address records of the chain's end among them. */
	for (uint16_t i = 0; i < an && dns_next_rr(resp, len, &off, &rr) == 0; i++) {
		if (rr.class != 1)
			continue;
		if (rr.type == 1 && rr.rdlength == 4)
			ss_add(s, p->plan.handle, AF_INET, resp + rr.rdata_off, rr.ttl);
		else if (rr.type == 28 && rr.rdlength == 16)
			ss_add(s, p->plan.handle, AF_INET6, resp + rr.rdata_off, rr.ttl);
	}
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
	if (!(s->steer->flush = event_new(s->base, -1, 0, ss_flush, s))) {
		free(s->steer);
		s->steer = NULL;
		return -ENOMEM;
	}
	return 0;
}

void stub_steer_free(struct stub *s)
{
	if (!s->steer)
		return;
	event_free(s->steer->flush);
	free(s->steer);
	s->steer = NULL;
}

/* SPDX-License-Identifier: MIT */
/*
 * Router Solicitations: when, on which interface, and when to stop
 * (engine_rs.h). One timer serves every interface; each solicitation waits
 * a random 0..1 s first (RFC 4861 section 6.3.7: hosts on one link that
 * come up together must not solicit in step), then up to three go out
 * 4 s apart unless an RA with a router lifetime answers.
 */
#include <string.h>

#include "common/rand.h"
#include "daemon/engine/engine_priv.h"

#define NS_PER_MS 1000000ull

static uint64_t engine_rs_jitter_ns(void)
{
	return (uint64_t)(rand_u32() % (RS_MAX_DELAY_MS + 1)) * NS_PER_MS;
}

static struct engine_rs_link *engine_rs_find(struct engine *e, int ifindex)
{
	for (size_t i = 0; i < RS_MAX_LINKS; i++)
		if (e->rs.links[i].ifindex == ifindex)
			return &e->rs.links[i];
	return NULL;
}

static void engine_rs_arm(struct engine *e, uint64_t now)
{
	uint64_t next = UINT64_MAX, d;
	struct timeval tv;

	for (size_t i = 0; i < RS_MAX_LINKS; i++) {
		const struct engine_rs_link *l = &e->rs.links[i];

		if (l->ifindex && !l->done && l->due_ns < next)
			next = l->due_ns;
	}
	if (next == UINT64_MAX) {
		evtimer_del(e->rs.timer);
		return;
	}
	d = next > now ? next - now : 0;
	tv.tv_sec = (time_t)(d / 1000000000ull);
	tv.tv_usec = (suseconds_t)((d % 1000000000ull) / 1000) + 1;
	evtimer_add(e->rs.timer, &tv);
}

static void engine_rs_send(struct engine *e, struct engine_rs_link *l)
{
	const struct view_link *v = view_link(&e->view, l->ifindex);
	struct msg_rs q;

	memset(&q, 0, sizeof(q));
	q.ifindex = l->ifindex;
	/* Section 4.1: the SLLA option SHOULD be included on links with
	 * link-layer addresses. */
	if (v && v->link.hwlen > 0 && v->link.hwlen <= sizeof(q.hw)) {
		q.hwlen = v->link.hwlen;
		memcpy(q.hw, v->link.hwaddr, v->link.hwlen);
	}
	engine_send(e, MSG_RS_SEND, &q, sizeof(q));
	e->rs.sent++;
	l->sent++;
}

static void engine_rs_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;
	uint64_t now = log_now_ns();

	for (size_t i = 0; i < RS_MAX_LINKS; i++) {
		struct engine_rs_link *l = &e->rs.links[i];

		if (!l->ifindex || l->done || l->due_ns > now)
			continue;
		engine_rs_send(e, l);
		if (l->sent >= RS_MAX)
			l->done = true;
		else
			l->due_ns = now + RS_INTERVAL_MS * NS_PER_MS;
	}
	engine_rs_arm(e, now);
}

int engine_rs_init(struct engine *e)
{
	e->rs.timer = evtimer_new(e->base, engine_rs_timer_cb, e);
	return e->rs.timer ? 0 : -ENOMEM;
}

void engine_rs_free(struct engine *e)
{
	if (e->rs.timer)
		event_free(e->rs.timer);
	e->rs.timer = NULL;
}

void engine_rs_link(struct engine *e, int ifindex)
{
	const struct view_link *v = view_link(&e->view, ifindex);
	struct engine_rs_link *l = engine_rs_find(e, ifindex);
	uint64_t now = log_now_ns();

	if (!v || !v->managed || !v->up) {
		if (l)
			memset(l, 0, sizeof(*l));
		return;
	}
	if (l)
		return;  /* already soliciting, or done until the link goes down */
	l = engine_rs_find(e, 0);
	if (!l)
		return;  /* more managed links than slots: they wait for periodic RAs */
	l->ifindex = ifindex;
	l->due_ns = now + engine_rs_jitter_ns();
	engine_rs_arm(e, now);
}

void engine_rs_ra(struct engine *e, int ifindex, uint16_t router_lifetime)
{
	struct engine_rs_link *l = engine_rs_find(e, ifindex);

	if (!l || l->done || router_lifetime == 0)
		return;
	l->done = true;
	e->rs.answered++;
	engine_rs_arm(e, log_now_ns());
}

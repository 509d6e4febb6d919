/* SPDX-License-Identifier: MIT */
/*
 * The seams of the process split (issue 11 item 2): the engine's view as
 * the network-facing process receives it (control/netview.c), texts sent
 * in pieces (core/chan.c), and the bind table the privileged parent keeps
 * (bind/bind_table.c). The engine runs in this process against a fake
 * kernel side; its view travels over a real SOCK_SEQPACKET pair.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/ipc.h"
#include "common/log.h"
#include "daemon/bind/bind_table.h"
#include "daemon/control/netview.h"
#include "daemon/core/chan.h"
#include "daemon/core/msg.h"
#include "daemon/dns/dns_plan.h"
#include "daemon/dns/dns_select.h"
#include "daemon/engine/engine.h"
#include "proto/ctlmsg.h"

struct world {
	struct event_base *base;
	struct engine *e;
	struct netview *nv;
	int kfd;                     /* the engine's kernel side */
	unsigned syncs;
};

static void nv_sync(void *ctx)
{
	((struct world *)ctx)->syncs++;
}

static void nv_run(struct world *w, unsigned ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		event_base_loop(w->base, EVLOOP_NONBLOCK);
		usleep(1000);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
}

static int nv_setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	struct msg_link l = { .managed = 0 };
	int k[2], n[2];

	assert_non_null(w);
	assert_int_equal(ipc_pair(k), 0);
	assert_int_equal(ipc_pair(n), 0);
	w->base = event_base_new();
	w->e = engine_new(w->base, k[0]);
	assert_non_null(w->e);
	w->kfd = k[1];
	w->nv = netview_new(w->base, n[1]);
	assert_non_null(w->nv);
	netview_set_sync_cb(w->nv, nv_sync, w);
	assert_int_equal(engine_net_attach(w->e, n[0]), 0);
	l.link.ifindex = 7;
	snprintf(l.link.name, sizeof(l.link.name), "tun0");
	l.link.flags = IFF_UP | IFF_RUNNING;
	l.link.type = 65534;
	assert_int_equal(ipc_send(w->kfd, MSG_LINK, &l, sizeof(l)), 0);
	assert_int_equal(ipc_send(w->kfd, MSG_SYNC_DONE, NULL, 0), 0);
	nv_run(w, 30);
	*state = w;
	return 0;
}

static int nv_teardown(void **state)
{
	struct world *w = *state;

	netview_free(w->nv);
	engine_free(w->e);
	close(w->kfd);
	event_base_free(w->base);
	free(w);
	return 0;
}

/* A PvD added in the engine shows up whole in the view, and goes with it. */
static void test_view_follows_engine(void **state)
{
	struct world *w = *state;
	json_t *spec = json_loads("{\"id\":\"Corp.Example\",\"interface\":\"tun0\","
				  "\"dns\":[\"10.8.0.1\"],\"domains\":[\"corp.example\"],"
				  "\"routes\":[\"10.0.0.0/8\"],\"prefixes\":[\"10.8.0.0/24\"]}", 0, NULL);
	struct dns_plan_pvd plan[4];
	const struct pvd *p;
	char err[320], search[256];
	size_t n = 0;
	uint64_t h;
	unsigned before = w->syncs;

	assert_int_equal(engine_pvd_add(w->e, spec, err, sizeof(err)), 0);
	json_decref(spec);
	nv_run(w, 30);
	assert_true(w->syncs > before);
	h = netview_pvd_handle(w->nv, "corp.example");   /* a name: any case */
	assert_true(h != 0);
	assert_string_equal(netview_pvd_id(w->nv, h), "Corp.Example");
	p = pvd_find_handle(netview_store(w->nv), h);
	assert_non_null(p);
	assert_int_equal(p->origin, PVD_SRC_API);
	assert_false(TAILQ_EMPTY(&p->dns));
	assert_string_equal(TAILQ_FIRST(&p->domains)->name, "corp.example");
	assert_int_equal(TAILQ_FIRST(&p->prefixes)->plen, 96 + 24);
	/* Only default routes are mirrored: this split tunnel has none. */
	assert_true(TAILQ_EMPTY(&p->routes));
	assert_int_equal(netview_dns_plan(w->nv, plan, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(plan[0].handle, h);
	assert_int_equal(plan[0].n_servers, 1);
	netview_dns_search(w->nv, search, sizeof(search));
	assert_non_null(strstr(search, "corp.example"));

	/* Nothing changed: the engine sends nothing more. */
	before = w->syncs;
	assert_int_equal(ipc_send(w->kfd, MSG_SYNC_DONE, NULL, 0), 0);
	nv_run(w, 30);
	assert_int_equal(w->syncs, before);

	assert_int_equal(engine_pvd_del(w->e, "Corp.Example", err, sizeof(err)), 0);
	nv_run(w, 30);
	assert_int_equal(netview_pvd_handle(w->nv, "corp.example"), 0);
	assert_int_equal(netview_dns_plan(w->nv, plan, 4, &n), 0);
	assert_int_equal(n, 0);
}

/* A PvD that leaves and comes back under the same id before the next view
 * (a link flap the engine handles in one go, issue 17's soak): the view
 * holds it once, under its new handle, with one DNS plan for that handle
 * and none left for the old one. */
static void test_view_same_id_back(void **state)
{
	struct world *w = *state;
	const char *text = "{\"id\":\"Back.Example\",\"interface\":\"tun0\","
			   "\"dns\":[\"10.9.0.1\"],\"prefixes\":[\"10.9.0.0/24\"]}";
	json_t *spec = json_loads(text, 0, NULL);
	struct dns_plan_pvd plan[4];
	const struct pvd *p;
	char err[320];
	size_t n = 0, count = 0;
	uint64_t h1, h2;

	assert_int_equal(engine_pvd_add(w->e, spec, err, sizeof(err)), 0);
	json_decref(spec);
	nv_run(w, 30);
	h1 = netview_pvd_handle(w->nv, "back.example");
	assert_true(h1 != 0);

	/* Gone and back, with no view in between. */
	assert_int_equal(engine_pvd_del(w->e, "Back.Example", err, sizeof(err)), 0);
	spec = json_loads(text, 0, NULL);
	assert_int_equal(engine_pvd_add(w->e, spec, err, sizeof(err)), 0);
	json_decref(spec);
	nv_run(w, 30);
	h2 = netview_pvd_handle(w->nv, "back.example");
	assert_true(h2 != 0);
	assert_true(h2 != h1);
	assert_null(pvd_find_handle(netview_store(w->nv), h1));
	TAILQ_FOREACH(p, &netview_store(w->nv)->pvds, e)
		count += strcmp(p->id, "Back.Example") == 0;
	assert_int_equal(count, 1);
	assert_int_equal(netview_dns_plan(w->nv, plan, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(plan[0].handle, h2);
	assert_int_equal(plan[0].n_servers, 1);
}

/* A malformed or unfinished view is dropped whole; the last good one
 * stays, and the next good one is taken. */
static void test_bad_view_dropped(void **state)
{
	struct world w = { 0 };
	struct msg_view_begin b = { .gen = 5 };
	struct msg_view_pvd vp = { .handle = 9, .origin = PVD_SRC_STATIC, .explicit_ = 1 };
	struct msg_view_end end = { .gen = 5 };
	int fds[2];

	(void)state;
	assert_int_equal(ipc_pair(fds), 0);
	w.base = event_base_new();
	w.nv = netview_new(w.base, fds[1]);
	netview_set_sync_cb(w.nv, nv_sync, &w);
	snprintf(vp.id, sizeof(vp.id), "good.example");
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_BEGIN, &b, sizeof(b)), 0);
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_PVD, &vp, sizeof(vp)), 0);
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_END, &end, sizeof(end)), 0);
	nv_run(&w, 20);
	assert_int_equal(w.syncs, 1);
	assert_int_equal(netview_pvd_handle(w.nv, "good.example"), 9);

	/* A PvD one byte short, an id without its terminator, an end for
	 * another generation: none of them is taken. */
	b.gen = 6;
	end.gen = 6;
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_BEGIN, &b, sizeof(b)), 0);
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_PVD, &vp, sizeof(vp) - 1), 0);
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_END, &end, sizeof(end)), 0);
	memset(vp.id, 'x', sizeof(vp.id));
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_BEGIN, &b, sizeof(b)), 0);
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_PVD, &vp, sizeof(vp)), 0);
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_END, &end, sizeof(end)), 0);
	snprintf(vp.id, sizeof(vp.id), "other.example");
	end.gen = 7;
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_BEGIN, &b, sizeof(b)), 0);
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_PVD, &vp, sizeof(vp)), 0);
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_END, &end, sizeof(end)), 0);
	nv_run(&w, 20);
	assert_int_equal(w.syncs, 1);
	assert_int_equal(netview_pvd_handle(w.nv, "good.example"), 9);
	assert_int_equal(netview_pvd_handle(w.nv, "other.example"), 0);

	/* And a good one after all that. */
	end.gen = 6;
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_BEGIN, &b, sizeof(b)), 0);
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_PVD, &vp, sizeof(vp)), 0);
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_END, &end, sizeof(end)), 0);
	nv_run(&w, 20);
	assert_int_equal(w.syncs, 2);
	assert_int_equal(netview_pvd_handle(w.nv, "good.example"), 0);
	assert_int_equal(netview_pvd_handle(w.nv, "other.example"), 9);
	netview_free(w.nv);
	close(fds[0]);
	event_base_free(w.base);
}

/* RFC 6731 data rides on the domain items: one item per named server,
 * folded into one domain; a preference out of range drops the view. */
static void test_view_domain_sel(void **state)
{
	struct world w = { 0 };
	struct msg_view_begin b = { .gen = 5 };
	struct msg_view_pvd vp = { .handle = 9, .origin = PVD_SRC_DHCPV4 };
	struct msg_view_item it = { .kind = MSG_VIEW_DOMAIN, .ifindex = 2, .sel = 1, .pref = 1 };
	struct msg_view_end end = { .gen = 5 };
	const struct pvd_domain *d;
	struct in6_addr out[4];
	const struct pvd *p;
	int fds[2];

	(void)state;
	assert_int_equal(ipc_pair(fds), 0);
	w.base = event_base_new();
	w.nv = netview_new(w.base, fds[1]);
	netview_set_sync_cb(w.nv, nv_sync, &w);
	snprintf(vp.id, sizeof(vp.id), "wifi.example");
	snprintf(it.name, sizeof(it.name), "corp.example");
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_BEGIN, &b, sizeof(b)), 0);
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_PVD, &vp, sizeof(vp)), 0);
	inet_pton(AF_INET6, "::ffff:10.2.0.54", &it.addr);
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_ITEM, &it, sizeof(it)), 0);
	inet_pton(AF_INET6, "::ffff:10.2.0.55", &it.addr);
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_ITEM, &it, sizeof(it)), 0);
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_END, &end, sizeof(end)), 0);
	nv_run(&w, 20);
	assert_int_equal(w.syncs, 1);
	p = pvd_find_handle(netview_store(w.nv), 9);
	assert_non_null(p);
	d = TAILQ_FIRST(&p->domains);
	assert_non_null(d);
	assert_null(TAILQ_NEXT(d, e));                 /* one domain */
	assert_true(d->has_sel);
	assert_int_equal(d->pref, 1);
	assert_int_equal(d->n_sel, 2);
	assert_int_equal(dns_select_named(p, "x.corp.example", out, 4), 2);

	b.gen = end.gen = 6;
	it.pref = 2;
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_BEGIN, &b, sizeof(b)), 0);
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_PVD, &vp, sizeof(vp)), 0);
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_ITEM, &it, sizeof(it)), 0);
	assert_int_equal(ipc_send(fds[0], MSG_VIEW_END, &end, sizeof(end)), 0);
	nv_run(&w, 20);
	assert_int_equal(w.syncs, 1);
	p = pvd_find_handle(netview_store(w.nv), 9);
	assert_int_equal(TAILQ_FIRST(&p->domains)->n_sel, 2);   /* the last good view */
	netview_free(w.nv);
	close(fds[0]);
	event_base_free(w.base);
}

static int last_err = 1;

static void nv_result(void *ctx, uint32_t token, int err, json_t *result, const char *msg)
{
	(void)ctx;
	(void)token;
	(void)msg;
	last_err = err;
	json_decref(result);
}

/* A request that changes mifd is carried out only for a caller the engine
 * sees itself: the client's socket comes along, and SO_PEERCRED on it must
 * say root. The network-facing process's word (uid 0 in the call) is not
 * enough. */
static void test_engine_checks_the_caller(void **state)
{
	struct world *w = *state;
	json_t *params = json_pack("{s:s}", "id", "nope.example");
	int sp[2];

	netview_set_result_cb(w->nv, nv_result, NULL);
	assert_int_equal(netview_call(w->nv, 5, CTL_PVD_DEL, 0, params, -1), 0);
	nv_run(w, 30);
	assert_int_equal(last_err, -EPERM);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	last_err = 1;
	assert_int_equal(netview_call(w->nv, 6, CTL_PVD_DEL, 0, params, sp[0]), 0);
	nv_run(w, 30);
	/* Our own socket: root in the test runs as root, and then the engine
	 * gets as far as looking for the PvD. */
	assert_int_equal(last_err, getuid() == 0 ? -ENOENT : -EPERM);
	/* Reading needs no socket. */
	last_err = 1;
	assert_int_equal(netview_call(w->nv, 7, CTL_PVD_LIST, 1000, NULL, -1), 0);
	nv_run(w, 30);
	assert_int_equal(last_err, 0);
	close(sp[0]);
	close(sp[1]);
	json_decref(params);
}

struct texts {
	struct chan_text t;
	int whole;
	size_t len;
	char first, last;
};

static void tx_msg(void *ctx, const struct ipc_msg *m)
{
	struct texts *x = ctx;

	if (chan_text_add(&x->t, m, sizeof(uint32_t)) == 1) {
		x->whole++;
		x->len = x->t.len;
		x->first = x->t.buf[0];
		x->last = x->t.buf[x->t.len - 1];
	}
}

/* A long text arrives whole; pieces out of order are dropped, not joined. */
static void test_text_pieces(void **state)
{
	struct event_base *base = event_base_new();
	struct texts x = { .whole = 0 };
	size_t len = 3 * CHAN_PART_MAX + 17;
	char *text = malloc(len);
	uint8_t piece[sizeof(uint32_t) + sizeof(struct chan_part) + 8];
	struct chan_part p = { .seq = 1, .more = 0 };
	uint32_t hdr = 42;
	struct chan *a, *b;
	int fds[2];

	(void)state;
	assert_int_equal(ipc_pair(fds), 0);
	a = chan_new(base, fds[0], tx_msg, NULL, &x);
	b = chan_new(base, fds[1], tx_msg, NULL, &x);
	memset(text, 'm', len);
	text[0] = 'F';
	text[len - 1] = 'L';
	assert_int_equal(chan_send_text(b, 300, &hdr, sizeof(hdr), text, len), 0);
	for (int i = 0; i < 50 && !x.whole; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(x.whole, 1);
	assert_int_equal(x.len, len);
	assert_int_equal(x.first, 'F');
	assert_int_equal(x.last, 'L');
	/* A second piece with no first one. */
	memcpy(piece, &hdr, sizeof(hdr));
	memcpy(piece + sizeof(hdr), &p, sizeof(p));
	memcpy(piece + sizeof(hdr) + sizeof(p), "orphan!!", 8);
	assert_int_equal(ipc_send(fds[1], 300, piece, sizeof(piece)), 0);
	for (int i = 0; i < 20; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
	assert_int_equal(x.whole, 1);
	assert_int_equal(x.t.dropped, 1);
	chan_text_free(&x.t);
	chan_free(a);
	chan_free(b);
	close(fds[0]);
	close(fds[1]);
	free(text);
	event_base_free(base);
}

static void bt_send(struct bind_table *t, uint32_t type, const void *d, size_t len)
{
	static struct ipc_msg m;

	m.hdr.type = type;
	m.hdr.len = (uint32_t)len;
	if (len)
		memcpy(m.data, d, len);
	assert_int_equal(bind_table_msg(t, &m), 0);
}

/* The parent's bind table answers as the engine would have. */
static void test_bind_table(void **state)
{
	struct bind_table t;
	struct msg_bind_begin b = { .routing = 1, .n = 2 };
	struct bind_info in[2] = {
		{ .handle = 3, .table = 1001, .mark = 0x13e9, .ifindex = 7, .explicit_ = 1 },
		{ .handle = 4, .table = 0 },
	};
	struct bind_info out;
	char err[320];
	struct ipc_msg m = { .hdr = { MSG_BIND_ENTRY, 3 } };

	(void)state;
	snprintf(in[0].id, sizeof(in[0].id), "Corp.Example");
	snprintf(in[1].id, sizeof(in[1].id), "fe80::1%%eth0");
	bind_table_init(&t);
	assert_int_equal(bind_table_lookup(&t, "corp.example", &out, err, sizeof(err)), -ENOENT);
	bt_send(&t, MSG_BIND_BEGIN, &b, sizeof(b));
	bt_send(&t, MSG_BIND_ENTRY, &in[0], sizeof(in[0]));
	bt_send(&t, MSG_BIND_ENTRY, &in[1], sizeof(in[1]));
	bt_send(&t, MSG_BIND_END, NULL, 0);
	assert_int_equal(bind_table_lookup(&t, "CORP.example.", &out, err, sizeof(err)), 0);
	assert_int_equal(out.mark, 0x13e9);
	assert_int_equal(out.ifindex, 7);
	assert_int_equal(bind_table_lookup(&t, "3", &out, err, sizeof(err)), 0);
	assert_int_equal(bind_table_lookup(&t, "FE80::1%eth0", &out, err, sizeof(err)), -ENOENT);
	assert_int_equal(bind_table_lookup(&t, "fe80::1%eth0", &out, err, sizeof(err)),
			 -ENETUNREACH);
	assert_int_equal(bind_table_lookup(&t, "", &out, err, sizeof(err)), -EINVAL);
	/* A table cut short is not taken: the last whole one stays. */
	b.routing = 0;
	b.n = 1;
	bt_send(&t, MSG_BIND_BEGIN, &b, sizeof(b));
	assert_int_equal(bind_table_msg(&t, &m), -EBADMSG);
	assert_int_equal(bind_table_lookup(&t, "3", &out, err, sizeof(err)), 0);
	/* Routing off: every PvD is refused with the reason. */
	b.n = 0;
	snprintf(b.error, sizeof(b.error), "no tables");
	bt_send(&t, MSG_BIND_BEGIN, &b, sizeof(b));
	bt_send(&t, MSG_BIND_END, NULL, 0);
	assert_int_equal(bind_table_lookup(&t, "3", &out, err, sizeof(err)), -ENOENT);
	bind_table_free(&t);
}

static void nv_ignore_msg(void *ctx, const struct ipc_msg *m)
{
	(void)ctx;
	(void)m;
}

/* Issue 17 (UBSan under churn): a message without payload, sent with a
 * NULL pointer as the channel's own messages are (MSG_SYNC_DONE), is
 * queued behind others when the peer is slow, and arrives, empty, in
 * order. Before, the queue copied it with memcpy(dst, NULL, 0): undefined,
 * and fatal in the sanitizer build. */
static void test_chan_empty_queued(void **state)
{
	struct event_base *base = event_base_new();
	static struct ipc_msg m;
	uint8_t big[1024] = { 0 };
	struct chan *c;
	size_t n = 0, got = 0;
	int fds[2];

	(void)state;
	assert_non_null(base);
	assert_int_equal(ipc_pair(fds), 0);
	c = chan_new(base, fds[0], nv_ignore_msg, NULL, NULL);
	assert_non_null(c);
	while (chan_queued(c) == 0 && n < 100000) {  /* until the socket is full */
		assert_int_equal(chan_send(c, 1, big, sizeof(big)), 0);
		n++;
	}
	assert_true(chan_queued(c) > 0);
	assert_int_equal(chan_send(c, 2, NULL, 0), 0);
	for (int i = 0; i < 100000 && got <= n; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		while (ipc_recv(fds[1], &m) == 1) {
			got++;
			assert_int_equal(m.hdr.type, got <= n ? 1 : 2);
			assert_int_equal(m.hdr.len, got <= n ? sizeof(big) : 0);
		}
	}
	assert_int_equal(got, n + 1);
	chan_free(c);
	close(fds[0]);
	close(fds[1]);
	event_base_free(base);
}

struct nv_pressure {
	int over, under;
};

static void nv_pressure_cb(void *ctx, bool over)
{
	struct nv_pressure *p = ctx;

	if (over)
		p->over++;
	else
		p->under++;
}

/* Back-pressure (issue 17): past CHAN_HIGH_WATER queued the owner is told
 * once, under CHAN_LOW_WATER once again; nothing is dropped meanwhile and
 * everything arrives in order. */
static void test_chan_pressure(void **state)
{
	struct event_base *base = event_base_new();
	static struct ipc_msg m;
	static uint8_t big[60000];
	struct nv_pressure p = { 0 };
	struct chan_stats st;
	struct chan *c;
	size_t n = 0, got = 0;
	int fds[2];

	(void)state;
	assert_non_null(base);
	assert_int_equal(ipc_pair(fds), 0);
	c = chan_new(base, fds[0], nv_ignore_msg, NULL, NULL);
	assert_non_null(c);
	chan_set_pressure_cb(c, nv_pressure_cb, &p);
	while (p.over == 0 && n < 10000) {
		memset(big, (int)(n & 0xff), sizeof(big));
		assert_int_equal(chan_send(c, 1, big, sizeof(big)), 0);
		n++;
	}
	assert_int_equal(p.over, 1);
	assert_int_equal(p.under, 0);
	assert_true(chan_queued(c) > CHAN_HIGH_WATER);
	/* More past the mark is still queued, not dropped. */
	assert_int_equal(chan_send(c, 1, big, sizeof(big)), 0);
	n++;
	for (int i = 0; i < 1000000 && got < n; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		while (ipc_recv(fds[1], &m) == 1) {
			assert_int_equal(m.hdr.len, sizeof(big));
			assert_int_equal(m.data[0], got < n - 1 ? (uint8_t)(got & 0xff)
							       : (uint8_t)((n - 2) & 0xff));
			got++;
		}
	}
	assert_int_equal(got, n);
	assert_int_equal(p.over, 1);
	assert_int_equal(p.under, 1);
	chan_get_stats(c, &st);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.pauses, 1);
	assert_true(st.queued_max > CHAN_HIGH_WATER);
	assert_int_equal(st.queued, 0);
	chan_free(c);
	close(fds[0]);
	close(fds[1]);
	event_base_free(base);
}

struct nv_count {
	size_t msgs;
	bool closed, msgs_after_close;
};

static void nv_count_msg(void *ctx, const struct ipc_msg *m)
{
	struct nv_count *k = ctx;

	(void)m;
	k->msgs++;
	if (k->closed)
		k->msgs_after_close = true;
}

static void nv_count_close(void *ctx)
{
	((struct nv_count *)ctx)->closed = true;
}

/* A peer that sends its last messages and closes with ours unread in its
 * queue (the engine at a clean stop): the kernel reports ECONNRESET, and
 * the last messages must still be read before the channel ends (before:
 * the close came first and up to all of them were lost). */
static void test_chan_reset_keeps_last(void **state)
{
	struct event_base *base = event_base_new();
	struct nv_count k = { 0 };
	struct chan *c;
	int fds[2];

	(void)state;
	assert_non_null(base);
	assert_int_equal(ipc_pair(fds), 0);
	c = chan_new(base, fds[0], nv_count_msg, nv_count_close, &k);
	assert_non_null(c);
	assert_int_equal(chan_send(c, 7, "x", 1), 0);      /* never read by the peer */
	for (uint32_t i = 0; i < 20; i++)
		assert_int_equal(ipc_send(fds[1], 8, &i, sizeof(i)), 0);
	close(fds[1]);
	for (int i = 0; i < 100 && !k.closed; i++)
		event_base_loop(base, EVLOOP_NONBLOCK);
	assert_true(k.closed);
	assert_int_equal(k.msgs, 20);
	assert_false(k.msgs_after_close);
	chan_free(c);
	close(fds[0]);
	event_base_free(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chan_reset_keeps_last),
		cmocka_unit_test_setup_teardown(test_view_follows_engine, nv_setup, nv_teardown),
		cmocka_unit_test_setup_teardown(test_engine_checks_the_caller, nv_setup, nv_teardown),
		cmocka_unit_test_setup_teardown(test_view_same_id_back, nv_setup, nv_teardown),
		cmocka_unit_test(test_bad_view_dropped),
		cmocka_unit_test(test_view_domain_sel),
		cmocka_unit_test(test_text_pieces),
		cmocka_unit_test(test_chan_empty_queued),
		cmocka_unit_test(test_chan_pressure),
		cmocka_unit_test(test_bind_table),
	};

	log_set_level(LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * The stub's TCP side (RFC 7766): two-octet length-prefixed messages,
 * several queries per connection, answers in any order; a zero length or
 * a half message at close drops only that connection.
 *
 * Connections are capped in number (STUB_MAX_TCP_CLIENTS). Idle means no
 * query in flight and no whole query read or answer written for a while:
 * bytes of a message that never completes do not count, so a client cannot
 * hold a connection by trickling. RFC 7766 section 6.2.3: an idle
 * connection is closed after STUB_TCP_IDLE_S seconds, or after
 * STUB_TCP_IDLE_BUSY_MS when more than half the connections are in use;
 * and a new connection at the cap closes the least recently active one
 * (idle ones first) rather than being refused, so idle connections cannot
 * lock new clients out (issue 19).
 *
 * Per local user (issue 17, row 10): a user other than root holds at most
 * STUB_TCP_PER_USER connections (the peer's uid from stub_peer.c); its
 * next one closes its own least recently active. At the cap, room is made
 * in the connections of the user holding the most, so one user trickling
 * on many connections cannot push out the few of another.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/dns/stub_priv.h"

#define STUB_TCP_MAX_PENDING 32
/* Answers queued for a client that does not read: stop reading its
 * queries past this, so it cannot make mifd buffer without bound. */
#define STUB_TCP_MAX_OUTPUT (256u << 10)

struct stub_tcp_client {
	TAILQ_ENTRY(stub_tcp_client) e;
	struct stub *s;
	struct bufferevent *bev;
	uint64_t id;
	uint32_t uid;                  /* the client's owner, STUB_UID_UNKNOWN if not known */
	uint64_t active_ns;            /* last whole query read or answer written */
	unsigned pending;
	bool eof;                      /* half-closed: answer, then close */
};

static void st_free(struct stub_tcp_client *c)
{
	struct stub *s = c->s;

	TAILQ_REMOVE(&s->tcp_clients, c, e);
	s->n_tcp--;
	bufferevent_free(c->bev);
	free(c);
	if (!s->n_tcp && s->tcp_sweep)
		evtimer_del(s->tcp_sweep);
}

/* A whole message went one way: the client is active. tcp_clients is
 * kept least recently active first. */
static void st_touch(struct stub_tcp_client *c)
{
	c->active_ns = stub_now_ns();
	TAILQ_REMOVE(&c->s->tcp_clients, c, e);
	TAILQ_INSERT_TAIL(&c->s->tcp_clients, c, e);
}

/* RFC 7766 section 6.2.3: shorter idle timeouts when busy. */
static uint64_t st_idle_limit_ns(const struct stub *s)
{
	if (s->n_tcp > STUB_MAX_TCP_CLIENTS / 2)
		return STUB_TCP_IDLE_BUSY_MS * 1000000ull;
	return STUB_TCP_IDLE_S * 1000000000ull;
}

/* Close the connections idle past the limit; runs every second while
 * there are any. Bounded: at most STUB_MAX_TCP_CLIENTS are walked. */
static void st_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stub *s = arg;
	struct stub_tcp_client *c, *nc;
	uint64_t now = stub_now_ns(), limit = st_idle_limit_ns(s);

	(void)fd;
	(void)what;
	for (c = TAILQ_FIRST(&s->tcp_clients); c; c = nc) {
		nc = TAILQ_NEXT(c, e);
		if (!c->pending && now - c->active_ns >= limit) {
			s->ctr.tcp_idle_closed++;
			st_free(c);
		}
	}
}

/* The least recently active connection of uid (any uid if all) with
 * nothing in flight, else the least recently active of them. */
static struct stub_tcp_client *st_victim(struct stub *s, bool all, uint32_t uid)
{
	struct stub_tcp_client *c, *busy = NULL;

	TAILQ_FOREACH(c, &s->tcp_clients, e) {
		if (!all && c->uid != uid)
			continue;
		if (!c->pending)
			return c;
		if (!busy)
			busy = c;
	}
	return busy;
}

static size_t st_count(const struct stub *s, uint32_t uid)
{
	const struct stub_tcp_client *c;
	size_t n = 0;

	TAILQ_FOREACH(c, &s->tcp_clients, e)
		n += c->uid == uid;
	return n;
}

/* The user holding the most connections (bounded: the cap squared). */
static uint32_t st_top_user(const struct stub *s)
{
	const struct stub_tcp_client *c;
	size_t best = 0;
	uint32_t uid = STUB_UID_UNKNOWN;

	TAILQ_FOREACH(c, &s->tcp_clients, e) {
		size_t n = st_count(s, c->uid);

		if (n > best) {
			best = n;
			uid = c->uid;
		}
	}
	return uid;
}

/* Make room for a new connection of uid: at the user's own limit, in its
 * connections; at the cap, in those of the user holding the most. The
 * victim's answers, if any come, find no connection and are dropped. */
static void st_make_room(struct stub *s, uint32_t uid)
{
	struct stub_tcp_client *c = NULL;

	if (uid != 0 && st_count(s, uid) >= STUB_TCP_PER_USER) {
		c = st_victim(s, false, uid);
		if (c)
			s->ctr.tcp_user_evicted++;
	} else if (s->n_tcp >= STUB_MAX_TCP_CLIENTS) {
		c = st_victim(s, false, st_top_user(s));
		if (!c)
			c = st_victim(s, true, 0);
	}
	if (c) {
		s->ctr.tcp_evicted++;
		st_free(c);
	}
}

static void st_write(struct stub_tcp_client *c, const uint8_t *msg, size_t len)
{
	uint8_t l[2] = { (uint8_t)(len >> 8), (uint8_t)len };

	if (len > 65535)
		return;
	bufferevent_write(c->bev, l, 2);
	bufferevent_write(c->bev, msg, len);
}

static bool st_blocked(struct stub_tcp_client *c)
{
	return c->pending >= STUB_TCP_MAX_PENDING ||
	       evbuffer_get_length(bufferevent_get_output(c->bev)) > STUB_TCP_MAX_OUTPUT;
}

/* Queries already buffered are not announced again by libevent: run the
 * read callback from the loop (never from here: an answer is being
 * delivered and the stub's TCP buffers may be in use). */
static void st_resume(struct stub_tcp_client *c)
{
	if (c->eof || st_blocked(c))
		return;
	bufferevent_enable(c->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_input(c->bev)) >= 2)
		bufferevent_trigger(c->bev, EV_READ, BEV_TRIG_IGNORE_WATERMARKS |
				    BEV_TRIG_DEFER_CALLBACKS);
}

void stub_send_tcp(struct stub *s, uint64_t conn_id, const uint8_t *msg, size_t len)
{
	struct stub_tcp_client *c;

	TAILQ_FOREACH(c, &s->tcp_clients, e) {
		if (c->id == conn_id) {
			st_write(c, msg, len);
			st_touch(c);
			if (c->pending)
				c->pending--;
			st_resume(c);
			return;
		}
	}
}

static void st_read_cb(struct bufferevent *bev, void *arg)
{
	struct stub_tcp_client *c = arg;
	struct stub *s = c->s;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t l[2];

	while (evbuffer_get_length(in) >= 2 && !st_blocked(c)) {
		struct stub_tx *tx;
		size_t len;
		int r;

		evbuffer_copyout(in, l, 2);
		len = (size_t)l[0] << 8 | l[1];
		if (len == 0) {
			s->ctr.malformed++;
			st_free(c);
			return;
		}
		if (evbuffer_get_length(in) < 2 + len)
			return;
		evbuffer_drain(in, 2);
		evbuffer_remove(in, s->tcp_in, len);
		s->ctr.tcp++;
		st_touch(c);
		r = stub_handle_query(s, s->tcp_in, len, true, s->tcp_out, 65535, &tx);
		if (r > 0) {
			st_write(c, s->tcp_out, (size_t)r);
		} else if (tx) {
			tx->conn_id = c->id;
			c->pending++;
		}
	}
	/* Enough in flight or unread: read more once answers go out. */
	if (st_blocked(c))
		bufferevent_disable(bev, EV_READ);
}

/* Everything answered and written: a half-closed client is done. */
static void st_write_cb(struct bufferevent *bev, void *arg)
{
	struct stub_tcp_client *c = arg;

	if (c->eof && !c->pending && evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
		st_free(c);
		return;
	}
	st_resume(c);
}

static void st_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct stub_tcp_client *c = arg;

	/* RFC 7766 section 6.2.4: a client may half-close after its
	 * queries; its answers still go out. */
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) &&
	    (c->pending || evbuffer_get_length(bufferevent_get_output(bev)))) {
		c->eof = true;
		bufferevent_disable(bev, EV_READ);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		st_free(c);
}

static void st_accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
			 int salen, void *arg)
{
	struct stub *s = arg;
	struct stub_tcp_client *c;
	struct timeval one = { 1, 0 };
	uint32_t uid;

	(void)l;
	(void)sa;
	(void)salen;
	uid = stub_peer_uid(s, fd);
	st_make_room(s, uid);
	if (!(c = calloc(1, sizeof(*c)))) {
		s->ctr.overload++;
		close(fd);
		return;
	}
	c->s = s;
	c->id = ++s->next_conn_id;
	c->uid = uid;
	c->active_ns = stub_now_ns();
	c->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		close(fd);
		free(c);
		return;
	}
	TAILQ_INSERT_TAIL(&s->tcp_clients, c, e);
	if (!s->n_tcp++)
		event_add(s->tcp_sweep, &one);
	bufferevent_setcb(c->bev, st_read_cb, st_write_cb, st_event_cb, c);
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

static void st_unpause_cb(evutil_socket_t fd, short what, void *arg)
{
	struct stub *s = arg;

	(void)fd;
	(void)what;
	if (s->tcp_lst)
		evconnlistener_enable(s->tcp_lst);
}

/* accept() failed (out of descriptors): pause for a second rather than
 * spin on a connection that stays pending. */
static void st_listen_error_cb(struct evconnlistener *l, void *arg)
{
	struct stub *s = arg;
	struct timeval one = { 1, 0 };

	s->ctr.overload++;
	evconnlistener_disable(l);
	if (s->lst_pause)
		evtimer_add(s->lst_pause, &one);
}

int stub_tcp_open(struct stub *s, int fd)
{
	if (fd < 0)
		fd = stub_bind_listen(&s->cfg.listen, SOCK_STREAM);

	if (fd < 0)
		return fd;
	s->tcp_in = malloc(65536);
	s->tcp_out = malloc(65536);
	s->scratch = malloc(65536);
	s->tcp_lst = evconnlistener_new(s->base, st_accept_cb, s, LEV_OPT_CLOSE_ON_FREE, 64, fd);
	if (!s->tcp_lst || !s->tcp_in || !s->tcp_out || !s->scratch) {
		if (!s->tcp_lst)
			close(fd);
		return -ENOMEM;
	}
	evconnlistener_set_error_cb(s->tcp_lst, st_listen_error_cb);
	s->lst_pause = evtimer_new(s->base, st_unpause_cb, s);
	s->tcp_sweep = event_new(s->base, -1, EV_PERSIST, st_sweep_cb, s);
	return s->lst_pause && s->tcp_sweep ? 0 : -ENOMEM;
}

void stub_tcp_close(struct stub *s)
{
	while (!TAILQ_EMPTY(&s->tcp_clients))
		st_free(TAILQ_FIRST(&s->tcp_clients));
	if (s->tcp_lst)
		evconnlistener_free(s->tcp_lst);
	s->tcp_lst = NULL;
	if (s->lst_pause)
		event_free(s->lst_pause);
	s->lst_pause = NULL;
	if (s->tcp_sweep)
		event_free(s->tcp_sweep);
	s->tcp_sweep = NULL;
	free(s->tcp_in);
	free(s->tcp_out);
	free(s->scratch);
	s->tcp_in = s->tcp_out = s->scratch = NULL;
}

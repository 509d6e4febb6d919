/* SPDX-License-Identifier: MIT */
#include "daemon/core/chan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <unistd.h>

#include "common/log.h"

struct chan_item {
	STAILQ_ENTRY(chan_item) e;
	uint32_t type;
	int fd;                      /* a copy to pass with it, or -1 */
	size_t len;
	uint8_t data[];
};

struct chan {
	int fd;
	struct event *rev, *wev;
	chan_msg_cb on_msg;
	chan_close_cb on_close;
	bool reset;                  /* the peer is gone; read what it left */
	void *ctx;
	struct ipc_msg *buf;
	STAILQ_HEAD(, chan_item) q;
	size_t queued;
	uint64_t errors;
	struct chan_stats st;
	bool over;                   /* past the high-water mark, not yet under low */
	bool read_paused;
	chan_pressure_cb on_pressure;
	void *pressure_ctx;
	/* A peer that died or floods us must not flood the log: ten lines,
	 * then one a second, with the count of those left out. */
	struct log_ratelimit rl;
};

static bool chan_may_log(struct chan *c, uint64_t *left_out)
{
	return log_ratelimit_ok(&c->rl, left_out);
}

static void chan_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct chan *c = arg;
	uint64_t left;

	/* Bounded per wakeup so timers and other clients get their turn. */
	for (int i = 0; i < 256 && !c->read_paused; i++) {
		int r = ipc_recv(fd, c->buf);

		/* A peer that closed with our messages unread in its queue
		 * makes the kernel report ECONNRESET once, possibly before the
		 * messages it sent last (the engine's removals at a clean
		 * stop): those are read first; the channel ends when nothing
		 * is left. */
		if (r == -ECONNRESET) {
			c->reset = true;
			continue;
		}
		if (r == -EAGAIN && !c->reset)
			return;
		if (r == 0 || r == -EAGAIN) {
			event_del(c->rev);
			if (c->on_close)
				c->on_close(c->ctx);
			return;
		}
		if (r < 0) {
			/* The peer is treated as hostile: count, log, go on. */
			c->errors++;
			if (chan_may_log(c, &left))
				log_err("channel: malformed message: %s (%llu earlier ones not logged)",
					strerror(-r), (unsigned long long)left);
			continue;
		}
		c->on_msg(c->ctx, c->buf);
		/* A descriptor the receiver wanted, it used during the call. */
		if (c->buf->fd >= 0)
			close(c->buf->fd);
		c->buf->fd = -1;
	}
}

static int chan_flush(struct chan *c)
{
	struct chan_item *it;
	uint64_t left;

	while ((it = STAILQ_FIRST(&c->q))) {
		int r = ipc_send_fd(c->fd, it->type, it->data, it->len, it->fd);

		if (r == -EAGAIN || r == -ENOBUFS)
			return event_add(c->wev, NULL);
		STAILQ_REMOVE_HEAD(&c->q, e);
		c->queued -= it->len;
		if (it->fd >= 0)
			close(it->fd);
		free(it);
		if (c->over && c->queued < CHAN_LOW_WATER) {
			c->over = false;
			if (c->on_pressure)
				c->on_pressure(c->pressure_ctx, false);
		}
		if (r < 0) {
			c->errors++;
			if (chan_may_log(c, &left))
				log_err("channel: send failed: %s (%llu earlier ones not logged)",
					strerror(-r), (unsigned long long)left);
		}
	}
	return 0;
}

static void chan_write_cb(evutil_socket_t fd, short what, void *arg)
{
	chan_flush(arg);
}

int chan_send(struct chan *c, uint32_t type, const void *data, size_t len)
{
	return chan_send_fd(c, type, data, len, -1);
}

int chan_send_fd(struct chan *c, uint32_t type, const void *data, size_t len, int pass)
{
	struct chan_item *it;
	uint64_t left;
	int r;

	if (STAILQ_EMPTY(&c->q)) {
		r = ipc_send_fd(c->fd, type, data, len, pass);
		if (r != -EAGAIN && r != -ENOBUFS)
			return r;
	}
	if (len > IPC_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (c->queued + len > CHAN_MAX_QUEUED) {
		c->errors++;
		c->st.dropped++;
		if (chan_may_log(c, &left))
			log_err("channel: peer too slow, %zu bytes queued: message %u lost (%llu "
				"earlier ones not logged)", c->queued, type, (unsigned long long)left);
		return -ENOBUFS;
	}
	it = malloc(sizeof(*it) + len);
	if (!it)
		return -ENOMEM;
	it->type = type;
	it->len = len;
	it->fd = pass >= 0 ? fcntl(pass, F_DUPFD_CLOEXEC, 3) : -1;
	if (pass >= 0 && it->fd < 0) {
		free(it);
		return -errno;
	}
	/* An empty message may come with data NULL: memcpy must not see it
	 * (C11 7.24.1: undefined even for 0 octets; UBSan, issue 17). */
	if (len)
		memcpy(it->data, data, len);
	STAILQ_INSERT_TAIL(&c->q, it, e);
	c->queued += len;
	if (c->queued > c->st.queued_max)
		c->st.queued_max = c->queued;
	if (!c->over && c->queued > CHAN_HIGH_WATER) {
		c->over = true;
		c->st.pauses++;
		if (c->on_pressure)
			c->on_pressure(c->pressure_ctx, true);
	}
	return event_add(c->wev, NULL) < 0 ? -EIO : 0;
}

struct chan *chan_new(struct event_base *base, int fd, chan_msg_cb on_msg,
		      chan_close_cb on_close, void *ctx)
{
	struct chan *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = fd;
	c->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 1);
	c->on_msg = on_msg;
	c->on_close = on_close;
	c->ctx = ctx;
	STAILQ_INIT(&c->q);
	c->buf = malloc(sizeof(*c->buf));
	if (c->buf)
		c->buf->fd = -1;
	c->rev = event_new(base, fd, EV_READ | EV_PERSIST, chan_read_cb, c);
	c->wev = event_new(base, fd, EV_WRITE, chan_write_cb, c);
	if (!c->buf || !c->rev || !c->wev || event_add(c->rev, NULL) < 0) {
		chan_free(c);
		return NULL;
	}
	return c;
}

void chan_free(struct chan *c)
{
	struct chan_item *it;

	if (!c)
		return;
	/* Best effort: deliver what is queued (shutdown requests). The
	 * owner is going away: no pressure callback any more. */
	c->on_pressure = NULL;
	chan_flush(c);
	while ((it = STAILQ_FIRST(&c->q))) {
		STAILQ_REMOVE_HEAD(&c->q, e);
		if (it->fd >= 0)
			close(it->fd);
		free(it);
	}
	if (c->rev)
		event_free(c->rev);
	if (c->wev)
		event_free(c->wev);
	free(c->buf);
	free(c);
}

size_t chan_queued(const struct chan *c)
{
	return c->queued;
}

uint64_t chan_errors(const struct chan *c)
{
	return c->errors;
}

void chan_set_pressure_cb(struct chan *c, chan_pressure_cb cb, void *ctx)
{
	c->on_pressure = cb;
	c->pressure_ctx = ctx;
}

void chan_pause_read(struct chan *c, bool pause)
{
	if (pause == c->read_paused)
		return;
	c->read_paused = pause;
	/* Messages already in the socket wait there; the peer's own queue
	 * holds the rest (its sends get EAGAIN and are queued). */
	if (pause)
		event_del(c->rev);
	else
		event_add(c->rev, NULL);
}

void chan_get_stats(const struct chan *c, struct chan_stats *ret_st)
{
	*ret_st = c->st;
	ret_st->queued = c->queued;
}

int chan_send_text(struct chan *c, uint32_t type, const void *hdr, size_t hlen,
		   const char *text, size_t len)
{
	return chan_send_text_fd(c, type, hdr, hlen, text, len, -1);
}

int chan_send_text_fd(struct chan *c, uint32_t type, const void *hdr, size_t hlen,
		      const char *text, size_t len, int pass)
{
	uint8_t *m;
	size_t off = 0;
	uint32_t seq = 0;
	int r = 0;

	if (hlen > IPC_MAX_PAYLOAD - sizeof(struct chan_part) - CHAN_PART_MAX)
		return -EMSGSIZE;
	if (len > CHAN_TEXT_MAX)
		return -EMSGSIZE;
	m = malloc(hlen + sizeof(struct chan_part) + CHAN_PART_MAX);
	if (!m)
		return -ENOMEM;
	memcpy(m, hdr, hlen);
	do {
		size_t n = len - off > CHAN_PART_MAX ? CHAN_PART_MAX : len - off;
		struct chan_part p = { .seq = seq++, .more = off + n < len };

		memcpy(m + hlen, &p, sizeof(p));
		memcpy(m + hlen + sizeof(p), text + off, n);
		r = chan_send_fd(c, type, m, hlen + sizeof(p) + n, p.seq == 0 ? pass : -1);
		off += n;
	} while (r == 0 && off < len);
	free(m);
	return r;
}

static int chan_text_fail(struct chan_text *t, int err)
{
	t->open = false;
	t->len = 0;
	t->dropped++;
	return err;
}

int chan_text_add(struct chan_text *t, const struct ipc_msg *m, size_t hlen)
{
	struct chan_part p;
	size_t n;

	if (m->hdr.len < hlen + sizeof(p))
		return chan_text_fail(t, -EBADMSG);
	memcpy(&p, m->data + hlen, sizeof(p));
	n = m->hdr.len - hlen - sizeof(p);
	if (n > CHAN_PART_MAX || p.more > 1)
		return chan_text_fail(t, -EBADMSG);
	if (p.seq == 0) {
		if (t->open)
			t->dropped++;   /* the last one never finished */
		t->open = true;
		t->len = 0;
		t->type = m->hdr.type;
		t->next_seq = 0;
	}
	if (!t->open || p.seq != t->next_seq || m->hdr.type != t->type)
		return chan_text_fail(t, -EBADMSG);
	if (t->len + n + 1 > CHAN_TEXT_MAX)
		return chan_text_fail(t, -EMSGSIZE);
	if (t->len + n + 1 > t->cap) {
		size_t cap = (t->len + n + 1) * 2;
		char *b = realloc(t->buf, cap);

		if (!b)
			return chan_text_fail(t, -ENOMEM);
		t->buf = b;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, m->data + hlen + sizeof(p), n);
	t->len += n;
	t->buf[t->len] = '\0';
	t->next_seq++;
	if (p.more)
		return 0;
	t->open = false;
	return 1;
}

void chan_text_free(struct chan_text *t)
{
	free(t->buf);
	memset(t, 0, sizeof(*t));
}

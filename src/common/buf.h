/* SPDX-License-Identifier: MIT */
/*
 * Bounded read cursor over untrusted bytes.
 *
 * Every read checks "need > remaining" before touching memory, so the check
 * cannot overflow (systemd's dns_packet_read() rewrite, c-ares' ares_buf).
 * Reads past the end return -EBADMSG and leave the cursor where it was.
 */
#ifndef MIF_COMMON_BUF_H
#define MIF_COMMON_BUF_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct buf {
	const uint8_t *p;   /* next unread byte */
	size_t rem;         /* bytes left from p */
};

static inline void buf_init(struct buf *b, const void *data, size_t len)
{
	b->p = data;
	b->rem = len;
}

static inline size_t buf_remaining(const struct buf *b)
{
	return b->rem;
}

static inline int buf_skip(struct buf *b, size_t n)
{
	if (n > b->rem)
		return -EBADMSG;
	b->p += n;
	b->rem -= n;
	return 0;
}

static inline int buf_read(struct buf *b, void *out, size_t n)
{
	if (n > b->rem)
		return -EBADMSG;
	memcpy(out, b->p, n);
	b->p += n;
	b->rem -= n;
	return 0;
}

static inline int buf_u8(struct buf *b, uint8_t *v)
{
	return buf_read(b, v, 1);
}

static inline int buf_be16(struct buf *b, uint16_t *v)
{
	uint8_t x[2];
	int r = buf_read(b, x, 2);

	if (r < 0)
		return r;
	*v = (uint16_t)((x[0] << 8) | x[1]);
	return 0;
}

static inline int buf_be32(struct buf *b, uint32_t *v)
{
	uint8_t x[4];
	int r = buf_read(b, x, 4);

	if (r < 0)
		return r;
	*v = ((uint32_t)x[0] << 24) | ((uint32_t)x[1] << 16) |
	     ((uint32_t)x[2] << 8) | (uint32_t)x[3];
	return 0;
}

/* Split off the next n bytes as a sub-cursor and advance past them. */
static inline int buf_sub(struct buf *b, size_t n, struct buf *sub)
{
	if (n > b->rem)
		return -EBADMSG;
	buf_init(sub, b->p, n);
	b->p += n;
	b->rem -= n;
	return 0;
}

/*
 * Write cursor for builders: writes past the end set an overflow flag
 * instead of writing, so a builder can check once at the end.
 */
struct wbuf {
	uint8_t *base;
	size_t len;
	size_t cap;
	int overflow;
};

static inline void wbuf_init(struct wbuf *w, void *data, size_t cap)
{
	w->base = data;
	w->len = 0;
	w->cap = cap;
	w->overflow = 0;
}

static inline uint8_t *wbuf_put(struct wbuf *w, const void *data, size_t n)
{
	uint8_t *at;

	if (w->overflow || n > w->cap - w->len) {
		w->overflow = 1;
		return NULL;
	}
	at = w->base + w->len;
	if (data)
		memcpy(at, data, n);
	else
		memset(at, 0, n);
	w->len += n;
	return at;
}

static inline void wbuf_u8(struct wbuf *w, uint8_t v)
{
	wbuf_put(w, &v, 1);
}

static inline void wbuf_be16(struct wbuf *w, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	wbuf_put(w, x, 2);
}

static inline void wbuf_be32(struct wbuf *w, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 8), (uint8_t)v };

	wbuf_put(w, x, 4);
}

#endif

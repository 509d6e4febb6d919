/* SPDX-License-Identifier: MIT */
/*
 * A message channel between mifd's parts on one SOCK_SEQPACKET descriptor:
 * common/ipc.h framing, read and write driven by libevent, and an outgoing
 * queue so a burst (the initial netlink dump of a large routing table)
 * never loses a message when the peer is momentarily behind. The queue is
 * bounded; past the bound a send fails with -ENOBUFS, is counted and logged.
 *
 * Back-pressure (issue 17): a sender whose input is a flood (the kernel
 * side's RA and netlink sockets, the engine's RAs) registers a pressure
 * callback and stops reading that input while more than CHAN_HIGH_WATER
 * bytes wait, resuming once the queue is under CHAN_LOW_WATER. The bound is
 * then never reached: what is not read stays in the kernel's socket
 * buffers, where an overflow is the network's loss (an RA is repeated) or
 * is noticed (netlink's ENOBUFS starts a full dump), never a silent one.
 */
#ifndef MIF_DAEMON_CHAN_H
#define MIF_DAEMON_CHAN_H

#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/ipc.h"

#define CHAN_MAX_QUEUED (16u << 20)
#define CHAN_HIGH_WATER (4u << 20)
#define CHAN_LOW_WATER (1u << 20)

struct chan;

/* Called for each message received. */
typedef void (*chan_msg_cb)(void *ctx, const struct ipc_msg *m);
/* Called once when the peer closes or the channel fails. */
typedef void (*chan_close_cb)(void *ctx);

struct chan *chan_new(struct event_base *base, int fd, chan_msg_cb on_msg,
		      chan_close_cb on_close, void *ctx);
void chan_free(struct chan *c);
int chan_send(struct chan *c, uint32_t type, const void *data, size_t len);
/* The same with a descriptor (SCM_RIGHTS; the caller keeps its own). The
 * receiver finds it in m->fd during its callback, after which the channel
 * closes it. */
int chan_send_fd(struct chan *c, uint32_t type, const void *data, size_t len, int pass);
uint64_t chan_errors(const struct chan *c);
/* Bytes waiting to be sent. */
size_t chan_queued(const struct chan *c);

/* Called with over = true when the queue grows past CHAN_HIGH_WATER, with
 * false when it falls back under CHAN_LOW_WATER. */
typedef void (*chan_pressure_cb)(void *ctx, bool over);
void chan_set_pressure_cb(struct chan *c, chan_pressure_cb cb, void *ctx);
/* Stop (true) or resume reading the peer's messages. */
void chan_pause_read(struct chan *c, bool pause);

struct chan_stats {
	uint64_t dropped;        /* messages refused: the queue was full */
	uint64_t pauses;         /* times the queue went past CHAN_HIGH_WATER */
	uint64_t queued_max;     /* the most bytes that waited at once */
	uint64_t queued;         /* bytes waiting now */
};
void chan_get_stats(const struct chan *c, struct chan_stats *ret_st);

/*
 * A text longer than one message (a JSON reply listing 256 PvDs) travels
 * as pieces: each message is the caller's fixed header (hlen bytes, the
 * same in every piece), then struct chan_part, then at most CHAN_PART_MAX
 * bytes of the text. The receiver checks the header size exactly and the
 * piece numbers in order; a text whose pieces do not follow each other is
 * dropped whole, never delivered in part.
 */
#define CHAN_PART_MAX 60000u
#define CHAN_TEXT_MAX (16u << 20)

struct chan_part {
	uint32_t seq;            /* 0 for the first piece */
	uint32_t more;           /* 1 if another piece follows */
};

int chan_send_text(struct chan *c, uint32_t type, const void *hdr, size_t hlen,
		   const char *text, size_t len);
/* The same with a descriptor on the first piece. */
int chan_send_text_fd(struct chan *c, uint32_t type, const void *hdr, size_t hlen,
		      const char *text, size_t len, int pass);

struct chan_text {
	char *buf;
	size_t len, cap;
	uint32_t type, next_seq;
	bool open;               /* pieces received, the last one not yet */
	uint64_t dropped;        /* texts dropped: malformed or out of order */
};

/* Add the piece in m (header of hlen bytes). Returns 1 when the text is
 * whole: t->buf holds it, NUL-terminated, t->len long, and the header is
 * m->data. 0 when more is to come; -EBADMSG or -EMSGSIZE for a piece that
 * does not fit (the text so far is dropped and counted). */
int chan_text_add(struct chan_text *t, const struct ipc_msg *m, size_t hlen);
void chan_text_free(struct chan_text *t);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * A message channel between mifd's parts on one SOCK_SEQPACKET descriptor:
 * common/ipc.h framing, read and write driven by libevent, and an outgoing
 * queue so a burst (the initial netlink dump of a large routing table)
 * never loses a message when the peer is momentarily behind. The queue is
 * bounded; past the bound a send fails with -ENOBUFS and is logged.
 */
#ifndef MIF_DAEMON_CHAN_H
#define MIF_DAEMON_CHAN_H

#include <event2/event.h>
#include <stddef.h>
#include <stdint.h>

#include "common/ipc.h"

#define CHAN_MAX_QUEUED (16u << 20)

struct chan;

/* Called for each message received. */
typedef void (*chan_msg_cb)(void *ctx, const struct ipc_msg *m);
/* Called once when the peer closes or the channel fails. */
typedef void (*chan_close_cb)(void *ctx);

struct chan *chan_new(struct event_base *base, int fd, chan_msg_cb on_msg,
		      chan_close_cb on_close, void *ctx);
void chan_free(struct chan *c);
int chan_send(struct chan *c, uint32_t type, const void *data, size_t len);
uint64_t chan_errors(const struct chan *c);

#endif

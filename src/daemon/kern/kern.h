/* SPDX-License-Identifier: MIT */
/*
 * The kernel side of mifd: owns the rtnetlink sockets and the raw ICMPv6
 * socket, forwards what they say to the engine as messages, and carries
 * out the engine's requests (addresses). It holds no PvD state.
 */
#ifndef MIF_DAEMON_KERN_H
#define MIF_DAEMON_KERN_H

#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>

#include "daemon/core/limits.h"

#define KERN_MAX_IFACES CORE_MAX_IFACES

struct kern_config {
	const char *ifaces[KERN_MAX_IFACES];   /* empty: every non-loopback link */
	size_t n_ifaces;
	bool routing;            /* per-PvD routing on: set its sysctls on managed links */
};

struct kern;

/* Opens every socket (needs CAP_NET_RAW and CAP_NET_ADMIN) and starts the
 * initial dump. Returns NULL with *err set to a negative errno. */
struct kern *kern_new(struct event_base *base, int engine_fd, const struct kern_config *cfg,
		      int *err);
void kern_free(struct kern *k);

#endif

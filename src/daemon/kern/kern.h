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
#include <stdint.h>

#include "daemon/core/limits.h"

#define KERN_MAX_IFACES CORE_MAX_IFACES

struct kern_config {
	const char *ifaces[KERN_MAX_IFACES];   /* empty: every non-loopback link */
	size_t n_ifaces;
	bool routing;            /* per-PvD routing on: set its sysctls on managed links */
	int privacy;             /* enum slaac_privacy: the kernel's SLAAC policy */
	uint8_t stable_secret[16];   /* its stable_secret (RFC 7217), from mifd's */
	const char *state_dir;   /* where the sysctls found are kept (NULL: memory only) */
};

struct kern;

/* Opens every socket (needs CAP_NET_RAW and CAP_NET_ADMIN) and starts the
 * initial dump. Returns NULL with *err set to a negative errno. */
struct kern *kern_new(struct event_base *base, int engine_fd, const struct kern_config *cfg,
		      int *err);
void kern_free(struct kern *k);
/* At a clean stop: each per-link sysctl mifd changed back to the value it
 * found, where the knob still holds mifd's (kern_sysctl.c). */
void kern_sysctl_restore(struct kern *k);

/* Messages from the engine for the privileged parent's other parts (the
 * bind table, resolv.conf's search line): handed to cb. */
struct ipc_msg;
typedef void (*kern_other_fn)(void *ctx, const struct ipc_msg *m);
void kern_set_other_cb(struct kern *k, kern_other_fn cb, void *ctx);
/* The channel to the engine, for the parent's own messages (static PvD
 * files). */
struct chan *kern_chan(struct kern *k);
/* Forget the stable_secret (in a child forked from the parent). */
void kern_wipe_secret(struct kern *k);

#endif

/* SPDX-License-Identifier: MIT */
/* The lease store's side in the privileged parent (lease_parent.c). */
#ifndef MIF_DAEMON_LEASE_PARENT_H
#define MIF_DAEMON_LEASE_PARENT_H

#include <stdint.h>

#include "common/ipc.h"
#include "daemon/core/chan.h"

/* Read the RFC 7217 secret of dir, or make one and keep it there. */
void lease_parent_secret(const char *dir, uint8_t secret[32]);
/* The kernel's stable_secret (16 bytes) derived from it, so that the
 * kernel's copy (readable by root in /proc) is not mifd's key itself. */
void lease_parent_kernel_secret(const uint8_t secret[32], uint8_t out[16]);
/* Send the secret to the engine (MSG_SECRET), then every valid record
 * (MSG_LEASE). Returns the number of records, or a negative errno if dir
 * cannot be read. */
int lease_parent_start(struct chan *c, const char *dir, const uint8_t secret[32]);
/* Write (or, for an empty payload, remove) what MSG_LEASE_SAVE says. */
void lease_parent_msg(const char *dir, const struct ipc_msg *m);

#endif

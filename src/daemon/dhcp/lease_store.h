/* SPDX-License-Identifier: MIT */
/*
 * DHCP leases kept on disk between runs (privileged parent): one file per
 * lease, state_dir/NAME.lease, mode 0600 in a 0700 directory. The parent
 * never reads the text: it stores what the engine sends (MSG_LEASE_SAVE)
 * and sends back what it finds at start (MSG_LEASE), and the engine
 * parses it (a corrupt file is the engine's to refuse).
 */
#ifndef MIF_DAEMON_LEASE_STORE_H
#define MIF_DAEMON_LEASE_STORE_H

#include <stddef.h>

#include "daemon/core/chan.h"

#define LEASE_STORE_DEFAULT_DIR "/var/lib/mif"

/* Write text as dir/name.lease atomically: a temporary file in dir,
 * written, fsync()ed, renamed over the old one, then the directory
 * fsync()ed, so a crash leaves the old file or the new one, never a part.
 * len 0 removes the file. name must be [A-Za-z0-9._-]+ (-EINVAL). */
int lease_store_write(const char *dir, const char *name, const char *text, size_t len);
/* Send every NAME.lease of dir to the engine as MSG_LEASE; how many. */
int lease_store_send(struct chan *c, const char *dir);
/* A MSG_LEASE_SAVE from the engine: checked, then written; logs failures. */
void lease_store_msg(const char *dir, const void *data, size_t len);

#endif

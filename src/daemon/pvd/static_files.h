/* SPDX-License-Identifier: MIT */
/* Reading the static PvD files for the engine (privileged parent). */
#ifndef MIF_DAEMON_STATIC_FILES_H
#define MIF_DAEMON_STATIC_FILES_H

#include <stdint.h>

#include "daemon/core/chan.h"

/* Send every *.conf of dir to the engine on c, then MSG_PVD_FILES_END
 * (with -errno when dir cannot be read; ENOENT means no static PvDs).
 * Returns what sending the end returned. */
int static_files_send(struct chan *c, const char *dir);
/* The same files as messages of type (policy/policy_files.c reads its
 * directory this way), the end's counts in *ret_end, not sent. */
struct msg_pvd_files_end;
void static_files_send_dir(struct chan *c, const char *dir, uint32_t type,
			   struct msg_pvd_files_end *ret_end);

#endif

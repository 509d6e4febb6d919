/* SPDX-License-Identifier: MIT */
/* Reading the policy files for the engine (privileged parent). */
#ifndef MIF_DAEMON_POLICY_FILES_H
#define MIF_DAEMON_POLICY_FILES_H

#include <stdint.h>

#include "daemon/core/chan.h"

/* Send every *.conf of dir as MSG_POLICY_FILE, then MSG_POLICY_FILES_END
 * with the actors' precedence (lowest first) and seq (the reload asked
 * for, 0 none). Returns what sending the end returned. */
int policy_files_send(struct chan *c, const char *dir, const uint8_t prec[3], uint32_t seq);

#endif

/* SPDX-License-Identifier: MIT */
/* The privileged parent: starts the engine and the network-facing process
 * and runs the kernel side until stopped (parent.c). */
#ifndef MIF_DAEMON_PARENT_H
#define MIF_DAEMON_PARENT_H

#include "daemon/core/config.h"

/* Returns mifd's exit status. */
int parent_run(const struct mifd_config *cfg);

#endif
